"""Shared parts of the plan services: field lists, diffs, versions and locks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.policy import active_seats
from utvei.core.editing import EditConflict
from utvei.plans.models import (
    Plan,
    PlanVersion,
)

PLAN_FIELDS = ("coordinator", "period_start", "period_end", "cooperation", "consents_note")
GOAL_FIELDS = ("text", "domain", "status")
DOMAIN_FIELDS = ("domain", "resources", "needs")
PARTICIPANT_FIELDS = ("organisation", "contact_name", "legal_reference", "responsibility")
MEASURE_FIELDS = (
    "kind",
    "title",
    "provider_organisation",
    "responsible_user",
    "responsible_name",
    "start_on",
    "end_on",
    "status",
    "goal",
    "outcome",
    "decision_reference",
    "decision_date",
)
MEETING_FIELDS = ("held_on", "is_review", "agenda", "attendance", "minutes")


class PlanAlreadyExists(ValidationError):
    """Say the person already has a plan (R07); ``plan`` is the one to join instead."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(_("This person already has an individual plan. Join the existing plan instead."))
        self.plan = plan


# --- diffs and versions --------------------------------------------------------------------------------


def _display(obj: models.Model, name: str) -> str:
    """Give a field's value as a reader sees it (choice labels, names, ISO dates)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _snapshot(obj: models.Model | None, fields: Iterable[str]) -> dict[str, str]:
    if obj is None:
        return dict.fromkeys(fields, "")
    return {name: _display(obj, name) for name in fields}


def _diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def _version(
    *,
    actor: User,
    plan: Plan,
    obj: models.Model,
    action: str,
    changes: dict[str, list[str]],
    category: str = Category.PLAN,
) -> PlanVersion | None:
    """Bump the plan's version and keep the diff of one change (nothing when nothing changed)."""
    if not changes and action == "update":
        return None
    plan.version += 1
    Plan.objects.filter(pk=plan.pk).update(version=plan.version)
    return PlanVersion.objects.create(
        plan=plan,
        case_id=plan.case_id,
        number=plan.version,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        changes=json.dumps(changes, ensure_ascii=False),
        changed_by=actor,
        owner_organisation_id=getattr(obj, "owner_organisation_id", plan.owner_organisation_id),
        category=category,
    )


def _record_created(
    *, actor: User, plan: Plan, obj: models.Model, fields: Iterable[str], category: str = Category.PLAN
) -> None:
    """Keep a new plan item as a plan version (every field, from empty) and audit it."""
    changes = _diff(_snapshot(None, fields), _snapshot(obj, fields))
    _version(actor=actor, plan=plan, obj=obj, action="create", changes=changes, category=category)
    record(actor=actor, event=AuditEvent.CREATE, target=obj, case=plan.case, changed_fields=sorted(changes))


def _lock_plan(actor: User, plan_id: int) -> Plan:
    """Lock a plan for a change by the actor, refusing an ended plan.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: the plan has ended and is read-only.
    """
    plan = Plan.objects.select_for_update().select_related("case", "case__person").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(Plan._meta.label, plan_id)
    policy.require(actor, Action.UPDATE, plan)
    if plan.is_ended:
        raise ValidationError(_("The plan has ended and can no longer be changed."))
    return plan


def _refuse_stale_plan(plan: Plan, expected_version: int) -> None:
    """Refuse a change of the plan's own fields made on a form loaded before the plan itself changed.

    The plan's version counts every change to the plan and its parts (it numbers the history), so a goal
    added meanwhile must not block the coordinator's form: only a version about the plan itself counts.
    Call it with the plan locked (:func:`_lock_plan`); every writer of plan versions holds that lock.

    :raises EditConflict: the plan changed after version ``expected_version``.
    """
    changed = PlanVersion.objects.filter(
        plan=plan, object_type=Plan._meta.model_name, object_id=plan.pk, number__gt=expected_version
    ).exists()
    if changed or expected_version > plan.version:
        raise EditConflict(target=Plan._meta.label, target_id=plan.pk, current_version=plan.version)


def _plan_organisation(actor: User, plan: Plan) -> Organisation:
    """Name the organisation the actor records plan items for (their seat on the case)."""
    seat = active_seats(actor).filter(case_id=plan.case_id).select_related("organisation").order_by("added_at").first()
    if seat is None:
        raise NotFound(Plan._meta.label, plan.pk)
    return seat.organisation


def _not_in_future(day: date | None) -> bool:
    return day is None or day <= timezone.localdate()
