"""The individual plan's services and rules (R06–R10, R24, R37), on the demo world.

Case 1 (Jonas, adult) has the demo's active plan; case 2 (Emma, a minor) and case 3 (Sander, adult) have
none, so they are used to build plans from the wish on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import services as case_services
from utvei.cases.models import Case, Task
from utvei.plans import rules, services
from utvei.plans.models import (
    Goal,
    LegalReference,
    LifeDomain,
    Measure,
    MeasureKind,
    MeasureStatus,
    Plan,
    PlanStatus,
    PlanVersion,
    Review,
    WishGiver,
    measure_category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


Users = dict[str, User]


def _case(number: int) -> Case:
    return Case.objects.order_by("pk")[number - 1]


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _reference(code: str) -> LegalReference:
    return LegalReference.objects.get(code=code)


def _adult_plan(demo: Users) -> Plan:
    """Case 3's person wants a plan; saksbehandler (an editor of case 3) starts it."""
    actor = demo["saksbehandler"]
    case = _case(3)
    services.wish_record(
        actor=actor, case_id=case.pk, given_by=WishGiver.PERSON, expressed_on=timezone.localdate(), persons_words="Ja"
    )
    return services.plan_create(actor=actor, case_id=case.pk)


def _complete(demo: Users, plan: Plan) -> Goal:
    """Fill every mandatory element (R08) of a plan on case 3, as saksbehandler."""
    actor = demo["saksbehandler"]
    today = timezone.localdate()
    services.plan_update(
        actor=actor,
        plan_id=plan.pk,
        coordinator=demo["slt"],
        period_start=today,
        period_end=today + timedelta(days=365),
        cooperation="Samordnes med NAV.",
        consents_note="",
        expected_version=plan.version,
    )
    goal = services.goal_add(actor=actor, plan_id=plan.pk, text="Få meg jobb", domain=LifeDomain.WORK)
    services.participant_add(
        actor=actor,
        plan_id=plan.pk,
        organisation=_org("Demo kommune"),
        legal_reference_id=_reference("hol-7-1").pk,
        responsibility="Koordinering",
    )
    services.measure_create(
        actor=actor,
        plan_id=plan.pk,
        kind=MeasureKind.WORK,
        title="Arbeidstrening",
        provider_organisation=_org("Nav Demo"),
        responsible_name="Nina Nav",
        start_on=today,
        goal_id=goal.pk,
    )
    services.review_add(actor=actor, plan_id=plan.pk, due_on=today + timedelta(days=90))
    return goal


# --- R06: the wish ------------------------------------------------------------------------------------


def test_r06_no_plan_without_a_recorded_wish(demo: Users) -> None:
    with pytest.raises(ValidationError, match="wish"):
        services.plan_create(actor=demo["saksbehandler"], case_id=_case(3).pk)
    assert not Plan.objects.filter(case=_case(3)).exists()


def test_r06_a_minor_s_wish_needs_the_guardians_and_the_child_s_view(demo: Users) -> None:
    case = _case(2)
    actor = demo["koordinator"]
    with pytest.raises(ValidationError) as caught:
        services.wish_record(actor=actor, case_id=case.pk, given_by=WishGiver.PERSON, expressed_on=timezone.localdate())
    assert set(caught.value.message_dict) == {"given_by", "guardians_view", "childs_view"}
    assert not case.plan_wishes.exists()
    wish = services.wish_record(
        actor=actor,
        case_id=case.pk,
        given_by=WishGiver.GUARDIANS,
        expressed_on=timezone.localdate(),
        guardians_view="Mor ønsker plan.",
        childs_view="Emma vil ha hjelp med skolen.",
    )
    assert wish.childs_view == "Emma vil ha hjelp med skolen."
    assert services.plan_create(actor=actor, case_id=case.pk).status == PlanStatus.DRAFT


def test_a_wish_dated_in_the_future_is_refused(demo: Users) -> None:
    with pytest.raises(ValidationError) as caught:
        services.wish_record(
            actor=demo["saksbehandler"],
            case_id=_case(3).pk,
            given_by=WishGiver.PERSON,
            expressed_on=timezone.localdate() + timedelta(days=1),
        )
    assert "expressed_on" in caught.value.message_dict


def test_only_editors_record_the_wish(demo: Users) -> None:
    with pytest.raises(NotFound):
        services.wish_record(
            actor=demo["nav"], case_id=_case(1).pk, given_by=WishGiver.PERSON, expressed_on=timezone.localdate()
        )


# --- R07: one plan per person ------------------------------------------------------------------------


def test_r07_a_second_plan_is_refused_with_the_existing_one_to_join(demo: Users) -> None:
    existing = Plan.objects.get(case=_case(1))
    with pytest.raises(services.PlanAlreadyExists) as caught:
        services.plan_create(actor=demo["koordinator"], case_id=_case(1).pk)
    assert caught.value.plan == existing
    assert Plan.objects.filter(person=existing.person).count() == 1


def test_r07_the_database_refuses_a_second_plan_in_force(demo: Users) -> None:
    existing = Plan.objects.get(case=_case(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            case=existing.case,
            person=existing.person,
            wish=existing.wish,
            owner_organisation=existing.owner_organisation,
            created_by=demo["koordinator"],
        )


def test_withdrawing_the_wish_ends_the_plan_which_stays_read_only(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    actor = demo["koordinator"]
    services.wish_withdraw(actor=actor, wish_id=plan.wish_id, withdrawn_on=timezone.localdate())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED and plan.is_ended
    goals_before = Goal.objects.filter(plan=plan).count()
    with pytest.raises(ValidationError, match="ended"):
        services.goal_add(actor=actor, plan_id=plan.pk, text="Ny")
    assert Goal.objects.filter(plan=plan).count() == goals_before
    # The ended plan is kept; the person may want a new plan later.
    services.wish_record(
        actor=actor, case_id=plan.case_id, given_by=WishGiver.PERSON, expressed_on=timezone.localdate()
    )
    assert services.plan_create(actor=actor, case_id=plan.case_id).pk != plan.pk
    assert Plan.objects.filter(person=plan.person).count() == 2


# --- R10: the plan coordinator -----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["politikontakt", "nav", "helse"])
def test_r10_the_coordinator_must_be_a_municipal_provider_on_the_team(demo: Users, username: str) -> None:
    plan = Plan.objects.get(case=_case(1))
    with pytest.raises(ValidationError) as caught:
        services.plan_update(
            actor=demo["koordinator"],
            plan_id=plan.pk,
            coordinator=demo[username],
            period_start=plan.period_start,
            period_end=plan.period_end,
            cooperation=plan.cooperation,
            consents_note="",
            expected_version=plan.version,
        )
    assert "coordinator" in caught.value.message_dict
    plan.refresh_from_db()
    assert plan.coordinator == demo["koordinator"]


def test_r10_a_municipal_user_off_the_team_cannot_coordinate(demo: Users) -> None:
    plan = _adult_plan(demo)
    with pytest.raises(ValidationError):
        services.plan_update(
            actor=demo["saksbehandler"],
            plan_id=plan.pk,
            coordinator=demo["koordinator"],  # municipal, but not on case 3's team
            period_start=None,
            period_end=None,
            cooperation="",
            consents_note="",
            expected_version=plan.version,
        )


def test_the_plan_coordinator_may_change_the_plan_without_an_editing_seat(demo: Users) -> None:
    municipality = _org("Demo kommune")
    worker = account_services.user_create(
        actor=None,
        organisation=municipality,
        username="miljo",
        first_name="Mia",
        last_name="Miljø",
        email="miljo@demo.invalid",
        role=Role.TEAM_MEMBER,
        password="Utvei-demo-2026",
    )
    case = _case(1)
    case_services.team_member_add(
        actor=demo["koordinator"], case=case, user=worker, organisation=municipality, role=Role.TEAM_MEMBER
    )
    plan = Plan.objects.get(case=case)
    assert policy.can(worker, Action.VIEW, plan)
    assert not policy.can(worker, Action.UPDATE, plan)
    services.plan_update(
        actor=demo["koordinator"],
        plan_id=plan.pk,
        coordinator=worker,
        period_start=plan.period_start,
        period_end=plan.period_end,
        cooperation=plan.cooperation,
        consents_note=plan.consents_note,
        expected_version=plan.version,
    )
    plan.refresh_from_db()
    assert policy.can(worker, Action.UPDATE, plan)
    goal = services.goal_add(actor=worker, plan_id=plan.pk, text="«Jeg vil ta førerkort.»")
    assert goal.owner_organisation == municipality


# --- R08: activation -----------------------------------------------------------------------------------


def test_r08_a_plan_becomes_active_only_with_every_mandatory_element(demo: Users) -> None:
    plan = _adult_plan(demo)
    with pytest.raises(ValidationError) as caught:
        services.plan_activate(actor=demo["saksbehandler"], plan_id=plan.pk)
    text = " ".join(caught.value.messages)
    for part in ("coordinator", "participating service", "goal", "measure", "plan period", "review date"):
        assert part in text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    _complete(demo, plan)
    services.plan_activate(actor=demo["saksbehandler"], plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.activated_at is not None


# --- R24, R37: measures -------------------------------------------------------------------------------


def test_r24_a_measure_needs_responsible_start_and_a_goal_of_the_plan(demo: Users) -> None:
    plan = _adult_plan(demo)
    other_goal = Goal.objects.filter(plan__case=_case(1)).first()
    assert other_goal is not None
    with pytest.raises(ValidationError) as caught:
        services.measure_create(
            actor=demo["saksbehandler"],
            plan_id=plan.pk,
            kind=MeasureKind.HOUSING,
            title="Bolig",
            provider_organisation=_org("Demo kommune"),
            start_on=None,
            goal_id=other_goal.pk,
        )
    assert set(caught.value.message_dict) == {"responsible_name", "start_on", "goal"}
    assert not Measure.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        (MeasureKind.HEALTH, Category.HEALTH),
        (MeasureKind.WORK, Category.WORK),
        (MeasureKind.EDUCATION, Category.SCHOOL),
        (MeasureKind.MENTOR, Category.PLAN),
        (MeasureKind.RESTORATIVE, Category.PLAN),
    ],
)
def test_a_measure_s_category_follows_its_kind(kind: str, category: str) -> None:
    assert measure_category(kind) == category


def test_r37_a_measure_refers_to_the_service_decision_made_elsewhere(demo: Users) -> None:
    measure = Measure.objects.get(kind=MeasureKind.WORK, plan__case=_case(1))
    assert measure.decision_reference and measure.decision_date


def test_the_category_gate_decides_which_measures_another_service_sees(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    seen_by_nav = set(
        policy.scope(demo["nav"], Action.VIEW, Measure.objects.filter(plan=plan)).values_list("kind", flat=True)
    )
    # NAV has the person's consent for plan and work information from the municipality, not for health.
    assert MeasureKind.WORK in seen_by_nav and MeasureKind.HOUSING in seen_by_nav
    assert MeasureKind.HEALTH not in seen_by_nav
    health_measure = Measure.objects.get(plan=plan, kind=MeasureKind.HEALTH)
    assert not policy.can(demo["nav"], Action.VIEW, health_measure)
    assert policy.can(demo["koordinator"], Action.VIEW, health_measure)
    # The police contact sits on the team but has no consent for the plan at all.
    assert not policy.can(demo["politikontakt"], Action.VIEW, plan)
    assert not policy.scope(demo["politikontakt"], Action.VIEW, Measure.objects.filter(plan=plan)).exists()


def test_a_changed_kind_moves_the_measure_to_its_new_category(demo: Users) -> None:
    measure = Measure.objects.get(kind=MeasureKind.WORK, plan__case=_case(1))
    services.measure_update(
        actor=demo["koordinator"],
        measure_id=measure.pk,
        kind=MeasureKind.HEALTH,
        title=measure.title,
        provider_organisation=measure.provider_organisation,
        responsible_user=measure.responsible_user,
        start_on=measure.start_on,
        end_on=measure.end_on,
        status=measure.status,
        goal_id=measure.goal_id,
        expected_version=measure.version,
    )
    measure.refresh_from_db()
    assert measure.category == Category.HEALTH
    assert not policy.can(demo["nav"], Action.VIEW, measure)


# --- R09: reviews, team meetings and decisions --------------------------------------------------------


def test_r09_a_review_date_is_a_task_for_the_coordinator_that_turns_overdue(demo: Users) -> None:
    plan = _adult_plan(demo)
    _complete(demo, plan)
    review = Review.objects.get(plan=plan)
    task = Task.objects.get(pk=review.task_id)
    assert task.assignee == demo["slt"] and task.due_on == review.due_on
    plan.refresh_from_db()
    assert plan.next_review_on == review.due_on
    later = review.due_on + timedelta(days=1)
    assert review.is_overdue(later) and plan.review_overdue(later) and task.is_overdue(later)
    assert not review.is_overdue(review.due_on)


def test_r09_a_review_needs_a_coordinator_and_a_date_not_in_the_past(demo: Users) -> None:
    plan = _adult_plan(demo)
    with pytest.raises(ValidationError, match="coordinator"):
        services.review_add(actor=demo["saksbehandler"], plan_id=plan.pk, due_on=timezone.localdate())
    assert not Review.objects.filter(plan=plan).exists()


def test_a_review_meeting_marks_the_review_held_and_completes_the_task(demo: Users) -> None:
    plan = _adult_plan(demo)
    _complete(demo, plan)
    actor = demo["saksbehandler"]
    services.review_add(actor=actor, plan_id=plan.pk, due_on=timezone.localdate())
    first = Review.objects.filter(plan=plan).order_by("due_on").first()
    assert first is not None
    services.meeting_record(
        actor=actor, plan_id=plan.pk, held_on=timezone.localdate(), is_review=True, agenda="Gjennomgang"
    )
    first.refresh_from_db()
    assert first.held_on == timezone.localdate()
    assert Task.objects.get(pk=first.task_id).done_at is not None
    plan.refresh_from_db()
    assert plan.next_review_on == timezone.localdate() + timedelta(days=90)


def test_a_meeting_needs_an_agenda_and_cannot_be_in_the_future(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    with pytest.raises(ValidationError) as caught:
        services.meeting_record(
            actor=demo["koordinator"],
            plan_id=plan.pk,
            held_on=timezone.localdate() + timedelta(days=2),
            is_review=False,
            agenda=" ",
        )
    assert set(caught.value.message_dict) == {"agenda", "held_on"}


def test_decisions_change_a_measure_or_make_a_new_one_and_version_the_plan(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    actor = demo["koordinator"]
    meeting = services.meeting_record(
        actor=actor, plan_id=plan.pk, held_on=timezone.localdate(), is_review=False, agenda="Status"
    )
    mentor_measure = Measure.objects.get(plan=plan, kind=MeasureKind.MENTOR)
    version_before = Plan.objects.get(pk=plan.pk).version
    deadline = timezone.localdate() + timedelta(days=60)
    services.decision_record(
        actor=actor,
        meeting_id=meeting.pk,
        text="Mentor to ganger i uka.",
        owner=demo["saksbehandler"],
        deadline=deadline,
        measure_id=mentor_measure.pk,
    )
    mentor_measure.refresh_from_db()
    assert mentor_measure.responsible_user == demo["saksbehandler"]
    assert mentor_measure.end_on == deadline
    goal = Goal.objects.filter(plan=plan).first()
    assert goal is not None
    decision = services.decision_record(
        actor=actor,
        meeting_id=meeting.pk,
        text="Starte på fotballag.",
        owner=actor,
        deadline=deadline,
        kind=MeasureKind.LEISURE,
        title="Fotballag",
        provider_organisation=_org("Demo kommune"),
        goal_id=goal.pk,
    )
    assert decision.measure is not None and decision.measure.kind == MeasureKind.LEISURE
    assert decision.measure.start_on == meeting.held_on and decision.measure.responsible_user == actor
    assert Plan.objects.get(pk=plan.pk).version > version_before
    change = PlanVersion.objects.filter(plan=plan, object_type="measure", object_id=mentor_measure.pk).first()
    assert change is not None
    assert json.loads(change.changes)["end_on"] == ["", deadline.isoformat()]


def test_a_decision_owner_must_be_on_the_team(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    meeting = plan.meetings.first()
    assert meeting is not None
    count = Measure.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.decision_record(
            actor=demo["koordinator"],
            meeting_id=meeting.pk,
            text="Noe",
            owner=demo["nabo"],
            deadline=None,
            kind=MeasureKind.LEISURE,
            title="X",
            provider_organisation=_org("Demo kommune"),
        )
    assert "owner" in caught.value.message_dict
    assert Measure.objects.count() == count


# --- versions, audit and legal references --------------------------------------------------------------


def test_every_change_makes_a_version_with_a_field_diff_and_audit_holds_names_only(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    goal = Goal.objects.filter(plan=plan).first()
    assert goal is not None
    before = Plan.objects.get(pk=plan.pk).version
    services.goal_update(
        actor=demo["koordinator"],
        goal_id=goal.pk,
        text="«Jeg vil ha fast jobb.»",
        domain=goal.domain,
        status="open",
        expected_version=goal.version,
    )
    version = PlanVersion.objects.get(plan=plan, number=before + 1)
    assert version.changed_by == demo["koordinator"]
    assert json.loads(version.changes) == {"text": [goal.text, "«Jeg vil ha fast jobb.»"]}
    entry = AuditEntry.objects.filter(event=AuditEvent.UPDATE, target_type="plans.Goal").order_by("-seq").first()
    assert entry is not None
    assert "text" in json.dumps(entry.changed_fields) and "fast jobb" not in json.dumps(entry.changed_fields)


def test_participants_take_a_legal_basis_in_force_today(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    old_school_act = _reference("oppl-1998-15-8")
    assert old_school_act.valid_to is not None and old_school_act.valid_to < timezone.localdate()
    assert old_school_act not in LegalReference.objects.in_force(timezone.localdate())
    count = plan.participants.count()
    with pytest.raises(ValidationError) as caught:
        services.participant_add(
            actor=demo["koordinator"],
            plan_id=plan.pk,
            organisation=_org("Demo videregående skole"),
            legal_reference_id=old_school_act.pk,
            responsibility="Skolegang",
        )
    assert "legal_reference" in caught.value.message_dict
    assert plan.participants.count() == count


def test_the_demo_plan_is_active_with_a_held_review_whose_decisions_updated_it(demo: Users) -> None:
    plan = Plan.objects.get(case=_case(1))
    assert plan.status == PlanStatus.ACTIVE and plan.coordinator == demo["koordinator"]
    kinds = set(plan.measures.values_list("kind", flat=True))
    assert {MeasureKind.MENTOR, MeasureKind.RESTORATIVE, MeasureKind.HOUSING} <= kinds
    meeting = plan.meetings.get(is_review=True)
    assert meeting.decisions.count() == 2
    assert plan.reviews.filter(held_on__isnull=False).exists()
    assert plan.next_review_on and plan.next_review_on > timezone.localdate()
    assert Measure.objects.get(plan=plan, kind=MeasureKind.WORK).status == MeasureStatus.ONGOING


def test_r10_warns_when_the_exit_coordinator_is_from_the_police(demo: Users) -> None:
    plan = _adult_plan(demo)
    assert not services.plan_counts(plan).exit_coordinator_is_police
    police = _org("Demo politidistrikt")
    account_services.membership_add(
        actor=None, user=demo["politikontakt"], organisation=police, role=Role.EXIT_COORDINATOR
    )
    case_services.team_member_add(
        actor=demo["saksbehandler"],
        case=plan.case,
        user=demo["politikontakt"],
        organisation=police,
        role=Role.EXIT_COORDINATOR,
    )
    warnings = rules.plan_warnings(services.plan_counts(plan))
    assert any("exit coordinator on this case is from the police" in w for w in warnings)


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
