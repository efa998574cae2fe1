"""Writes of disclosures: one outward sharing, recorded only when the decision allows the chosen basis.

The decision is asked again at recording time, with what the records say about the discloser (sector,
public body, confirmed professional status) and the person (age that day), and with the facts the actor
assessed. Free text carrying a classification marking is refused (R20). Audit rows carry ids and field
names, never the content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, Person
from utvei.cases.services import acting_organisation
from utvei.core.markings import marking_errors
from utvei.sharing.decision import (
    CONSENT_BASES,
    POLICE,
    BasisCode,
    ConsentScope,
    SharingRequest,
    WeightyInterests,
    decide,
)
from utvei.sharing.models import Consent, Disclosure, DisclosureChannel, ExternalRecipient, LegalBasis
from utvei.sharing.selectors import (
    ASSESSED_FACTS,
    consent_for_recipient,
    consent_scope_of,
    legal_basis_reference,
    request_facts,
)

if TYPE_CHECKING:
    from utvei.cases.models import Escalation

DISCLOSURE_FIELDS = [
    "discloser",
    "recipient_organisation",
    "recipient_party",
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
    "known_at",
    "channel",
    "reference",
    "why_not_anonymised",
    "weighty_interests",
    "judgement_reasons",
]

# The yes/no facts a worker may assert for a disclosure (R34); the text facts are separate arguments.
FACT_FLAGS = frozenset(ASSESSED_FACTS - {"weighty_interests", "why_not_anonymised"})


def contains_classified_marker(text: str) -> bool:
    """Tell whether a text carries a security-classification marking (R20; the shared check in ``core``)."""
    from utvei.core.markings import has_classification_marking

    return has_classification_marking(text)


def _consent_scope(
    *, consent_id: int, person: Person, discloser: Organisation, recipient: Organisation | None
) -> tuple[Consent, ConsentScope]:
    """Read the consent version a disclosure rests on and give what it covers.

    :raises ValidationError: the consent is not this person's, not recorded for the discloser, replaced
        by a newer version, or does not name the recipient organisation.
    """
    consent = Consent.objects.select_related("person").filter(pk=consent_id).first()
    if consent is None or consent.person_id != person.pk or consent.recorded_for_organisation_id != discloser.pk:
        raise ValidationError(
            {"consent": _("The consent must be this person's, recorded for the organisation that shares.")}
        )
    if Consent.objects.filter(previous_id=consent.pk).exists():
        raise ValidationError({"consent": _("A newer version of this consent exists; use that one.")})
    if recipient is None or recipient.pk not in consent.recipients:
        raise ValidationError({"consent": _("The consent does not name this recipient.")})
    return consent, consent_scope_of(consent, recipient)


def _record_errors(
    *,
    summary: str,
    person_informed: bool,
    reason: str,
    recipient_organisation: Organisation | None,
    recipient_party: ExternalRecipient | None,
    recipient_kind: str,
    discloser: Organisation,
    basis: str,
    channel: str,
    reference: str,
    known_at: datetime | None,
    texts: Mapping[str, str],
    from_report: bool,
) -> dict[str, str]:
    """Check what a disclosure records, all at once (R11, R20, S15).

    A report of concern keeps its channel and reference on the report, where they may be completed later
    (R17), so only a disclosure recorded on its own must name them.
    """
    errors: dict[str, str] = {}
    if not summary:
        errors["content_summary"] = _("Summarise what is shared.")
    if not person_informed and not reason:
        errors["not_informed_reason"] = _("Say why the person has not been told.")
    if (recipient_organisation is None) == (recipient_party is None):
        errors["recipient_organisation"] = _("Name one recipient: an organisation or an external party.")
    elif recipient_organisation is not None and recipient_organisation.pk == discloser.pk:
        errors["recipient_organisation"] = _("The organisation that shares cannot be its own recipient.")
    elif recipient_organisation is not None and recipient_organisation.kind != recipient_kind:
        errors["recipient_organisation"] = _("The recipient's kind does not match the organisation.")
    elif recipient_party is not None and recipient_party.kind != recipient_kind:
        errors["recipient_organisation"] = _("The recipient's kind does not match the external party.")
    if basis not in {code.value for code in BasisCode}:
        errors["basis"] = _("Unknown legal basis.")
    if recipient_kind in POLICE and not from_report:
        if channel not in DisclosureChannel.values:
            errors["channel"] = _("Say how the police or PST were told (the channel).")
        if not reference:
            errors["reference"] = _("Give the reference the police or PST gave, or the date and time of the call.")
    elif channel and channel not in DisclosureChannel.values:
        errors["channel"] = _("Unknown channel.")
    if known_at is not None and known_at > timezone.now():
        errors["known_at"] = _("The time of knowledge cannot be in the future.")
    for name, message in marking_errors(texts).items():
        errors.setdefault(name, message)
    return errors


def disclosure_record(
    *,
    actor: User,
    case_id: int,
    recipient_organisation: Organisation | None = None,
    recipient_party: ExternalRecipient | None = None,
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
    known_at: datetime | None = None,
    channel: str = "",
    reference: str = "",
    why_not_anonymised: str = "",
    weighty_interests: WeightyInterests | None = None,
) -> Disclosure:
    """Record a disclosure after the sharing decision allows it on the chosen basis (R11).

    The actor needs a seat in force on the case; the discloser is the organisation they act for there. The
    decision is asked with what the records say (``selectors.request_facts``), the consent version (for
    S1) and the facts the actor assessed. The disclosure keeps the ``LegalBasis`` version in force today
    and the consent version used (R12). A recipient outside Utvei is one of the register's external parties
    (``recipient_external`` is only an added detail, such as the office). Towards the police or PST the
    channel and the reference are required (S15); on a danger basis, why anonymised information was not
    enough (R16). Marked text is refused (R20). With ``find_consent`` and no ``consent_id``, the consent
    asked about is the latest version recorded for the discloser that names the recipient organisation.

    :raises NotFound: the case does not exist or the actor has no seat in force on it.
    :raises ValidationError: the decision refuses, the basis does not apply, classified markings, a missing
        summary, reason, channel or reference, or an inconsistent recipient or consent.
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
        detail = recipient_external.strip()
        ref = reference.strip()
        minimality = why_not_anonymised.strip()
        errors = _record_errors(
            summary=summary,
            person_informed=person_informed,
            reason=reason,
            recipient_organisation=recipient_organisation,
            recipient_party=recipient_party,
            recipient_kind=recipient_kind,
            discloser=discloser,
            basis=basis,
            channel=channel,
            reference=ref,
            known_at=known_at,
            texts={
                "content_summary": summary,
                "not_informed_reason": reason,
                "recipient_external": detail,
                "reference": ref,
                "why_not_anonymised": minimality,
                "judgement_reasons": weighty_interests.reasons if weighty_interests is not None else "",
            },
            from_report=escalation is not None,
        )
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
        known, _derived = request_facts(
            actor=actor, case=case, discloser=discloser, recipient=recipient_organisation, on=today
        )
        try:
            request = SharingRequest(
                recipient_kind=recipient_kind,  # type: ignore[arg-type]
                categories=frozenset(categories),  # type: ignore[arg-type]
                purpose=purpose,  # type: ignore[arg-type]
                on=today,
                consent=scope,
                child_welfare_conditions=frozenset(child_welfare_conditions),  # type: ignore[arg-type]
                weighty_interests=weighty_interests,
                why_not_anonymised=minimality,
                discloser_kind=known.discloser_kind,
                discloser_sector=known.discloser_sector,
                discloser_status=known.discloser_status,
                discloser_body=known.discloser_body,
                recipient_body=known.recipient_body,
                person_age=known.person_age,
                **dict(facts or {}),
            )
        except ValueError as exc:
            raise ValidationError(_("The sharing request is not valid: %(error)s") % {"error": exc}) from exc
        decision = decide(request, lookup=legal_basis_reference)
        explanation = decision.explanation(translation.get_language() or "nb")
        if not decision.allowed:
            raise ValidationError(_("This sharing is not allowed. %(explanation)s") % {"explanation": explanation})
        if basis not in decision.bases:
            raise ValidationError(
                _("The chosen basis does not apply to this sharing. %(explanation)s") % {"explanation": explanation}
            )
        # A report names the person by its nature; a disclosure on its own must say why that is needed (R16).
        if "why_not_anonymised" in decision.must_record and not minimality and escalation is None:
            raise ValidationError(
                {"why_not_anonymised": _("Say why anonymised information is not enough: share only the minimum.")}
            )
        legal_basis = LegalBasis.objects.in_force(today).filter(code=basis).order_by("-valid_from").first()
        if legal_basis is None:  # pragma: no cover - decide() only returns bases with a reference in force
            raise ValidationError(_("Unknown legal basis."))
        disclosure = Disclosure.objects.create(
            case=case,
            person=person,
            discloser=discloser,
            recipient_organisation=recipient_organisation,
            recipient_party=recipient_party,
            recipient_external=detail,
            recipient_kind=str(request.recipient_kind),
            categories=sorted(str(c) for c in request.categories),
            purpose=str(request.purpose),
            basis=basis,
            legal_basis=legal_basis,
            consent=consent if basis in CONSENT_BASES else None,
            content_summary=summary,
            decided_by=actor,
            decided_at=timezone.now(),
            person_informed=person_informed,
            not_informed_reason=reason,
            not_informed_until=None if person_informed else not_informed_until,
            escalation=escalation,
            facts=sorted(name for name, value in (facts or {}).items() if value),
            child_welfare_conditions=sorted(str(c) for c in request.child_welfare_conditions),
            known_at=known_at,
            channel=channel,
            reference=ref,
            why_not_anonymised=minimality,
            weighty_interests=sorted(weighty_interests.interests) if weighty_interests is not None else [],
            judgement_reasons=weighty_interests.reasons.strip() if weighty_interests is not None else "",
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
