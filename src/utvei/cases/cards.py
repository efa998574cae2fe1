"""View models of a case and its person: what templates receive instead of whole model objects.

A card holds only what the actor may see. The parts of a person and a case that the engine decides per
field (identity number, contact details, address, referral reason, security assessment) are filled from
``policy.fields`` and left empty otherwise, so a template cannot show what the actor has no right to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from utvei.access.categories import Field
from utvei.cases.models import Case, Guardian, Person, Phase


@dataclass(frozen=True)
class PersonName:
    """Hold what every page about a case may show of its person: the name and whether they are a minor."""

    pk: int
    given_name: str
    family_name: str
    is_minor: bool

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class CaseCard:
    """Hold what every page about a case may show: reference, phase, state, the person's name."""

    pk: int
    reference: str
    phase: str
    phase_label: str
    is_open: bool
    closed_at: datetime | None
    person: PersonName
    responsible_organisation: str

    @property
    def person_id(self) -> int:
        """Give the id of the case's person (the name forms and services use)."""
        return self.person.pk

    def get_phase_display(self) -> str:
        """Give the phase's label (the name Django templates use for a choice field)."""
        return self.phase_label


def person_name(person: Person) -> PersonName:
    """Make the name card of a person."""
    return PersonName(person.pk, person.given_name, person.family_name, person.is_minor)


def case_card(case: Case) -> CaseCard:
    """Make the card of a case; ``case`` needs its person and responsible organisation loaded."""
    return CaseCard(
        pk=case.pk,
        reference=case.reference,
        phase=case.phase,
        phase_label=str(Phase(case.phase).label),
        is_open=case.is_open,
        closed_at=case.closed_at,
        person=person_name(case.person),
        responsible_organisation=case.responsible_organisation.name,
    )


@dataclass(frozen=True)
class GuardianCard:
    """Hold one guardian as shown with the person's contact details."""

    name: str
    relation: str
    phone: str


@dataclass(frozen=True)
class PersonCard:
    """Hold what the actor sees of the person on the case page; a part the actor may not see is None."""

    name: PersonName
    birth_date: date
    registered_by: str
    national_id: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None
    interpreter_needed: bool = False
    address: str | None = None
    address_protected: bool = False
    guardians: list[GuardianCard] = field(default_factory=list)

    @property
    def show_contact(self) -> bool:
        """Tell whether the contact details are shown at all."""
        return self.phone is not None


def person_card(person: Person, fields: frozenset[str], guardians: list[Guardian]) -> PersonCard:
    """Make the person's card from the field categories the engine lets the actor see."""
    contact = Field.CONTACT in fields
    return PersonCard(
        name=person_name(person),
        birth_date=person.birth_date,
        registered_by=person.registered_by.name,
        national_id=person.national_id if Field.NATIONAL_ID in fields else None,
        phone=person.phone if contact else None,
        email=person.email if contact else None,
        language=person.language if contact else None,
        interpreter_needed=person.interpreter_needed if contact else False,
        address=person.address if contact and Field.ADDRESS in fields else None,
        address_protected=contact and person.address_is_protected,
        guardians=[GuardianCard(g.name, g.relation, g.phone) for g in guardians] if contact else [],
    )


@dataclass(frozen=True)
class SecurityCard:
    """Hold the R04 answer at opening: assessed or not, by whom and when."""

    answer: str
    assessed_by: str
    assessed_on: date | None


@dataclass(frozen=True)
class CaseFacts:
    """Hold the facts of a case on its overview; a part the actor may not see is None."""

    referral_source: str
    referral_date: date
    closure_reason: str
    referral_reason: str | None = None
    police_not_involved_reason: str | None = None
    security: SecurityCard | None = None


def case_facts_card(case: Case, fields: frozenset[str]) -> CaseFacts:
    """Make the overview's facts of a case from the field categories the engine lets the actor see."""
    reason = Field.REFERRAL_REASON in fields
    security = None
    if Field.SECURITY_ASSESSMENT in fields:
        security = SecurityCard(
            str(case.get_security_assessment_display()), case.security_assessed_by, case.security_assessed_on
        )
    return CaseFacts(
        referral_source=str(case.get_referral_source_display()),
        referral_date=case.referral_date,
        closure_reason=str(case.get_closure_reason_display()) if case.closure_reason else "",
        referral_reason=case.referral_reason if reason else None,
        police_not_involved_reason=(case.police_not_involved_reason or None) if reason else None,
        security=security,
    )
