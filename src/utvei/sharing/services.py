"""Writes of consents: record, amend (a new version) and withdraw. Each checks access and audits in one transaction.

A recorded consent is never edited. Its content is fixed when it is recorded; a change is a new version
that supersedes the old one, and withdrawal only stamps ``withdrawn_at`` (R13). Audit rows carry ids and
field names, never the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person
from utvei.cases.policy import active_seats
from utvei.sharing.models import (
    CONSENT_MAX_MONTHS,
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentNotice,
    ConsentNoticeKind,
    ConsentPurpose,
)

CONSENT_FIELDS = [
    "given_by",
    "child_view",
    "recipients",
    "categories",
    "purpose",
    "valid_from",
    "valid_to",
    "form",
    "evidence_note",
    "how_informed",
]


@dataclass(frozen=True)
class ConsentContent:
    """This class will carry the content of one consent version, checked by :func:`_validated`."""

    recipients: list[int]
    categories: list[str]
    purpose: str
    valid_from: date
    valid_to: date
    given_by: str
    form: str
    evidence_note: str
    how_informed: str
    child_view: str


def add_months(day: date, months: int) -> date:
    """This function will move a date by whole months, falling back to the month's last day (29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"Cannot move {day} by {months} months")  # pragma: no cover


def _require_seat(actor: User, person: Person, organisation_id: int, *, open_only: bool) -> None:
    """This function will demand a seat in force for the organisation on a case of the person.

    :raises NotFound: the actor may not see the person, or sits on none of their cases for the organisation.
    """
    policy.require(actor, Action.VIEW, person)
    seats = active_seats(actor).filter(case__person_id=person.pk, organisation_id=organisation_id)
    if open_only:
        seats = seats.filter(case__closed_at__isnull=True)
    if not seats.exists():
        raise NotFound(Person._meta.label, person.pk)


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
    form: str,
    evidence_note: str,
    how_informed: str,
    child_view: str,
) -> ConsentContent:
    """This function will check the content of a consent and return it cleaned.

    :raises ValidationError: field errors for every rule broken (R12 period, R19 minors, known values).
    """
    errors: dict[str, str] = {}
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
    if valid_to <= valid_from:
        errors["valid_to"] = _("The consent must end after it starts.")
    elif valid_to > add_months(valid_from, CONSENT_MAX_MONTHS):
        errors["valid_to"] = _("A consent can last at most %(months)s months.") % {"months": CONSENT_MAX_MONTHS}
    if not evidence_note.strip():
        errors["evidence_note"] = _("Describe the evidence of the consent.")
    if not how_informed.strip():
        errors["how_informed"] = _("Describe how the person was informed.")
    if person.is_minor:
        if given_by != ConsentGiver.GUARDIANS:
            errors["given_by"] = _("For a minor, the guardians give the consent.")
        if not child_view.strip():
            errors["child_view"] = _("Record the child's view.")
    elif given_by != ConsentGiver.PERSON:
        errors["given_by"] = _("An adult gives consent for themselves.")
    if errors:
        raise ValidationError(errors)
    return ConsentContent(
        recipients=recipient_ids,
        categories=cleaned_categories,
        purpose=str(purpose),
        valid_from=valid_from,
        valid_to=valid_to,
        given_by=str(given_by),
        form=str(form),
        evidence_note=evidence_note.strip(),
        how_informed=how_informed.strip(),
        child_view=child_view.strip(),
    )


def _create_version(
    *, actor: User, person: Person, organisation_id: int, content: ConsentContent, previous: Consent | None
) -> Consent:
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
        form=content.form,
        evidence_note=content.evidence_note,
        how_informed=content.how_informed,
        child_view=content.child_view,
        version=1 if previous is None else previous.version + 1,
        previous=previous,
    )
    record(
        actor=actor,
        event=AuditEvent.CREATE,
        target=consent,
        person_id=person.pk,
        organisation_id=organisation_id,
        changed_fields=CONSENT_FIELDS if previous is None else [*CONSENT_FIELDS, "previous"],
    )
    return consent


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
) -> Consent:
    """This function will record a consent that waives ``organisation``'s confidentiality towards the recipients.

    The actor must hold a seat in force for ``organisation`` on an open case of the person. The period ends
    after it starts and at most twelve months later (R12, Utvei's default maximum). For a minor the
    guardians give the consent and the child's view is recorded (R19).

    :raises NotFound: the person does not exist, or the actor has no such seat.
    :raises ValidationError: field errors for missing or invalid content.
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
            form=form,
            evidence_note=evidence_note,
            how_informed=how_informed,
            child_view=child_view,
        )
        return _create_version(
            actor=actor, person=person, organisation_id=organisation.pk, content=content, previous=None
        )


def _lock_latest(actor: User, consent_id: int, *, open_only: bool) -> Consent:
    """This function will lock a consent for a change after checking the actor's seat.

    :raises NotFound: the consent does not exist or the actor has no seat for its discloser.
    :raises ValidationError: a newer version has replaced it.
    """
    consent = Consent.objects.select_for_update().select_related("person").filter(pk=consent_id).first()
    if consent is None:
        raise NotFound(Consent._meta.label, consent_id)
    _require_seat(actor, consent.person, consent.recorded_for_organisation_id, open_only=open_only)
    if Consent.objects.filter(previous_id=consent.pk).exists():
        raise ValidationError(_("A newer version of this consent exists; change that one."))
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
) -> Consent:
    """This function will record a changed consent as a new version that supersedes the latest one.

    The old version is kept unchanged. The same rules as :func:`consent_record` apply to the new content.

    :raises NotFound: the consent does not exist, or the actor has no seat for its discloser on an open case.
    :raises ValidationError: the consent was withdrawn or already replaced, or the new content is invalid.
    """
    with transaction.atomic():
        old = _lock_latest(actor, consent_id, open_only=True)
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
            form=form,
            evidence_note=evidence_note,
            how_informed=how_informed,
            child_view=child_view,
        )
        try:
            with transaction.atomic():
                return _create_version(
                    actor=actor,
                    person=old.person,
                    organisation_id=old.recorded_for_organisation_id,
                    content=content,
                    previous=old,
                )
        except IntegrityError as exc:  # pragma: no cover - a concurrent amendment won the row lock race
            raise ValidationError(_("A newer version of this consent exists; change that one.")) from exc


def consent_withdraw(*, actor: User, consent_id: int) -> Consent:
    """This function will withdraw a consent at once for the future and notify each recipient organisation.

    Earlier versions and everything shared before stay recorded; duty-based disclosures are untouched (R13).
    Withdrawing twice changes nothing. A closed case does not stop a withdrawal.

    :raises NotFound: the consent does not exist, or the actor has no seat for its discloser.
    :raises ValidationError: a newer version has replaced it (withdraw that one).
    """
    with transaction.atomic():
        consent = _lock_latest(actor, consent_id, open_only=False)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
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
    return consent
