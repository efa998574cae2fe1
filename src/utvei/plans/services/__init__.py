"""Writes of the individual plan: the wish, the plan, its parts, measures, reviews, meetings and decisions.

Each function locks what it changes, checks the policy, writes a plan version with a field-level diff
(values stay in this app's encrypted tables) and records an audit row naming the changed fields, all in
one transaction. An ended plan is read-only.
"""

from utvei.plans.services._common import PlanAlreadyExists
from utvei.plans.services.contents import domain_save, goal_add, goal_update, participant_add
from utvei.plans.services.measures import measure_create, measure_update
from utvei.plans.services.meetings import (
    decision_record,
    meeting_record,
    review_add,
    reviews_due_notify,
    version_changes,
)
from utvei.plans.services.plan import (
    coordinator_candidates,
    existing_plan,
    plan_activate,
    plan_counts,
    plan_create,
    plan_update,
    wish_record,
    wish_withdraw,
)
from utvei.plans.services.progress import measure_progress_record

__all__ = [
    "PlanAlreadyExists",
    "coordinator_candidates",
    "decision_record",
    "domain_save",
    "existing_plan",
    "goal_add",
    "goal_update",
    "measure_create",
    "measure_progress_record",
    "measure_update",
    "meeting_record",
    "participant_add",
    "plan_activate",
    "plan_counts",
    "plan_create",
    "plan_update",
    "review_add",
    "reviews_due_notify",
    "version_changes",
    "wish_record",
    "wish_withdraw",
]
