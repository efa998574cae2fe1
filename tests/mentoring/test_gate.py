"""R26: the mentor's narrow view, enforced by the access engine for users whose only seat is a mentor seat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.contacts.factories import record_conversation
from tests.helpers import seen, sees
from tests.mentoring.factories import MentoringWorld, PlanRows, assign, make_mentoring_world, make_plan_rows, register
from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Role
from utvei.cases import selectors as case_selectors
from utvei.cases import services as case_services
from utvei.cases.models import Person
from utvei.contacts import selectors as contact_selectors
from utvei.contacts.models import Conversation
from utvei.mentoring import selectors, services
from utvei.mentoring.models import AssignmentEnd
from utvei.plans.models import Goal, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> MentoringWorld:
    return make_mentoring_world()


@pytest.fixture
def plan(world: MentoringWorld) -> PlanRows:
    return make_plan_rows(world)


def _sees_contact(world: MentoringWorld) -> bool:
    return policy.can(world.mentor, Action.VIEW, world.person, category=Category.IDENTITY)


def _goals(world: MentoringWorld) -> set[int]:
    return set(policy.scope(world.mentor, Action.VIEW, Goal.objects.all()).values_list("pk", flat=True))


def _measures(world: MentoringWorld) -> set[int]:
    return set(policy.scope(world.mentor, Action.VIEW, Measure.objects.all()).values_list("pk", flat=True))


def test_the_mentor_seat_is_declared_narrow_to_the_engine_at_startup() -> None:
    from utvei.access import engine

    assert engine.narrow_roles() == {Role.MENTOR}
    assert engine.missing_providers() == []


def test_R26_a_mentor_seat_without_an_agreement_opens_nothing(world: MentoringWorld, plan: PlanRows) -> None:
    conversation = record_conversation(world.base)
    # Same organisation as the recorder, yet the mentor sees no contact details, plan or conversation.
    assert not _sees_contact(world)
    assert _goals(world) == set() and _measures(world) == set()
    with pytest.raises(NotFound):
        contact_selectors.conversation_get(actor=world.mentor, conversation_id=conversation.pk)
    # Colleagues of the mentor with other seats keep their view.
    assert policy.can(world.caseworker, Action.VIEW, conversation)
    assert policy.can(world.coordinator, Action.VIEW, world.person, category=Category.IDENTITY)


def test_R26_contact_details_open_only_when_agreed(world: MentoringWorld) -> None:
    assign(world, register(world), share_contact=True)
    assert _sees_contact(world)
    detail = case_selectors.case_overview(actor=world.mentor, case_id=world.case.pk)
    assert detail.person.show_contact and detail.person.national_id is None
    persons = policy.scope_category(world.mentor, Person.objects.all(), Category.IDENTITY)
    assert list(persons) == [world.person]


def test_R26_goals_and_measures_open_separately_and_health_never(world: MentoringWorld, plan: PlanRows) -> None:
    mentor = register(world)
    assignment = assign(world, mentor, share_goals=True)
    assert _goals(world) == {plan.goal.pk} and _measures(world) == set()
    assert not _sees_contact(world)
    services.assignment_end(actor=world.coordinator, assignment_id=assignment.pk, reason=AssignmentEnd.NEW_MENTOR)
    # Ending the assignment ended the seat; seat the mentor again for the new agreement.
    case_services.team_member_add(
        actor=world.caseworker, case=world.case, user=world.mentor, organisation=world.municipality, role=Role.MENTOR
    )
    assign(world, mentor, share_measures=True)
    assert _goals(world) == set()
    assert _measures(world) == {plan.plan_measure.pk, plan.work_measure.pk}
    assert not policy.can(world.mentor, Action.VIEW, plan.health_measure)
    assert policy.can(world.mentor, Action.VIEW, plan.plan_measure)


def test_R26_even_a_full_agreement_never_opens_conversations_police_or_concern(world: MentoringWorld) -> None:
    conversation = record_conversation(world.base)
    assign(world, register(world), share_contact=True, share_goals=True, share_measures=True)
    for category in (Category.CONVERSATIONS, Category.HEALTH, Category.POLICE, Category.CHILD_WELFARE):
        assert not sees(world.mentor, conversation, category)
    assert list(policy.scope(world.mentor, Action.VIEW, Conversation.objects.all())) == []
    detail = case_selectors.case_overview(actor=world.mentor, case_id=world.case.pk)
    assert detail.escalations == [] and detail.relapses == []
    with pytest.raises(NotFound):
        case_selectors.case_tab(actor=world.mentor, case_id=world.case.pk, slug="conversations")


def test_R26_an_agreement_not_yet_started_or_past_its_end_opens_nothing(world: MentoringWorld) -> None:
    mentor = register(world)
    assignment = assign(
        world, mentor, share_contact=True, starts_on=timezone.localdate() + timedelta(days=3), ends_on=None
    )
    assert not _sees_contact(world)
    type(assignment).objects.filter(pk=assignment.pk).update(
        starts_on=timezone.localdate() - timedelta(days=30), ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert not _sees_contact(world)


def test_R26_a_user_with_another_seat_on_the_case_is_not_narrowed(world: MentoringWorld) -> None:
    conversation = record_conversation(world.base)
    case_services.team_member_add(
        actor=world.caseworker,
        case=world.case,
        user=world.second_mentor,
        organisation=world.municipality,
        role=Role.MENTOR,
    )
    assert not policy.can(world.second_mentor, Action.VIEW, conversation)
    # A user who is a mentor by role but sits on this case as case worker keeps the case worker's view.
    from tests.contacts.factories import make_user
    from utvei.accounts import services as account_services

    both = make_user(world.municipality, "bo", Role.CASEWORKER)
    account_services.membership_add(actor=None, user=both, organisation=world.municipality, role=Role.MENTOR)
    case_services.team_member_add(
        actor=world.caseworker, case=world.case, user=both, organisation=world.municipality, role=Role.CASEWORKER
    )
    assert policy.can(both, Action.VIEW, conversation)


def test_R26_the_engines_list_agrees_with_its_per_item_check(world: MentoringWorld, plan: PlanRows) -> None:
    record_conversation(world.base)
    assign(world, register(world), share_contact=True, share_measures=True)
    for user in (world.mentor, world.caseworker, world.nav):
        for model, category in (
            (Measure, Category.PLAN),
            (Measure, Category.HEALTH),
            (Measure, Category.WORK),
            (Goal, Category.PLAN),
            (Conversation, Category.CONVERSATIONS),
            (Person, Category.IDENTITY),
        ):
            scoped = seen(user, model.objects.all(), category)
            allowed = {obj.pk for obj in model.objects.all() if sees(user, obj, category)}
            assert scoped == allowed, (user.username, model.__name__, category)


def test_R26_the_mentee_page_holds_exactly_the_agreed_parts(world: MentoringWorld, plan: PlanRows) -> None:
    assignment = assign(world, register(world), share_contact=True, share_goals=True)
    view = selectors.mentee_get(actor=world.mentor, assignment_id=assignment.pk)
    assert view.show_contact
    assert [g.pk for g in view.goals] == [plan.goal.pk]
    assert view.measures == []
    # Only the assignment's own mentor opens the page.
    for other in (world.coordinator, world.second_mentor, world.nav):
        with pytest.raises(NotFound):
            selectors.mentee_get(actor=other, assignment_id=assignment.pk)
    assert [a.pk for a in selectors.my_mentees(actor=world.mentor)] == [assignment.pk]
    assert selectors.my_mentees(actor=world.second_mentor) == []
