"""Progress on a measure, reported by the organisation that provides it: a status and a note, with history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.policy import COORDINATOR_ROLES, active_seats
from utvei.core.markings import marking_errors
from utvei.core.text import hidden_control_errors
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify
from utvei.plans.models import Measure, MeasureProgress, MeasureStatus, Plan
from utvei.plans.services._common import _diff, _snapshot, _version

# The longest progress note taken; a longer text belongs in the provider's own records.
NOTE_MAX_LENGTH = 4000


def _progress_errors(*, measure: Measure, plan: Plan, status: str, note: str) -> dict[str, str]:
    errors = hidden_control_errors(note=note)
    errors.update(marking_errors({"note": note}))
    if status not in MeasureStatus.values:
        errors["status"] = _("Choose a status.")
    if len(note) > NOTE_MAX_LENGTH:
        errors.setdefault(
            "note",
            _("Write at most %(limit)d characters (you wrote %(count)d).")
            % {
                "limit": NOTE_MAX_LENGTH,
                "count": len(note),
            },
        )
    if status == measure.status and not note.strip() and "status" not in errors:
        errors["note"] = _("Change the status or write a progress note.")
    if plan.is_ended:
        errors["status"] = _("The plan has ended and can no longer be changed.")
    return errors


def measure_progress_record(*, actor: User, measure_id: int, status: str, note: str = "") -> MeasureProgress:
    """Report progress on a measure for the organisation that provides it: a new status and/or a note.

    Only a seat of the provider organisation on the measure's open case may report, and only on a measure of
    a plan that has not ended. The report is kept as a new ``MeasureProgress`` row owned by the provider
    (nothing is overwritten), a changed status is also set on the measure and kept as a plan version, and
    the plan's coordinator and the case's exit coordinators are told in their inbox (no content).

    :raises NotFound: the measure does not exist or the actor's organisation does not provide it.
    :raises ValidationError: an unknown status, no change at all, a note too long or holding hidden
        characters or a classification marking, or an ended plan (every error at once; nothing changes).
    """
    with transaction.atomic():
        measure = Measure.objects.select_for_update().filter(pk=measure_id).first()
        if measure is None or measure.plan_id is None:
            raise NotFound(Measure._meta.label, measure_id)
        policy.require(actor, Action.RESPOND, measure)
        plan = Plan.objects.select_for_update().select_related("case").get(pk=measure.plan_id)
        errors = _progress_errors(measure=measure, plan=plan, status=status, note=note)
        if errors:
            raise ValidationError(errors)
        before = _snapshot(measure, ("status",))
        progress = MeasureProgress.objects.create(
            measure=measure,
            case_id=measure.case_id,
            status_before=measure.status,
            status=status,
            note=note.strip(),
            recorded_by=actor,
            owner_organisation_id=measure.provider_organisation_id,
            category=measure.category,
        )
        changed = ["status", "note"] if note.strip() else ["status"]
        record(actor=actor, event=AuditEvent.CREATE, target=progress, case=plan.case, changed_fields=changed)
        if status != measure.status:
            measure.status = status
            measure.version += 1
            measure.save(update_fields=["status", "version"])
            changes = _diff(before, _snapshot(measure, ("status",)))
            _version(actor=actor, plan=plan, obj=measure, action="update", changes=changes, category=measure.category)
            record(actor=actor, event=AuditEvent.UPDATE, target=measure, case=plan.case, changed_fields=["status"])
        coordinators = set(
            plan.case.team.filter(role__in=sorted(COORDINATOR_ROLES), left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        coordinator = plan.coordinator
        if coordinator is not None and active_seats(coordinator).filter(case_id=plan.case_id).exists():
            coordinators.add(coordinator.pk)
        notify(
            recipient_ids=sorted(coordinators),
            kind=NotificationKind.MEASURE_UPDATED,
            key=f"measure_progress:{progress.pk}",
            case_id=plan.case_id,
            actor_id=actor.pk,
        )
    return progress
