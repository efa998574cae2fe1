"""List equals check, for every registered rule and every category (the OpenFGA/SpiceDB property).

Hypothesis builds random worlds on top of the demo: new organisations of random kinds with users in random
roles, random team seats (some left, some whose membership has ended), random consents (recipients,
categories, periods, withdrawn or replaced), random mentor agreements, items moved to random owners and
measures to random categories, cases closed at random. In every world, for every user and every rule,
the objects a rule's ``scope`` keeps are exactly those its ``allows`` accepts; and for every category the
engine's list condition keeps exactly the items its per-item decision shows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import models, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext
from utvei.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from utvei.cases.models import Case, Person, TeamMember
from utvei.mentoring.models import Frequency, Mentor, MentorAssignment, MentorScheme, MentorTraining
from utvei.plans.models import Measure
from utvei.sharing.models import Consent, ConsentGrant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CASE_ROLES = [r for r in Role.values if r not in (Role.ORG_ADMIN, Role.PRIVACY_OFFICER)]
KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.NAV, OrganisationKind.HEALTH, OrganisationKind.SCHOOL]


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, object]:
    """Draw the random facts of one world; ``_build`` writes them on top of the demo."""
    return {
        "organisations": draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2)),
        "users": draw(
            st.lists(st.tuples(st.integers(0, 8), st.sampled_from(Role.values), st.booleans()), min_size=1, max_size=4)
        ),
        "seats": draw(
            st.lists(
                st.tuples(st.integers(0, 30), st.integers(0, 2), st.sampled_from(CASE_ROLES), st.booleans()),
                max_size=6,
            )
        ),
        "consents": draw(
            st.lists(
                st.tuples(
                    st.integers(0, 8),  # discloser
                    st.lists(st.integers(0, 8), min_size=1, max_size=3),  # recipients
                    st.lists(st.sampled_from(Category.values), min_size=1, max_size=4),
                    st.integers(0, 2),  # person
                    st.sampled_from(["current", "expired", "future", "withdrawn", "replaced"]),
                ),
                max_size=5,
            )
        ),
        "agreements": draw(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=2)),
        "owners": draw(st.lists(st.integers(0, 8), min_size=1, max_size=6)),
        "measure_categories": draw(st.lists(st.sampled_from(Category.values), min_size=1, max_size=4)),
        "close": draw(st.sets(st.integers(0, 2), max_size=1)),
    }


def _pick(items: list[models.Model], index: int) -> models.Model:
    return items[index % len(items)]


def _build(world: dict[str, object]) -> None:  # noqa: C901  (one world, written fact by fact)
    """Write a drawn world's facts on top of the demo, straight to the tables (facts, not workflows)."""
    for index, kind in enumerate(world["organisations"]):  # type: ignore[arg-type]
        Organisation.objects.create(name=f"Tilfeldig virksomhet {index}", kind=kind)
    organisations = list(Organisation.objects.order_by("pk"))
    for index, (org, role, ended) in enumerate(world["users"]):  # type: ignore[misc]
        user = User.objects.create(username=f"tilfeldig{index}", first_name="Tilfeldig", last_name=str(index))
        Membership.objects.create(
            user=user,
            organisation=_pick(organisations, org),  # type: ignore[misc]
            role=role,
            valid_from=TODAY - timedelta(days=30),
            valid_to=TODAY - timedelta(days=1) if ended else None,
        )
    memberships = list(Membership.objects.order_by("pk"))
    cases = list(Case.objects.order_by("pk"))
    for member, case, role, left in world["seats"]:  # type: ignore[misc]
        membership = _pick(memberships, member)
        assert isinstance(membership, Membership)
        case_obj = _pick(cases, case)
        if TeamMember.objects.filter(
            case=case_obj, user=membership.user, organisation=membership.organisation, left_at__isnull=True
        ).exists():
            continue
        TeamMember.objects.create(
            case=case_obj,
            user=membership.user,
            organisation=membership.organisation,
            role=role,
            left_at=timezone.now() if left else None,
        )
    persons = [c.person for c in cases]
    actor = User.objects.get(username="koordinator")
    for discloser, recipients, categories, person, state in world["consents"]:  # type: ignore[misc]
        start, end = TODAY - timedelta(days=10), TODAY + timedelta(days=30)
        if state == "expired":
            start, end = TODAY - timedelta(days=60), TODAY - timedelta(days=1)
        if state == "future":
            start, end = TODAY + timedelta(days=3), TODAY + timedelta(days=40)
        target = _pick(persons, person)  # type: ignore[arg-type]
        consent = Consent.objects.create(
            person=target,
            recorded_by=actor,
            recorded_for_organisation=_pick(organisations, discloser),
            recipients=sorted({_pick(organisations, r).pk for r in recipients}),
            categories=sorted(set(categories)),
            purpose="coordination",
            valid_from=start,
            valid_to=end,
            given_by="person",
            form="written",
            evidence_note="Tilfeldig.",
            how_informed="Tilfeldig.",
            withdrawn_at=timezone.now() if state == "withdrawn" else None,
        )
        ConsentGrant.objects.bulk_create(
            ConsentGrant(
                consent=consent,
                person=target,
                discloser_id=consent.recorded_for_organisation_id,
                recipient_id=r,
                category=c,
            )
            for r in consent.recipients
            for c in consent.categories
        )
        if state == "replaced":
            Consent.objects.create(
                person=target,
                recorded_by=actor,
                recorded_for_organisation_id=consent.recorded_for_organisation_id,
                recipients=consent.recipients,
                categories=[],
                purpose="coordination",
                valid_from=start,
                valid_to=end,
                given_by="person",
                form="written",
                evidence_note="Tilfeldig.",
                how_informed="Tilfeldig.",
                version=2,
                previous=consent,
            )
    mentor_seats = list(TeamMember.objects.filter(role=Role.MENTOR, left_at__isnull=True).order_by("pk"))
    for index, (contact, goals, measures, running) in enumerate(world["agreements"]):  # type: ignore[misc]
        if not mentor_seats:
            break
        seat = mentor_seats[index % len(mentor_seats)]
        mentor, _ = Mentor.objects.get_or_create(
            user=seat.user,
            organisation=seat.organisation,
            defaults={"scheme": MentorScheme.MUNICIPAL, "training": MentorTraining.RVTS, "trained_on": TODAY},
        )
        MentorAssignment.objects.filter(case=seat.case, mentor=mentor, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        MentorAssignment.objects.create(
            case=seat.case,
            mentor=mentor,
            seat=seat,
            owner_organisation=seat.organisation,
            starts_on=TODAY - timedelta(days=3) if running else TODAY + timedelta(days=3),
            frequency=Frequency.WEEKLY,
            share_contact=contact,
            share_goals=goals,
            share_measures=measures,
            created_by=actor,
        )
    owners = world["owners"]
    for model, _fixed in policy.item_models():
        for position, pk in enumerate(model._default_manager.order_by("pk").values_list("pk", flat=True)):
            owner = _pick(organisations, owners[position % len(owners)])  # type: ignore[index, arg-type]
            model._default_manager.filter(pk=pk).update(owner_organisation=owner)
    categories = world["measure_categories"]
    for position, pk in enumerate(Measure.objects.order_by("pk").values_list("pk", flat=True)):
        Measure.objects.filter(pk=pk).update(category=categories[position % len(categories)])  # type: ignore[index]
    for index in world["close"]:  # type: ignore[attr-defined]
        Case.objects.filter(pk=_pick(cases, index).pk).update(closed_at=timezone.now())


def _check_every_rule_and_category() -> list[str]:
    mismatches = []
    rules = policy.registered_rules()
    for user in User.objects.order_by("pk"):
        ctx = AccessContext(user)
        for model, action, rule in rules:
            rows = list(model._default_manager.all())
            scoped = set(rule.scope(ctx, model._default_manager.all()).values_list("pk", flat=True))
            checked = {row.pk for row in rows if rule.allows(ctx, row)}
            if scoped != checked:
                mismatches.append(f"{user.username} {model._meta.label}.{action}: {scoped ^ checked}")
        for model in [m for m, _fixed in policy.item_models()] + [Case, Person]:
            rows = list(model._default_manager.all())
            for category in Category.values:
                condition = policy.category_condition(ctx, model, category)
                listed = set(model._default_manager.filter(condition).values_list("pk", flat=True))
                decided = {row.pk for row in rows if policy.category_ground(ctx, row, category) is not None}
                if listed != decided:
                    mismatches.append(f"{user.username} {model._meta.label}/{category}: {listed ^ decided}")
    return mismatches


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_every_rule_and_category_lists_exactly_what_it_checks(
    demo_shared: dict[str, User], world: dict[str, object]
) -> None:
    with transaction.atomic():
        _build(world)
        mismatches = _check_every_rule_and_category()
        transaction.set_rollback(True)
    assert mismatches == []


def test_the_demo_world_itself_lists_exactly_what_it_checks(demo_shared: dict[str, User]) -> None:
    assert _check_every_rule_and_category() == []


def test_every_model_holding_case_data_has_a_rule_under_this_test() -> None:
    from utvei.access.checks import case_data_models

    with_rules = {model for model, _action, _rule in policy.registered_rules()}
    untested = [
        m._meta.label for m in case_data_models() if m not in with_rules and not getattr(m, "policy_exempt", "")
    ]
    assert untested == []
