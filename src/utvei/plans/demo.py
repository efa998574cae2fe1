"""Synthetic demo data for plans; called by utvei.accounts.demo.seed_demo after the base world exists.

Case 1's person (Jonas, invented) wants an individual plan. Kari Koordinator (`koordinator`, Demo kommune)
is the plan coordinator. The plan has goals in his words, resources and needs, participating services,
measures (among them a mentor and a restorative process measure), and is active. A review meeting was
held today; its decisions changed the work measure and added a housing measure. The next review is in
three months. Every write goes through the services as `koordinator`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from utvei.accounts.demo import HEALTH, MUNICIPALITY, NAV
from utvei.plans import services
from utvei.plans.models import LegalReference, LifeDomain, MeasureKind, MeasureStatus, WishGiver

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


def _reference(code: str) -> int:
    return LegalReference.objects.filter(code=code).order_by("-valid_from").values_list("pk", flat=True)[0]


def seed(world: DemoWorld) -> None:
    """Add this app's demo data to the world, through the services."""
    today = world.today
    actor = world.users["koordinator"]
    case = world.cases[0]
    municipality = world.organisations[MUNICIPALITY]
    nav = world.organisations[NAV]
    health = world.organisations[HEALTH]

    services.wish_record(
        actor=actor,
        case_id=case.pk,
        given_by=WishGiver.PERSON,
        expressed_on=today - timedelta(days=40),
        persons_words="«Jeg vil ha en plan, så alle vet hva vi har avtalt.»",
    )
    plan = services.plan_create(actor=actor, case_id=case.pk)
    services.plan_update(
        actor=actor,
        plan_id=plan.pk,
        coordinator=actor,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=335),
        cooperation="Samordnes med Navs aktivitetsplan og fastlegen.",
        consents_note="Jonas samtykker til at deltakerne deler det som trengs for planen.",
        expected_version=plan.version,
    )
    work_goal = services.goal_add(actor=actor, plan_id=plan.pk, text="«Jeg vil ha en jobb.»", domain=LifeDomain.WORK)
    home_goal = services.goal_add(
        actor=actor, plan_id=plan.pk, text="«Jeg vil bo for meg selv.»", domain=LifeDomain.HOUSING
    )
    friends_goal = services.goal_add(
        actor=actor,
        plan_id=plan.pk,
        text="«Jeg vil ha nye venner og noe å gjøre på fritiden.»",
        domain=LifeDomain.RELATIONS,
    )
    services.domain_save(
        actor=actor,
        plan_id=plan.pk,
        domain=LifeDomain.WORK,
        resources="Fagbrev som tømrer, liker å jobbe med hendene.",
        needs="Arbeidstrening og hjelp til å søke jobb.",
    )
    services.domain_save(
        actor=actor,
        plan_id=plan.pk,
        domain=LifeDomain.HOUSING,
        resources="Har egen inntekt fra neste måned.",
        needs="Bor midlertidig hos en venn; trenger egen bolig.",
    )
    services.participant_add(
        actor=actor,
        plan_id=plan.pk,
        organisation=municipality,
        legal_reference_id=_reference("hol-7-1"),
        responsibility="Koordinator, mentor og miljøarbeid.",
        contact_name="Kari Koordinator",
    )
    services.participant_add(
        actor=actor,
        plan_id=plan.pk,
        organisation=nav,
        legal_reference_id=_reference("navl-15"),
        responsibility="Arbeidstrening og oppfølging mot arbeid.",
        contact_name="Nina Nav",
    )
    work = services.measure_create(
        actor=actor,
        plan_id=plan.pk,
        kind=MeasureKind.WORK,
        title="Arbeidstrening",
        provider_organisation=nav,
        responsible_user=world.users["nav"],
        start_on=today - timedelta(days=20),
        goal_id=work_goal.pk,
        status=MeasureStatus.ONGOING,
        decision_reference="Nav-vedtak 2026/123",
        decision_date=today - timedelta(days=25),
    )
    services.measure_create(
        actor=actor,
        plan_id=plan.pk,
        kind=MeasureKind.MENTOR,
        title="Mentor hver uke",
        provider_organisation=municipality,
        responsible_user=world.users["mentor"],
        start_on=today - timedelta(days=25),
        goal_id=friends_goal.pk,
        status=MeasureStatus.ONGOING,
    )
    services.measure_create(
        actor=actor,
        plan_id=plan.pk,
        kind=MeasureKind.RESTORATIVE,
        title="Møte i konfliktrådet",
        provider_organisation=municipality,
        responsible_name="Konfliktrådet i Demo",
        start_on=today - timedelta(days=15),
        goal_id=friends_goal.pk,
        status=MeasureStatus.COMPLETED,
    )
    services.measure_create(
        actor=actor,
        plan_id=plan.pk,
        kind=MeasureKind.HEALTH,
        title="Samtaler hos psykolog",
        provider_organisation=health,
        responsible_user=world.users["helse"],
        start_on=today - timedelta(days=10),
        goal_id=home_goal.pk,
        status=MeasureStatus.PLANNED,
    )
    services.review_add(actor=actor, plan_id=plan.pk, due_on=today)
    services.plan_activate(actor=actor, plan_id=plan.pk)
    services.reviews_due_notify(today=today)  # what the daily job does: the coordinator's inbox shows it
    meeting = services.meeting_record(
        actor=actor,
        plan_id=plan.pk,
        held_on=today,
        is_review=True,
        agenda="1. Hvordan går det?\n2. Arbeidstrening\n3. Bolig",
        attendance="Jonas, Kari Koordinator, Nina Nav, Mona Mentor",
        minutes="Jonas trives i arbeidstreningen. Boligsøknad må sendes.",
    )
    services.decision_record(
        actor=actor,
        meeting_id=meeting.pk,
        text="Arbeidstreningen forlenges i tre måneder.",
        owner=world.users["nav"],
        deadline=today + timedelta(days=90),
        measure_id=work.pk,
    )
    services.decision_record(
        actor=actor,
        meeting_id=meeting.pk,
        text="Kommunen hjelper Jonas å søke kommunal bolig.",
        owner=actor,
        deadline=today + timedelta(days=30),
        kind=MeasureKind.HOUSING,
        title="Søknad om kommunal bolig",
        provider_organisation=municipality,
        goal_id=home_goal.pk,
    )
    services.review_add(actor=actor, plan_id=plan.pk, due_on=today + timedelta(days=90))
