"""Access rules for the individual plan and its parts: the case's team, by category.

Reading follows the case (any active team seat) and the engine's category decision (the item's owner
organisation, a current consent for the item's category, or a narrow seat's agreement). Changing the
plan is for the case's editors and for the plan's IP coordinator (who must also sit on the team).
Measures carry their own category (health, work, school or plan, from their kind), so the category is
decided per row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.cases.policy import DISCLOSER_ROLES, EDIT_CASE, VIEW_CASE, CaseRule
from utvei.plans.models import (
    Decision,
    DomainNote,
    Goal,
    Measure,
    MeasureProgress,
    Meeting,
    Participant,
    Plan,
    PlanVersion,
    PlanWish,
    Review,
)


def coordinated_plan_ids(ctx: AccessContext) -> frozenset[int]:
    """Give the plans the actor is the IP coordinator of (one query per request)."""
    if ctx.actor_pk is None:
        return frozenset()
    return frozenset(Plan.objects.filter(coordinator_id=ctx.actor_pk).values_list("pk", flat=True))


def _coordinated(ctx: AccessContext) -> frozenset[int]:
    found = ctx.fact("plans.coordinated")
    assert isinstance(found, frozenset)
    return found


def _plan_id(obj: models.Model) -> int | None:
    if isinstance(obj, Plan):
        return obj.pk
    return getattr(obj, "plan_id", None)


def _plan_field(model: type[models.Model]) -> str | None:
    """Give the field holding a model's plan id ("pk" for the plan itself; None when it has none)."""
    if model is Plan:
        return "pk"
    if model in (Decision, PlanWish):
        return None
    return "plan_id"


class PlanItemRule:
    """Allow an action on a plan item to holders of a qualifying case seat or, with ``coordinator``, to the
    plan's IP coordinator while on the team; then the engine decides the item's category."""

    def __init__(self, case_rule: CaseRule, *, coordinator: bool = False, per_row_category: bool = False) -> None:
        self.case_rule = case_rule
        self.coordinator = coordinator
        self.per_row_category = per_row_category

    def _case_allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        case_id = getattr(obj, "case_id", None)
        if self.case_rule.allows_case(ctx, case_id):
            return True
        plan_id = _plan_id(obj) if _plan_field(type(obj)) else None
        return self.coordinator and plan_id in _coordinated(ctx) and VIEW_CASE.allows_case(ctx, case_id)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor may act on the item's case (or coordinates its plan) and the engine shows
        the item's category."""
        if not self._case_allows(ctx, obj):
            return False
        return policy.category_ground(ctx, obj, obj.category) is not None  # type: ignore[attr-defined]

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the items the actor may act on, in categories the engine shows."""
        cases = self.case_rule.case_ids(ctx)
        field = _plan_field(qs.model)
        extra = frozenset[int]()
        coordinated = Q(pk__in=[])
        if self.coordinator and field is not None:
            extra = VIEW_CASE.case_ids(ctx) - cases
            coordinated = Q(**{f"{field}__in": sorted(_coordinated(ctx))}, case_id__in=sorted(extra))
        reach = Q(case_id__in=sorted(cases)) | coordinated
        categories = Category.values if self.per_row_category else [Category.PLAN]
        shown = Q(pk__in=[])
        for category in categories:
            condition = policy.category_condition(ctx, qs.model, category, case_ids=cases | extra)
            shown |= Q(category=category) & condition if self.per_row_category else condition
        return qs.filter(reach & shown)


class ProviderRule:
    """Let a seat of the organisation that provides a plan's measure report its progress, on an open case.

    The provider answers for its own part of the plan: it sees the measure it was given and reports on it,
    whatever else of the plan its seat shows. A mentor's seat is narrow and keeps its own log (R26).
    """

    def _pairs(self, ctx: AccessContext) -> frozenset[tuple[int, int]]:
        return frozenset((s.case_id, s.organisation_id) for s in ctx.seats if s.case_open and s.role in DISCLOSER_ROLES)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the measure is in a plan and the actor sits on its open case for its provider."""
        if not isinstance(obj, Measure) or obj.plan_id is None:
            return False
        return (obj.case_id, obj.provider_organisation_id) in self._pairs(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the plan measures provided by an organisation the actor sits for on their open case."""
        provided = Q(pk__in=[])
        for case_id, organisation_id in sorted(self._pairs(ctx)):
            provided |= Q(case_id=case_id, provider_organisation_id=organisation_id)
        return qs.filter(provided, plan__isnull=False)


VIEW_ITEM = PlanItemRule(VIEW_CASE)
EDIT_ITEM = PlanItemRule(EDIT_CASE, coordinator=True)


def declare() -> None:
    """Declare the plans facts and rules to the access engine."""
    from utvei.access import engine

    engine.provide_fact("plans.coordinated", coordinated_plan_ids)
    policy.register(PlanWish, Action.VIEW, VIEW_ITEM)
    policy.register(PlanWish, Action.UPDATE, PlanItemRule(EDIT_CASE))
    policy.register(Plan, Action.VIEW, VIEW_ITEM)
    policy.register(Plan, Action.UPDATE, EDIT_ITEM)
    policy.register(Plan, Action.EXPORT, EDIT_ITEM)
    for model in (Goal, Participant, DomainNote, Review, Meeting, Decision):
        policy.register(model, Action.VIEW, VIEW_ITEM)
    policy.register(Meeting, Action.UPDATE, EDIT_ITEM)
    policy.register(Measure, Action.VIEW, PlanItemRule(VIEW_CASE, per_row_category=True))
    policy.register(Measure, Action.UPDATE, PlanItemRule(EDIT_CASE, coordinator=True, per_row_category=True))
    policy.register(Measure, Action.RESPOND, ProviderRule())
    policy.register(MeasureProgress, Action.VIEW, PlanItemRule(VIEW_CASE, per_row_category=True))
    policy.register(PlanVersion, Action.VIEW, PlanItemRule(VIEW_CASE, per_row_category=True))
    # The person reads their own plan in the portal; a measure's own category decides (never police).
    for own in (Plan, Goal, Meeting):
        policy.register(own, Action.OWN, policy.OwnRule("case_id", category=Category.PLAN))
    policy.register(Measure, Action.OWN, policy.OwnRule("case_id"))
