"""Reads of the notifications app: the inbox, the unread count and the e-mail choices.

The inbox renders each notification's words from its kind at display time. A case reference is shown only
where the policy shows the case to the reader now; otherwise the entry says that the case is no longer
available and offers no way to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.notifications.models import EmailChoice, Notification, NotificationKind

# The inbox shows the newest notifications; older ones stay stored and counted.
INBOX_SIZE = 50


@dataclass(frozen=True)
class NotificationCard:
    """Hold what the inbox may show of one notification."""

    id: int
    kind: str
    text: str
    created_at: datetime
    unread: bool
    case_reference: str | None  # None: no case, or the reader may no longer see it
    about_case: bool


@dataclass(frozen=True)
class Inbox:
    """Hold the inbox page: the newest notifications and how many are unread in all."""

    cards: list[NotificationCard]
    unread: int


def _case_model() -> type[Model]:
    # The notification names its case through its foreign key; this app sits below the cases app.
    model = Notification._meta.get_field("case").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model


def unread_count(*, actor: User) -> int:
    """Count the actor's unread notifications (one query)."""
    return policy.scope(actor, Action.VIEW, Notification.objects.filter(read_at__isnull=True)).count()


def inbox_get(*, actor: User) -> Inbox:
    """Return the actor's newest notifications, with case references only where the case is still shown.

    Costs a fixed number of queries whatever the inbox holds: the notifications, the visible cases among
    them, the unread count and the access context. When any case reference is shown, the read is audited.
    """
    with reading():
        own = policy.scope(actor, Action.VIEW, Notification.objects.all())
        rows = list(own.only("pk", "kind", "case_id", "created_at", "read_at")[:INBOX_SIZE])
        case_ids = sorted({n.case_id for n in rows if n.case_id is not None})
        visible: dict[int, str] = {}
        if case_ids:
            cases = policy.scope(actor, Action.VIEW, _case_model()._default_manager.filter(pk__in=case_ids))
            visible = dict(cases.values_list("pk", "reference"))
        labels = dict(NotificationKind.choices)
        cards = [
            NotificationCard(
                id=n.pk,
                kind=n.kind,
                text=str(labels.get(n.kind, n.kind)),
                created_at=n.created_at,
                unread=n.read_at is None,
                case_reference=visible.get(n.case_id) if n.case_id is not None else None,
                about_case=n.case_id is not None,
            )
            for n in rows
        ]
        if visible:
            record(actor=actor, event=AuditEvent.LIST, target_type="cases.Case", target_id=len(visible))
        unread = own.filter(read_at__isnull=True).count()
    return Inbox(cards=cards, unread=unread)


def email_choices_get(*, actor: User) -> frozenset[str]:
    """Return the notification kinds the actor gets by e-mail too."""
    return frozenset(EmailChoice.objects.filter(user=actor).values_list("kind", flat=True))
