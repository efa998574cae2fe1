"""The contact work that points to a phase of the case: a contact plan (P2) and conversations (P3)."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.models import Case, Phase
from utvei.cases.sections import PhaseEvidence
from utvei.contacts.models import ContactPlan, Conversation


def phase_evidence(*, actor: User, case: Case) -> list[PhaseEvidence]:
    """Give the contact plan and the latest conversation the actor may see, as evidence for P2 and P3."""
    found: list[PhaseEvidence] = []
    planned = policy.scope(actor, Action.VIEW, ContactPlan.objects.filter(case=case)).aggregate(at=Max("updated_at"))
    if planned["at"] is not None:
        found.append(PhaseEvidence(Phase.P2, timezone.localdate(planned["at"]), _("a contact plan is made")))
    talked = policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=case)).aggregate(at=Max("created_at"))
    if talked["at"] is not None:
        found.append(PhaseEvidence(Phase.P3, timezone.localdate(talked["at"]), _("a conversation is recorded")))
    return found
