"""Synthetic demo data for cases; the first extension run by utvei.accounts.demo.seed_demo.

Three invented persons and their cases, opened by the demo's case worker in Demo kommune, with teams,
phases reached and a task each, and one concern-only record. Every name here is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from utvei.accounts.demo import MUNICIPALITY
from utvei.accounts.models import Role
from utvei.cases import services as case_services
from utvei.cases.models import Phase, ReferralSource, SecurityAssessment
from utvei.core.fnr import synthetic_fodselsnummer

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


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


def seed(world: DemoWorld) -> None:
    """Register the demo persons and open their cases through the services, in DEMO_CASES order."""
    rng = random.Random(2026)  # noqa: S311  (synthetic demo data)
    users, orgs, today = world.users, world.organisations, world.today
    cases = world.cases
    opener = users["saksbehandler"]
    municipality = orgs[MUNICIPALITY]
    phases = [p.value for p in Phase]
    for index, case_spec in enumerate(DEMO_CASES):
        guardians = (
            [case_services.GuardianInput(case_spec.guardian[0], case_spec.guardian[1], "+47 400 00 00" + str(index))]
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
        cases.append(case)
    case_services.concern_create(
        actor=opener,
        organisation=municipality,
        subject="Elev, 15 år (initialer K.T.)",
        description="Lærer har hørt uttalelser som forherliger vold. Drøftet anonymt med SLT.",
    )
