"""The plans section of the case page (registered in utvei.cases.sections)."""

from __future__ import annotations

from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.plans.selectors import PlanSection, plan_section


def case_section(*, actor: User, case: Case) -> PlanSection | None:
    """Gather what the case page shows of the individual plan (None: nothing)."""
    return plan_section(actor=actor, case=case)
