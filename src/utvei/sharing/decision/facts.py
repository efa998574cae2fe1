"""The values the sharing decision reads and returns: codes, the request, consents, judgements and answers.

Everything here is plain data. Facts the system knows (the discloser's sector and public body, the user's
confirmed professional status, the person's age on the day) are filled in by the caller from the records;
the request carries only what a person must assess (danger, purpose, whether anonymised information is
enough, a weighty-interests judgement with its reasons). Unknown values are refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeAlias, TypeVar

from utvei.access.categories import Category
from utvei.accounts.models import DEFAULT_SECTOR, OrganisationKind, ProfessionalStatus, Sector


class BasisCode(StrEnum):
    """Name each basis of the decision table; the value is the ``LegalBasis.code``."""

    CONSENT = "consent"
    HEALTH_CONSENT = "health_consent"
    ANONYMISED = "anonymised"
    SAME_ORGAN = "same_organ"
    OWN_TASKS = "own_tasks"
    NAV_SHARING = "nav_sharing"
    SOCIAL_SERVICES_SHARING = "social_services_sharing"
    CHILD_WELFARE_SHARING = "child_welfare_sharing"
    OFFENCES = "offences"
    DANGER = "danger"
    REGULATION = "regulation"
    DUTY_TO_AVERT = "duty_to_avert"
    DUTY_TO_HELP = "duty_to_help"
    CHILD_WELFARE_DUTY = "child_welfare_duty"
    CHILD_WELFARE_DUTY_HEALTH = "child_welfare_duty_health"
    CHILD_WELFARE_DUTY_SCHOOL = "child_welfare_duty_school"
    HEALTH_RIGHT = "health_right"
    HEALTH_EMERGENCY = "health_emergency"
    POLICE_RULES = "police_rules"
    CLASSIFIED = "classified"
    REPORT_TO_POLICE = "report_to_police"


class RuleCode(StrEnum):
    """Name the legal references behind rules that are not bases: the consent ages and the child's voice."""

    # The age from which a person consents alone to sharing health information.
    HEALTH_CONSENT_AGE = "health_consent_age"
    # The age of majority, at which the guardians' consent on the person's behalf ends.
    AGE_OF_MAJORITY = "age_of_majority"
    # The child's right to be heard before the guardians decide.
    CHILD_HEARD = "child_heard"


# The row of the decision table each code stands for (domain-research.md, section 6.1). The sector rules
# of NAV, the social services and child welfare take the place of the general rights (S4, S5) for them.
ROW: dict[BasisCode, str] = {
    BasisCode.CONSENT: "S1",
    BasisCode.HEALTH_CONSENT: "S1",
    BasisCode.ANONYMISED: "S2",
    BasisCode.SAME_ORGAN: "S3",
    BasisCode.OWN_TASKS: "S4",
    BasisCode.NAV_SHARING: "S4",
    BasisCode.SOCIAL_SERVICES_SHARING: "S4",
    BasisCode.CHILD_WELFARE_SHARING: "S4",
    BasisCode.OFFENCES: "S5",
    BasisCode.DANGER: "S6",
    BasisCode.REGULATION: "S7",
    BasisCode.DUTY_TO_AVERT: "S8",
    BasisCode.DUTY_TO_HELP: "S9",
    BasisCode.CHILD_WELFARE_DUTY: "S10",
    BasisCode.CHILD_WELFARE_DUTY_HEALTH: "S10",
    BasisCode.CHILD_WELFARE_DUTY_SCHOOL: "S10",
    BasisCode.HEALTH_RIGHT: "S11",
    BasisCode.HEALTH_EMERGENCY: "S12",
    BasisCode.POLICE_RULES: "S13",
    BasisCode.CLASSIFIED: "S14",
    BasisCode.REPORT_TO_POLICE: "S15",
}

# Bases resting on the person's consent: a disclosure on them links the consent version used.
CONSENT_BASES: frozenset[BasisCode] = frozenset({BasisCode.CONSENT, BasisCode.HEALTH_CONSENT})


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


class Giver(StrEnum):
    """Name who gave a consent: the person, the guardians on their behalf, or both together."""

    PERSON = "person"
    GUARDIANS = "guardians"
    BOTH = "both"


class WeightyInterest(StrEnum):
    """Name the interests a health professional may weigh against confidentiality."""

    LIFE_OR_HEALTH = "life_or_health"
    SERIOUS_CRIME = "serious_crime"
    CHILD_PROTECTION = "child_protection"
    OTHERS_SAFETY = "others_safety"


@dataclass(frozen=True)
class LegalReference:
    """Hold the version of a legal reference in force on a date, as the decision cites it.

    ``age`` is the age limit a rule sets (the health consent age, the age of majority), kept with the
    reference so that a change of the limit is a new version of the data. ``verified`` is False for a
    reference not yet checked against an authoritative source; the docs list those, never the page text.
    """

    code: str
    law: str
    section: str
    title_nb: str
    title_en: str
    age: int | None = None
    verified: bool = True

    def citation(self) -> str:
        """Give the reference as it is cited (empty for a procedure without a section)."""
        return f"{self.law} {self.section}".strip()


ReferenceLookup: TypeAlias = Callable[[str, date], LegalReference | None]


E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], value: str, what: str) -> E:
    """Read a value of an enumeration, refusing an unknown one."""
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"Unknown {what}: {value!r}") from None


def discloser_kind(value: str) -> OrganisationKind:
    """Read the discloser's kind of organisation."""
    if value not in OrganisationKind.values:
        raise ValueError(f"Unknown discloser kind: {value!r}")
    return OrganisationKind(value)


def recipient_kind(value: str) -> Recipient:
    """Read a recipient: a kind of organisation, a private person or anyone who can act."""
    if value in OrganisationKind.values:
        return OrganisationKind(value)
    return choice(OtherRecipient, value, "recipient kind")


def categories_of(values: Iterable[str]) -> frozenset[Category]:
    """Read a non-empty set of categories of information."""
    try:
        categories = frozenset(Category(value) for value in values)
    except ValueError as error:
        raise ValueError(f"Unknown category: {error}") from None
    if not categories:
        raise ValueError("At least one category of information is needed")
    return categories


@dataclass(frozen=True, kw_only=True)
class ConsentScope:
    """Hold what one consent covers, who gave it and the person's age that day (R12, R19).

    A consent names its recipients; "anyone" is refused, since a consent "to share in the service" does
    not allow spreading beyond what it names. ``withdrawn_at`` ends it from that day on (R13). ``giver_age``
    is the person's age on the day the consent was given; the age rules read it with ``given_by``.
    ``child_heard`` says whether the child's own view was recorded with a guardians' consent.
    """

    recipients: frozenset[Recipient]
    categories: frozenset[Category]
    purposes: frozenset[Purpose]
    valid_from: date
    valid_to: date | None = None
    withdrawn_at: date | None = None
    given_by: Giver
    giver_age: int
    child_heard: bool = False

    def __post_init__(self) -> None:
        recipients = frozenset(recipient_kind(value) for value in self.recipients)
        if not recipients:
            raise ValueError("A consent must name at least one recipient")
        if OtherRecipient.ANYONE in recipients:
            raise ValueError("A consent must name its recipients; 'anyone' is not a recipient")
        purposes = frozenset(choice(Purpose, value, "purpose") for value in self.purposes)
        if not purposes:
            raise ValueError("A consent must name at least one purpose")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("A consent cannot end before it starts")
        if self.giver_age < 0:
            raise ValueError("An age cannot be negative")
        object.__setattr__(self, "recipients", recipients)
        object.__setattr__(self, "categories", categories_of(self.categories))
        object.__setattr__(self, "purposes", purposes)
        object.__setattr__(self, "given_by", choice(Giver, self.given_by, "consent giver"))


@dataclass(frozen=True, kw_only=True)
class WeightyInterests:
    """Hold a health professional's recorded judgement that weighty interests justify sharing (S11).

    It counts only as a judgement: the interests weighed, the reasons written out, and the conclusion that
    they outweigh the duty of confidentiality in this case. An offence alone is not such a judgement.
    """

    interests: frozenset[WeightyInterest]
    reasons: str
    outweighs_confidentiality: bool

    def __post_init__(self) -> None:
        interests = frozenset(choice(WeightyInterest, value, "weighty interest") for value in self.interests)
        object.__setattr__(self, "interests", interests)

    @property
    def holds(self) -> bool:
        """Tell whether the judgement is complete and concludes that sharing is right."""
        return bool(self.interests) and bool(self.reasons.strip()) and self.outweighs_confidentiality


@dataclass(frozen=True, kw_only=True)
class SharingRequest:
    """Describe one question "may this discloser share this with that recipient?".

    The discloser's ``discloser_sector``, ``discloser_status`` (the professional status an administrator
    confirmed), ``discloser_body`` and ``recipient_body`` (the public bodies they belong to) and the
    person's age on the day (``person_age``) come from the records, never from a tick. The other fields are
    what a person assesses (R34); every flag defaults to "no", so a forgotten one only makes the answer
    stricter. ``classified`` is for a request about security-classified content, which is always refused.
    """

    discloser_kind: OrganisationKind
    recipient_kind: Recipient
    categories: frozenset[Category]
    purpose: Purpose
    on: date
    discloser_sector: Sector | None = None
    discloser_status: ProfessionalStatus = ProfessionalStatus.NONE
    discloser_body: int | None = None
    recipient_body: int | None = None
    person_age: int | None = None
    consent: ConsentScope | None = None
    anonymised: bool = False
    offence_concern: bool = False
    danger_to_life_or_health: bool = False
    # Someone is in obvious and imminent danger of death or serious injury (the duty to help, S9).
    imminent_danger_to_life: bool = False
    avert_listed_offence_most_likely: bool = False
    child_welfare_conditions: frozenset[ChildWelfareCondition] = frozenset()
    necessary_for_own_tasks: bool = False
    # Known from the data of legal bases, not asserted: no sharing regulation is in force today.
    regulation_in_force: bool = False
    classified: bool = False
    police_shared_under_own_rules: bool = False
    weighty_interests: WeightyInterests | None = None
    # Why anonymised information is not enough (R16): the minimality reason every danger basis records.
    why_not_anonymised: str = ""

    def __post_init__(self) -> None:
        conditions = frozenset(
            choice(ChildWelfareCondition, value, "child welfare condition") for value in self.child_welfare_conditions
        )
        kind = discloser_kind(self.discloser_kind)
        sector = self.discloser_sector or DEFAULT_SECTOR.get(kind, Sector.GENERAL)
        if sector not in Sector.values:
            raise ValueError(f"Unknown sector: {sector!r}")
        if self.discloser_status not in ProfessionalStatus.values:
            raise ValueError(f"Unknown professional status: {self.discloser_status!r}")
        if self.person_age is not None and self.person_age < 0:
            raise ValueError("An age cannot be negative")
        object.__setattr__(self, "discloser_kind", kind)
        object.__setattr__(self, "discloser_sector", Sector(sector))
        object.__setattr__(self, "discloser_status", ProfessionalStatus(self.discloser_status))
        object.__setattr__(self, "recipient_kind", recipient_kind(self.recipient_kind))
        object.__setattr__(self, "categories", categories_of(self.categories))
        object.__setattr__(self, "purpose", choice(Purpose, self.purpose, "purpose"))
        object.__setattr__(self, "child_welfare_conditions", conditions)

    @property
    def same_organ(self) -> bool:
        """Tell whether discloser and recipient belong to one public body, as their records say."""
        return self.discloser_body is not None and self.discloser_body == self.recipient_body

    @property
    def person_is_minor(self) -> bool:
        """Tell whether the person is under 18 on the day (an unknown age is not a minor's)."""
        return self.person_age is not None and self.person_age < 18


@dataclass(frozen=True)
class Notice:
    """Hold one warning shown with a decision, naming the rule it comes from."""

    rule: str
    text_nb: str
    text_en: str

    def text(self, language: str) -> str:
        """Give the warning in the language asked for (Bokmål unless English)."""
        return self.text_en if language.startswith("en") else self.text_nb


@dataclass(frozen=True, kw_only=True)
class SharingDecision:
    """Hold the answer: allowed or not, the bases (best first), and what to record.

    ``candidates`` are the bases this discloser could use towards this recipient at all, met or not:
    the options a form offers (the sector rules remove some).
    """

    allowed: bool
    bases: tuple[BasisCode, ...]
    must_record: tuple[str, ...]
    explanation_nb: str
    explanation_en: str
    warnings: tuple[Notice, ...]
    candidates: tuple[BasisCode, ...]

    def explanation(self, language: str) -> str:
        """Give the explanation in the language asked for (Bokmål unless English)."""
        return self.explanation_en if language.startswith("en") else self.explanation_nb
