"""Writes to persons and cases. Each checks the access policy and writes its audit row in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import fodselsnummer

from utvei.access import policy
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import rules
from utvei.cases.models import (
    Case,
    CaseAdvice,
    ClosureReason,
    Concern,
    Escalation,
    Guardian,
    Handover,
    Person,
    Phase,
    PhaseChange,
    Relapse,
    SecurityAssessment,
    Task,
    TeamMember,
)

# Administrators and data protection officers never sit on a team: they must see no case content.
TEAM_ROLES = frozenset(Role.values) - {Role.ORG_ADMIN, Role.PRIVACY_OFFICER}


def _acting_membership(actor: User, organisation: Organisation, role: str) -> None:
    if not Membership.objects.active().filter(user=actor, organisation=organisation, role=role).exists():
        raise NotFound(Organisation._meta.label, organisation.pk)


def normalise_national_id(raw: str) -> str:
    """Validate a fødselsnummer or D-number and return its 11 digits ("" when blank).

    :raises ValidationError: the number has the wrong length, a bad date or wrong check digits.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return str(fodselsnummer.validate(raw))
    except NumberError as exc:
        raise ValidationError(
            {
                "national_id": _("This is not a valid Norwegian national identity number or D-number: %(reason)s")
                % {"reason": _("check the 11 digits")}
            }
        ) from exc


@dataclass(frozen=True)
class GuardianInput:
    """Carry one guardian of a minor into :func:`person_create`."""

    name: str
    relation: str
    phone: str = ""


def person_create(
    *,
    actor: User,
    organisation: Organisation,
    given_name: str,
    family_name: str,
    birth_date: date,
    national_id: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    language: str = "",
    interpreter_needed: bool = False,
    protected_address: str = "",
    guardians: Sequence[GuardianInput] = (),
) -> Person:
    """Register a person, refusing a national identity number that is already registered.

    The actor must act for ``organisation`` in a role that may open cases. A minor must have at least one
    guardian recorded.

    :raises NotFound: the actor does not act for the organisation.
    :raises ValidationError: a bad or duplicate number, a birth date in the future, or a minor without guardians.
    """
    with transaction.atomic():
        if (
            not has_perm(actor, Perm.CASE_CREATE)
            or not Membership.objects.active().filter(user=actor, organisation=organisation).exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        number = normalise_national_id(national_id)
        if birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if number and fodselsnummer.get_birth_date(number) != birth_date:
            raise ValidationError({"national_id": _("The number does not match the birth date.")})
        if number and Person.objects.filter(national_id=number).exists():
            raise ValidationError(
                {"national_id": _("A person with this number is already registered. Search for them instead.")}
            )
        person = Person(
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            birth_date=birth_date,
            national_id=number,
            phone=phone.strip(),
            email=email.strip(),
            address=address.strip(),
            language=language.strip(),
            interpreter_needed=interpreter_needed,
            protected_address=protected_address,
            registered_by=organisation,
        )
        if person.is_minor and not guardians:
            raise ValidationError({"guardians": _("Record at least one guardian for a person under 18.")})
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:  # two users registering the same number at once
            raise ValidationError({"national_id": _("A person with this number is already registered.")}) from exc
        for guardian in guardians:
            Guardian.objects.create(person=person, name=guardian.name, relation=guardian.relation, phone=guardian.phone)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=person,
            person_id=person.pk,
            organisation_id=organisation.pk,
            changed_fields=[
                "given_name",
                "family_name",
                "birth_date",
                "national_id",
                "phone",
                "email",
                "address",
                "language",
                "interpreter_needed",
                "protected_address",
                *(["guardians"] if guardians else []),
            ],
        )
    return person


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
        errors = rules.security_assessment_errors(security_assessment, security_assessed_by, security_assessed_on)
        if referral_date > timezone.localdate():
            errors["referral_date"] = _("The referral date cannot be in the future.")
        if not referral_reason.strip():
            errors["referral_reason"] = _("Describe the reason for the referral.")
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


def lock_case_for_update(actor: User, case_id: int) -> Case:
    """Lock a case row for a write and check that the actor may change it.

    Other apps' services use it to write items on a case (one door: the same policy as case writes).

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    case = Case.objects.select_for_update().filter(pk=case_id).select_related("person").first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, Action.UPDATE, case)
    return case


def acting_organisation(*, actor: User, case: Case, editing: bool = False) -> Organisation:
    """Name the organisation the actor acts for on the case (it owns what they record).

    With ``editing``, only a seat that lets the actor change the case counts. The seat must be in force
    (open, and the membership behind it active).

    :raises NotFound: the actor has no such seat on the case.
    """
    from utvei.cases.policy import CASE_EDITOR_ROLES, active_seats

    seats = active_seats(actor).filter(case=case)
    if editing:
        seats = seats.filter(role__in=CASE_EDITOR_ROLES)
    seat = seats.select_related("organisation").order_by("added_at").first()
    if seat is None:
        raise NotFound(Case._meta.label, case.pk)
    return seat.organisation


def team_member_add(
    *, actor: User, case: Case, user: User, organisation: Organisation, role: str, task: str = ""
) -> TeamMember:
    """Seat ``user`` on the case's follow-up team, acting for ``organisation`` in ``role``.

    The actor must be allowed to change the case; the new member must hold that role in that organisation.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: the user does not hold the role in the organisation, or already has a seat.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case.pk)
        if role not in TEAM_ROLES:
            raise ValidationError(_("That role cannot sit on a follow-up team."))
        if not Membership.objects.active().filter(user=user, organisation=organisation, role=role).exists():
            raise ValidationError(_("The person does not hold that role in that organisation."))
        if case.team.filter(user=user, organisation=organisation, left_at__isnull=True).exists():
            raise ValidationError(_("The person already has a seat on the team for that organisation."))
        seat = TeamMember.objects.create(case=case, user=user, organisation=organisation, role=role, task=task.strip())
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=seat,
            case=case,
            changed_fields=["user", "organisation", "role", "task"],
        )
    return seat


def team_member_set_task(*, actor: User, seat_id: int, task: str) -> TeamMember:
    """Record a team member's agreed task (R02).

    :raises NotFound: the seat does not exist or the actor may not change its case.
    """
    with transaction.atomic():
        seat = TeamMember.objects.filter(pk=seat_id, left_at__isnull=True).first()
        if seat is None:
            raise NotFound(TeamMember._meta.label, seat_id)
        case = lock_case_for_update(actor, seat.case_id)
        seat.task = task.strip()
        seat.save(update_fields=["task"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=seat,
            case=case,
            changed_fields=["task"],
        )
    return seat


def team_member_remove(*, actor: User, seat_id: int) -> TeamMember:
    """End a team seat; the user loses access to the case at once.

    :raises NotFound: the seat does not exist or the actor may not change its case.
    :raises ValidationError: the actor tried to remove their own last editing seat.
    """
    with transaction.atomic():
        seat = TeamMember.objects.filter(pk=seat_id, left_at__isnull=True).first()
        if seat is None:
            raise NotFound(TeamMember._meta.label, seat_id)
        case = lock_case_for_update(actor, seat.case_id)
        if seat.user_id == actor.pk:
            raise ValidationError(_("You cannot remove yourself from the team; ask another editor."))
        seat.left_at = timezone.now()
        seat.save(update_fields=["left_at"])
        record(
            actor=actor,
            event=AuditEvent.DELETE,
            target=seat,
            case=case,
            changed_fields=["left_at"],
        )
    return seat


def case_change_phase(*, actor: User, case_id: int, to_phase: str) -> Case:
    """Move an open case to another phase, following the guarded transitions.

    R01: no phase from P3 on without an exit coordinator on the team. Closure (P8) goes through
    :func:`case_close`; P9 follows a closed case only.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: the transition is not allowed; the message says why.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        problem = rules.phase_transition_problem(case, to_phase, has_exit_coordinator=rules.has_exit_coordinator(case))
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


def case_advice_add(*, actor: User, case_id: int, advice: str) -> CaseAdvice:
    """Record the SLT coordinator's advice on who should coordinate the case.

    :raises NotFound: the actor may not see the case.
    :raises ValidationError: the actor is not an SLT coordinator on the case, or the advice is empty.
    """
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.VIEW, case)
        seat = case.team.filter(user=actor, role=Role.SLT_COORDINATOR, left_at__isnull=True).first()
        if seat is None:
            raise ValidationError(_("Only the SLT coordinator on the team records advice on coordination."))
        if not advice.strip():
            raise ValidationError({"advice": _("Write the advice.")})
        item = CaseAdvice.objects.create(
            case=case, given_by=actor, advice=advice.strip(), owner_organisation=seat.organisation
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=item,
            case=case,
            changed_fields=["advice"],
        )
    return item


def relapse_record(*, actor: User, case_id: int, occurred_on: date, description: str) -> Relapse:
    """Record a relapse. The case stays open and in its phase (R29).

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: a missing description or a date in the future.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        if not description.strip():
            raise ValidationError({"description": _("Describe what happened.")})
        if occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
        item = Relapse.objects.create(
            case=case,
            occurred_on=occurred_on,
            description=description.strip(),
            recorded_by=actor,
            owner_organisation=acting_organisation(actor=actor, case=case),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=item,
            case=case,
            changed_fields=["occurred_on", "description"],
        )
    return item


def task_create(*, actor: User, case_id: int, title: str, due_on: date, assignee: User) -> Task:
    """Add a task with a due date to a case, for a member of its team.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: an empty title or an assignee who is not on the team.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        if not title.strip():
            raise ValidationError({"title": _("Write what is to be done.")})
        if not case.team.filter(user=assignee, left_at__isnull=True).exists():
            raise ValidationError({"assignee": _("The task must go to a member of the follow-up team.")})
        task = Task.objects.create(case=case, title=title.strip(), due_on=due_on, assignee=assignee, created_by=actor)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=task,
            case=case,
            changed_fields=["title", "due_on", "assignee"],
        )
    return task


def task_complete(*, actor: User, task_id: int) -> Task:
    """Mark a task done; its assignee or an editor of the case may do so.

    :raises NotFound: the task does not exist or the actor may not see it.
    """
    with transaction.atomic():
        task = Task.objects.select_related("case").filter(pk=task_id).first()
        if task is None:
            raise NotFound(Task._meta.label, task_id)
        policy.require(actor, Action.VIEW, task)
        if task.done_at is None:
            task.done_at = timezone.now()
            task.save(update_fields=["done_at"])
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target=task,
                case_id=task.case_id,
                person_id=task.case.person_id,
                changed_fields=["done_at"],
            )
    return task


def concern_create(
    *, actor: User, organisation: Organisation, subject: str, description: str, outcome: str = ""
) -> Concern:
    """Record a concern that is not (yet) a case, with a short retention (R30).

    The subject is initials or a description, never an identity number; the record is deleted after
    ``settings.CONCERN_RETENTION_DAYS``.

    :raises NotFound: the actor does not work cases for the organisation.
    :raises ValidationError: empty fields, or an identity number in the subject.
    """
    from django.conf import settings

    with transaction.atomic():
        if (
            not has_perm(actor, Perm.CASE_CREATE)
            or not Membership.objects.active().filter(user=actor, organisation=organisation).exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        errors: dict[str, str] = {}
        if not subject.strip():
            errors["subject"] = _("Write initials or a short description.")
        elif any(ch.isdigit() for ch in subject) and len([c for c in subject if c.isdigit()]) >= 6:
            errors["subject"] = _("Do not write an identity number or birth date here.")
        if not description.strip():
            errors["description"] = _("Describe the concern.")
        if errors:
            raise ValidationError(errors)
        concern = Concern.objects.create(
            organisation=organisation,
            recorded_by=actor,
            subject=subject.strip(),
            description=description.strip(),
            outcome=outcome.strip(),
            delete_after=timezone.localdate() + timedelta(days=settings.CONCERN_RETENTION_DAYS),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=concern,
            organisation_id=organisation.pk,
            changed_fields=["subject", "description", "outcome"],
        )
    return concern


def escalation_record(
    *,
    actor: User,
    case_id: int,
    level: str,
    recipient: str,
    basis: str = "",
    channel: str = "",
    summary: str = "",
    reported_at: datetime | None = None,
    reference: str = "",
    reassess_on: date | None = None,
    leader_informed: bool = False,
    person_informed: bool = False,
    person_not_informed_reason: str = "",
    person_not_informed_until: date | None = None,
) -> Escalation:
    """Record a report of serious concern; every team member may do so in every phase (R17).

    Nothing but the level and the recipient is required: a report must never be blocked by missing
    fields, which can be completed afterwards. It is audited as a disclosure (SHARE). With a basis, it is
    also recorded as a ``sharing.Disclosure`` when the sharing decision allows it; if not, the report stands.

    :raises NotFound: the actor is not on the case's team.
    :raises ValidationError: an unknown level, recipient, basis or channel.
    """
    from utvei.cases.models import EscalationBasis, EscalationChannel, EscalationLevel, EscalationRecipient

    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.SHARE, case)
        errors: dict[str, str] = {}
        if level not in EscalationLevel.values:
            errors["level"] = _("Choose how urgent the concern is.")
        if recipient not in EscalationRecipient.values:
            errors["recipient"] = _("Choose who the concern was reported to.")
        if basis and basis not in EscalationBasis.values:
            errors["basis"] = _("Unknown legal basis.")
        if channel and channel not in EscalationChannel.values:
            errors["channel"] = _("Unknown channel.")
        if errors:
            raise ValidationError(errors)
        escalation = Escalation.objects.create(
            case=case,
            level=level,
            recipient=recipient,
            basis=basis,
            channel=channel,
            summary=summary.strip(),
            reported_at=reported_at or timezone.now(),
            reference=reference.strip(),
            reassess_on=reassess_on,
            leader_informed=leader_informed,
            person_informed=person_informed,
            person_not_informed_reason="" if person_informed else person_not_informed_reason.strip(),
            person_not_informed_until=None if person_informed else person_not_informed_until,
            reported_by=actor,
            owner_organisation=acting_organisation(actor=actor, case=case),
        )
        record(
            actor=actor,
            event=AuditEvent.SHARE,
            target=escalation,
            case=case,
            changed_fields=[
                "level",
                "recipient",
                "basis",
                "channel",
                "summary",
                "reference",
                "reassess_on",
                "person_informed",
            ],
        )
        if reassess_on is not None:
            task = Task.objects.create(
                case=case,
                title=_("Reassess the reported concern"),
                due_on=reassess_on,
                assignee=actor,
                created_by=actor,
            )
            record(
                actor=actor,
                event=AuditEvent.CREATE,
                target=task,
                case=case,
                changed_fields=["title", "due_on", "assignee"],
            )
        # The report is also a disclosure of the sharing engine when its basis allows it; a refusal
        # never blocks the report (R17). Imported here: the sharing app builds on the cases app.
        from utvei.sharing.services import disclosure_from_escalation

        disclosure_from_escalation(actor=actor, escalation=escalation)
    return escalation


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
    with transaction.atomic():
        created = person_create(actor=actor, organisation=organisation, guardians=guardians, **person)  # type: ignore[arg-type]
        return case_open(actor=actor, person=created, organisation=organisation, role=role, **referral)  # type: ignore[arg-type]
