"""Writes of consents: record, amend, withdraw. Each checks access and audits in one transaction.

A recorded consent is never edited. A change is a new version that supersedes the old one; withdrawal
stamps ``withdrawn_at`` (R13); a newer consent to the same recipient and category takes the older one's
place for that pair, so the person's latest word is the one in force. Who gave the consent and the
person's age that day are recorded, and the age rules are checked against the versions of their legal
references in force that day. Audit rows carry ids and field names, never the content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.persons import PersonActor
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person, TeamMember
from utvei.core.editing import EditConflict, refuse_stale
from utvei.core.markings import marking_errors
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify
from utvei.sharing.decision import RuleCode
from utvei.sharing.decision.consent import HEALTH_CATEGORIES
from utvei.sharing.models import (
    CONSENT_GRACE_DAYS,
    CONSENT_MAX_MONTHS,
    Consent,
    ConsentEnd,
    ConsentForm,
    ConsentGiver,
    ConsentGrant,
    ConsentNotice,
    ConsentNoticeKind,
    ConsentPurpose,
)
from utvei.sharing.selectors import legal_basis_reference

CONSENT_FIELDS = [
    "given_by",
    "given_on",
    "person_age",
    "child_view",
    "recipients",
    "categories",
    "purpose",
    "valid_from",
    "valid_to",
    "form",
    "evidence_note",
    "how_informed",
    "fingerprint",
]


@dataclass(frozen=True)
class ConsentContent:
    """Carry the content of one consent version, checked by :func:`_validated`."""

    recipients: list[int]
    categories: list[str]
    purpose: str
    valid_from: date
    valid_to: date
    given_by: str
    given_on: date
    person_age: int
    form: str
    evidence_note: str
    how_informed: str
    child_view: str


def add_months(day: date, months: int) -> date:
    """Move a date by whole months, falling back to the month's last day (29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"Cannot move {day} by {months} months")  # pragma: no cover


def _age_limit(code: RuleCode, on: date, fallback: int = 18) -> int:
    reference = legal_basis_reference(code, on)
    return reference.age if reference is not None and reference.age is not None else fallback


def fingerprint(*, person_id: int, discloser_id: int, content: ConsentContent) -> str:
    """Digest who gave a consent, for whom, to whom, what, for what and when: equal consents are twins."""
    parts = [
        str(person_id),
        str(discloser_id),
        content.given_by,
        ",".join(str(pk) for pk in sorted(content.recipients)),
        ",".join(sorted(content.categories)),
        content.purpose,
        content.valid_from.isoformat(),
        content.valid_to.isoformat(),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _require_seat(actor: User, person: Person, organisation_id: int, *, open_only: bool) -> None:
    """Demand a seat in force for the organisation on a case of the person.

    :raises NotFound: the actor may not see the person, or sits on none of their cases for the organisation.
    """
    policy.require(actor, Action.VIEW, person)
    ctx = policy.context(actor)
    # A narrow seat (the mentor) never records consents (R26): only seats the engine counts as acting.
    seated = any(
        organisation_id in ctx.acting_organisations(seat.case_id) and (seat.case_open or not open_only)
        for seat in ctx.seats
        if seat.person_id == person.pk and seat.organisation_id == organisation_id
    )
    if not seated:
        raise NotFound(Person._meta.label, person.pk)


def _age_errors(*, age: int, given_by: str, categories: Sequence[str], child_view: str, on: date) -> dict[str, str]:
    """Check who may give a consent at the person's age on the day (R19).

    From the age of majority the person consents for themselves. Below it the guardians consent, alone or
    with the person, and the child's own view is recorded (the child's right to be heard). From the health
    consent age the person may consent alone to sharing health information only.
    """
    errors: dict[str, str] = {}
    majority = _age_limit(RuleCode.AGE_OF_MAJORITY, on)
    health_age = _age_limit(RuleCode.HEALTH_CONSENT_AGE, on)
    if age >= majority:
        if given_by != ConsentGiver.PERSON:
            errors["given_by"] = _("The person is %(age)s and gives consent for themselves.") % {"age": age}
        return errors
    if given_by == ConsentGiver.PERSON:
        if age < health_age:
            errors["given_by"] = _(
                "The person is %(age)s: under %(limit)s the guardians must give the consent, alone or together with "
                "the person."
            ) % {"age": age, "limit": health_age}
        elif set(categories) - set(HEALTH_CATEGORIES):
            errors["given_by"] = _(
                "The person is %(age)s: alone they may consent only to sharing health information. For the other "
                "categories the guardians must consent too."
            ) % {"age": age}
    elif not child_view.strip():
        errors["child_view"] = _("Record the child's own view: the child has the right to be heard.")
    return errors


def _validated(
    *,
    person: Person,
    discloser_id: int,
    recipients: Sequence[Organisation],
    categories: Sequence[str],
    purpose: str,
    valid_from: date,
    valid_to: date,
    given_by: str,
    given_on: date | None,
    form: str,
    evidence_note: str,
    how_informed: str,
    child_view: str,
    recorded_on: date | None = None,
) -> ConsentContent:
    """Check the content of a consent and return it cleaned.

    :raises ValidationError: field errors for every rule broken (R12 period, R19 ages, R20 markings, values).
    """
    errors: dict[str, str] = {}
    today = recorded_on or timezone.localdate()
    given = given_on or today
    recipient_ids = sorted({org.pk for org in recipients})
    if not recipient_ids:
        errors["recipients"] = _("Name at least one recipient.")
    elif discloser_id in recipient_ids:
        errors["recipients"] = _("The organisation that shares cannot be its own recipient.")
    cleaned_categories = sorted({str(value) for value in categories})
    if not cleaned_categories:
        errors["categories"] = _("Choose at least one category of information.")
    elif any(value not in Category.values for value in cleaned_categories):
        errors["categories"] = _("Unknown category of information.")
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose the purpose of the sharing.")
    if form not in ConsentForm.values:
        errors["form"] = _("Choose whether the consent was written or oral.")
    if given_by not in ConsentGiver.values:
        errors["given_by"] = _("Choose who gave the consent.")
    if given > today:
        errors["given_on"] = _("A consent cannot be recorded before it is given.")
    elif given < today - timedelta(days=CONSENT_GRACE_DAYS):
        errors["given_on"] = _(
            "A consent must be recorded within %(days)s days of being given. Ask the person again and record the "
            "new consent."
        ) % {"days": CONSENT_GRACE_DAYS}
    if valid_to <= valid_from:
        errors["valid_to"] = _("The consent must end after it starts.")
    elif valid_to < today:
        errors["valid_to"] = _("This period has already ended: a consent that has expired cannot be recorded.")
    elif valid_to > add_months(valid_from, CONSENT_MAX_MONTHS):
        errors["valid_to"] = _("A consent can last at most %(months)s months.") % {"months": CONSENT_MAX_MONTHS}
    if valid_from < given and "given_on" not in errors:
        errors["valid_from"] = _("A consent cannot apply from before the day it was given.")
    if not evidence_note.strip():
        errors["evidence_note"] = _("Describe the evidence of the consent.")
    if not how_informed.strip():
        errors["how_informed"] = _("Describe how the person was informed.")
    age = person.age_on(given)
    if "given_by" not in errors:
        errors.update(
            _age_errors(age=age, given_by=given_by, categories=cleaned_categories, child_view=child_view, on=given)
        )
    errors.update(
        {
            name: message
            for name, message in marking_errors(
                {"evidence_note": evidence_note, "how_informed": how_informed, "child_view": child_view}
            ).items()
            if name not in errors
        }
    )
    if errors:
        raise ValidationError(errors)
    return ConsentContent(
        recipients=recipient_ids,
        categories=cleaned_categories,
        purpose=str(purpose),
        valid_from=valid_from,
        valid_to=valid_to,
        given_by=str(given_by),
        given_on=given,
        person_age=age,
        form=str(form),
        evidence_note=evidence_note.strip(),
        how_informed=how_informed.strip(),
        child_view=child_view.strip(),
    )


def _twin_message() -> str:
    return _(
        "This consent is already recorded: the same giver, recipients, categories, purpose and period are in force."
    )


def _create_version(
    *,
    actor: User,
    person: Person,
    organisation_id: int,
    content: ConsentContent,
    previous: Consent | None,
    audit_fields: list[str] | None = None,
) -> Consent:
    """Create one consent version, refusing a twin of a version in force (the database's unique fingerprint).

    :raises ValidationError: an equal consent is in force.
    """
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                person=person,
                recorded_by=actor,
                recorded_for_organisation_id=organisation_id,
                recipients=content.recipients,
                categories=content.categories,
                purpose=content.purpose,
                valid_from=content.valid_from,
                valid_to=content.valid_to,
                given_by=content.given_by,
                given_on=content.given_on,
                person_age=content.person_age,
                form=content.form,
                evidence_note=content.evidence_note,
                how_informed=content.how_informed,
                child_view=content.child_view,
                version=1 if previous is None else previous.version + 1,
                previous=previous,
                fingerprint=fingerprint(person_id=person.pk, discloser_id=organisation_id, content=content),
            )
    except IntegrityError as exc:
        raise ValidationError(_twin_message()) from exc
    ConsentGrant.objects.bulk_create(
        ConsentGrant(consent=consent, person=person, discloser_id=organisation_id, recipient_id=r, category=c)
        for r in content.recipients
        for c in content.categories
    )
    # The new version changes what its recipients see from the next decision on.
    engine.invalidate()
    record(
        actor=actor,
        event=AuditEvent.CREATE,
        target=consent,
        person_id=person.pk,
        organisation_id=organisation_id,
        changed_fields=audit_fields or (CONSENT_FIELDS if previous is None else [*CONSENT_FIELDS, "previous"]),
    )
    return consent


def _end(actor: User, consent: Consent, reason: ConsentEnd, replaced_by: Consent | None = None) -> None:
    """Stamp the end of a version that another took the place of (never a withdrawal: no notices)."""
    consent.ended_at = timezone.now()
    consent.ended_reason = reason
    consent.replaced_by = replaced_by
    consent.save(update_fields=["ended_at", "ended_reason", "replaced_by"])
    record(
        actor=actor,
        event=AuditEvent.UPDATE,
        target=consent,
        person_id=consent.person_id,
        organisation_id=consent.recorded_for_organisation_id,
        changed_fields=["ended_at", "ended_reason", "replaced_by"],
    )


def _content_of(consent: Consent, **changes: object) -> ConsentContent:
    content = ConsentContent(
        recipients=list(consent.recipients),
        categories=list(consent.categories),
        purpose=consent.purpose,
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        given_by=consent.given_by,
        given_on=consent.given_on or consent.valid_from,
        person_age=consent.person_age if consent.person_age is not None else consent.person.age_on(consent.valid_from),
        form=consent.form,
        evidence_note=consent.evidence_note,
        how_informed=consent.how_informed,
        child_view=consent.child_view,
    )
    return replace(content, **changes)  # type: ignore[arg-type]


def _replace_older(*, actor: User, newer: Consent) -> list[Consent]:
    """Let a newer consent take the place of older ones towards each recipient they share a category for.

    The newer consent is the person's latest word on what that recipient may get: each older version in
    force for the same person and discloser that names one of its recipients and shares a category with it
    is ended, and goes on, unchanged, only for the recipients the newer one does not name. So a newer,
    narrower consent to NAV narrows what NAV may see, and a consent about other categories (no category
    shared) leaves the older one standing.
    """
    today = timezone.localdate()
    older = (
        # Lock only the consent rows: PostgreSQL refuses to lock the outer join on the next version.
        Consent.objects.select_for_update(of=("self",))
        .filter(person_id=newer.person_id, recorded_for_organisation_id=newer.recorded_for_organisation_id)
        .filter(withdrawn_at__isnull=True, ended_at__isnull=True, superseded_by__isnull=True, valid_to__gte=today)
        .exclude(pk=newer.pk)
        .select_related("person")
        .order_by("created_at", "pk")
    )
    ended: list[Consent] = []
    for consent in older:
        shared_recipients = set(consent.recipients) & set(newer.recipients)
        if not shared_recipients or not set(consent.categories) & set(newer.categories):
            continue
        _end(actor, consent, ConsentEnd.REPLACED, newer)
        ended.append(consent)
        rest_recipients = sorted(set(consent.recipients) - shared_recipients)
        if rest_recipients:
            _create_version(
                actor=actor,
                person=consent.person,
                organisation_id=consent.recorded_for_organisation_id,
                content=_content_of(consent, recipients=rest_recipients),
                previous=None,
                audit_fields=["recipients", "replaced_by"],
            )
    return ended


def consent_record(
    *,
    actor: User,
    person_id: int,
    organisation: Organisation,
    recipients: Sequence[Organisation],
    categories: Sequence[str],
    purpose: str,
    valid_from: date,
    valid_to: date,
    given_by: str,
    form: str,
    evidence_note: str,
    how_informed: str,
    child_view: str = "",
    given_on: date | None = None,
    recorded_on: date | None = None,
) -> Consent:
    """Record a consent that waives ``organisation``'s confidentiality towards the recipients.

    The actor must hold a seat in force for ``organisation`` on an open case of the person, other than a
    seat that is not narrow (the mentor's view is narrow, R26). The consent is given on
    ``given_on`` (today by default, at most ``CONSENT_GRACE_DAYS`` back) and applies from then at the
    earliest; the period ends after it starts, not before today, and at most twelve months later (R12). Who
    may give it follows the person's age that day (R19). A newer consent to the same recipient and category
    takes the older one's place. A twin of a consent in force is refused. ``recorded_on`` is the day of
    recording the date rules count from (today); only the demo seeding passes an earlier day, to build a
    history. No form or page passes it.

    :raises NotFound: the person does not exist, or the actor has no such seat.
    :raises ValidationError: field errors for missing or invalid content, or a twin.
    """
    with transaction.atomic():
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise NotFound(Person._meta.label, person_id)
        _require_seat(actor, person, organisation.pk, open_only=True)
        content = _validated(
            person=person,
            discloser_id=organisation.pk,
            recipients=recipients,
            categories=categories,
            purpose=purpose,
            valid_from=valid_from,
            valid_to=valid_to,
            given_by=given_by,
            given_on=given_on,
            form=form,
            evidence_note=evidence_note,
            how_informed=how_informed,
            child_view=child_view,
            recorded_on=recorded_on,
        )
        consent = _create_version(
            actor=actor, person=person, organisation_id=organisation.pk, content=content, previous=None
        )
        _replace_older(actor=actor, newer=consent)
        return consent


def _lock_latest(
    actor: User | PersonActor, consent_id: int, *, open_only: bool, expected_version: int | None
) -> Consent:
    """Lock a consent for a change after checking the actor's seat and that it is the version the actor saw.

    The person in the portal needs no seat: their own consent is theirs to withdraw (``Action.OWN``).

    :raises NotFound: the consent does not exist or the actor has no seat for its discloser.
    :raises EditConflict: a newer version or a newer consent has replaced it, or it is not at
        ``expected_version``.
    """
    consent = Consent.objects.select_for_update().select_related("person").filter(pk=consent_id).first()
    if consent is None:
        raise NotFound(Consent._meta.label, consent_id)
    if isinstance(actor, PersonActor):
        policy.require(actor, Action.OWN, consent)
    else:
        _require_seat(actor, consent.person, consent.recorded_for_organisation_id, open_only=open_only)
    newer = Consent.objects.filter(previous_id=consent.pk).first()
    if newer is not None or consent.ended_at is not None:
        raise EditConflict(
            target=Consent._meta.label,
            target_id=consent.pk,
            current_version=newer.version if newer is not None else consent.version + 1,
            message=_("A newer version of this consent exists; change that one."),
        )
    if expected_version is not None:
        refuse_stale(
            target=Consent._meta.label,
            target_id=consent.pk,
            current_version=consent.version,
            expected_version=expected_version,
        )
    return consent


def consent_amend(
    *,
    actor: User,
    consent_id: int,
    recipients: Sequence[Organisation],
    categories: Sequence[str],
    purpose: str,
    valid_from: date,
    valid_to: date,
    given_by: str,
    form: str,
    evidence_note: str,
    how_informed: str,
    child_view: str = "",
    given_on: date | None = None,
    expected_version: int,
) -> Consent:
    """Record a changed consent as a new version that supersedes the latest one.

    The old version is kept unchanged and stamped as ended. The same rules as :func:`consent_record`
    apply to the new content, including the replacement of older consents it overlaps.

    ``expected_version`` is the version the actor's form showed: a change made on an older one is refused.

    :raises NotFound: the consent does not exist, or the actor has no seat for its discloser on an open case.
    :raises EditConflict: the consent was already replaced, or is not at ``expected_version``.
    :raises ValidationError: the consent was withdrawn, or the new content is invalid.
    """
    with transaction.atomic():
        old = _lock_latest(actor, consent_id, open_only=True, expected_version=expected_version)
        if old.withdrawn_at is not None:
            raise ValidationError(_("A withdrawn consent cannot be changed; record a new one."))
        content = _validated(
            person=old.person,
            discloser_id=old.recorded_for_organisation_id,
            recipients=recipients,
            categories=categories,
            purpose=purpose,
            valid_from=valid_from,
            valid_to=valid_to,
            given_by=given_by,
            given_on=given_on,
            form=form,
            evidence_note=evidence_note,
            how_informed=how_informed,
            child_view=child_view,
        )
        _end(actor, old, ConsentEnd.AMENDED)
        try:
            with transaction.atomic():
                new = _create_version(
                    actor=actor,
                    person=old.person,
                    organisation_id=old.recorded_for_organisation_id,
                    content=content,
                    previous=old,
                )
        except IntegrityError as exc:  # pragma: no cover - a concurrent amendment won the row lock race
            raise ValidationError(_("A newer version of this consent exists; change that one.")) from exc
        _replace_older(actor=actor, newer=new)
        return new


def consent_withdraw(*, actor: User | PersonActor, consent_id: int, expected_version: int | None = None) -> Consent:
    """Withdraw a consent at once for the future and notify each recipient organisation.

    The actor is a seat for the consent's discloser, or the person themself in the portal (then no user
    is stamped as ``withdrawn_by`` and the audit row names the person).

    Earlier versions and everything shared before stay recorded; duty-based disclosures are untouched (R13).
    Withdrawing twice changes nothing. A closed case does not stop a withdrawal. The confirmation page
    passes the version it showed (``expected_version``), so a withdrawal confirmed on an older version is
    refused and shown again; callers without a page may leave it out, since a withdrawal only ever
    narrows what is shared.

    :raises NotFound: the consent does not exist, or the actor has no seat for its discloser.
    :raises EditConflict: a newer version has replaced it, or it is not at ``expected_version``.
    """
    with transaction.atomic():
        consent = _lock_latest(actor, consent_id, open_only=False, expected_version=expected_version)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor if isinstance(actor, User) else None
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        # The withdrawal takes effect on the very next decision, in this request too.
        engine.invalidate()
        organisations = Organisation.objects.filter(pk__in=consent.recipients)
        ConsentNotice.objects.bulk_create(
            ConsentNotice(consent=consent, organisation=org, kind=ConsentNoticeKind.WITHDRAWN) for org in organisations
        )
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=consent,
            person_id=consent.person_id,
            organisation_id=consent.recorded_for_organisation_id,
            changed_fields=["withdrawn_at", "withdrawn_by"],
        )
        _tell_teams_of_withdrawal(actor=actor, consent=consent)
    return consent


def _tell_teams_of_withdrawal(*, actor: User | PersonActor, consent: Consent) -> None:
    """Tell the team seats of the recipient organisations, on each of the person's cases, that they lose access."""
    seats = TeamMember.objects.filter(
        case__person_id=consent.person_id, organisation_id__in=consent.recipients, left_at__isnull=True
    ).values_list("case_id", "user_id")
    by_case: dict[int, set[int]] = {}
    for case_id, user_id in seats:
        by_case.setdefault(case_id, set()).add(user_id)
    for case_id, user_ids in sorted(by_case.items()):
        notify(
            recipient_ids=user_ids,
            kind=NotificationKind.CONSENT_WITHDRAWN,
            key=f"consent:{consent.pk}:case:{case_id}",
            case_id=case_id,
            actor_id=actor.pk,
        )
