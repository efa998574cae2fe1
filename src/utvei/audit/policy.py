"""Access rules for the audit log: a data protection officer reads the entries of their organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEntry


def _officer_organisations(user: User) -> QuerySet[Membership, int]:
    return (
        Membership.objects.active()
        .filter(user=user, role=Role.PRIVACY_OFFICER)
        .values_list("organisation_id", flat=True)
    )


class ReadAuditRule:
    """Let a data protection officer read entries recorded for their organisation."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the entry belongs to one of the officer's organisations."""
        if not isinstance(obj, AuditEntry) or obj.organisation_id is None:
            return False
        return _officer_organisations(user).filter(organisation_id=obj.organisation_id).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the entries of the officer's organisations."""
        return qs.filter(organisation_id__in=_officer_organisations(user))


policy.register(AuditEntry, Action.VIEW, ReadAuditRule())
