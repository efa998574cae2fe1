"""A small world for contacts tests, built through the services (independent of the demo seed).

Testkommune opened the case (caseworker) with an exit coordinator and a mentor of its own, a NAV team
member and a police contact on the team. An outsider case worker in another municipality and a data
protection officer in Testkommune are on no team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, OrganisationKind, Role, User
from utvei.cases import services as case_services
from utvei.cases.models import Case, Person, ReferralSource, SecurityAssessment
from utvei.contacts import services
from utvei.contacts.models import Conversation, ConversationForm
from utvei.core.fnr import synthetic_fodselsnummer

BIRTH_DATE = date(1995, 4, 7)


def make_organisation(name: str, kind: str = OrganisationKind.MUNICIPALITY) -> Organisation:
    """Register an organisation as the system."""
    return account_services.organisation_create(actor=None, name=name, kind=kind)


def make_user(organisation: Organisation, username: str, role: str) -> User:
    """Create a user with one role in ``organisation``."""
    return account_services.user_create(
        actor=None,
        organisation=organisation,
        username=username,
        first_name=username.capitalize(),
        last_name="Testesen",
        email=f"{username}@test.invalid",
        role=role,
        password=None,
    )


def make_person(actor: User, organisation: Organisation, **overrides: object) -> Person:
    """Register a synthetic adult person (fields overridable)."""
    birth_date = overrides.pop("birth_date", BIRTH_DATE)
    assert isinstance(birth_date, date)
    fields: dict[str, object] = {
        "given_name": "Ola Johan",
        "family_name": "Nordmann",
        "national_id": synthetic_fodselsnummer(birth_date),
        "phone": "+47 912 34 567",
        "email": "ola.nordmann@example.invalid",
        "address": "Storgata 12 B\n0123 Oslo",
    }
    fields.update(overrides)
    return case_services.person_create(actor=actor, organisation=organisation, birth_date=birth_date, **fields)  # type: ignore[arg-type]


def make_case(actor: User, person: Person, organisation: Organisation, role: str = Role.CASEWORKER) -> Case:
    """Open a case for ``person`` with ``actor`` on its team."""
    today = timezone.localdate()
    return case_services.case_open(
        actor=actor,
        person=person,
        organisation=organisation,
        role=role,
        referral_source=ReferralSource.SELF,
        referral_date=today - timedelta(days=30),
        referral_reason="Ønsker hjelp til å bryte med et miljø.",
        security_assessment=SecurityAssessment.ASSESSED,
        security_assessed_by="Politikontakten",
        security_assessed_on=today - timedelta(days=20),
    )


@dataclass
class World:
    """Hold the organisations, users, person and case of a contacts test."""

    municipality: Organisation
    nav_office: Organisation
    police: Organisation
    other_municipality: Organisation
    caseworker: User
    coordinator: User
    mentor: User
    nav: User
    police_contact: User
    outsider: User
    privacy_officer: User
    person: Person
    case: Case


def make_world() -> World:
    """Build the standard contacts world (see the module docstring)."""
    municipality = make_organisation("Testkommune")
    nav_office = make_organisation("NAV Test", OrganisationKind.NAV)
    police = make_organisation("Test politidistrikt", OrganisationKind.POLICE_DISTRICT)
    other = make_organisation("Annen kommune")
    caseworker = make_user(municipality, "kari", Role.CASEWORKER)
    coordinator = make_user(municipality, "kim", Role.EXIT_COORDINATOR)
    mentor = make_user(municipality, "mats", Role.MENTOR)
    nav = make_user(nav_office, "nina", Role.TEAM_MEMBER)
    police_contact = make_user(police, "per", Role.POLICE_CONTACT)
    outsider = make_user(other, "nils", Role.CASEWORKER)
    privacy_officer = make_user(municipality, "pia", Role.PRIVACY_OFFICER)
    person = make_person(caseworker, municipality)
    case = make_case(caseworker, person, municipality)
    for user, organisation, role in (
        (coordinator, municipality, Role.EXIT_COORDINATOR),
        (mentor, municipality, Role.MENTOR),
        (nav, nav_office, Role.TEAM_MEMBER),
        (police_contact, police, Role.POLICE_CONTACT),
    ):
        case_services.team_member_add(actor=caseworker, case=case, user=user, organisation=organisation, role=role)
    return World(
        municipality=municipality,
        nav_office=nav_office,
        police=police,
        other_municipality=other,
        caseworker=caseworker,
        coordinator=coordinator,
        mentor=mentor,
        nav=nav,
        police_contact=police_contact,
        outsider=outsider,
        privacy_officer=privacy_officer,
        person=person,
        case=case,
    )


def record_conversation(world: World, actor: User | None = None, **overrides: object) -> Conversation:
    """Record a valid conversation on the world's case (fields overridable)."""
    fields: dict[str, object] = {
        "held_on": timezone.localdate() - timedelta(days=2),
        "form": ConversationForm.MEETING,
        "participants": "Saksbehandler og personen",
        "method": None,
        "notes": "Rolig samtale.",
        "persons_own_words": "Vil ha jobb.",
        "told_mandate": True,
        "told_confidentiality": True,
        "told_reporting_duty": True,
        "next_steps": "Nytt møte om en uke.",
        "next_contact_on": None,
        "draft_key": "",
    }
    fields.update(overrides)
    return services.conversation_record(actor=actor or world.caseworker, case_id=world.case.pk, **fields)  # type: ignore[arg-type]


def make_conversation_on(case: Case, actor: User, **overrides: object) -> Conversation:
    """Record a valid conversation on any case through the service (fields overridable)."""
    fields: dict[str, object] = {
        "held_on": timezone.localdate() - timedelta(days=1),
        "form": ConversationForm.MEETING,
        "participants": "Saksbehandler og personen",
        "method": None,
        "notes": "Rolig samtale.",
        "persons_own_words": "",
        "told_mandate": True,
        "told_confidentiality": True,
        "told_reporting_duty": True,
        "next_steps": "",
        "next_contact_on": None,
        "draft_key": "",
    }
    fields.update(overrides)
    return services.conversation_record(actor=actor, case_id=case.pk, **fields)  # type: ignore[arg-type]
