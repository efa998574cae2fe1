"""Reviews (R09), team meetings and the decisions that change measures; reading a version's diff."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import services as case_services
from utvei.cases.models import TaskKind
from utvei.cases.policy import active_seats
from utvei.core.text import hidden_control_errors
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify
from utvei.plans.models import (
    Decision,
    Measure,
    MeasureStatus,
    Meeting,
    Plan,
    PlanVersion,
    Review,
)
from utvei.plans.services._common import (
    MEETING_FIELDS,
    _diff,
    _display,
    _lock_plan,
    _not_in_future,
    _plan_organisation,
    _record_created,
    _version,
)
from utvei.plans.services.measures import measure_create, measure_update

# --- reviews (R09), team meetings and decisions -------------------------------------------------------


def _refresh_next_review(plan: Plan) -> None:
    next_due = Review.objects.filter(plan=plan, held_on__isnull=True).order_by("due_on").first()
    plan.next_review_on = next_due.due_on if next_due else None
    Plan.objects.filter(pk=plan.pk).update(next_review_on=plan.next_review_on)


def review_add(*, actor: User, plan_id: int, due_on: date) -> Review:
    """Set a review date of the plan and give the coordinator a task for it (R09).

    The task lives on the case (cases.services.task_create) and turns overdue there when the date passes.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no coordinator yet, a date in the past, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        if plan.coordinator is None:
            raise ValidationError(_("Appoint the plan coordinator first: the review becomes their task."))
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": _("A review date cannot be in the past.")})
        task = case_services.task_create(
            actor=actor,
            case_id=plan.case_id,
            kind=TaskKind.REVIEW_PLAN,
            due_on=due_on,
            assignee=plan.coordinator,
        )
        review = Review.objects.create(
            plan=plan,
            case_id=plan.case_id,
            due_on=due_on,
            task=task,
            owner_organisation=_plan_organisation(actor, plan),
        )
        _refresh_next_review(plan)
        _version(actor=actor, plan=plan, obj=review, action="create", changes={"due_on": ["", due_on.isoformat()]})
        record(actor=actor, event=AuditEvent.CREATE, target=review, case=plan.case, changed_fields=["due_on", "task"])
    return review


def reviews_due_notify(*, today: date) -> int:
    """Tell each plan coordinator of every review not held whose date has come (R09); give how many were told.

    Run daily by the worker (``plans.jobs``). Each review is told once, however often the job runs; a plan
    without a coordinator or an ended plan tells no one.
    """
    told = 0
    with transaction.atomic():
        due = Review.objects.filter(
            held_on__isnull=True, due_on__lte=today, plan__ended_at__isnull=True, plan__coordinator__isnull=False
        ).values_list("pk", "case_id", "plan__coordinator_id")
        for review_id, case_id, coordinator_id in due:
            told += len(
                notify(
                    recipient_ids=[coordinator_id],
                    kind=NotificationKind.REVIEW_DUE,
                    key=f"review:{review_id}",
                    case_id=case_id,
                )
            )
    return told


def meeting_record(
    *,
    actor: User,
    plan_id: int,
    held_on: date,
    is_review: bool,
    agenda: str,
    attendance: str = "",
    minutes: str = "",
) -> Meeting:
    """Record a team meeting (ansvarsgruppemøte). A review meeting marks the earliest
    open review as held and completes the coordinator's task.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no agenda, a date in the future, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors: dict[str, str] = {}
        if not agenda.strip():
            errors["agenda"] = _("Write the agenda.")
        if not _not_in_future(held_on):
            errors["held_on"] = _("Record a meeting once it has been held.")
        if errors:
            raise ValidationError(errors)
        meeting = Meeting.objects.create(
            plan=plan,
            case_id=plan.case_id,
            held_on=held_on,
            is_review=is_review,
            agenda=agenda.strip(),
            attendance=attendance.strip(),
            minutes=minutes.strip(),
            recorded_by=actor,
            owner_organisation=_plan_organisation(actor, plan),
        )
        if is_review:
            review = (
                Review.objects.select_for_update().filter(plan=plan, held_on__isnull=True).order_by("due_on").first()
            )
            if review is not None:
                review.held_on = held_on
                review.save(update_fields=["held_on"])
                if review.task_id:
                    case_services.task_complete(actor=actor, task_id=review.task_id)
                _refresh_next_review(plan)
        _record_created(actor=actor, plan=plan, obj=meeting, fields=MEETING_FIELDS)
    return meeting


def decision_record(
    *,
    actor: User,
    meeting_id: int,
    text: str,
    owner: User,
    deadline: date | None,
    measure_id: int | None = None,
    kind: str = "",
    title: str = "",
    provider_organisation: Organisation | None = None,
    goal_id: int | None = None,
) -> Decision:
    """Record a decision of a team meeting and carry it into the plan.

    With ``measure_id`` the decision changes that measure: the owner becomes its responsible person and
    the deadline its end. Without it, a new measure is made from ``kind``, ``title``, provider and goal,
    starting on the meeting's date. Either way the plan gets a new version.

    :raises NotFound: the meeting or measure does not exist or the actor may not change them.
    :raises ValidationError: no decision text, an owner off the team, a deadline before the meeting, or a
        new measure without what R24 requires (field errors).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_related("plan").filter(pk=meeting_id).first()
        if meeting is None or not policy.can(actor, Action.UPDATE, meeting):
            raise NotFound(Meeting._meta.label, meeting_id)
        plan = _lock_plan(actor, meeting.plan_id)
        errors: dict[str, str] = hidden_control_errors(title=title)
        if not text.strip():
            errors["text"] = _("Write the decision.")
        if not active_seats(owner).filter(case_id=plan.case_id).exists():
            errors["owner"] = _("The owner of a decision must be on the follow-up team.")
        if deadline is not None and deadline < meeting.held_on:
            errors["deadline"] = _("The deadline cannot be before the meeting.")
        if measure_id is None and provider_organisation is None:
            errors["provider_organisation"] = _("Choose who provides the measure.")
        if errors:
            raise ValidationError(errors)
        if measure_id is not None:
            measure = Measure.objects.filter(pk=measure_id, plan=plan).first()
            if measure is None or not policy.can(actor, Action.UPDATE, measure):
                raise ValidationError({"measure": _("Choose a measure of this plan.")})
            measure = measure_update(
                actor=actor,
                measure_id=measure.pk,
                kind=measure.kind,
                title=measure.title,
                provider_organisation=measure.provider_organisation,
                responsible_user=owner,
                start_on=measure.start_on,
                end_on=deadline if deadline else measure.end_on,
                status=MeasureStatus.ONGOING if measure.status == MeasureStatus.PLANNED else measure.status,
                goal_id=measure.goal_id,
                outcome=measure.outcome,
                decision_reference=measure.decision_reference,
                decision_date=measure.decision_date,
                # Read under the plan's lock, which every change of a plan's measure also takes.
                expected_version=measure.version,
            )
        else:
            assert provider_organisation is not None
            measure = measure_create(
                actor=actor,
                plan_id=plan.pk,
                kind=kind,
                title=title,
                provider_organisation=provider_organisation,
                responsible_user=owner,
                start_on=meeting.held_on,
                end_on=deadline,
                goal_id=goal_id,
            )
        plan.refresh_from_db(fields=["version"])
        decision = Decision.objects.create(
            meeting=meeting,
            case_id=plan.case_id,
            text=text.strip(),
            measure=measure,
            owner=owner,
            deadline=deadline,
            owner_organisation=meeting.owner_organisation,
        )
        _version(
            actor=actor,
            plan=plan,
            obj=decision,
            action="create",
            changes=_diff(
                {}, {"text": text.strip(), "measure": measure.title, "deadline": _display(decision, "deadline")}
            ),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=decision,
            case=plan.case,
            changed_fields=["text", "measure", "owner", "deadline"],
        )
    return decision


def version_changes(version: PlanVersion) -> dict[str, Any]:
    """Read a version's diff back as ``{field: [old, new]}``."""
    return json.loads(version.changes) if version.changes else {}
