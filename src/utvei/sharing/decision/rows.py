"""The rows of the decision table: who may use each basis towards whom, and what triggers it.

A row is available when this discloser may use the basis towards this recipient at all (the form's
options), and met when its facts are present. Who the discloser is comes from the records: the sector's
confidentiality rules, the professional status an administrator confirmed, the public bodies of the two
organisations. Nothing a user ticks can make a row available.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.accounts.models import OrganisationKind, ProfessionalStatus, Sector
from utvei.sharing.decision.facts import BasisCode, OtherRecipient, Recipient, SharingRequest, WeightyInterest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

POLICE: frozenset[Recipient] = frozenset({OrganisationKind.POLICE_DISTRICT, OrganisationKind.PST})
# Every kind of organisation except "other" (a private provider, a voluntary organisation) is public.
PUBLIC_BODIES: frozenset[Recipient] = frozenset(OrganisationKind) - {OrganisationKind.OTHER}

# Sectors whose own act replaces the general rights to share of the public administration act.
OWN_RULE_SECTORS: frozenset[Sector] = frozenset(
    {Sector.HEALTH, Sector.NAV, Sector.SOCIAL_SERVICES, Sector.CHILD_WELFARE}
)


def health_personnel(request: SharingRequest) -> bool:
    """Tell whether the discloser is confirmed authorised health personnel."""
    return request.discloser_status == ProfessionalStatus.HEALTH_PERSONNEL


def teacher(request: SharingRequest) -> bool:
    """Tell whether the discloser is a confirmed teacher."""
    return request.discloser_status == ProfessionalStatus.TEACHER


def health_bound(request: SharingRequest) -> bool:
    """Tell whether the health rules bind the discloser: a health sector, or authorised health personnel."""
    return request.discloser_sector == Sector.HEALTH or health_personnel(request)


def nav(request: SharingRequest) -> bool:
    """Tell whether NAV's or the social services' own confidentiality rules bind the discloser (R14)."""
    return request.discloser_sector in {Sector.NAV, Sector.SOCIAL_SERVICES}


def fvl_rights(request: SharingRequest) -> bool:
    """Tell whether the general rights to share apply: not in a sector with rules of its own (R14, R15)."""
    return request.discloser_sector not in OWN_RULE_SECTORS and not health_personnel(request)


def danger(request: SharingRequest) -> bool:
    """Tell whether the worker assessed a danger to someone's life or health."""
    return request.danger_to_life_or_health or request.imminent_danger_to_life


def _sector_rule(request: SharingRequest) -> bool:
    # The sector acts allow sharing with other public bodies only for the service's own tasks or to prevent
    # substantial danger to life or serious harm to health; an offence alone is not enough.
    return request.necessary_for_own_tasks or request.danger_to_life_or_health


def _always(request: SharingRequest) -> bool:
    return True


@dataclass(frozen=True)
class Row:
    """Hold one row of the decision table."""

    code: BasisCode
    available: Callable[[SharingRequest], bool]
    met: Callable[[SharingRequest], bool]
    applies: StrOrPromise
    # What the worker could bring about to make the row apply; None when it is not theirs to change.
    needs: StrOrPromise | None
    # Whether the row rests on a danger, so that only the minimum may be shared (R16).
    danger_basis: Callable[[SharingRequest], bool] = lambda r: False


def _consent_met(request: SharingRequest) -> bool:
    # The engine also demands that the consent has no gap (scope, period, the age rules read from the data).
    return request.consent is not None


_CONSENT_APPLIES = _(
    "the person has consented to sharing with this recipient, of these categories and for this purpose, and the "
    "consent is in force on the date"
)
_CONSENT_NEEDS = _("a consent from the person covering the recipient, every category, the purpose and the date")
_DUTY_TO_INFORM_APPLIES = _(
    "the person is under 18 and there is reason to believe that a condition of the duty to inform child welfare is "
    "met; the duty overrides confidentiality"
)
_DUTY_TO_INFORM_NEEDS = _(
    "the person being under 18 with reason to believe that one of the conditions a–d is met (less serious concerns "
    "need consent)"
)


def _to_child_welfare(request: SharingRequest) -> bool:
    return request.recipient_kind == OrganisationKind.CHILD_WELFARE


def _minor_with_condition(request: SharingRequest) -> bool:
    return request.person_is_minor and bool(request.child_welfare_conditions)


# Best first: nothing identifying leaves (S2), nothing leaves the organ (S3), the person's own choice (S1),
# the duties that override confidentiality (S8, S9, S10, S12), the police's own rules (S13), and last the
# discretionary rights, with the emergency-like danger basis (S6) at the end because it must stay minimal.
ROWS: tuple[Row, ...] = (
    Row(
        BasisCode.ANONYMISED,
        available=_always,
        met=lambda r: r.anonymised and Category.IDENTITY not in r.categories,
        applies=_("the information is anonymised, so the person cannot be recognised"),
        needs=_("sharing the information anonymised, without identity or details that give the person away"),
    ),
    Row(
        BasisCode.SAME_ORGAN,
        available=lambda r: fvl_rights(r) and isinstance(r.recipient_kind, OrganisationKind),
        met=lambda r: r.same_organ,
        applies=_("the register shows that discloser and recipient belong to the same public body"),
        needs=None,
    ),
    Row(
        BasisCode.CONSENT,
        available=lambda r: not health_bound(r) and r.recipient_kind != OtherRecipient.ANYONE,
        met=_consent_met,
        applies=_CONSENT_APPLIES,
        needs=_CONSENT_NEEDS,
    ),
    Row(
        BasisCode.HEALTH_CONSENT,
        available=lambda r: health_bound(r) and r.recipient_kind != OtherRecipient.ANYONE,
        met=_consent_met,
        applies=_CONSENT_APPLIES,
        needs=_CONSENT_NEEDS,
    ),
    Row(
        BasisCode.DUTY_TO_AVERT,
        available=_always,
        met=lambda r: r.avert_listed_offence_most_likely,
        applies=_(
            "it is certain or most likely that a serious offence on the statutory list will be or has been committed, "
            "and it can still be averted; the duty to avert overrides all confidentiality"
        ),
        needs=_(
            "it being certain or most likely that a serious offence on the statutory list will be committed (then the "
            "duty to avert applies)"
        ),
    ),
    Row(
        BasisCode.DUTY_TO_HELP,
        available=_always,
        met=lambda r: r.imminent_danger_to_life,
        applies=_(
            "someone is in obvious and imminent danger of death or serious injury; the duty to help overrides "
            "confidentiality"
        ),
        needs=_(
            "someone being in obvious and imminent danger of death or serious injury (then the duty to help applies)"
        ),
        danger_basis=lambda r: True,
    ),
    Row(
        BasisCode.CHILD_WELFARE_DUTY_HEALTH,
        available=lambda r: health_personnel(r) and _to_child_welfare(r),
        met=_minor_with_condition,
        applies=_DUTY_TO_INFORM_APPLIES,
        needs=_DUTY_TO_INFORM_NEEDS,
    ),
    Row(
        BasisCode.CHILD_WELFARE_DUTY_SCHOOL,
        available=lambda r: teacher(r) and _to_child_welfare(r),
        met=_minor_with_condition,
        applies=_DUTY_TO_INFORM_APPLIES,
        needs=_DUTY_TO_INFORM_NEEDS,
    ),
    Row(
        BasisCode.CHILD_WELFARE_DUTY,
        available=lambda r: not health_personnel(r) and not teacher(r) and _to_child_welfare(r),
        met=_minor_with_condition,
        applies=_DUTY_TO_INFORM_APPLIES,
        needs=_DUTY_TO_INFORM_NEEDS,
    ),
    Row(
        BasisCode.HEALTH_EMERGENCY,
        available=lambda r: health_personnel(r) and r.recipient_kind in POLICE,
        met=lambda r: r.danger_to_life_or_health,
        applies=_("health personnel must alert the police when that is necessary to avert serious harm"),
        needs=_("an alert being necessary to avert serious harm to a person or property"),
        danger_basis=lambda r: True,
    ),
    Row(
        BasisCode.POLICE_RULES,
        available=lambda r: r.discloser_sector == Sector.POLICE and r.discloser_status == ProfessionalStatus.POLICE,
        met=lambda r: r.police_shared_under_own_rules,
        applies=_("the police share under the police's own rules on confidentiality and disclosure"),
        needs=_("the police having found that their own rules allow the sharing"),
    ),
    Row(
        BasisCode.REGULATION,
        available=lambda r: fvl_rights(r) and r.recipient_kind in PUBLIC_BODIES,
        met=lambda r: r.regulation_in_force,
        applies=_("a regulation in force allows these bodies to share for their tasks"),
        needs=None,
    ),
    Row(
        BasisCode.OWN_TASKS,
        available=lambda r: fvl_rights(r) and r.recipient_kind in PUBLIC_BODIES,
        met=lambda r: r.necessary_for_own_tasks,
        applies=_("sharing is necessary to further the discloser's own tasks (not the recipient's)"),
        needs=_("sharing being necessary for the discloser's own tasks"),
    ),
    Row(
        BasisCode.NAV_SHARING,
        available=lambda r: r.discloser_sector == Sector.NAV and r.recipient_kind in PUBLIC_BODIES,
        met=_sector_rule,
        applies=_(
            "Nav may share with another public body only what is necessary for Nav's own tasks or to prevent "
            "substantial danger to life or serious harm to someone's health, and that is the case here"
        ),
        needs=_(
            "sharing being necessary for Nav's own tasks, or to prevent substantial danger to life or serious harm "
            "to health"
        ),
        danger_basis=lambda r: r.danger_to_life_or_health and not r.necessary_for_own_tasks,
    ),
    Row(
        BasisCode.SOCIAL_SERVICES_SHARING,
        available=lambda r: r.discloser_sector == Sector.SOCIAL_SERVICES and r.recipient_kind in PUBLIC_BODIES,
        met=_sector_rule,
        applies=_(
            "the social services may share with another public body only what is necessary for their own tasks or "
            "to prevent substantial danger to life or serious harm to someone's health, and that is the case here"
        ),
        needs=_(
            "sharing being necessary for the social services' own tasks, or to prevent substantial danger to life or "
            "serious harm to health"
        ),
        danger_basis=lambda r: r.danger_to_life_or_health and not r.necessary_for_own_tasks,
    ),
    Row(
        BasisCode.CHILD_WELFARE_SHARING,
        available=lambda r: r.discloser_sector == Sector.CHILD_WELFARE and r.recipient_kind in PUBLIC_BODIES,
        met=_sector_rule,
        applies=_(
            "child welfare may share with another public body only what is necessary for child welfare's own tasks "
            "or to prevent substantial danger to life or serious harm to someone's health, and that is the case here"
        ),
        needs=_(
            "sharing being necessary for child welfare's own tasks, or to prevent substantial danger to life or "
            "serious harm to health"
        ),
        danger_basis=lambda r: r.danger_to_life_or_health and not r.necessary_for_own_tasks,
    ),
    Row(
        BasisCode.OFFENCES,
        available=lambda r: fvl_rights(r) and r.recipient_kind in POLICE,
        met=lambda r: r.offence_concern,
        applies=_("the information concerns offences and goes to the police or PST"),
        needs=_("the information concerning offences that should be reported or made known"),
    ),
    Row(
        BasisCode.HEALTH_RIGHT,
        available=health_personnel,
        met=lambda r: r.weighty_interests is not None and r.weighty_interests.holds,
        applies=_(
            "you have recorded a judgement, with reasons, that weighty private or public interests make it right to "
            "share despite the duty of confidentiality"
        ),
        needs=_(
            "your recorded judgement, with reasons, that weighty private or public interests outweigh confidentiality "
            "here (an offence alone is not enough)"
        ),
        danger_basis=lambda r: (
            r.weighty_interests is not None and WeightyInterest.LIFE_OR_HEALTH in r.weighty_interests.interests
        ),
    ),
    Row(
        BasisCode.DANGER,
        available=fvl_rights,
        met=lambda r: r.danger_to_life_or_health,
        applies=_("sharing is to avert danger to life or health, and may go to anyone who can avert it"),
        needs=_("sharing being necessary to avert danger to life or health"),
        danger_basis=lambda r: True,
    ),
)

ROW_BY_CODE: dict[BasisCode, Row] = {row.code: row for row in ROWS}

# A report of an identifiable person to the police or PST needs one of these (S15); own tasks or a
# regulation is not enough.
REPORT_BASES: frozenset[BasisCode] = frozenset(
    {
        BasisCode.CONSENT,
        BasisCode.HEALTH_CONSENT,
        BasisCode.OFFENCES,
        BasisCode.DANGER,
        BasisCode.DUTY_TO_AVERT,
        BasisCode.DUTY_TO_HELP,
        BasisCode.CHILD_WELFARE_DUTY,
        BasisCode.CHILD_WELFARE_DUTY_HEALTH,
        BasisCode.CHILD_WELFARE_DUTY_SCHOOL,
        BasisCode.HEALTH_RIGHT,
        BasisCode.HEALTH_EMERGENCY,
        BasisCode.POLICE_RULES,
        BasisCode.NAV_SHARING,
        BasisCode.SOCIAL_SERVICES_SHARING,
        BasisCode.CHILD_WELFARE_SHARING,
    }
)

# --- what a disclosure must record (the "What must be recorded" column, R11) -------------------------

_DECIDED = ("decided_by", "decided_at")
_COMMON = ("basis", "recipient", "categories", "content_summary", *_DECIDED, "person_informed")
# Health partners keep the content in their own records; Utvei records only that they shared.
_HEALTH = ("basis", "recipient", "categories", *_DECIDED, "person_informed")
_DUTY_TO_INFORM = (*_COMMON, "conditions", "facts", "parents_informed")
_SECTOR = (*_COMMON, "why_necessary")

_RECORD: dict[BasisCode, tuple[str, ...]] = {
    BasisCode.CONSENT: (*_COMMON, "consent_version"),
    BasisCode.HEALTH_CONSENT: (*_HEALTH, "consent_version"),
    BasisCode.ANONYMISED: ("basis", "recipient", "categories", "content_summary", *_DECIDED),
    BasisCode.SAME_ORGAN: ("basis", "recipient", "categories", *_DECIDED),
    BasisCode.OWN_TASKS: (*_COMMON, "why_necessary"),
    BasisCode.NAV_SHARING: _SECTOR,
    BasisCode.SOCIAL_SERVICES_SHARING: _SECTOR,
    BasisCode.CHILD_WELFARE_SHARING: _SECTOR,
    BasisCode.OFFENCES: (*_COMMON, "offence"),
    BasisCode.DANGER: (*_COMMON, "danger_assessment", "why_not_anonymised", "known_at"),
    BasisCode.REGULATION: (*_COMMON, "regulation"),
    BasisCode.DUTY_TO_AVERT: (
        *_COMMON,
        "facts",
        "likelihood_assessment",
        "offence_category",
        "known_at",
        "action_taken",
    ),
    BasisCode.DUTY_TO_HELP: (*_COMMON, "facts", "known_at", "action_taken", "why_not_anonymised"),
    BasisCode.CHILD_WELFARE_DUTY: _DUTY_TO_INFORM,
    BasisCode.CHILD_WELFARE_DUTY_HEALTH: _DUTY_TO_INFORM,
    BasisCode.CHILD_WELFARE_DUTY_SCHOOL: _DUTY_TO_INFORM,
    BasisCode.HEALTH_RIGHT: (*_HEALTH, "weighty_interests"),
    BasisCode.HEALTH_EMERGENCY: (*_HEALTH, "known_at", "why_not_anonymised"),
    # Police contributions: a summary only, never police-register content (R21).
    BasisCode.POLICE_RULES: ("basis", "recipient", "categories", "content_summary", *_DECIDED),
    # Classified content is never disclosed through Utvei, so there is nothing to record (R20).
    BasisCode.CLASSIFIED: (),
    BasisCode.REPORT_TO_POLICE: ("channel", "reference", "known_at", "reassess_on"),
}


def record_fields(code: BasisCode) -> tuple[str, ...]:
    """Give the fields a disclosure on this basis must record (R11)."""
    return _RECORD[code]
