"""Writes of the mentor register, mentor assignments, the mentor log and restorative referrals.

Each checks the policy and audits in one transaction; audit rows name the fields, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine, policy
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import services as case_services
from utvei.cases.models import Case, TeamMember
from utvei.cases.rules import revealing_guidance, revealing_words
from utvei.core.text import hidden_control_errors
from utvei.mentoring.models import (
    LOG_NOTE_MAX,
    ActivityKind,
    AssignmentEnd,
    DurationBand,
    Frequency,
    Mentor,
    MentorAssignment,
    MentorLogEntry,
    MentorScheme,
    MentorTraining,
    NotHeldReason,
    RestorativeReferral,
    RestorativeStatus,
)
from utvei.plans.models import Measure

MENTOR_FIELDS = ("user", "name", "contact", "scheme", "training", "trained_on", "is_active")
AGREEMENT_FIELDS = ("starts_on", "ends_on", "frequency", "share_contact", "share_goals", "share_measures")


def register_organisation(actor: User) -> Organisation:
    """Name the organisation whose mentor register the actor keeps (the first, by name).

    :raises NotFound: the actor keeps no register.
    """
    from utvei.accounts.policy import ROLE_PERMS

    roles = [role for role, perms in ROLE_PERMS.items() if Perm.MENTOR_REGISTER in perms]
    membership = (
        Membership.objects.active()
        .filter(user=actor, role__in=roles)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    if membership is None or not has_perm(actor, Perm.MENTOR_REGISTER):
        raise NotFound(Mentor._meta.label, None)
    return membership.organisation


def _not_in_future(day: date | None) -> bool:
    return day is None or day <= timezone.localdate()


def _mentor_errors(
    *,
    organisation: Organisation,
    user: User | None,
    name: str,
    scheme: str,
    training: str,
    trained_on: date | None,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = hidden_control_errors(name=name)
    if user is None and not name.strip():
        errors["name"] = _("Give the external mentor's name, or choose a user account.")
    if user is not None:
        if not Membership.objects.active().filter(user=user, organisation=organisation, role=Role.MENTOR).exists():
            errors["user"] = _("The user must hold the mentor role in %(organisation)s.") % {
                "organisation": organisation.name
            }
        elif Mentor.objects.filter(organisation=organisation, user=user).exclude(pk=exclude_pk or 0).exists():
            errors["user"] = _("This user is already in the mentor register.")
    if scheme not in MentorScheme.values:
        errors["scheme"] = _("Choose the mentor scheme.")
    if training not in MentorTraining.values:
        errors["training"] = _("Choose the training.")
    elif training != MentorTraining.NONE and trained_on is None:
        errors["trained_on"] = _("Give the date the training was completed.")
    if not _not_in_future(trained_on):
        errors["trained_on"] = _("The training date cannot be in the future.")
    return errors


def mentor_create(
    *,
    actor: User,
    user: User | None,
    name: str,
    contact: str,
    scheme: str,
    training: str,
    trained_on: date | None,
) -> Mentor:
    """Add a mentor to the register of the actor's organisation.

    A mentor is a user holding the mentor role in that organisation, or an external mentor by name.
    Training other than "not yet trained" needs its completion date.

    :raises NotFound: the actor keeps no mentor register.
    :raises ValidationError: no account and no name, a user without the mentor role or already
        registered, an unknown scheme or training, or a missing or future training date (field errors).
    """
    with transaction.atomic():
        organisation = register_organisation(actor)
        errors = _mentor_errors(
            organisation=organisation, user=user, name=name, scheme=scheme, training=training, trained_on=trained_on
        )
        errors |= hidden_control_errors(contact=contact)
        if errors:
            raise ValidationError(errors)
        mentor = Mentor.objects.create(
            organisation=organisation,
            user=user,
            name="" if user is not None else name.strip(),
            contact=contact.strip(),
            scheme=scheme,
            training=training,
            trained_on=trained_on if training != MentorTraining.NONE else None,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=mentor,
            organisation_id=organisation.pk,
            changed_fields=MENTOR_FIELDS,
        )
    return mentor


def mentor_update(
    *,
    actor: User,
    mentor_id: int,
    name: str,
    contact: str,
    scheme: str,
    training: str,
    trained_on: date | None,
    is_active: bool,
) -> Mentor:
    """Change a register entry (the user account of an entry never changes).

    :raises NotFound: the mentor does not exist or is not in a register the actor keeps.
    :raises ValidationError: as for :func:`mentor_create`.
    """
    with transaction.atomic():
        mentor = Mentor.objects.select_for_update().select_related("organisation").filter(pk=mentor_id).first()
        if mentor is None:
            raise NotFound(Mentor._meta.label, mentor_id)
        policy.require(actor, Action.UPDATE, mentor)
        errors = _mentor_errors(
            organisation=mentor.organisation,
            user=None if mentor.user_id is None else mentor.user,
            name=name,
            scheme=scheme,
            training=training,
            trained_on=trained_on,
            exclude_pk=mentor.pk,
        )
        errors |= hidden_control_errors(contact=contact)
        if errors:
            raise ValidationError(errors)
        values: dict[str, object] = {
            "name": "" if mentor.user_id is not None else name.strip(),
            "contact": contact.strip(),
            "scheme": scheme,
            "training": training,
            "trained_on": trained_on if training != MentorTraining.NONE else None,
            "is_active": is_active,
        }
        changed = [key for key, value in values.items() if getattr(mentor, key) != value]
        for key, value in values.items():
            setattr(mentor, key, value)
        if changed:
            mentor.save(update_fields=changed)
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=mentor,
            organisation_id=mentor.organisation_id,
            changed_fields=changed,
        )
    return mentor


def _agreement_errors(starts_on: date | None, ends_on: date | None, frequency: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = _("Give the date the agreement starts.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The agreement cannot end before it starts.")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often they meet.")
    return errors


def _measure(actor: User, case: Case, measure_id: int | None, kind: str) -> Measure | None:
    """Fetch the plan measure to link, if any, of the given kind on this case."""
    if measure_id is None:
        return None
    measure = (
        policy.scope(actor, Action.VIEW, Measure.objects.filter(case=case, kind=kind)).filter(pk=measure_id).first()
    )
    if measure is None:
        raise ValidationError({"measure": _("Choose a measure of this case's plan.")})
    return measure


def _mentor_seat(actor: User, case: Case, mentor: Mentor) -> TeamMember | None:
    """Find the mentor's seat as mentor on the case, or seat them (accounts only)."""
    if mentor.user is None:
        return None
    seat = (
        TeamMember.objects.filter(case=case, user=mentor.user, role=Role.MENTOR, left_at__isnull=True)
        .order_by("added_at")
        .first()
    )
    if seat is not None:
        return seat
    try:
        return case_services.team_member_add(
            actor=actor,
            case=case,
            user=mentor.user,
            organisation=mentor.organisation,
            role=Role.MENTOR,
            task=_("Mentor"),
        )
    except ValidationError as exc:
        raise ValidationError({"mentor": exc.messages}) from exc


def assignment_create(
    *,
    actor: User,
    case_id: int,
    mentor_id: int,
    starts_on: date | None,
    ends_on: date | None,
    frequency: str,
    share_contact: bool,
    share_goals: bool,
    share_measures: bool,
    measure_id: int | None = None,
) -> MentorAssignment:
    """Match a mentor from the register to the case's person, with the agreement.

    A mentor with a user account gets (or keeps) a team seat with the mentor role; what the mentor may
    see follows the agreement only (R26). The mentor must be active and not already assigned here.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: an unknown or inactive mentor, one already assigned, a bad period or
        frequency, a measure of another case, or a seat that cannot be made (field errors).
    """
    with transaction.atomic():
        case = case_services.lock_case_for_update(actor, case_id)
        organisation = case_services.acting_organisation(actor=actor, case=case, editing=True)
        errors = _agreement_errors(starts_on, ends_on, frequency)
        mentor = (
            policy.scope(actor, Action.VIEW, Mentor.objects.filter(is_active=True))
            .select_related("user", "organisation")
            .filter(pk=mentor_id)
            .first()
        )
        if mentor is None:
            errors["mentor"] = _("Choose an active mentor from the register.")
        elif MentorAssignment.objects.filter(case=case, mentor=mentor, ended_at__isnull=True).exists():
            errors["mentor"] = _("This mentor is already assigned on the case.")
        if errors:
            raise ValidationError(errors)
        assert mentor is not None and starts_on is not None
        measure = _measure(actor, case, measure_id, "mentor")
        seat = _mentor_seat(actor, case, mentor)
        engine.invalidate()  # the agreement opens its parts from the next decision on
        assignment = MentorAssignment.objects.create(
            case=case,
            mentor=mentor,
            seat=seat,
            measure=measure,
            owner_organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            frequency=frequency,
            share_contact=share_contact,
            share_goals=share_goals,
            share_measures=share_measures,
            created_by=actor,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=assignment,
            case=case,
            changed_fields=("mentor", "seat", "measure", *AGREEMENT_FIELDS),
        )
    return assignment


def assignment_end(*, actor: User, assignment_id: int, reason: str) -> MentorAssignment:
    """End a mentor assignment; the mentor's seat ends too when no other assignment of
    theirs runs on the case, so their view of the case closes at once.

    :raises NotFound: the assignment does not exist, has ended, or the actor may not change it.
    :raises ValidationError: an unknown reason.
    """
    with transaction.atomic():
        assignment = (
            MentorAssignment.objects.select_for_update()
            .select_related("case", "mentor")
            .filter(pk=assignment_id, ended_at__isnull=True)
            .first()
        )
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        case_services.lock_case_for_update(actor, assignment.case_id)
        policy.require(actor, Action.UPDATE, assignment)
        if reason not in AssignmentEnd.values:
            raise ValidationError({"reason": _("Choose why the assignment ends.")})
        assignment.ended_at = timezone.now()
        engine.invalidate()
        assignment.end_reason = reason
        assignment.save(update_fields=["ended_at", "end_reason"])
        seat = assignment.seat
        if (
            seat is not None
            and seat.left_at is None
            and seat.role == Role.MENTOR
            and not MentorAssignment.objects.filter(
                case_id=assignment.case_id, mentor__user_id=seat.user_id, ended_at__isnull=True
            ).exists()
        ):
            case_services.team_member_remove(actor=actor, seat_id=seat.pk)
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=assignment,
            case=assignment.case,
            changed_fields=["ended_at", "end_reason"],
        )
    return assignment


@dataclass
class LogResult:
    """Hold a saved log entry and the warnings to show its author."""

    entry: MentorLogEntry
    warnings: list[str] = field(default_factory=list)


def log_entry_record(
    *, actor: User, assignment_id: int, met_on: date | None, duration: str, activity: str, note: str
) -> LogResult:
    """Record a mentor meeting at a coarse level, written by the assignment's mentor.

    The note is capped at LOG_NOTE_MAX characters and is a reminder, not an account: words that would
    reveal the work give a warning (R27).

    :raises NotFound: the assignment does not exist, has ended, or the actor is not its mentor.
    :raises ValidationError: a missing, future or pre-agreement date, an unknown band or kind, or a
        note that is too long (field errors).
    """
    with transaction.atomic():
        assignment = MentorAssignment.objects.select_related("case", "mentor").filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        policy.require(actor, Action.CREATE, assignment)
        errors: dict[str, str] = {}
        if met_on is None:
            errors["met_on"] = _("Give the date of the meeting.")
        elif not _not_in_future(met_on):
            errors["met_on"] = _("The meeting date cannot be in the future.")
        elif met_on < assignment.starts_on:
            errors["met_on"] = _("The meeting date is before the agreement started.")
        if duration not in DurationBand.values:
            errors["duration"] = _("Choose how long the meeting lasted.")
        if activity not in ActivityKind.values:
            errors["activity"] = _("Choose the kind of activity.")
        if len(note.strip()) > LOG_NOTE_MAX:
            errors["note"] = _("Keep the note to %(max)d characters.") % {"max": LOG_NOTE_MAX}
        if errors:
            raise ValidationError(errors)
        assert met_on is not None
        entry = MentorLogEntry.objects.create(
            assignment=assignment,
            case=assignment.case,
            met_on=met_on,
            duration=duration,
            activity=activity,
            note=note.strip(),
            owner_organisation_id=assignment.owner_organisation_id,
            recorded_by=actor,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=entry,
            case=assignment.case,
            changed_fields=["met_on", "duration", "activity", "note"],
        )
    words = revealing_words(note)
    return LogResult(entry, [revealing_guidance(words)] if words else [])


def restorative_refer(
    *,
    actor: User,
    case_id: int,
    referred_on: date | None,
    konfliktraad: str,
    person_consented: bool,
    parties_consented: bool,
    guardians_consented: bool,
    consent_recorded_on: date | None,
    measure_id: int | None = None,
) -> RestorativeReferral:
    """Record a referral to the konfliktråd for a restorative process (R25).

    Every party must have consented, and for a person under 18 also the guardians; the consent is
    recorded no later than the referral. Only the status is kept afterwards, never the meeting's content.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: a missing consent, a missing or future date, a consent after the referral,
        no konfliktråd office, or a measure of another case (field errors).
    """
    with transaction.atomic():
        case = case_services.lock_case_for_update(actor, case_id)
        organisation = case_services.acting_organisation(actor=actor, case=case, editing=True)
        errors: dict[str, str] = hidden_control_errors(konfliktraad=konfliktraad)
        if not person_consented:
            errors["person_consented"] = _("The person must consent to a restorative process.")
        if not parties_consented:
            errors["parties_consented"] = _("Every other party must consent to a restorative process.")
        if case.person.is_minor and not guardians_consented:
            errors["guardians_consented"] = _("The person is under 18, so the guardians must consent too.")
        if not konfliktraad.strip():
            errors["konfliktraad"] = _("Name the konfliktråd office.")
        if referred_on is None:
            errors["referred_on"] = _("Give the referral date.")
        elif not _not_in_future(referred_on):
            errors["referred_on"] = _("The referral date cannot be in the future.")
        if consent_recorded_on is None:
            errors["consent_recorded_on"] = _("Give the date the consents were recorded.")
        elif referred_on is not None and consent_recorded_on > referred_on:
            errors["consent_recorded_on"] = _("The consents must be recorded before the referral.")
        if errors:
            raise ValidationError(errors)
        assert referred_on is not None and consent_recorded_on is not None
        measure = _measure(actor, case, measure_id, "restorative")
        referral = RestorativeReferral.objects.create(
            case=case,
            referred_on=referred_on,
            konfliktraad=konfliktraad.strip(),
            measure=measure,
            person_consented=True,
            parties_consented=True,
            guardians_consented=guardians_consented,
            consent_recorded_on=consent_recorded_on,
            status=RestorativeStatus.REFERRED,
            status_on=referred_on,
            owner_organisation=organisation,
            recorded_by=actor,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=referral,
            case=case,
            changed_fields=[
                "referred_on",
                "konfliktraad",
                "measure",
                "person_consented",
                "parties_consented",
                "guardians_consented",
                "consent_recorded_on",
                "status",
            ],
        )
    return referral


def restorative_set_status(
    *, actor: User, referral_id: int, status: str, status_on: date | None, not_held_reason: str
) -> RestorativeReferral:
    """Record where a restorative process stands: held, agreement reached or not held
    (with a coarse reason). The content of the meeting is never recorded (R25).

    :raises NotFound: the referral does not exist or the actor may not change it.
    :raises ValidationError: an unknown status, a reason missing for "not held" or given otherwise, or a
        date before the referral or in the future (field errors).
    """
    with transaction.atomic():
        referral = RestorativeReferral.objects.select_related("case").filter(pk=referral_id).first()
        if referral is None:
            raise NotFound(RestorativeReferral._meta.label, referral_id)
        case_services.lock_case_for_update(actor, referral.case_id)
        policy.require(actor, Action.UPDATE, referral)
        errors: dict[str, str] = {}
        if status not in RestorativeStatus.values or status == RestorativeStatus.REFERRED:
            errors["status"] = _("Choose held, agreement reached or not held.")
        if status == RestorativeStatus.NOT_HELD and not_held_reason not in NotHeldReason.values:
            errors["not_held_reason"] = _("Choose why the meeting was not held.")
        if status != RestorativeStatus.NOT_HELD and not_held_reason:
            errors["not_held_reason"] = _("Give a reason only when the meeting was not held.")
        if status_on is None:
            errors["status_on"] = _("Give the date.")
        elif not _not_in_future(status_on):
            errors["status_on"] = _("The date cannot be in the future.")
        elif status_on < referral.referred_on:
            errors["status_on"] = _("The date cannot be before the referral.")
        if errors:
            raise ValidationError(errors)
        assert status_on is not None
        referral.status = status
        referral.status_on = status_on
        referral.not_held_reason = not_held_reason if status == RestorativeStatus.NOT_HELD else ""
        referral.save(update_fields=["status", "status_on", "not_held_reason"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=referral,
            case=referral.case,
            changed_fields=["status", "status_on", "not_held_reason"],
        )
    return referral
