"""Reads of the audit log, scoped by the access policy; reading the log is itself audited."""

from __future__ import annotations

from django.db import transaction

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.audit.services import record


def audit_entry_list(*, actor: User, limit: int = 200) -> list[AuditEntry]:
    """List the newest entries the actor may read and audit that they read them."""
    with transaction.atomic():
        entries = list(policy.scope(actor, Action.VIEW, AuditEntry.objects.all()).order_by("-seq")[:limit])
        record(actor=actor, event=AuditEvent.LIST, target_type=AuditEntry._meta.label, target_id=len(entries))
    return entries
