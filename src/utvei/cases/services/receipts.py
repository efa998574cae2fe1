"""The police contact's side of a report of serious concern: a task when it arrives, then outcome and reference."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, Escalation, EscalationOutcome, EscalationReceipt, Task, TeamMember
from utvei.core.markings import marking_errors
from utvei.core.text import hidden_control_errors

# Days the police contact has to answer a report received before the task is overdue.
ANSWER_WITHIN_DAYS = 2
REFERENCE_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 2000


def police_contact_ids(case: Case) -> list[int]:
    """Give the users holding a police contact seat in force on the case (seat open, membership active)."""
    memberships = Membership.objects.active().filter(
        user=OuterRef("user"), organisation=OuterRef("organisation"), role=Role.POLICE_CONTACT
    )
    seats = case.team.filter(role=Role.POLICE_CONTACT, left_at__isnull=True).filter(Exists(memberships))
    return sorted(set(seats.values_list("user_id", flat=True)))


def receipt_tasks_create(*, actor: User, case: Case, escalation: Escalation) -> list[Task]:
    """Give each police contact on the team a task to answer a report to the police or PST.

    The caller (the report's service) has checked the actor's access and records the report itself; each
    task is audited here. The reporter gets no task of their own for it.
    """
    due = timezone.localdate() + timedelta(days=ANSWER_WITHIN_DAYS)
    tasks = []
    for user_id in police_contact_ids(case):
        if user_id == actor.pk:
            continue
        task = Task.objects.create(
            case=case,
            title=_("Answer the report of serious concern: record the outcome and the police reference"),
            due_on=due,
            assignee_id=user_id,
            created_by=actor,
        )
        record(
            actor=actor, event=AuditEvent.CREATE, target=task, case=case, changed_fields=["title", "due_on", "assignee"]
        )
        tasks.append(task)
    return tasks


def _police_seat(actor: User, case: Case) -> TeamMember:
    from utvei.cases.policy import active_seats

    seat = active_seats(actor).filter(case=case, role=Role.POLICE_CONTACT).select_related("organisation").first()
    if seat is None:
        raise NotFound(Case._meta.label, case.pk)
    return seat


def escalation_receipt_record(
    *, actor: User, escalation_id: int, outcome: str, police_reference: str = "", note: str = ""
) -> EscalationReceipt:
    """Record what the police did with a report they received: the outcome and the police reference.

    Only a police contact seat on the report's open case may answer, and only a report made to the police
    radicalisation contact, the police or PST. Each answer is a new row (the earlier ones stay, with author
    and time); the newest is the current one. Audited with field names only.

    :raises NotFound: the report does not exist, was not made to the police, or the actor is not the police
        contact on its open case (the same answer for each).
    :raises ValidationError: an unknown outcome, a reference or note too long, holding hidden characters or a
        classification marking (every error at once; nothing changes).
    """
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().select_related("case").filter(pk=escalation_id).first()
        if escalation is None:
            raise NotFound(Escalation._meta.label, escalation_id)
        policy.require(actor, Action.RESPOND, escalation)
        errors = hidden_control_errors(police_reference=police_reference, note=note)
        errors.update(marking_errors({"police_reference": police_reference, "note": note}))
        if outcome not in EscalationOutcome.values:
            errors["outcome"] = _("Choose what the police did with the report.")
        if len(police_reference) > REFERENCE_MAX_LENGTH:
            errors.setdefault(
                "police_reference", _("Write at most %(limit)d characters.") % {"limit": REFERENCE_MAX_LENGTH}
            )
        if len(note) > NOTE_MAX_LENGTH:
            errors.setdefault("note", _("Write at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH})
        if errors:
            raise ValidationError(errors)
        receipt = EscalationReceipt.objects.create(
            escalation=escalation,
            case=escalation.case,
            outcome=outcome,
            police_reference=police_reference.strip(),
            note=note.strip(),
            recorded_by=actor,
            owner_organisation=_police_seat(actor, escalation.case).organisation,
        )
        fields = ["outcome"] + [
            name for name, value in (("police_reference", police_reference), ("note", note)) if value.strip()
        ]
        record(actor=actor, event=AuditEvent.CREATE, target=receipt, case=escalation.case, changed_fields=fields)
    return receipt
