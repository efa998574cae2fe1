"""A small world for mentoring tests, built on the contacts world through the services.

Testkommune's case has a caseworker, an exit coordinator, a mentor (``mats``, a mentor seat only), NAV
and a police contact on its team. Added here: a second mentor user (``mona``) who is not on the team, a
caseworker in another municipality's register, and plan items written straight to the plans tables (the
plans app's own services are tested there; these tests only need rows for the gate to filter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tests.contacts.factories import World, make_user, make_world
from utvei.access.categories import Category
from utvei.accounts.models import Role, User
from utvei.mentoring import services
from utvei.mentoring.models import Frequency, Mentor, MentorAssignment, MentorScheme, MentorTraining
from utvei.plans.models import Goal, Measure, MeasureKind, Plan, PlanWish, WishGiver, measure_category


@dataclass
class MentoringWorld:
    """Hold the contacts world plus the mentoring actors."""

    base: World
    second_mentor: User

    def __getattr__(self, name: str) -> object:
        return getattr(self.base, name)


def make_mentoring_world() -> MentoringWorld:
    """Build the mentoring world (see the module docstring)."""
    base = make_world()
    second = make_user(base.municipality, "mona", Role.MENTOR)
    return MentoringWorld(base=base, second_mentor=second)


def register(world: MentoringWorld, user: User | None = None, **overrides: object) -> Mentor:
    """Put a mentor in Testkommune's register (the account ``mats`` unless told)."""
    fields: dict[str, object] = {
        "user": world.base.mentor if user is None and "name" not in overrides else user,
        "name": "",
        "contact": "",
        "scheme": MentorScheme.MUNICIPAL,
        "training": MentorTraining.RVTS,
        "trained_on": timezone.localdate() - timedelta(days=100),
    }
    fields.update(overrides)
    return services.mentor_create(actor=world.base.caseworker, **fields)  # type: ignore[arg-type]


def assign(world: MentoringWorld, mentor: Mentor, **overrides: object) -> MentorAssignment:
    """Assign ``mentor`` on the world's case (no parts shared unless told)."""
    fields: dict[str, object] = {
        "starts_on": timezone.localdate() - timedelta(days=10),
        "ends_on": None,
        "frequency": Frequency.WEEKLY,
        "share_contact": False,
        "share_goals": False,
        "share_measures": False,
    }
    fields.update(overrides)
    return services.assignment_create(
        actor=world.base.coordinator,
        case_id=world.base.case.pk,
        mentor_id=mentor.pk,
        **fields,  # type: ignore[arg-type]
    )


@dataclass
class PlanRows:
    """Hold the plan rows made for a gate test."""

    plan: Plan
    goal: Goal
    plan_measure: Measure
    health_measure: Measure
    work_measure: Measure


def make_plan_rows(world: MentoringWorld) -> PlanRows:
    """Write a plan with one goal and three measures (plan, health, work) on the case."""
    base = world.base
    owner = base.municipality
    wish = PlanWish.objects.create(
        case=base.case,
        person=base.person,
        given_by=WishGiver.PERSON,
        expressed_on=date.today() - timedelta(days=20),
        recorded_by=base.caseworker,
        owner_organisation=owner,
    )
    plan = Plan.objects.create(
        case=base.case, person=base.person, wish=wish, owner_organisation=owner, created_by=base.caseworker
    )
    goal = Goal.objects.create(plan=plan, case=base.case, text="Få en fast jobb", owner_organisation=owner)

    def measure(kind: str, title: str) -> Measure:
        return Measure.objects.create(
            case=base.case,
            plan=plan,
            kind=kind,
            title=title,
            provider_organisation=owner,
            owner_organisation=owner,
            category=measure_category(kind),
            created_by=base.caseworker,
        )

    rows = PlanRows(
        plan=plan,
        goal=goal,
        plan_measure=measure(MeasureKind.LEISURE, "Fotballag"),
        health_measure=measure(MeasureKind.HEALTH, "Samtaler hos psykolog"),
        work_measure=measure(MeasureKind.WORK, "Arbeidstrening"),
    )
    assert rows.health_measure.category == Category.HEALTH
    return rows
