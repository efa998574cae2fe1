"""The network work that points to a phase of the case: a mapped network belongs to mapping (P4)."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.models import Case, Phase
from utvei.cases.sections import PhaseEvidence
from utvei.network.models import NetworkNode


def phase_evidence(*, actor: User, case: Case) -> list[PhaseEvidence]:
    """Give the latest network node the actor may see as evidence for P4."""
    latest = policy.scope(actor, Action.VIEW, NetworkNode.objects.filter(case=case)).aggregate(on=Max("created_on"))
    if latest["on"] is None:
        return []
    return [PhaseEvidence(Phase.P4, latest["on"], _("the network is being mapped"))]
