"""The sharing decision: may this discloser share these categories with this recipient, and on which basis.

:func:`decide` is pure. It reads no database and no clock: the date is part of the request, and the legal
references it cites come from a lookup passed in (``selectors.legal_basis_reference`` reads the versioned
``LegalBasis`` table). A basis whose reference is not in force on the request's date cannot be used.

The rows follow the decision table S1–S15 in ``reference/domain-research.md`` (section 6) and the rules
R12–R16, R19–R21 (section 9). No section number is written in this module: every citation comes from the
lookup, so a change in the law is a change in data, not in code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeAlias, TypeVar

from django.utils import translation

from utvei.access.categories import Category
from utvei.accounts.models import OrganisationKind


class BasisCode(StrEnum):
    """Name each row of the decision table; the value is the ``LegalBasis.code``."""

    CONSENT = "consent"
    ANONYMISED = "anonymised"
    SAME_ORGAN = "same_organ"
    OWN_TASKS = "own_tasks"
    OFFENCES = "offences"
    DANGER = "danger"
    REGULATION = "regulation"
    DUTY_TO_AVERT = "duty_to_avert"
    DUTY_TO_HELP = "duty_to_help"
    CHILD_WELFARE_DUTY = "child_welfare_duty"
    HEALTH_RIGHT = "health_right"
    HEALTH_EMERGENCY = "health_emergency"
    POLICE_RULES = "police_rules"
    CLASSIFIED = "classified"
    REPORT_TO_POLICE = "report_to_police"


# The row of the decision table each code stands for (domain-research.md, section 6.1).
ROW: dict[BasisCode, str] = {
    BasisCode.CONSENT: "S1",
    BasisCode.ANONYMISED: "S2",
    BasisCode.SAME_ORGAN: "S3",
    BasisCode.OWN_TASKS: "S4",
    BasisCode.OFFENCES: "S5",
    BasisCode.DANGER: "S6",
    BasisCode.REGULATION: "S7",
    BasisCode.DUTY_TO_AVERT: "S8",
    BasisCode.DUTY_TO_HELP: "S9",
    BasisCode.CHILD_WELFARE_DUTY: "S10",
    BasisCode.HEALTH_RIGHT: "S11",
    BasisCode.HEALTH_EMERGENCY: "S12",
    BasisCode.POLICE_RULES: "S13",
    BasisCode.CLASSIFIED: "S14",
    BasisCode.REPORT_TO_POLICE: "S15",
}


class Purpose(StrEnum):
    """Name what the information is shared for (a consent covers a set of purposes)."""

    COORDINATION = "coordination"
    INDIVIDUAL_PLAN = "individual_plan"
    RESTORATIVE_PROCESS = "restorative_process"
    SECURITY = "security"
    REPORT_CONCERN = "report_concern"
    CONSULTATION = "consultation"


class OtherRecipient(StrEnum):
    """Name recipients that are not an organisation taking part in exit work."""

    PRIVATE_PERSON = "private_person"
    # Whoever can act, not named in advance: only bases meant for emergencies reach them.
    ANYONE = "anyone"


Recipient: TypeAlias = OrganisationKind | OtherRecipient


class ChildWelfareCondition(StrEnum):
    """Name the conditions under which child welfare must be informed about a minor.

    a: maltreated or seriously neglected; b: a life-threatening or serious illness or injury left
    untreated, or a disabled child's special needs not met; c: serious behavioural problems (serious or
    repeated crime, problematic substance use, other markedly norm-breaking behaviour); d: trafficked.
    """

    MALTREATMENT = "a"
    UNTREATED_ILLNESS_OR_NEEDS = "b"
    SERIOUS_BEHAVIOURAL_PROBLEMS = "c"
    TRAFFICKING = "d"


@dataclass(frozen=True)
class LegalReference:
    """Hold the version of a legal reference in force on a date, as the decision cites it."""

    code: str
    law: str
    section: str
    title_nb: str
    title_en: str

    def citation(self) -> str:
        """Give the reference as it is cited (empty for a procedure without a section)."""
        return f"{self.law} {self.section}".strip()


ReferenceLookup: TypeAlias = Callable[[str, date], LegalReference | None]


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"Unknown {what}: {value!r}") from None


def _discloser(value: str) -> OrganisationKind:
    if value not in OrganisationKind.values:
        raise ValueError(f"Unknown discloser kind: {value!r}")
    return OrganisationKind(value)


def _recipient(value: str) -> Recipient:
    if value in OrganisationKind.values:
        return OrganisationKind(value)
    return _choice(OtherRecipient, value, "recipient kind")


def _categories(values: Iterable[str]) -> frozenset[Category]:
    try:
        categories = frozenset(Category(value) for value in values)
    except ValueError as error:
        raise ValueError(f"Unknown category: {error}") from None
    if not categories:
        raise ValueError("At least one category of information is needed")
    return categories


@dataclass(frozen=True, kw_only=True)
class ConsentScope:
    """Hold what one consent covers: recipients, categories, purposes and period (R12).

    A consent names its recipients; "anyone" is refused, since a consent "to share in the service" does
    not allow spreading beyond what it names. ``withdrawn_at`` ends it from that day on (R13).
    """

    recipients: frozenset[Recipient]
    categories: frozenset[Category]
    purposes: frozenset[Purpose]
    valid_from: date
    valid_to: date | None = None
    withdrawn_at: date | None = None

    def __post_init__(self) -> None:
        recipients = frozenset(_recipient(value) for value in self.recipients)
        if not recipients:
            raise ValueError("A consent must name at least one recipient")
        if OtherRecipient.ANYONE in recipients:
            raise ValueError("A consent must name its recipients; 'anyone' is not a recipient")
        purposes = frozenset(_choice(Purpose, value, "purpose") for value in self.purposes)
        if not purposes:
            raise ValueError("A consent must name at least one purpose")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("A consent cannot end before it starts")
        object.__setattr__(self, "recipients", recipients)
        object.__setattr__(self, "categories", _categories(self.categories))
        object.__setattr__(self, "purposes", purposes)


@dataclass(frozen=True, kw_only=True)
class SharingRequest:
    """Describe one question "may this discloser share this with that recipient?".

    The flags are the facts the worker asserts (assessed by a person, never by Utvei, R34). They all
    default to "no", so a forgotten flag can only make the answer stricter. Content marked as classified
    is refused when it is entered (R20); ``classified`` is for a request about such content.
    """

    discloser_kind: OrganisationKind
    recipient_kind: Recipient
    categories: frozenset[Category]
    purpose: Purpose
    on: date
    discloser_is_health_personnel: bool = False
    # The social services (the municipal part of a NAV office) share NAV's limits (R14).
    discloser_is_social_services: bool = False
    same_organ: bool = False
    person_is_minor: bool = False
    consent: ConsentScope | None = None
    anonymised: bool = False
    offence_concern: bool = False
    danger_to_life_or_health: bool = False
    # Someone is in obvious and imminent danger of death or serious injury (the duty to help, S9).
    imminent_danger_to_life: bool = False
    avert_listed_offence_most_likely: bool = False
    child_welfare_conditions: frozenset[ChildWelfareCondition] = frozenset()
    necessary_for_own_tasks: bool = False
    regulation_in_force: bool = False
    classified: bool = False
    police_shared_under_own_rules: bool = False

    def __post_init__(self) -> None:
        conditions = frozenset(
            _choice(ChildWelfareCondition, value, "child welfare condition") for value in self.child_welfare_conditions
        )
        object.__setattr__(self, "discloser_kind", _discloser(self.discloser_kind))
        object.__setattr__(self, "recipient_kind", _recipient(self.recipient_kind))
        object.__setattr__(self, "categories", _categories(self.categories))
        object.__setattr__(self, "purpose", _choice(Purpose, self.purpose, "purpose"))
        object.__setattr__(self, "child_welfare_conditions", conditions)


@dataclass(frozen=True)
class Notice:
    """Hold one warning shown with a decision, naming the rule it comes from."""

    rule: str
    text_nb: str
    text_en: str


@dataclass(frozen=True, kw_only=True)
class SharingDecision:
    """Hold the answer: allowed or not, the bases (best first), and what to record.

    ``candidates`` are the bases this discloser could use towards this recipient at all, met or not:
    the options a form offers (R14 and R15 remove some).
    """

    allowed: bool
    bases: tuple[BasisCode, ...]
    must_record: tuple[str, ...]
    explanation_nb: str
    explanation_en: str
    warnings: tuple[Notice, ...]
    candidates: tuple[BasisCode, ...]


# --- who is who ---------------------------------------------------------------------------------------

POLICE: frozenset[Recipient] = frozenset({OrganisationKind.POLICE_DISTRICT, OrganisationKind.PST})
# Every kind of organisation except "other" (a private provider, a voluntary organisation) is public.
PUBLIC_BODIES: frozenset[Recipient] = frozenset(OrganisationKind) - {OrganisationKind.OTHER}


def _health(request: SharingRequest) -> bool:
    # Everyone working in a health service shares its confidentiality, so the kind counts as well.
    return request.discloser_is_health_personnel or request.discloser_kind == OrganisationKind.HEALTH


def _nav(request: SharingRequest) -> bool:
    return request.discloser_kind == OrganisationKind.NAV or request.discloser_is_social_services


def _fvl_rights(request: SharingRequest) -> bool:
    # The general rights to share in the public administration act do not apply to health personnel (R15).
    return not _health(request)


# --- consent (S1, R12, R13) ---------------------------------------------------------------------------

_Pair: TypeAlias = tuple[str, str]


def _day(value: date, language: str) -> str:
    return f"{value.day}.{value.month}.{value.year}" if language == "nb" else value.isoformat()


def _consent_gaps(request: SharingRequest) -> list[_Pair]:
    """List, in both languages, each way the consent fails to cover the request."""
    consent = request.consent
    if consent is None:
        return [("det finnes ikke noe samtykke", "there is no consent")]
    gaps: list[_Pair] = []
    if consent.withdrawn_at is not None and consent.withdrawn_at <= request.on:
        gaps.append(
            (
                f"samtykket ble trukket tilbake {_day(consent.withdrawn_at, 'nb')}",
                f"the consent was withdrawn on {_day(consent.withdrawn_at, 'en')}",
            )
        )
    if request.on < consent.valid_from:
        gaps.append(
            (
                f"samtykket gjelder først fra {_day(consent.valid_from, 'nb')}",
                f"the consent applies only from {_day(consent.valid_from, 'en')}",
            )
        )
    if consent.valid_to is not None and consent.valid_to < request.on:
        gaps.append(
            (
                f"samtykket gikk ut {_day(consent.valid_to, 'nb')}",
                f"the consent expired on {_day(consent.valid_to, 'en')}",
            )
        )
    if request.recipient_kind not in consent.recipients:
        gaps.append(
            (
                f"samtykket omfatter ikke mottakeren ({_recipient_label(request.recipient_kind, 'nb')})",
                f"the consent does not cover the recipient ({_recipient_label(request.recipient_kind, 'en')})",
            )
        )
    missing = request.categories - consent.categories
    if missing:
        gaps.append(
            (
                f"samtykket omfatter ikke kategoriene {_categories_label(missing, 'nb')}",
                f"the consent does not cover the categories {_categories_label(missing, 'en')}",
            )
        )
    if request.purpose not in consent.purposes:
        gaps.append(
            (
                f"samtykket omfatter ikke formålet ({_PURPOSE_LABEL[request.purpose][0]})",
                f"the consent does not cover the purpose ({_PURPOSE_LABEL[request.purpose][1]})",
            )
        )
    return gaps


# --- the rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    code: BasisCode
    # Could this discloser use the basis towards this recipient at all (the form's options)?
    available: Callable[[SharingRequest], bool]
    # Are the facts that trigger it present?
    met: Callable[[SharingRequest], bool]
    applies: _Pair
    # What the worker could bring about to make the row apply; None when it is not theirs to change.
    needs: _Pair | None


def _always(request: SharingRequest) -> bool:
    return True


# Best first: nothing identifying leaves (S2), nothing leaves the organ (S3), the person's own choice (S1),
# the duties that override confidentiality (S8, S9, S10, S12), the police's own rules (S13), and last the
# discretionary rights, with the emergency-like danger basis (S6) at the end because it must stay minimal.
_ROWS: tuple[_Row, ...] = (
    _Row(
        BasisCode.ANONYMISED,
        available=_always,
        met=lambda r: r.anonymised and Category.IDENTITY not in r.categories,
        applies=(
            "opplysningene er anonymisert, så personen kan ikke kjennes igjen",
            "the information is anonymised, so the person cannot be recognised",
        ),
        needs=(
            "å dele opplysningene anonymisert, uten identitet og uten detaljer som avslører personen",
            "sharing the information anonymised, without identity or details that give the person away",
        ),
    ),
    _Row(
        BasisCode.SAME_ORGAN,
        available=lambda r: _fvl_rights(r) and isinstance(r.recipient_kind, OrganisationKind),
        met=lambda r: r.same_organ,
        applies=(
            "avgiver og mottaker hører til samme organ (en kommune er ett organ for sine egne tjenester)",
            "discloser and recipient belong to the same organ (a municipality is one organ for its own services)",
        ),
        needs=None,
    ),
    _Row(
        BasisCode.CONSENT,
        available=lambda r: r.recipient_kind != OtherRecipient.ANYONE,
        met=lambda r: r.consent is not None and not _consent_gaps(r),
        applies=(
            "personen har samtykket til deling med denne mottakeren, av disse kategoriene og for dette formålet, "
            "og samtykket gjelder på datoen",
            "the person has consented to sharing with this recipient, of these categories and for this purpose, "
            "and the consent is in force on the date",
        ),
        needs=(
            "et samtykke fra personen som omfatter mottakeren, alle kategoriene, formålet og datoen",
            "a consent from the person covering the recipient, every category, the purpose and the date",
        ),
    ),
    _Row(
        BasisCode.DUTY_TO_AVERT,
        available=_always,
        met=lambda r: r.avert_listed_offence_most_likely,
        applies=(
            "det er sikkert eller mest sannsynlig at en alvorlig straffbar handling på lovens liste vil bli "
            "eller er begått, og den kan fortsatt avverges; avvergingsplikten går foran all taushetsplikt",
            "it is certain or most likely that a serious offence on the statutory list will be or has been "
            "committed, and it can still be averted; the duty to avert overrides all confidentiality",
        ),
        needs=(
            "at det er sikkert eller mest sannsynlig at en alvorlig straffbar handling på lovens liste vil bli "
            "begått (da gjelder avvergingsplikten)",
            "it being certain or most likely that a serious offence on the statutory list will be committed "
            "(then the duty to avert applies)",
        ),
    ),
    _Row(
        BasisCode.DUTY_TO_HELP,
        available=_always,
        met=lambda r: r.imminent_danger_to_life,
        applies=(
            "noen er i åpenbar og overhengende fare for å miste livet eller bli alvorlig skadet; "
            "hjelpeplikten går foran taushetsplikten",
            "someone is in obvious and imminent danger of death or serious injury; the duty to help overrides "
            "confidentiality",
        ),
        needs=(
            "at noen er i åpenbar og overhengende fare for liv eller alvorlig skade (da gjelder hjelpeplikten)",
            "someone being in obvious and imminent danger of death or serious injury (then the duty to help applies)",
        ),
    ),
    _Row(
        BasisCode.CHILD_WELFARE_DUTY,
        available=lambda r: r.recipient_kind == OrganisationKind.CHILD_WELFARE,
        met=lambda r: r.person_is_minor and bool(r.child_welfare_conditions),
        applies=(
            "personen er under 18 år og det er grunn til å tro at et av vilkårene for opplysningsplikt til "
            "barnevernet er oppfylt; plikten går foran taushetsplikten",
            "the person is under 18 and there is reason to believe that a condition of the duty to inform "
            "child welfare is met; the duty overrides confidentiality",
        ),
        needs=(
            "at personen er under 18 år og det er grunn til å tro at et av vilkårene a–d er oppfylt "
            "(mindre alvorlige bekymringer krever samtykke)",
            "the person being under 18 with reason to believe that one of the conditions a–d is met "
            "(less serious concerns need consent)",
        ),
    ),
    _Row(
        BasisCode.HEALTH_EMERGENCY,
        available=lambda r: _health(r) and r.recipient_kind in POLICE,
        met=lambda r: r.danger_to_life_or_health,
        applies=(
            "helsepersonell skal varsle politiet når det er nødvendig for å avverge alvorlig skade",
            "health personnel must alert the police when that is necessary to avert serious harm",
        ),
        needs=(
            "at varsling er nødvendig for å avverge alvorlig skade på person eller eiendom",
            "an alert being necessary to avert serious harm to a person or property",
        ),
    ),
    _Row(
        BasisCode.POLICE_RULES,
        available=lambda r: r.discloser_kind in POLICE,
        met=lambda r: r.police_shared_under_own_rules,
        applies=(
            "politiet deler etter politiets egne regler om taushetsplikt og utlevering",
            "the police share under the police's own rules on confidentiality and disclosure",
        ),
        needs=(
            "at politiet selv har vurdert at deres egne regler tillater delingen",
            "the police having found that their own rules allow the sharing",
        ),
    ),
    _Row(
        BasisCode.REGULATION,
        available=lambda r: _fvl_rights(r) and r.recipient_kind in PUBLIC_BODIES,
        met=lambda r: r.regulation_in_force,
        applies=(
            "en forskrift som er i kraft, gir disse organene adgang til å dele for sine oppgaver",
            "a regulation in force allows these bodies to share for their tasks",
        ),
        needs=None,
    ),
    _Row(
        BasisCode.OWN_TASKS,
        available=lambda r: _fvl_rights(r) and not _nav(r) and r.recipient_kind in PUBLIC_BODIES,
        met=lambda r: r.necessary_for_own_tasks,
        applies=(
            "delingen er nødvendig for å fremme avgiverens egne oppgaver (ikke mottakerens)",
            "sharing is necessary to further the discloser's own tasks (not the recipient's)",
        ),
        needs=(
            "at delingen er nødvendig for avgiverens egne oppgaver",
            "sharing being necessary for the discloser's own tasks",
        ),
    ),
    _Row(
        BasisCode.OFFENCES,
        available=lambda r: _fvl_rights(r) and not _nav(r) and r.recipient_kind in POLICE,
        met=lambda r: r.offence_concern,
        applies=(
            "opplysningene gjelder lovbrudd og gis til politiet eller PST",
            "the information concerns offences and goes to the police or PST",
        ),
        needs=(
            "at opplysningene gjelder lovbrudd som det er ønskelig å anmelde eller opplyse om",
            "the information concerning offences that should be reported or made known",
        ),
    ),
    _Row(
        BasisCode.HEALTH_RIGHT,
        available=_health,
        met=lambda r: r.danger_to_life_or_health or r.offence_concern,
        applies=(
            "tungtveiende hensyn (fare for liv eller helse, eller lovbrudd) gjør det rettmessig for helsepersonell "
            "å dele",
            "weighty interests (danger to life or health, or offences) make it right for health personnel to share",
        ),
        needs=(
            "tungtveiende private eller offentlige hensyn, som fare for liv eller helse eller alvorlige lovbrudd",
            "weighty private or public interests, such as danger to life or health or serious offences",
        ),
    ),
    _Row(
        BasisCode.DANGER,
        available=_fvl_rights,
        met=lambda r: r.danger_to_life_or_health,
        applies=(
            "delingen skal avverge fare for liv eller helse, og kan gå til hvem som helst som kan avverge faren",
            "sharing is to avert danger to life or health, and may go to anyone who can avert it",
        ),
        needs=(
            "at delingen er nødvendig for å avverge fare for liv eller helse",
            "sharing being necessary to avert danger to life or health",
        ),
    ),
)

# A report of an identifiable person to the police or PST needs one of these (S15); own tasks or a
# regulation is not enough.
_REPORT_BASES: frozenset[BasisCode] = frozenset(
    {
        BasisCode.CONSENT,
        BasisCode.OFFENCES,
        BasisCode.DANGER,
        BasisCode.DUTY_TO_AVERT,
        BasisCode.DUTY_TO_HELP,
        BasisCode.CHILD_WELFARE_DUTY,
        BasisCode.HEALTH_RIGHT,
        BasisCode.HEALTH_EMERGENCY,
        BasisCode.POLICE_RULES,
    }
)

# --- what a disclosure must record (the "What must be recorded" column, R11) -------------------------

_DECIDED = ("decided_by", "decided_at")
_COMMON = ("basis", "recipient", "categories", "content_summary", *_DECIDED, "person_informed")
# Health partners keep the content in their own records; Utvei records only that they shared.
_HEALTH = ("basis", "recipient", "categories", *_DECIDED, "person_informed")

_RECORD: dict[BasisCode, tuple[str, ...]] = {
    BasisCode.CONSENT: (*_COMMON, "consent_version"),
    BasisCode.ANONYMISED: ("basis", "recipient", "categories", "content_summary", *_DECIDED),
    BasisCode.SAME_ORGAN: ("basis", "recipient", "categories", *_DECIDED),
    BasisCode.OWN_TASKS: (*_COMMON, "why_necessary"),
    BasisCode.OFFENCES: (*_COMMON, "offence"),
    BasisCode.DANGER: (*_COMMON, "danger_assessment", "why_not_anonymised"),
    BasisCode.REGULATION: (*_COMMON, "regulation"),
    BasisCode.DUTY_TO_AVERT: (
        *_COMMON,
        "facts",
        "likelihood_assessment",
        "offence_category",
        "known_at",
        "action_taken",
    ),
    BasisCode.DUTY_TO_HELP: (*_COMMON, "facts", "known_at", "action_taken"),
    BasisCode.CHILD_WELFARE_DUTY: (*_COMMON, "conditions", "facts", "parents_informed"),
    BasisCode.HEALTH_RIGHT: _HEALTH,
    BasisCode.HEALTH_EMERGENCY: _HEALTH,
    # Police contributions: a summary only, never police-register content (R21).
    BasisCode.POLICE_RULES: ("basis", "recipient", "categories", "content_summary", *_DECIDED),
    # Classified content is never disclosed through Utvei, so there is nothing to record (R20).
    BasisCode.CLASSIFIED: (),
    BasisCode.REPORT_TO_POLICE: ("channel", "reference", "reassess_on"),
}


def record_fields(code: BasisCode) -> tuple[str, ...]:
    """Give the fields a disclosure on this basis must record (R11)."""
    return _RECORD[code]


# --- wording ------------------------------------------------------------------------------------------

_PURPOSE_LABEL: dict[Purpose, _Pair] = {
    Purpose.COORDINATION: ("samordning", "coordination"),
    Purpose.INDIVIDUAL_PLAN: ("individuell plan", "individual plan"),
    Purpose.RESTORATIVE_PROCESS: ("gjenopprettende prosess", "restorative process"),
    Purpose.SECURITY: ("sikkerhet", "security"),
    Purpose.REPORT_CONCERN: ("bekymringsmelding", "report of concern"),
    Purpose.CONSULTATION: ("drøfting", "consultation"),
}
_OTHER_RECIPIENT_LABEL: dict[OtherRecipient, _Pair] = {
    OtherRecipient.PRIVATE_PERSON: ("en privatperson", "a private person"),
    OtherRecipient.ANYONE: ("hvem som helst som kan handle", "anyone who can act"),
}


def _index(language: str) -> int:
    return 0 if language == "nb" else 1


def _recipient_label(recipient: Recipient, language: str) -> str:
    if isinstance(recipient, OtherRecipient):
        return _OTHER_RECIPIENT_LABEL[recipient][_index(language)]
    with translation.override(language):
        return str(recipient.label)


def _categories_label(categories: Iterable[Category], language: str) -> str:
    wanted = set(categories)
    with translation.override(language):
        return ", ".join(str(category.label) for category in Category if category in wanted)


def _title(reference: LegalReference, language: str) -> str:
    title = reference.title_nb if language == "nb" else reference.title_en
    citation = reference.citation()
    return f"{title} ({citation})" if citation else title


def _applies(row: _Row, request: SharingRequest, language: str) -> str:
    text = row.applies[_index(language)]
    if row.code == BasisCode.CHILD_WELFARE_DUTY:
        letters = ", ".join(sorted(request.child_welfare_conditions))
        text += f" (vilkår {letters})" if language == "nb" else f" (condition {letters})"
    return text


# --- warnings -----------------------------------------------------------------------------------------

_R14 = Notice(
    "R14",
    "NAV og sosialtjenesten kan ikke dele på vanlig måte for egne oppgaver eller om lovbrudd. NAV-loven og "
    "sosialtjenesteloven har egne, strengere vilkår, som Utvei ennå ikke vurderer: bruk samtykke eller en plikt.",
    "NAV and the social services cannot share for their own tasks or about offences in the ordinary way. The "
    "NAV act and the social services act set their own, stricter conditions, which Utvei does not assess yet: "
    "use consent or a duty.",
)
_R15_LIMITS = Notice(
    "R15",
    "Helsepersonell kan bare dele med samtykke, etter helsepersonellovens egne regler eller når en plikt gjelder "
    "(avvergingsplikt, hjelpeplikt, opplysningsplikt til barnevernet).",
    "Health personnel may share only with consent, under the health personnel act's own rules, or when a duty "
    "applies (to avert, to help, to inform child welfare).",
)
_R15_TELL = Notice(
    "R15",
    "Pasienten skal som hovedregel få vite hva som er delt og med hvem.",
    "As a rule the patient must be told what was shared and with whom.",
)
_R16 = Notice(
    "R16",
    "Del bare det som er nødvendig, og bare med dem som kan avverge faren. Skriv hvorfor anonymiserte "
    "opplysninger ikke var nok.",
    "Share only what is necessary, and only with those who can avert the danger. Record why anonymised "
    "information was not enough.",
)
_R19_CONSENT = Notice(
    "R19",
    "Personen er under 18 år: registrer foreldrenes samtykke og barnets egen mening. Aldersgrensene for "
    "samtykke er ulike i ulike lover.",
    "The person is under 18: record the parents' consent and the child's own view. The age at which a child "
    "consents alone differs between acts.",
)
_R19_INFORM = Notice(
    "R19",
    "Vilkår for opplysningsplikt til barnevernet er markert: barnevernstjenesten skal også få beskjed.",
    "Conditions of the duty to inform child welfare are marked: the child welfare service must be informed too.",
)
_R20 = Notice(
    "R20",
    "Registrer bare at en gradert orientering fant sted, aldri innholdet.",
    "Record only that a classified briefing took place, never its content.",
)
_R21 = Notice(
    "R21",
    "Registreres som delt av politiet etter politiets egne regler, bare med et sammendrag. Innhold fra "
    "politiets registre lagres ikke i Utvei.",
    "Recorded as shared by the police under their rules, summary only. No police-register content is stored in Utvei.",
)
_S8 = Notice(
    "S8",
    "Avvergingsplikten er personlig og kan ikke overprøves av teamet. Involver en leder hvis tiden tillater det, "
    "og si ikke noe til personen som kan hindre at handlingen avverges.",
    "The duty to avert is personal and cannot be overruled by the team. Involve a leader if time allows, and "
    "tell the person nothing that could stop the offence being averted.",
)
_S15 = Notice(
    "S15",
    "Ved akutt fare: ring 112 først.",
    "In acute danger: call 112 first.",
)


def _warnings(request: SharingRequest, first: BasisCode | None, reporting: bool) -> tuple[Notice, ...]:
    notices: list[Notice] = []
    if _nav(request):
        notices.append(_R14)
    if _health(request):
        notices.append(_R15_LIMITS)
        if first is not None and first != BasisCode.ANONYMISED:
            notices.append(_R15_TELL)
    if first == BasisCode.DANGER:
        notices.append(_R16)
    if first == BasisCode.DUTY_TO_AVERT:
        notices.append(_S8)
    if first == BasisCode.POLICE_RULES:
        notices.append(_R21)
    if first == BasisCode.CONSENT and request.person_is_minor:
        notices.append(_R19_CONSENT)
    if (
        request.person_is_minor
        and request.child_welfare_conditions
        and request.recipient_kind != OrganisationKind.CHILD_WELFARE
    ):
        notices.append(_R19_INFORM)
    if reporting:
        notices.append(_S15)
    return tuple(notices)


# --- the decision -------------------------------------------------------------------------------------


def decide(request: SharingRequest, *, lookup: ReferenceLookup) -> SharingDecision:
    """Decide whether the request is lawful, on which bases, and what must be recorded.

    Classified content is always refused (S14, R20). Otherwise each row of the decision table is tried
    in order of preference: a row counts when this discloser may use it towards this recipient, its
    facts are present, and ``lookup`` finds its legal reference in force on ``request.on``. A report of
    concern to the police or PST (S15) counts only the bases a report may rest on. With no basis, the
    answer is deny, with what could make the sharing lawful.
    """
    if request.classified:
        return _refuse_classified(request, lookup)
    reporting = request.purpose == Purpose.REPORT_CONCERN and request.recipient_kind in POLICE
    candidates: list[_Row] = []
    found: list[tuple[_Row, LegalReference]] = []
    out_of_force: list[_Row] = []
    for row in _ROWS:
        if not row.available(request) or (reporting and row.code not in _REPORT_BASES):
            continue
        reference = lookup(row.code, request.on)
        if reference is None:
            if row.met(request):
                out_of_force.append(row)
            continue
        candidates.append(row)
        if row.met(request):
            found.append((row, reference))
    if found:
        return _allow(request, found, candidates, reporting, lookup)
    return _deny(request, candidates, out_of_force, reporting)


def _allow(
    request: SharingRequest,
    found: list[tuple[_Row, LegalReference]],
    candidates: list[_Row],
    reporting: bool,
    lookup: ReferenceLookup,
) -> SharingDecision:
    (first, reference), others = found[0], found[1:]
    bases = tuple(row.code for row, _ in found)
    must_record = record_fields(first.code)
    texts: dict[str, list[str]] = {"nb": [], "en": []}
    for language in texts:
        intro = "Delingen er tillatt." if language == "nb" else "Sharing is allowed."
        basis = "Grunnlag" if language == "nb" else "Basis"
        texts[language].append(f"{intro} {basis}: {_title(reference, language)}: {_applies(first, request, language)}.")
        if others:
            also = "Disse grunnlagene gjelder også" if language == "nb" else "These bases apply as well"
            texts[language].append(f"{also}: {'; '.join(_title(ref, language) for _, ref in others)}.")
    if reporting:
        report = lookup(BasisCode.REPORT_TO_POLICE, request.on)
        if report is not None:
            bases += (BasisCode.REPORT_TO_POLICE,)
        must_record += tuple(f for f in record_fields(BasisCode.REPORT_TO_POLICE) if f not in must_record)
        texts["nb"].append("Dette er en bekymringsmelding: registrer kanal, referanse og når den skal vurderes igjen.")
        texts["en"].append("This is a report of concern: record the channel, the reference and when to reassess.")
    return SharingDecision(
        allowed=True,
        bases=bases,
        must_record=must_record,
        explanation_nb=" ".join(texts["nb"]),
        explanation_en=" ".join(texts["en"]),
        warnings=_warnings(request, first.code, reporting),
        candidates=tuple(row.code for row in candidates),
    )


def _deny(
    request: SharingRequest, candidates: list[_Row], out_of_force: list[_Row], reporting: bool
) -> SharingDecision:
    texts: dict[str, list[str]] = {"nb": [], "en": []}
    for language in texts:
        i = _index(language)
        labels = (
            ("Avgiver", "Mottaker", "Kategorier", "Formål")
            if language == "nb"
            else (
                "Discloser",
                "Recipient",
                "Categories",
                "Purpose",
            )
        )
        values = (
            _recipient_label(request.discloser_kind, language),
            _recipient_label(request.recipient_kind, language),
            _categories_label(request.categories, language),
            _PURPOSE_LABEL[request.purpose][i],
        )
        facts = ". ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
        intro = (
            "Delingen er ikke tillatt: ingen grunnlag gjelder."
            if language == "nb"
            else ("Sharing is not allowed: no basis applies.")
        )
        texts[language].append(f"{intro} {facts}.")
        if request.consent is not None:
            gaps = "; ".join(gap[i] for gap in _consent_gaps(request))
            lead = "Samtykket dekker ikke delingen" if language == "nb" else "The consent does not cover this"
            texts[language].append(f"{lead}: {gaps}.")
        if out_of_force:
            names = ", ".join(f"{ROW[row.code]} ({row.code})" for row in out_of_force)
            when = _day(request.on, language)
            texts[language].append(
                f"Disse grunnlagene var ikke i kraft {when}: {names}."
                if language == "nb"
                else f"These bases were not in force on {when}: {names}."
            )
        if reporting:
            texts[language].append(
                "En melding om en person som kan identifiseres, trenger samtykke, lovbrudd, fare for liv eller "
                "helse eller en plikt; at den er nyttig for egne oppgaver, er ikke nok."
                if language == "nb"
                else "A report about an identifiable person needs consent, an offence, danger to life or health, "
                "or a duty; being useful for one's own tasks is not enough."
            )
        # Consent first: the Justice Ministry's guide advises asking for it when in doubt.
        needs = [row.needs[i] for row in sorted(candidates, key=lambda row: row.code != BasisCode.CONSENT) if row.needs]
        if needs:
            options = "; ".join(needs)
            lead = "Dette kan gjøre delingen lovlig" if language == "nb" else "What could make it lawful"
            texts[language].append(f"{lead}: {options}.")
        if any(row.code == BasisCode.CONSENT for row in candidates):
            texts[language].append(
                "Er du i tvil, be personen om samtykke."
                if language == "nb"
                else "When in doubt, ask the person for consent."
            )
    return SharingDecision(
        allowed=False,
        bases=(),
        must_record=(),
        explanation_nb=" ".join(texts["nb"]),
        explanation_en=" ".join(texts["en"]),
        warnings=_warnings(request, None, reporting),
        candidates=tuple(row.code for row in candidates),
    )


def _refuse_classified(request: SharingRequest, lookup: ReferenceLookup) -> SharingDecision:
    reference = lookup(BasisCode.CLASSIFIED, request.on)
    source_nb = f" ({_title(reference, 'nb')})" if reference is not None else ""
    source_en = f" ({_title(reference, 'en')})" if reference is not None else ""
    return SharingDecision(
        allowed=False,
        bases=(),
        must_record=(),
        explanation_nb=(
            f"Delingen er avvist: opplysningene er sikkerhetsgraderte{source_nb}. Graderte opplysninger deles bare "
            "med den som har tjenstlig behov og klarering, og de skal aldri inn i Utvei – heller ikke med "
            "samtykke eller når en plikt gjelder. Gjelder en plikt, oppfyll den utenfor Utvei sammen med den som "
            "eier den graderte informasjonen (politiet eller PST)."
        ),
        explanation_en=(
            f"Sharing is refused: the information is security-classified{source_en}. Classified information goes "
            "only to people with a need to know and clearance, and it never enters Utvei – not with consent, and "
            "not when a duty applies. If a duty applies, meet it outside Utvei together with the owner of the "
            "classified information (the police or PST)."
        ),
        warnings=(_R20,),
        candidates=(),
    )
