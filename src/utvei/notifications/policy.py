"""Access rules for notifications: a notification is its recipient's alone, whatever their roles."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from utvei.access import policy
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.notifications.models import Notification


class RecipientRule:
    """Let only the recipient see or mark a notification; everyone else gets the 404 of a missing one."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the notification's recipient."""
        return isinstance(obj, Notification) and ctx.actor_pk is not None and obj.recipient_id == ctx.actor_pk

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the actor's own notifications."""
        if ctx.actor_pk is None:
            return qs.none()
        return qs.filter(recipient_id=ctx.actor_pk)


def declare() -> None:
    """Register the notification rules."""
    rule = RecipientRule()
    policy.register(Notification, Action.VIEW, rule)
    policy.register(Notification, Action.UPDATE, rule)
