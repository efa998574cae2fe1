"""Measures of a plan: provider, responsible person, period, status and outcome (R24, R37)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.core.editing import refuse_stale
from utvei.core.text import hidden_control_errors
from utvei.plans.models import (
    Goal,
    Measure,
    MeasureKind,
    MeasureStatus,
    Plan,
    measure_category,
)
from utvei.plans.services._common import (
    MEASURE_FIELDS,
    _diff,
    _lock_plan,
    _plan_organisation,
    _record_created,
    _snapshot,
    _version,
)

# --- measures (R24, R37) --------------------------------------------------------------------------------


def _measure_errors(
    *,
    plan: Plan,
    kind: str,
    title: str,
    responsible_user: User | None,
    responsible_name: str,
    start_on: date | None,
    end_on: date | None,
    status: str,
    goal_id: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = hidden_control_errors(title=title, responsible_name=responsible_name)
    if kind not in MeasureKind.values:
        errors["kind"] = _("Choose a kind of measure.")
    if not title.strip():
        errors.setdefault("title", _("Describe the measure in a few words."))
    if responsible_user is None and not responsible_name.strip():
        errors["responsible_name"] = _("Name the person responsible for the measure.")
    if start_on is None:
        errors["start_on"] = _("Give the start date.")
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = _("The measure cannot end before it starts.")
    if status not in MeasureStatus.values:
        errors["status"] = _("Choose a status.")
    if goal_id is None or not Goal.objects.filter(pk=goal_id, plan=plan).exists():
        errors["goal"] = _("Link the measure to one of the plan's goals.")
    return errors


def measure_create(
    *,
    actor: User,
    plan_id: int,
    kind: str,
    title: str,
    provider_organisation: Organisation,
    responsible_user: User | None = None,
    responsible_name: str = "",
    start_on: date | None,
    end_on: date | None = None,
    status: str = MeasureStatus.PLANNED,
    goal_id: int | None,
    outcome: str = "",
    decision_reference: str = "",
    decision_date: date | None = None,
) -> Measure:
    """Add a measure to the plan, linked to a goal (R24).

    The measure's information category follows its kind (health, work, school or plan), so the category
    gate shows it only to whom it may be shown. A plan gives no right to a service (R37): the service
    decision made elsewhere is referred to by reference and date.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no provider, responsible person, start date or goal, an unknown kind or
        status, a period that ends before it starts, or an ended plan (field errors).
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors = _measure_errors(
            plan=plan,
            kind=kind,
            title=title,
            responsible_user=responsible_user,
            responsible_name=responsible_name,
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
        )
        if errors:
            raise ValidationError(errors)
        measure = Measure.objects.create(
            case_id=plan.case_id,
            plan=plan,
            kind=kind,
            title=title.strip(),
            provider_organisation=provider_organisation,
            responsible_user=responsible_user,
            responsible_name="" if responsible_user else responsible_name.strip(),
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
            outcome=outcome.strip(),
            decision_reference=decision_reference.strip(),
            decision_date=decision_date,
            owner_organisation=_plan_organisation(actor, plan),
            category=measure_category(kind),
            created_by=actor,
        )
        _record_created(actor=actor, plan=plan, obj=measure, fields=MEASURE_FIELDS, category=measure.category)
    return measure


def measure_update(
    *,
    actor: User,
    measure_id: int,
    kind: str,
    title: str,
    provider_organisation: Organisation,
    responsible_user: User | None = None,
    responsible_name: str = "",
    start_on: date | None,
    end_on: date | None = None,
    status: str,
    goal_id: int | None,
    outcome: str = "",
    decision_reference: str = "",
    decision_date: date | None = None,
    expected_version: int,
) -> Measure:
    """Change a measure of the plan, if it is still at ``expected_version``; its category follows a changed kind.

    :raises NotFound: the measure does not exist or the actor may not change it.
    :raises EditConflict: someone saved the measure after the form was loaded; nothing changes.
    :raises ValidationError: as for :func:`measure_create`.
    """
    with transaction.atomic():
        measure = Measure.objects.select_for_update().filter(pk=measure_id).first()
        if measure is None or measure.plan_id is None:
            raise NotFound(Measure._meta.label, measure_id)
        policy.require(actor, Action.UPDATE, measure)
        plan = _lock_plan(actor, measure.plan_id)
        refuse_stale(
            target=Measure._meta.label,
            target_id=measure.pk,
            current_version=measure.version,
            expected_version=expected_version,
        )
        errors = _measure_errors(
            plan=plan,
            kind=kind,
            title=title,
            responsible_user=responsible_user,
            responsible_name=responsible_name,
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
        )
        if errors:
            raise ValidationError(errors)
        before = _snapshot(measure, MEASURE_FIELDS)
        measure.kind = kind
        measure.title = title.strip()
        measure.provider_organisation = provider_organisation
        measure.responsible_user = responsible_user
        measure.responsible_name = "" if responsible_user else responsible_name.strip()
        measure.start_on, measure.end_on, measure.status = start_on, end_on, status
        measure.goal_id = goal_id
        measure.outcome = outcome.strip()
        measure.decision_reference, measure.decision_date = decision_reference.strip(), decision_date
        measure.category = measure_category(kind)
        changes = _diff(before, _snapshot(measure, MEASURE_FIELDS))
        measure.version += 1 if changes else 0
        measure.save()
        _version(actor=actor, plan=plan, obj=measure, action="update", changes=changes, category=measure.category)
        record(actor=actor, event=AuditEvent.UPDATE, target=measure, case=plan.case, changed_fields=sorted(changes))
    return measure
