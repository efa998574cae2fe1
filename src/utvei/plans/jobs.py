"""Periodic jobs of the plans app, found by the job registry (``utvei.core.jobs``)."""

from __future__ import annotations

from django.utils import timezone

from utvei.core.jobs import Period, periodic
from utvei.plans.services import reviews_due_notify


@periodic("plan_reviews_due", period=Period.DAILY)
def reviews_due() -> str:
    """Tell the plan coordinators of the reviews whose date has come."""
    return f"told={reviews_due_notify(today=timezone.localdate())}"
