"""The synthetic demo world: organisations, one user per role, and a few cases.

Every name here is invented. The demo password is public by design and documented in README.md; the
demo runs with UTVEI_ENV=demo only, where second-factor login is optional.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, OrganisationKind, ProfessionalStatus, Role, User

if TYPE_CHECKING:
    from utvei.cases.models import Case

DEMO_PASSWORD = "Utvei-demo-2026"

MUNICIPALITY = "Demo kommune"
POLICE = "Demo politidistrikt"
SCHOOL = "Demo videregående skole"
NAV = "NAV Demo"
HEALTH = "Demo helsetjeneste"
CHILD_WELFARE = "Barneverntjenesten i Demo kommune"
NEIGHBOUR = "Nabo kommune"

# (name, kind, the public body it belongs to). The child welfare service is a unit of the municipality, so the
# two are one organ; the county's school, the state's NAV office and the health service are bodies of their own.
ORGANISATIONS: list[tuple[str, str, str | None]] = [
    (MUNICIPALITY, OrganisationKind.MUNICIPALITY, None),
    (POLICE, OrganisationKind.POLICE_DISTRICT, None),
    (SCHOOL, OrganisationKind.SCHOOL, None),
    (NAV, OrganisationKind.NAV, None),
    (HEALTH, OrganisationKind.HEALTH, None),
    (CHILD_WELFARE, OrganisationKind.CHILD_WELFARE, MUNICIPALITY),
    (NEIGHBOUR, OrganisationKind.MUNICIPALITY, None),
]

# Professional statuses the administrator confirms: (username, status, HPR number). The HPR number is
# synthetic (the real register's numbers are not used in the demo).
DEMO_STATUSES: list[tuple[str, str, str]] = [
    ("helse", ProfessionalStatus.HEALTH_PERSONNEL, "9000001"),
    ("skole", ProfessionalStatus.TEACHER, ""),
    ("politikontakt", ProfessionalStatus.POLICE, ""),
]


@dataclass(frozen=True)
class DemoUser:
    """Describe one demo login."""

    username: str
    first_name: str
    last_name: str
    organisation: str
    roles: tuple[str, ...]
    description: str


DEMO_USERS = [
    DemoUser("saksbehandler", "Sara", "Saksbehandler", MUNICIPALITY, (Role.CASEWORKER,), "case worker"),
    DemoUser(
        "koordinator",
        "Kari",
        "Koordinator",
        MUNICIPALITY,
        (Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR),
        "exit coordinator and individual plan coordinator",
    ),
    DemoUser("slt", "Stian", "Slt", MUNICIPALITY, (Role.SLT_COORDINATOR,), "SLT coordinator"),
    DemoUser("politikontakt", "Per", "Politikontakt", POLICE, (Role.POLICE_CONTACT,), "police radicalisation contact"),
    DemoUser("mentor", "Mona", "Mentor", MUNICIPALITY, (Role.MENTOR,), "mentor"),
    DemoUser("skole", "Siri", "Skole", SCHOOL, (Role.TEAM_MEMBER,), "school, follow-up team member"),
    DemoUser("barnevern", "Bjørn", "Barnevern", CHILD_WELFARE, (Role.TEAM_MEMBER,), "child welfare, team member"),
    DemoUser("nav", "Nina", "Nav", NAV, (Role.TEAM_MEMBER,), "NAV, follow-up team member"),
    DemoUser("helse", "Helge", "Helse", HEALTH, (Role.TEAM_MEMBER,), "health service, team member"),
    DemoUser("personvern", "Pia", "Personvern", MUNICIPALITY, (Role.PRIVACY_OFFICER,), "data protection officer"),
    DemoUser("admin", "Adam", "Admin", MUNICIPALITY, (Role.ORG_ADMIN,), "administrator (no case content)"),
    DemoUser("nabo", "Nils", "Nabo", NEIGHBOUR, (Role.CASEWORKER,), "case worker in another municipality"),
]


@dataclass(frozen=True)
class DemoCase:
    """Describe one demo case: the (invented) person, the team and how far it has come."""

    given_name: str
    family_name: str
    birth_date: date
    phase: str
    team: tuple[tuple[str, str, str], ...]  # (username, role, agreed task)
    reason: str
    guardian: tuple[str, str] | None = None
    protected_address: str = ""


# Tasks and texts are data written by users, so they are in Norwegian like the rest of the demo content.
DEMO_CASES = [
    DemoCase(
        "Jonas",
        "Berg",
        date(2001, 3, 14),
        "P6",
        (
            ("koordinator", Role.EXIT_COORDINATOR, "Koordinerer oppfølgingen"),
            ("politikontakt", Role.POLICE_CONTACT, "Politikontakt og sikkerhetsvurdering"),
            ("nav", Role.TEAM_MEMBER, "Arbeid og inntekt"),
            ("skole", Role.TEAM_MEMBER, "Oppfølging av skolegang"),
            ("mentor", Role.MENTOR, "Ukentlige mentormøter"),
            ("helse", Role.TEAM_MEMBER, ""),
        ),
        "Tok selv kontakt etter løslatelse og ønsker hjelp til å bryte med miljøet.",
    ),
    DemoCase(
        "Emma",
        "Lie",
        date(2010, 9, 2),
        "P3",
        (
            ("koordinator", Role.EXIT_COORDINATOR, "Koordinerer oppfølgingen"),
            ("barnevern", Role.TEAM_MEMBER, "Familiestøtte"),
        ),
        "Skolen er bekymret etter endret atferd og kontakt med et nettmiljø.",
        guardian=("Kari Lie", "mor"),
        protected_address="fortrolig",
    ),
    DemoCase(
        "Sander",
        "Nilsen",
        date(1998, 11, 23),
        "P1",
        (("slt", Role.SLT_COORDINATOR, "Råd om koordinering"),),
        "Henvendelse fra familien om bekymring for radikalisering.",
    ),
]


def _first_contact(actor: User, case_id: int, today: date) -> None:
    """Record the demo case's first conversation and the consultation after it."""
    from utvei.contacts import services as contact_services
    from utvei.contacts.models import ConversationForm, ConversationMethod

    contact_services.conversation_record(
        actor=actor,
        case_id=case_id,
        held_on=today - timedelta(days=60),
        form=ConversationForm.MEETING,
        participants="Jonas, saksbehandler, mentor",
        method=ConversationMethod.objects.filter(is_active=True).first(),
        notes="Rolig samtale. Jonas forteller at han vil bort fra miljøet og trenger arbeid og bolig.",
        persons_own_words="«Jeg vil ha et vanlig liv og en jobb.»",
        told_mandate=True,
        told_confidentiality=True,
        told_reporting_duty=True,
        next_steps="Møte med Nav og mentor innen to uker.",
        next_contact_on=today + timedelta(days=5),
    )
    contact_services.consultation_record(
        actor=actor,
        case_id=case_id,
        conversation_id=None,
        held_on=today - timedelta(days=58),
        consulted="supervisor",
        consulted_organisation="Demo kommune",
        anonymised=False,
        summary="Drøftet videre oppfølging med veileder.",
        decision="Tilby exit-oppfølging med mentor og Nav.",
    )


@dataclass(frozen=True)
class DemoWorld:
    """Hand the base demo world to the apps that add their own demo data.

    ``cases`` is in DEMO_CASES order: case 1 (adult, big team), case 2 (minor), case 3 (SLT advice).
    """

    organisations: dict[str, Organisation]
    users: dict[str, User]
    cases: list[Case]
    today: date


# Apps that add demo data, in order; each module has seed(world) and works through its services.
DEMO_EXTENSIONS = [
    "utvei.sharing.demo.seed",
    "utvei.plans.demo.seed",
    "utvei.mentoring.demo.seed",
    "utvei.network.demo.seed",
    "utvei.privacy.demo.seed",
]


def seed_demo() -> bool:
    """Create the demo world through the services; it returns False if it exists."""
    if Organisation.objects.filter(name=MUNICIPALITY).exists():
        return False
    from utvei.cases import services as case_services
    from utvei.cases.models import Phase, ReferralSource, SecurityAssessment
    from utvei.core.fnr import synthetic_fodselsnummer

    rng = random.Random(2026)  # noqa: S311  (synthetic demo data)
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for name, kind, parent in ORGANISATIONS:
            orgs[name] = account_services.organisation_create(
                actor=None, name=name, kind=kind, parent=orgs[parent] if parent else None
            )
        # Demo kommune works with every demo organisation but the neighbouring municipality.
        for name in (POLICE, SCHOOL, NAV, HEALTH, CHILD_WELFARE):
            account_services.partnership_add(actor=None, organisation=orgs[MUNICIPALITY], partner=orgs[name])
        users: dict[str, User] = {}
        for spec in DEMO_USERS:
            organisation = orgs[spec.organisation]
            user = account_services.user_create(
                actor=None,
                organisation=organisation,
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.invalid",
                role=spec.roles[0],
                password=DEMO_PASSWORD,
            )
            for role in spec.roles[1:]:
                account_services.membership_add(actor=None, user=user, organisation=organisation, role=role)
            users[spec.username] = user
        for username, status, hpr in DEMO_STATUSES:
            membership = users[username].memberships.get()
            account_services.membership_confirm_status(
                actor=None, membership_id=membership.pk, professional_status=status, hpr_number=hpr
            )
        opener = users["saksbehandler"]
        municipality = orgs[MUNICIPALITY]
        today = timezone.localdate()
        phases = [p.value for p in Phase]
        cases: list[Case] = []
        for index, case_spec in enumerate(DEMO_CASES):
            guardians = (
                [
                    case_services.GuardianInput(
                        case_spec.guardian[0], case_spec.guardian[1], "+47 400 00 00" + str(index)
                    )
                ]
                if case_spec.guardian
                else []
            )
            person = case_services.person_create(
                actor=opener,
                organisation=municipality,
                given_name=case_spec.given_name,
                family_name=case_spec.family_name,
                birth_date=case_spec.birth_date,
                national_id=synthetic_fodselsnummer(case_spec.birth_date, rng=rng),
                phone=f"+47 900 00 0{index}0",
                address="Eksempelveien 1\n0001 Demo",
                language="norsk",
                protected_address=case_spec.protected_address,
                guardians=guardians,
            )
            case = case_services.case_open(
                actor=opener,
                person=person,
                organisation=municipality,
                role=Role.CASEWORKER,
                referral_source=ReferralSource.SELF if index == 0 else ReferralSource.FAMILY,
                referral_date=today - timedelta(days=120 - 30 * index),
                referral_reason=case_spec.reason,
                security_assessment=SecurityAssessment.ASSESSED,
                security_assessed_by="Per Politikontakt, politiet",
                security_assessed_on=today - timedelta(days=110 - 30 * index),
            )
            for username, role, task in case_spec.team:
                member = users[username]
                organisation = next(o for o in orgs.values() if o.memberships.filter(user=member).exists())
                case_services.team_member_add(
                    actor=opener, case=case, user=member, organisation=organisation, role=role, task=task
                )
            reached = phases[: phases.index(case_spec.phase) + 1]
            for previous, phase in pairwise(reached):
                case_services.case_change_phase(actor=opener, case_id=case.pk, from_phase=previous, to_phase=phase)
            case_services.task_create(
                actor=opener,
                case_id=case.pk,
                title="Avtale neste møte med personen",
                due_on=today + timedelta(days=3 - 5 * index),
                assignee=opener,
            )
            if index == 0:
                _first_contact(opener, case.pk, today)
            cases.append(case)
        case_services.concern_create(
            actor=opener,
            organisation=municipality,
            subject="Elev, 15 år (initialer K.T.)",
            description="Lærer har hørt uttalelser som forherliger vold. Drøftet anonymt med SLT.",
        )
        world = DemoWorld(organisations=orgs, users=users, cases=cases, today=today)
        for extension in DEMO_EXTENSIONS:
            import_string(extension)(world)
    return True
