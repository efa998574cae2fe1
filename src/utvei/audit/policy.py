"""Access rules for the audit log, and the recorder that audits every refused request.

A data protection officer reads the entries of their organisation; entries carry ids and codes only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from utvei.access import policy
from utvei.access.decorators import provide_refusal_recorder
from utvei.access.engine import AccessContext, Actor
from utvei.access.policy import Action
from utvei.accounts.models import Role
from utvei.audit.models import AuditEntry


class ReadAuditRule:
    """Let a data protection officer read entries recorded for their organisation."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the entry belongs to one of the officer's organisations."""
        return isinstance(obj, AuditEntry) and obj.organisation_id in ctx.organisations_with_role(Role.PRIVACY_OFFICER)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the entries of the officer's organisations."""
        return qs.filter(organisation_id__in=sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER)))


def _record_refusal(actor: Actor, target_type: str, target_id: str, status: int) -> None:
    from utvei.audit.services import record_denied

    record_denied(actor=actor, target_type=target_type, target_id=target_id, status=status)  # type: ignore[arg-type]


def declare() -> None:
    """Declare the audit rule and the refusal recorder."""
    provide_refusal_recorder(_record_refusal)
    policy.register(AuditEntry, Action.VIEW, ReadAuditRule())
