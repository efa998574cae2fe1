"""Access rule for attachments: an attachment is seen by exactly those who see the item it belongs to.

An attachment to the case or to a conversation carries the owner and the category of its item, so the engine
decides it as it decides the item (seat, consent, a mentor's agreement never opens it). An attachment to a
consent is seen, like the consent, from a seat on its case that is not narrow (R26).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.attachments.models import AttachedTo, Attachment
from utvei.cases.policy import VIEW_CASE, CaseRule


class AttachmentRule:
    """Show an attachment when the actor may see its case and the engine shows its item."""

    def __init__(self, case_rule: CaseRule) -> None:
        self.case_rule = case_rule

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sees the case, and the item the attachment belongs to."""
        if not isinstance(obj, Attachment) or not self.case_rule.allows_case(ctx, obj.case_id):
            return False
        if obj.attached_to == AttachedTo.CONSENT:
            return not ctx.is_narrow(obj.case_id)
        return policy.category_ground(ctx, obj, obj.category) is not None

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the attachments whose items the actor sees."""
        cases = self.case_rule.case_ids(ctx)
        consent = Q(attached_to=AttachedTo.CONSENT, case_id__in=sorted(cases - ctx.narrow_case_ids))
        shown = Q(pk__in=[])
        for category in Category.values:
            shown |= Q(category=category) & policy.category_condition(ctx, Attachment, category, case_ids=cases)
        return qs.filter(consent | (~Q(attached_to=AttachedTo.CONSENT) & shown))


def declare() -> None:
    """Declare the attachments rule to the access engine."""
    policy.register(Attachment, Action.VIEW, AttachmentRule(VIEW_CASE))
