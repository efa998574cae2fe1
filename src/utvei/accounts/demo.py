"""The synthetic demo world: organisations, one user per role, and a few cases.

Every name here is invented. The demo password is public by design and documented in README.md; the
demo runs with UTVEI_ENV=demo only, where second-factor login is optional.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, OrganisationKind, ProfessionalStatus, Role, User

if TYPE_CHECKING:
    from utvei.cases.models import Case

DEMO_PASSWORD = "Utvei-demo-2026"

# Demo kommune's staff log in through the local fake provider too (utvei.devidp, started by `make demo`).
DEMO_PROVIDER_ISSUER = "http://127.0.0.1:8001"
DEMO_PROVIDER_SECRET_ENV = "UTVEI_DEMO_STAFF_CLIENT_SECRET"

MUNICIPALITY = "Demo kommune"
POLICE = "Demo politidistrikt"
SCHOOL = "Demo videregående skole"
NAV = "Nav Demo"
HEALTH = "Demo helsetjeneste"
CHILD_WELFARE = "Barnevernstjenesten i Demo kommune"
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
    DemoUser("nav", "Nina", "Nav", NAV, (Role.TEAM_MEMBER,), "Nav, follow-up team member"),
    DemoUser("helse", "Helge", "Helse", HEALTH, (Role.TEAM_MEMBER,), "health service, team member"),
    DemoUser("personvern", "Pia", "Personvern", MUNICIPALITY, (Role.PRIVACY_OFFICER,), "data protection officer"),
    DemoUser("admin", "Adam", "Admin", MUNICIPALITY, (Role.ORG_ADMIN,), "administrator (no case content)"),
    DemoUser("nabo", "Nils", "Nabo", NEIGHBOUR, (Role.CASEWORKER,), "case worker in another municipality"),
]


@dataclass(frozen=True)
class DemoWorld:
    """Hand the base demo world to the apps that add their own demo data.

    ``cases`` is filled by the cases app's seed, in its DEMO_CASES order: case 1 (adult, big team), case 2
    (minor), case 3 (SLT advice).
    """

    organisations: dict[str, Organisation]
    users: dict[str, User]
    cases: list[Case]
    today: date


# Apps that add demo data, in order; each module has seed(world) and works through its services.
DEMO_EXTENSIONS = [
    "utvei.cases.demo.seed",
    "utvei.contacts.demo.seed",
    "utvei.sharing.demo.seed",
    "utvei.plans.demo.seed",
    "utvei.mentoring.demo.seed",
    "utvei.network.demo.seed",
    "utvei.attachments.demo.seed",
    "utvei.privacy.demo.seed",
]


def seed_demo() -> bool:
    """Create the demo world through the services; it returns False if it exists."""
    if Organisation.objects.filter(name=MUNICIPALITY).exists():
        return False
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
        account_services.oidc_provider_create(
            actor=None,
            organisation=orgs[MUNICIPALITY],
            slug="demo-kommune",
            name="Demo kommunes innlogging (lokal test)",
            issuer=os.environ.get("UTVEI_DEMO_PROVIDER_ISSUER", DEMO_PROVIDER_ISSUER),
            client_id="utvei-demo-kommune",
            client_secret_env=DEMO_PROVIDER_SECRET_ENV,
        )
        world = DemoWorld(organisations=orgs, users=users, cases=[], today=timezone.localdate())
        for extension in DEMO_EXTENSIONS:
            import_string(extension)(world)
    return True
