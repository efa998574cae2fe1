"""The synthetic demo world: organisations, one user per role, and a few cases.

Every name here is invented. The demo password is public by design and documented in README.md; the
demo runs with UTVEI_ENV=demo only, where second-factor login is optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, OrganisationKind, Role, User

DEMO_PASSWORD = "Utvei-demo-2026"

MUNICIPALITY = "Demo kommune"
POLICE = "Demo politidistrikt"
SCHOOL = "Demo videregående skole"
NAV = "NAV Demo"
HEALTH = "Demo helsetjeneste"
CHILD_WELFARE = "Barneverntjenesten i Demo kommune"
NEIGHBOUR = "Nabo kommune"

ORGANISATIONS = [
    (MUNICIPALITY, OrganisationKind.MUNICIPALITY),
    (POLICE, OrganisationKind.POLICE_DISTRICT),
    (SCHOOL, OrganisationKind.SCHOOL),
    (NAV, OrganisationKind.NAV),
    (HEALTH, OrganisationKind.HEALTH),
    (CHILD_WELFARE, OrganisationKind.CHILD_WELFARE),
    (NEIGHBOUR, OrganisationKind.MUNICIPALITY),
]


@dataclass(frozen=True)
class DemoUser:
    """This class will describe one demo login."""

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

# (team members besides the opener, with their agreed task) for each demo case. Tasks are data written by
# users, so they are in Norwegian like the rest of the demo content.
DEMO_CASES: list[list[tuple[str, str, str]]] = [
    [
        ("koordinator", Role.EXIT_COORDINATOR, "Koordinerer oppfølgingen"),
        ("politikontakt", Role.POLICE_CONTACT, "Politikontakt og sikkerhetsvurdering"),
        ("nav", Role.TEAM_MEMBER, "Arbeid og inntekt"),
        ("skole", Role.TEAM_MEMBER, "Oppfølging av skolegang"),
        ("mentor", Role.MENTOR, "Ukentlige mentormøter"),
        ("helse", Role.TEAM_MEMBER, ""),
    ],
    [
        ("koordinator", Role.EXIT_COORDINATOR, "Koordinerer oppfølgingen"),
        ("barnevern", Role.TEAM_MEMBER, "Familiestøtte"),
    ],
    [("slt", Role.SLT_COORDINATOR, "Råd om koordinering")],
]


def seed_demo() -> bool:
    """This function will create the demo world through the services; it returns False if it exists."""
    if Organisation.objects.filter(name=MUNICIPALITY).exists():
        return False
    from utvei.cases import services as case_services

    with transaction.atomic():
        orgs = {
            name: account_services.organisation_create(actor=None, name=name, kind=kind) for name, kind in ORGANISATIONS
        }
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
        opener = users["saksbehandler"]
        for team in DEMO_CASES:
            case = case_services.case_open(actor=opener, organisation=orgs[MUNICIPALITY], role=Role.CASEWORKER)
            for username, role, task in team:
                member = users[username]
                organisation = next(o for o in orgs.values() if o.memberships.filter(user=member).exists())
                case_services.team_member_add(
                    actor=opener, case=case, user=member, organisation=organisation, role=role, task=task
                )
    return True
