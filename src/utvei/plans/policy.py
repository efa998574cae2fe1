"""Access rules for the individual plan and its parts: the case's team, through the category gate.

Reading follows the case (any active team seat) and the category gate (the item's owner organisation, or
a current consent for the item's category). Changing the plan is for the case's editors and for the plan's
IP coordinator (who must also sit on the team). Measures carry their own category (health, work, school
or plan, from their kind), so the gate is asked per row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.cases.policy import EDIT_CASE, VIEW_CASE, CaseRule
from utvei.plans.models import (
    Decision,
    DomainNote,
    Goal,
    Measure,
    Meeting,
    Participant,
    Plan,
    PlanVersion,
    PlanWish,
    Review,
)


def _plan_of(obj: models.Model) -> Plan | None:
    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, Decision):
        return obj.meeting.plan
    return getattr(obj, "plan", None)


def _plan_path(model: type[models.Model]) -> str | None:
    """Give the lookup from a model to its plan ("" for the plan itself)."""
    if model is Plan:
        return ""
    if model is Decision:
        return "meeting__plan__"
    if model is PlanWish:
        return None
    return "plan__"


def _gate_scope(user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
    """Narrow items with a stored ``category`` column, asking the gate per category."""
    gate = policy.category_gate()
    condition = Q(pk__in=[])
    # Ask the gate only for the categories the rows hold (usually one or two), not all twelve.
    present = qs.order_by().values_list("category", flat=True).distinct()
    for category in present:
        condition |= Q(pk__in=gate.scope(user, qs.filter(category=category), category).values("pk"))
    return qs.filter(condition)


class PlanItemRule:
    """Allow an action on a plan item to holders of a qualifying case seat or, with
    ``coordinator``, to the plan's IP coordinator while on the team; then the category gate decides."""

    def __init__(self, case_rule: CaseRule, *, coordinator: bool = False, per_row_category: bool = False) -> None:
        self.case_rule = case_rule
        self.coordinator = coordinator
        self.per_row_category = per_row_category

    def _case_allows(self, user: User, obj: models.Model) -> bool:
        case: Case | None = getattr(obj, "case", None)
        if case is None:
            return False
        if self.case_rule.allows(user, case):
            return True
        plan = _plan_of(obj)
        return bool(
            self.coordinator and plan is not None and plan.coordinator_id == user.pk and VIEW_CASE.allows(user, case)
        )

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user may act on the item's case (or coordinates its plan)
        and the gate shows the item's category."""
        if not self._case_allows(user, obj):
            return False
        return policy.category_gate().allows(user, obj, obj.category)  # type: ignore[attr-defined]

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the items the user may act on, in categories the gate shows."""
        condition = Q(Exists(self.case_rule.seats(user).filter(case_id=OuterRef("case_id"))))
        path = _plan_path(qs.model)
        if self.coordinator and path is not None:
            condition |= Q(**{f"{path}coordinator": user}) & Q(
                Exists(VIEW_CASE.seats(user).filter(case_id=OuterRef("case_id")))
            )
        qs = qs.filter(condition)
        if self.per_row_category:
            return _gate_scope(user, qs)
        return policy.category_gate().scope(user, qs, Category.PLAN)


VIEW_ITEM = PlanItemRule(VIEW_CASE)
EDIT_ITEM = PlanItemRule(EDIT_CASE, coordinator=True)

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
policy.register(PlanVersion, Action.VIEW, PlanItemRule(VIEW_CASE, per_row_category=True))
