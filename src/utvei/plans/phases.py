"""The plan work that points to a phase of the case: a plan in preparation (P5), an active plan (P6) and a
review meeting (P7)."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.models import Case, Phase
from utvei.cases.sections import PhaseEvidence
from utvei.plans.models import Meeting, Plan, PlanStatus


def phase_evidence(*, actor: User, case: Case) -> list[PhaseEvidence]:
    """Give the case's plan and its latest review meeting, as far as the actor may see, as evidence."""
    found: list[PhaseEvidence] = []
    plans = policy.scope(actor, Action.VIEW, Plan.objects.filter(case=case, ended_at__isnull=True))
    for status, created_at, activated_at in plans.values_list("status", "created_at", "activated_at"):
        if status == PlanStatus.ACTIVE and activated_at is not None:
            found.append(PhaseEvidence(Phase.P6, timezone.localdate(activated_at), _("the plan is active")))
        else:
            found.append(PhaseEvidence(Phase.P5, timezone.localdate(created_at), _("a plan is being prepared")))
    reviews = policy.scope(actor, Action.VIEW, Meeting.objects.filter(plan__case=case, is_review=True))
    latest = reviews.aggregate(at=Max("created_at"))["at"]
    if latest is not None:
        found.append(PhaseEvidence(Phase.P7, timezone.localdate(latest), _("a review meeting is recorded")))
    return found
