"""Writes of consents (record, amend, withdraw) and disclosures. Each checks access and audits in one transaction.

A recorded consent is never edited. Its content is fixed when it is recorded; a change is a new version
that supersedes the old one, and withdrawal only stamps ``withdrawn_at`` (R13). A disclosure is recorded
only when the sharing decision allows it on the chosen basis (R11, R12). Audit rows carry ids and field
names, never the content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, EscalationRecipient, Person
from utvei.cases.policy import active_seats
from utvei.cases.services import acting_organisation
from utvei.core.editing import EditConflict, refuse_stale
from utvei.core.text import hidden_control_errors
from utvei.sharing.decision import BasisCode, ConsentScope, Purpose, SharingRequest, decide
from utvei.sharing.models import (
    CONSENT_MAX_MONTHS,
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentGrant,
    ConsentNotice,
    ConsentNoticeKind,
    ConsentPurpose,
    Disclosure,
    LegalBasis,
)
from utvei.sharing.selectors import consent_for_recipient, legal_basis_reference

if TYPE_CHECKING:
    from utvei.cases.models import Escalation

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
    """Carry the content of one consent version, checked by :func:`_validated`."""

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
    """Move a date by whole months, falling back to the month's last day (29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"Cannot move {day} by {months} months")  # pragma: no cover


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
    """Check the content of a consent and return it cleaned.

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
    """Record a consent that waives ``organisation``'s confidentiality towards the recipients.

    The actor must hold a seat in force for ``organisation`` on an open case of the person, other than a mentor
    seat that is not narrow (the mentor's view is narrow, R26). The period ends
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


def _lock_latest(actor: User, consent_id: int, *, open_only: bool, expected_version: int | None) -> Consent:
    """Lock a consent for a change after checking the actor's seat and that it is the version the actor saw.

    :raises NotFound: the consent does not exist or the actor has no seat for its discloser.
    :raises EditConflict: a newer version has replaced it, or it is not at ``expected_version``.
    """
    consent = Consent.objects.select_for_update().select_related("person").filter(pk=consent_id).first()
    if consent is None:
        raise NotFound(Consent._meta.label, consent_id)
    _require_seat(actor, consent.person, consent.recorded_for_organisation_id, open_only=open_only)
    newer = Consent.objects.filter(previous_id=consent.pk).first()
    if newer is not None:
        raise EditConflict(
            target=Consent._meta.label,
            target_id=consent.pk,
            current_version=newer.version,
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
    expected_version: int,
) -> Consent:
    """Record a changed consent as a new version that supersedes the latest one.

    The old version is kept unchanged. The same rules as :func:`consent_record` apply to the new content.
    ``expected_version`` is the version the actor's form showed: a change made on an older one is refused.

    :raises NotFound: the consent does not exist, or the actor has no seat for its discloser on an open case.
    :raises EditConflict: the consent was already replaced by a newer version, or is not at ``expected_version``.
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


def consent_withdraw(*, actor: User, consent_id: int, expected_version: int | None = None) -> Consent:
    """Withdraw a consent at once for the future and notify each recipient organisation.

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
        consent.withdrawn_by = actor
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
    return consent


# --- disclosures (R11, R12, R17, R20) -----------------------------------------------------------------

DISCLOSURE_FIELDS = [
    "discloser",
    "recipient_organisation",
    "recipient_external",
    "recipient_kind",
    "categories",
    "purpose",
    "basis",
    "legal_basis",
    "consent",
    "content_summary",
    "decided_by",
    "decided_at",
    "person_informed",
    "not_informed_reason",
    "not_informed_until",
    "facts",
    "child_welfare_conditions",
]

# The facts a worker may assert for a disclosure: the yes/no flags of ``SharingRequest`` (R34: a person
# assesses them). Classified content is refused by the R20 guard before any decision is asked for.
FACT_FLAGS = frozenset(
    {
        "discloser_is_health_personnel",
        "discloser_is_social_services",
        "same_organ",
        "anonymised",
        "offence_concern",
        "danger_to_life_or_health",
        "imminent_danger_to_life",
        "avert_listed_offence_most_likely",
        "necessary_for_own_tasks",
        "regulation_in_force",
        "police_shared_under_own_rules",
    }
)

# R20: security-classification markers (sikkerhetsloven's levels and the common "gradert"), at a word start.
_CLASSIFIED = re.compile(r"(?<!\w)(?:strengt\s+hemmelig|gradert|begrenset|konfidensielt|hemmelig)", re.IGNORECASE)


def contains_classified_marker(text: str) -> bool:
    """Tell whether a text carries a security-classification marker (R20)."""
    return _CLASSIFIED.search(text) is not None


def _consent_scope(
    *, consent_id: int, person: Person, discloser: Organisation, recipient: Organisation | None
) -> tuple[Consent, ConsentScope]:
    """Read the consent version a disclosure rests on and give what it covers.

    :raises ValidationError: the consent is not this person's, not recorded for the discloser, replaced
        by a newer version, or does not name the recipient organisation.
    """
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None or consent.person_id != person.pk or consent.recorded_for_organisation_id != discloser.pk:
        raise ValidationError(
            {"consent": _("The consent must be this person's, recorded for the organisation that shares.")}
        )
    if Consent.objects.filter(previous_id=consent.pk).exists():
        raise ValidationError({"consent": _("A newer version of this consent exists; use that one.")})
    if recipient is None or recipient.pk not in consent.recipients:
        raise ValidationError({"consent": _("The consent does not name this recipient.")})
    withdrawn = None if consent.withdrawn_at is None else timezone.localdate(consent.withdrawn_at)
    scope = ConsentScope(
        recipients=frozenset({OrganisationKind(recipient.kind)}),
        categories=frozenset(consent.categories),
        purposes=frozenset({Purpose(consent.purpose)}),
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        withdrawn_at=withdrawn,
    )
    return consent, scope


def _explanation(nb: str, en: str) -> str:
    return en if (translation.get_language() or "nb").startswith("en") else nb


def disclosure_record(
    *,
    actor: User,
    case_id: int,
    recipient_organisation: Organisation | None = None,
    recipient_external: str = "",
    recipient_kind: str,
    categories: Sequence[str],
    basis: str,
    content_summary: str,
    purpose: str,
    consent_id: int | None = None,
    person_informed: bool,
    not_informed_reason: str = "",
    not_informed_until: date | None = None,
    facts: Mapping[str, bool] | None = None,
    child_welfare_conditions: Iterable[str] = (),
    escalation: Escalation | None = None,
    find_consent: bool = False,
) -> Disclosure:
    """Record a disclosure after the sharing decision allows it on the chosen basis (R11).

    The actor needs a seat in force on the case; the discloser is the organisation they act for there.
    The decision is asked with the discloser's kind, the recipient's kind, the categories, the purpose,
    whether the person is a minor, the consent version (for S1) and the facts the actor asserts. The
    disclosure keeps the ``LegalBasis`` version in force today and the consent version used (R12).
    Security-classified content is refused (R20). With ``find_consent`` and no ``consent_id``, the consent
    asked about is the latest version recorded for the discloser that names the recipient organisation.

    :raises NotFound: the case does not exist or the actor has no seat in force on it.
    :raises ValidationError: the decision refuses, the basis does not apply, classified markers, a missing
        summary or reason for not telling the person, or an inconsistent recipient or consent.
    """
    with transaction.atomic():
        case = Case.objects.select_related("person").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.DISCLOSE, case)
        discloser = acting_organisation(actor=actor, case=case)
        person = case.person
        summary = content_summary.strip()
        reason = "" if person_informed else not_informed_reason.strip()
        external = recipient_external.strip()
        errors: dict[str, str] = hidden_control_errors(recipient_external=recipient_external)
        if not summary:
            errors["content_summary"] = _("Summarise what is shared.")
        elif contains_classified_marker(summary):
            errors["content_summary"] = _("Security-classified information must never be entered in Utvei.")
        if not person_informed and not reason:
            errors["not_informed_reason"] = _("Say why the person has not been told.")
        if (recipient_organisation is None) == (not external):
            errors["recipient_organisation"] = _("Name one recipient: an organisation or an external party.")
        elif recipient_organisation is not None and recipient_organisation.pk == discloser.pk:
            errors["recipient_organisation"] = _("The organisation that shares cannot be its own recipient.")
        elif recipient_organisation is not None and recipient_organisation.kind != recipient_kind:
            errors["recipient_organisation"] = _("The recipient's kind does not match the organisation.")
        if basis not in {code.value for code in BasisCode}:
            errors["basis"] = _("Unknown legal basis.")
        if errors:
            raise ValidationError(errors)
        unknown = set(facts or {}) - FACT_FLAGS
        if unknown:
            raise ValueError(f"Unknown facts: {sorted(unknown)}")
        consent: Consent | None = None
        scope: ConsentScope | None = None
        if consent_id is None and find_consent and recipient_organisation is not None:
            found = consent_for_recipient(
                person_id=person.pk,
                discloser_id=discloser.pk,
                recipient_id=recipient_organisation.pk,
                categories=categories,
            )
            consent_id = None if found is None else found.pk
        if consent_id is not None:
            consent, scope = _consent_scope(
                consent_id=consent_id, person=person, discloser=discloser, recipient=recipient_organisation
            )
        today = timezone.localdate()
        try:
            request = SharingRequest(
                discloser_kind=discloser.kind,  # type: ignore[arg-type]
                recipient_kind=recipient_kind,  # type: ignore[arg-type]
                categories=frozenset(categories),  # type: ignore[arg-type]
                purpose=purpose,  # type: ignore[arg-type]
                on=today,
                person_is_minor=person.is_minor,
                consent=scope,
                child_welfare_conditions=frozenset(child_welfare_conditions),  # type: ignore[arg-type]
                **dict(facts or {}),
            )
        except ValueError as exc:
            raise ValidationError(_("The sharing request is not valid: %(error)s") % {"error": exc}) from exc
        decision = decide(request, lookup=legal_basis_reference)
        explanation = _explanation(decision.explanation_nb, decision.explanation_en)
        if not decision.allowed:
            raise ValidationError(_("This sharing is not allowed. %(explanation)s") % {"explanation": explanation})
        if basis not in decision.bases:
            raise ValidationError(
                _("The chosen basis does not apply to this sharing. %(explanation)s") % {"explanation": explanation}
            )
        legal_basis = LegalBasis.objects.in_force(today).filter(code=basis).order_by("-valid_from").first()
        if legal_basis is None:  # pragma: no cover - decide() only returns bases with a reference in force
            raise ValidationError(_("Unknown legal basis."))
        disclosure = Disclosure.objects.create(
            case=case,
            person=person,
            discloser=discloser,
            recipient_organisation=recipient_organisation,
            recipient_external="" if recipient_organisation is not None else external,
            recipient_kind=str(request.recipient_kind),
            categories=sorted(str(c) for c in request.categories),
            purpose=str(request.purpose),
            basis=basis,
            legal_basis=legal_basis,
            consent=consent if basis == BasisCode.CONSENT else None,
            content_summary=summary,
            decided_by=actor,
            decided_at=timezone.now(),
            person_informed=person_informed,
            not_informed_reason=reason,
            not_informed_until=None if person_informed else not_informed_until,
            escalation=escalation,
            facts=sorted(name for name, value in (facts or {}).items() if value),
            child_welfare_conditions=sorted(str(c) for c in request.child_welfare_conditions),
        )
        # A report of concern was audited as the sharing act (SHARE) already; its disclosure record is a CREATE.
        record(
            actor=actor,
            event=AuditEvent.SHARE if escalation is None else AuditEvent.CREATE,
            target=disclosure,
            case_id=case.pk,
            person_id=person.pk,
            organisation_id=discloser.pk,
            changed_fields=DISCLOSURE_FIELDS if escalation is None else [*DISCLOSURE_FIELDS, "escalation"],
        )
    return disclosure


# How a report of serious concern maps onto the sharing decision: its basis, its recipient's kind and
# the facts the reporter asserted by choosing that basis. The report form has one "health personnel's rules"
# basis; the engine has two rows for it towards the police (the duty to alert, S12, then the right to share,
# S11) and, towards child welfare, the duty to inform (S10), which health personnel share with everyone.
_ESCALATION_BASES: dict[str, tuple[BasisCode, ...]] = {
    "consent": (BasisCode.CONSENT,),
    "offences": (BasisCode.OFFENCES,),
    "danger": (BasisCode.DANGER,),
    "duty_to_avert": (BasisCode.DUTY_TO_AVERT,),
    "duty_to_help": (BasisCode.DUTY_TO_HELP,),
    "child_welfare_duty": (BasisCode.CHILD_WELFARE_DUTY,),
    "health_personnel": (BasisCode.HEALTH_EMERGENCY, BasisCode.HEALTH_RIGHT, BasisCode.CHILD_WELFARE_DUTY),
}
_ESCALATION_RECIPIENT: dict[str, str] = {
    "police_contact": OrganisationKind.POLICE_DISTRICT,
    "police": OrganisationKind.POLICE_DISTRICT,
    "emergency": OrganisationKind.POLICE_DISTRICT,
    "pst": OrganisationKind.PST,
    "child_welfare": OrganisationKind.CHILD_WELFARE,
}
_ESCALATION_FACTS: dict[BasisCode, dict[str, bool]] = {
    BasisCode.OFFENCES: {"offence_concern": True},
    BasisCode.DANGER: {"danger_to_life_or_health": True},
    BasisCode.DUTY_TO_AVERT: {"avert_listed_offence_most_likely": True},
    BasisCode.DUTY_TO_HELP: {"imminent_danger_to_life": True},
    BasisCode.HEALTH_EMERGENCY: {"danger_to_life_or_health": True},
    BasisCode.HEALTH_RIGHT: {"danger_to_life_or_health": True},
}


def _escalation_codes(basis: str, recipient_kind: str) -> tuple[BasisCode, ...]:
    """Give the engine bases a report's basis may stand for towards its recipient, best first."""
    codes = _ESCALATION_BASES.get(basis, ())
    if recipient_kind == OrganisationKind.CHILD_WELFARE:
        return tuple(c for c in codes if c not in {BasisCode.HEALTH_EMERGENCY, BasisCode.HEALTH_RIGHT})
    return tuple(c for c in codes if c != BasisCode.CHILD_WELFARE_DUTY)


def disclosure_from_escalation(
    *, actor: User, escalation: Escalation, child_welfare_conditions: Iterable[str] = ()
) -> Disclosure | None:
    """Record a report of serious concern as a disclosure, when the decision allows it.

    A report is never blocked (R17): when it has no basis, when a consent-based report finds no current
    consent naming an organisation of the recipient's kind, or when the decision refuses, the report
    stands and no disclosure is recorded (None). The duty to inform child welfare needs the conditions
    a–d the reporter said hold; Utvei never guesses them (R34). The caller has already checked the actor's
    access.
    """
    recipient_kind = _ESCALATION_RECIPIENT.get(escalation.recipient)
    if recipient_kind is None:
        return None
    conditions = frozenset(child_welfare_conditions)
    codes = [
        code
        for code in _escalation_codes(escalation.basis, recipient_kind)
        if code != BasisCode.CHILD_WELFARE_DUTY or conditions
    ]
    for code in codes:
        disclosure = _escalation_disclosure(actor, escalation, code, recipient_kind, conditions)
        if disclosure is not None:
            return disclosure
    return None


def _escalation_disclosure(
    actor: User, escalation: Escalation, code: BasisCode, recipient_kind: str, conditions: frozenset[str]
) -> Disclosure | None:
    case = escalation.case
    recipient_organisation: Organisation | None = None
    consent_id: int | None = None
    if code == BasisCode.CONSENT:
        discloser = acting_organisation(actor=actor, case=case)
        current = Consent.objects.current(timezone.localdate()).filter(
            person_id=case.person_id, recorded_for_organisation_id=discloser.pk
        )
        for consent in current.order_by("-created_at"):
            named = Organisation.objects.filter(pk__in=consent.recipients, kind=recipient_kind).order_by("pk").first()
            if named is not None:
                recipient_organisation, consent_id = named, consent.pk
                break
        if consent_id is None:
            return None
    with translation.override("nb"):
        external = "" if recipient_organisation is not None else str(EscalationRecipient(escalation.recipient).label)
    try:
        with transaction.atomic():
            return disclosure_record(
                actor=actor,
                case_id=case.pk,
                recipient_organisation=recipient_organisation,
                recipient_external=external,
                recipient_kind=recipient_kind,
                categories=[Category.CONCERN],
                basis=code,
                content_summary=escalation.summary or "(se meldingen)",
                purpose=Purpose.REPORT_CONCERN,
                consent_id=consent_id,
                person_informed=escalation.person_informed,
                not_informed_reason=escalation.person_not_informed_reason or "(ikke oppgitt i meldingen)",
                not_informed_until=escalation.person_not_informed_until,
                facts=_ESCALATION_FACTS.get(code, {}),
                child_welfare_conditions=conditions if code == BasisCode.CHILD_WELFARE_DUTY else (),
                escalation=escalation,
            )
    except ValidationError:
        return None


def escalation_report(
    *,
    actor: User,
    case_id: int,
    level: str,
    recipient: str,
    basis: str = "",
    channel: str = "",
    summary: str = "",
    reference: str = "",
    reassess_on: date | None = None,
    leader_informed: bool = False,
    person_informed: bool = False,
    person_not_informed_reason: str = "",
    person_not_informed_until: date | None = None,
    child_welfare_conditions: Sequence[str] = (),
) -> Escalation:
    """Record a report of serious concern, with the child-welfare conditions a–d it names.

    The report itself is ``cases.services.escalation_record`` (never blocked, R17). When the reporter names
    conditions a–d (barnevernsloven, duty to inform child welfare), the report becomes a disclosure on that
    duty as well, if the decision allows it (the person must be under 18).

    :raises NotFound: the actor is not on the case's team.
    :raises ValidationError: an unknown level, recipient, basis, channel or condition.
    """
    from utvei.cases.services import escalation_record
    from utvei.sharing.decision import ChildWelfareCondition

    if any(value not in {c.value for c in ChildWelfareCondition} for value in child_welfare_conditions):
        raise ValidationError(
            {"child_welfare_conditions": _("Unknown condition for the duty to inform child welfare.")}
        )
    with transaction.atomic():
        escalation = escalation_record(
            actor=actor,
            case_id=case_id,
            level=level,
            recipient=recipient,
            basis=basis,
            channel=channel,
            summary=summary,
            reference=reference,
            reassess_on=reassess_on,
            leader_informed=leader_informed,
            person_informed=person_informed,
            person_not_informed_reason=person_not_informed_reason,
            person_not_informed_until=person_not_informed_until,
        )
        if child_welfare_conditions and not Disclosure.objects.filter(escalation=escalation).exists():
            disclosure_from_escalation(
                actor=actor, escalation=escalation, child_welfare_conditions=child_welfare_conditions
            )
    return escalation


# --- expiry and renewal reminders (R12) ---------------------------------------------------------------

REMINDER_DAYS = 30


@dataclass(frozen=True)
class ReminderResult:
    """Count what one reminder run did: consents reminded, notices and tasks created."""

    consents: int
    notices: int
    tasks: int


def _coordinator(case: Case) -> User | None:
    """Pick the team member who follows up a case's consents: the exit coordinator first."""
    from utvei.accounts.models import Role
    from utvei.cases.models import TeamMember
    from utvei.cases.policy import CASE_EDITOR_ROLES

    preference = [Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR, *sorted(CASE_EDITOR_ROLES)]
    seats = list(TeamMember.objects.filter(case=case, left_at__isnull=True, role__in=CASE_EDITOR_ROLES))
    for role in preference:
        for seat in seats:
            if seat.role == role and active_seats(seat.user).filter(pk=seat.pk).exists():
                return seat.user
    return None


def consent_reminders_send(*, today: date | None = None, days: int = REMINDER_DAYS) -> ReminderResult:
    """Remind about consents in force that end within ``days`` days, once per consent (R12).

    For each such consent it writes an ``expiring`` notice to every recipient organisation and a task for
    the coordinator of each open case of the person ("renew or end the consent"), so the person is asked
    again before the sharing stops. A consent that already has an ``expiring`` notice is skipped, so the job
    can run every day. The task is created in the coordinator's name (the job acts for them); a case
    without a coordinator or case worker gets notices only.
    """
    from utvei.cases.services import task_create

    day = today or timezone.localdate()
    horizon = day + timedelta(days=days)
    reminded = notices = tasks = 0
    with transaction.atomic():
        due = (
            Consent.objects.current(day)
            .filter(valid_to__lte=horizon)
            .exclude(notices__kind=ConsentNoticeKind.EXPIRING)
            .order_by("valid_to", "pk")
        )
        for consent in due:
            reminded += 1
            for organisation in Organisation.objects.filter(pk__in=consent.recipients).order_by("pk"):
                notice = ConsentNotice.objects.create(
                    consent=consent, organisation=organisation, kind=ConsentNoticeKind.EXPIRING
                )
                record(
                    actor=None,
                    event=AuditEvent.CREATE,
                    target=notice,
                    person_id=consent.person_id,
                    organisation_id=organisation.pk,
                    changed_fields=["consent", "organisation", "kind"],
                )
                notices += 1
            for case in Case.objects.filter(person_id=consent.person_id, closed_at__isnull=True).order_by("pk"):
                coordinator = _coordinator(case)
                if coordinator is None:
                    continue
                with translation.override("nb"):
                    title = _("Renew or end the consent that ends on %(day)s") % {
                        "day": f"{consent.valid_to.day}.{consent.valid_to.month}.{consent.valid_to.year}"
                    }
                task_create(
                    actor=coordinator,
                    case_id=case.pk,
                    title=title,
                    due_on=max(day, consent.valid_to - timedelta(days=7)),
                    assignee=coordinator,
                )
                tasks += 1
    return ReminderResult(consents=reminded, notices=notices, tasks=tasks)
