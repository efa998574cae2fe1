"""Cases: referral, opening, phases, closure with hand-over, and the police contact's involvement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine
from utvei.access.permissions import Perm, has_perm
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import rules
from utvei.cases.models import (
    Case,
    ClosureReason,
    Handover,
    Person,
    Phase,
    PhaseChange,
    SecurityAssessment,
    TeamMember,
)
from utvei.cases.services._common import TEAM_ROLES, _acting_membership, lock_case_for_update
from utvei.cases.services.persons import GuardianInput, person_create
from utvei.core.editing import EditConflict
from utvei.core.text import hidden_control_errors


def _next_reference() -> str:
    year = timezone.localdate().year
    prefix = f"UTV-{year}-"
    last = Case.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True)
    number = int(last[0].removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def case_open(
    *,
    actor: User,
    person: Person,
    organisation: Organisation,
    role: str,
    referral_source: str,
    referral_date: date,
    referral_reason: str,
    security_assessment: str,
    security_assessed_by: str = "",
    security_assessed_on: date | None = None,
) -> Case:
    """Open an exit case for ``person`` with the actor on its team.

    R04: the answer to "has it been assessed whether the person may be a security threat" is required,
    and when the answer is yes, by whom and when. A person has at most one open case.

    :raises NotFound: the actor does not act for the organisation in that role.
    :raises ValidationError: a missing R04 answer, a second open case, or a role that may not open cases.
    """
    with transaction.atomic():
        _acting_membership(actor, organisation, role)
        if not has_perm(actor, Perm.CASE_CREATE) or role not in TEAM_ROLES:
            raise ValidationError(_("Your role cannot open cases."))
        errors = _referral_errors(
            referral_date=referral_date,
            referral_reason=referral_reason,
            security_assessment=security_assessment,
            security_assessed_by=security_assessed_by,
            security_assessed_on=security_assessed_on,
        )
        if errors:
            raise ValidationError(errors)
        if Case.objects.select_for_update().filter(person=person, closed_at__isnull=True).exists():
            raise ValidationError(
                _("This person already has an open case. Ask its coordinator to be added to the team.")
            )
        case = Case.objects.create(
            reference=_next_reference(),
            person=person,
            responsible_organisation=organisation,
            created_by=actor,
            referral_source=referral_source,
            referral_date=referral_date,
            referral_reason=referral_reason.strip(),
            security_assessment=security_assessment,
            security_assessed_by=security_assessed_by.strip()
            if security_assessment == SecurityAssessment.ASSESSED
            else "",
            security_assessed_on=security_assessed_on if security_assessment == SecurityAssessment.ASSESSED else None,
        )
        seat = TeamMember.objects.create(case=case, user=actor, organisation=organisation, role=role)
        engine.invalidate()  # the opener sees the new case at once
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=case,
            case_id=case.pk,
            person_id=person.pk,
            organisation_id=organisation.pk,
            changed_fields=["referral_source", "referral_date", "referral_reason", "security_assessment"],
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=seat,
            case_id=case.pk,
            person_id=person.pk,
            organisation_id=organisation.pk,
            changed_fields=["user", "organisation", "role"],
        )
    return case


def case_change_phase(*, actor: User, case_id: int, from_phase: str, to_phase: str) -> Case:
    """Move an open case from ``from_phase`` to another phase, following the guarded transitions.

    ``from_phase`` is the phase the actor saw: a move from a page the case has since moved on from
    is refused, so an older page never undoes someone else's move. R01: no phase from P3 on without an
    exit coordinator on the team. Closure (P8) goes through :func:`case_close`; P9 follows a closed case
    only.

    :raises NotFound: the actor may not change the case.
    :raises EditConflict: the case is no longer in ``from_phase``; the message names the phase it is in.
    :raises ValidationError: the transition is not allowed; the message says why.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        if case.phase != from_phase:
            raise EditConflict(
                target=Case._meta.label,
                target_id=case.pk,
                current_version=0,
                message=_(
                    "The case was not moved: it is now in phase %(current)s, not %(seen)s as on your page. "
                    "Someone else has moved it since you opened the page. Check the phase and choose again."
                )
                % {"current": Phase(case.phase).label, "seen": _phase_label(from_phase)},
            )
        problem = rules.phase_transition_problem(case, to_phase, has_exit_coordinator=_has_exit_coordinator(case))
        if problem:
            raise ValidationError(problem)
        PhaseChange.objects.create(case=case, from_phase=case.phase, to_phase=to_phase, changed_by=actor)
        case.phase = to_phase
        case.save(update_fields=["phase"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=case,
            case=case,
            changed_fields=["phase"],
        )
    return case


def _phase_label(value: str) -> str:
    return str(Phase(value).label) if value in Phase.values else value or "–"


@dataclass(frozen=True)
class HandoverInput:
    """Carry one hand-over line into :func:`case_close`."""

    recipient: str
    what_was_shared: str


def case_close(*, actor: User, case_id: int, reason: str, outcome: str, handovers: Sequence[HandoverInput]) -> Case:
    """Close a case (phase P8) with a reason code, an outcome and a hand-over list (R28).

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: a missing reason, outcome or hand-over line.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        errors: dict[str, str] = {}
        if reason not in ClosureReason.values:
            errors["reason"] = _("Choose why the case is closed.")
        if not outcome.strip():
            errors["outcome"] = _("Describe the outcome.")
        lines = [h for h in handovers if h.recipient.strip() or h.what_was_shared.strip()]
        if not lines or any(not h.recipient.strip() or not h.what_was_shared.strip() for h in lines):
            errors["recipient_1"] = _("List who the person is handed over to and what was shared, on which basis.")
        if errors:
            raise ValidationError(errors)
        for line in lines:
            Handover.objects.create(
                case=case, recipient=line.recipient.strip(), what_was_shared=line.what_was_shared.strip()
            )
        PhaseChange.objects.create(case=case, from_phase=case.phase, to_phase=Phase.P8, changed_by=actor)
        case.phase = Phase.P8
        case.closed_at = timezone.now()
        case.closure_reason = reason
        case.closure_outcome = outcome.strip()
        case.save(update_fields=["phase", "closed_at", "closure_reason", "closure_outcome"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=case,
            case=case,
            changed_fields=["phase", "closed_at", "closure_reason", "closure_outcome", "handovers"],
        )
    return case


def case_record_police_not_involved(*, actor: User, case_id: int, reason: str) -> Case:
    """Record why the police radicalisation contact is not involved (R03).

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: the reason is empty.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the police radicalisation contact is not involved.")})
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        case.police_not_involved_reason = reason.strip()
        case.save(update_fields=["police_not_involved_reason"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=case,
            case=case,
            changed_fields=["police_not_involved_reason"],
        )
    return case


def _referral_errors(
    *,
    referral_date: date,
    referral_reason: str,
    security_assessment: str,
    security_assessed_by: str = "",
    security_assessed_on: date | None = None,
    **_others: object,
) -> dict[str, str]:
    errors = rules.security_assessment_errors(security_assessment, security_assessed_by, security_assessed_on)
    errors |= hidden_control_errors(security_assessed_by=security_assessed_by)
    if referral_date > timezone.localdate():
        errors["referral_date"] = _("The referral date cannot be in the future.")
    if not referral_reason.strip():
        errors["referral_reason"] = _("Describe the reason for the referral.")
    return errors


def referral_register(
    *,
    actor: User,
    organisation: Organisation,
    role: str,
    person: dict[str, object],
    guardians: Sequence[GuardianInput],
    referral: dict[str, object],
) -> Case:
    """Register a new person and open their case in one step (P0 referral).

    ``person`` holds the keyword arguments of :func:`person_create`, ``referral`` those of :func:`case_open`
    besides person, organisation and role. Either both succeed or nothing is saved.

    :raises NotFound: the actor does not act for the organisation in that role.
    :raises ValidationError: any error of the two steps, by field.
    """
    # The referral is checked before the person, and both sets of errors are reported together.
    referral_problems = _referral_errors(**referral)  # type: ignore[arg-type]
    with transaction.atomic():
        try:
            created = person_create(actor=actor, organisation=organisation, guardians=guardians, **person)  # type: ignore[arg-type]
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and referral_problems:
                raise ValidationError({**referral_problems, **exc.message_dict}) from exc
            raise
        if referral_problems:
            raise ValidationError(referral_problems)
        return case_open(actor=actor, person=created, organisation=organisation, role=role, **referral)  # type: ignore[arg-type]


def _has_exit_coordinator(case: Case) -> bool:
    return case.team.filter(role=Role.EXIT_COORDINATOR, left_at__isnull=True).exists()
