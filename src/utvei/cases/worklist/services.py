"""Writes of the work list: a user's own calendar address, made anew or revoked (audited)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import CalendarFeed


def token_hash(token: str) -> str:
    """Give the stored hash of a calendar token (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, actor: User) -> str:
    """Make a new secret calendar address for the actor, replacing any earlier one, and give its token.

    The token is shown once; the earlier address stops working at once.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash(token))
        record(actor=actor, event=AuditEvent.CREATE, target=feed)
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    """Revoke the actor's calendar address; tell whether there was one."""
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=actor).first()
        if feed is None:
            return False
        record(actor=actor, event=AuditEvent.DELETE, target=feed)
        feed.delete()
    return True
