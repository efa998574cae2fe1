"""The report of serious concern as a disclosure: the mapping of its basis and recipient onto the decision.

A report is never blocked (R17): ``cases.services.escalation_record`` records it, and this module records
it as a disclosure as well when the sharing decision allows it. The recipient is a party of the register
of external recipients, never a typed name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access.categories import Category
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.cases.services import acting_organisation
from utvei.sharing.decision import CONSENT_BASES, BasisCode, ChildWelfareCondition, Purpose
from utvei.sharing.models import Consent, Disclosure, DisclosureChannel, ExternalRecipient
from utvei.sharing.services.disclosures import disclosure_record

if TYPE_CHECKING:
    from utvei.cases.models import Escalation

_DUTY_TO_INFORM = (
    BasisCode.CHILD_WELFARE_DUTY,
    BasisCode.CHILD_WELFARE_DUTY_HEALTH,
    BasisCode.CHILD_WELFARE_DUTY_SCHOOL,
)
# How a report's basis maps onto the decision's bases, best first. The decision offers only the one that
# fits the reporter (the duty to inform child welfare by their confirmed status, consent by their sector).
# The report form has one "health personnel's rules" basis: towards the police the duty to alert (S12);
# towards child welfare the duty to inform (S10). The right to share for weighty interests (S11) needs a
# recorded judgement with reasons, which a report does not carry, so a report never rests on it.
_ESCALATION_BASES: dict[str, tuple[BasisCode, ...]] = {
    "consent": (BasisCode.CONSENT, BasisCode.HEALTH_CONSENT),
    "offences": (BasisCode.OFFENCES,),
    "danger": (
        BasisCode.DANGER,
        BasisCode.NAV_SHARING,
        BasisCode.SOCIAL_SERVICES_SHARING,
        BasisCode.CHILD_WELFARE_SHARING,
    ),
    "duty_to_avert": (BasisCode.DUTY_TO_AVERT,),
    "duty_to_help": (BasisCode.DUTY_TO_HELP,),
    "child_welfare_duty": _DUTY_TO_INFORM,
    "health_personnel": (BasisCode.HEALTH_EMERGENCY, BasisCode.CHILD_WELFARE_DUTY_HEALTH),
}
# The report's recipient as a party of the register (``sharing.ExternalRecipient.code``).
_ESCALATION_PARTY: dict[str, str] = {
    "police_contact": "police_radicalisation_contact",
    "police": "police_02800",
    "pst": "pst",
    "emergency": "emergency_112",
    "child_welfare": "child_welfare_service",
}
_ESCALATION_FACTS: dict[BasisCode, dict[str, bool]] = {
    BasisCode.OFFENCES: {"offence_concern": True},
    BasisCode.DANGER: {"danger_to_life_or_health": True},
    BasisCode.NAV_SHARING: {"danger_to_life_or_health": True},
    BasisCode.SOCIAL_SERVICES_SHARING: {"danger_to_life_or_health": True},
    BasisCode.CHILD_WELFARE_SHARING: {"danger_to_life_or_health": True},
    BasisCode.DUTY_TO_AVERT: {"avert_listed_offence_most_likely": True},
    BasisCode.DUTY_TO_HELP: {"imminent_danger_to_life": True},
    BasisCode.HEALTH_EMERGENCY: {"danger_to_life_or_health": True},
}


def _channel(escalation: Escalation) -> str:
    """Give the disclosure channel a report's recipient and channel stand for, or "" when not said."""
    if escalation.recipient == "emergency":
        return DisclosureChannel.EMERGENCY_112
    if escalation.recipient == "police_contact":
        return DisclosureChannel.RADICALISATION_CONTACT
    by_channel = {
        "meeting": DisclosureChannel.MEETING,
        "letter": DisclosureChannel.LETTER,
        "form": DisclosureChannel.PST_TIP if escalation.recipient == "pst" else "",
        "phone": DisclosureChannel.POLICE_02800 if escalation.recipient == "police" else "",
    }
    return str(by_channel.get(escalation.channel, ""))


def _escalation_codes(basis: str, recipient_kind: str) -> tuple[BasisCode, ...]:
    """Give the engine bases a report's basis may stand for towards its recipient, best first."""
    codes = _ESCALATION_BASES.get(basis, ())
    if recipient_kind == OrganisationKind.CHILD_WELFARE:
        return tuple(c for c in codes if c != BasisCode.HEALTH_EMERGENCY)
    return tuple(c for c in codes if c not in _DUTY_TO_INFORM)


def disclosure_from_escalation(
    *, actor: User, escalation: Escalation, child_welfare_conditions: Iterable[str] = ()
) -> Disclosure | None:
    """Record a report of serious concern as a disclosure, when the decision allows it.

    A report is never blocked (R17): when it has no basis, when a consent-based report finds no current
    consent naming an organisation of the recipient's kind, or when the decision refuses, the report
    stands and no disclosure is recorded (None). A report that already has its disclosure keeps it. The
    duty to inform child welfare needs the conditions a–d the reporter said hold; Utvei never guesses them
    (R34). The caller has already checked the actor's access.
    """
    existing = Disclosure.objects.filter(escalation=escalation).first()
    if existing is not None:
        return existing
    party = ExternalRecipient.objects.filter(code=_ESCALATION_PARTY.get(escalation.recipient, "")).first()
    if party is None:
        return None
    conditions = frozenset(child_welfare_conditions)
    codes = [
        code for code in _escalation_codes(escalation.basis, party.kind) if code not in _DUTY_TO_INFORM or conditions
    ]
    for code in codes:
        disclosure = _escalation_disclosure(actor, escalation, code, party, conditions)
        if disclosure is not None:
            return disclosure
    return None


def _escalation_disclosure(
    actor: User, escalation: Escalation, code: BasisCode, party: ExternalRecipient, conditions: frozenset[str]
) -> Disclosure | None:
    case = escalation.case
    recipient_organisation: Organisation | None = None
    consent_id: int | None = None
    if code in CONSENT_BASES:
        discloser = acting_organisation(actor=actor, case=case)
        current = Consent.objects.current(timezone.localdate()).filter(
            person_id=case.person_id, recorded_for_organisation_id=discloser.pk
        )
        for consent in current.order_by("-created_at"):
            named = Organisation.objects.filter(pk__in=consent.recipients, kind=party.kind).order_by("pk").first()
            if named is not None:
                recipient_organisation, consent_id = named, consent.pk
                break
        if consent_id is None:
            return None
    try:
        with transaction.atomic():
            return disclosure_record(
                actor=actor,
                case_id=case.pk,
                recipient_organisation=recipient_organisation,
                recipient_party=None if recipient_organisation is not None else party,
                recipient_kind=party.kind,
                categories=[Category.CONCERN],
                basis=code,
                content_summary=escalation.summary or "(se meldingen)",
                purpose=Purpose.REPORT_CONCERN,
                consent_id=consent_id,
                person_informed=escalation.person_informed,
                not_informed_reason=escalation.person_not_informed_reason or "(ikke oppgitt i meldingen)",
                not_informed_until=escalation.person_not_informed_until,
                facts=_ESCALATION_FACTS.get(code, {}),
                child_welfare_conditions=conditions if code in _DUTY_TO_INFORM else (),
                escalation=escalation,
                known_at=escalation.known_at,
                channel=_channel(escalation),
                reference=escalation.reference,
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
    known_at: datetime | None = None,
) -> Escalation:
    """Record a report of serious concern, with the child-welfare conditions a–d it names.

    The report itself is ``cases.services.escalation_record`` (never blocked, R17). It then becomes a
    disclosure of the sharing engine when its basis allows it, a refusal never blocking the report. When
    the reporter names conditions a–d (the duty to inform child welfare), it becomes a disclosure on that
    duty instead, if the decision allows it (the person must be under 18).

    :raises NotFound: the actor is not on the case's team.
    :raises ValidationError: an unknown level, recipient, basis, channel or condition.
    """
    from utvei.cases.services import escalation_record

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
            known_at=known_at,
        )
        disclosure_from_escalation(actor=actor, escalation=escalation)
        if child_welfare_conditions and not Disclosure.objects.filter(escalation=escalation).exists():
            disclosure_from_escalation(
                actor=actor, escalation=escalation, child_welfare_conditions=child_welfare_conditions
            )
    return escalation


def report_complete(*, actor: User, escalation_id: int, **changes: object) -> Escalation:
    """Complete a report of concern later (``cases.services.escalation_complete``, with its history), and
    record it as a disclosure once its basis allows one; nothing is recorded twice.

    :raises NotFound: the report does not exist, or the actor's organisation did not make it.
    :raises ValidationError: a bad value in the completion.
    """
    from utvei.cases.services import escalation_complete

    with transaction.atomic():
        escalation = escalation_complete(actor=actor, escalation_id=escalation_id, **changes)
        if escalation.basis:
            disclosure_from_escalation(actor=actor, escalation=escalation)
    return escalation
