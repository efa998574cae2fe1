"""Access rules for contact plans, conversations and consultations: the case's team, by category."""

from __future__ import annotations

from utvei.access import policy
from utvei.access.policy import Action
from utvei.cases.policy import EDIT_CASE, VIEW_CASE, CaseItemRule
from utvei.contacts.models import CATEGORY, CaseNote, Consultation, ContactPlan, Conversation


def declare() -> None:
    """Declare the contacts rules to the access engine."""
    for model in (ContactPlan, Conversation, Consultation):
        policy.register(model, Action.VIEW, CaseItemRule(CATEGORY, VIEW_CASE))
        policy.register(model, Action.UPDATE, CaseItemRule(CATEGORY, EDIT_CASE))
    policy.register(CaseNote, Action.VIEW, CaseItemRule(CATEGORY, VIEW_CASE))
