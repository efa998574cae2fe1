"""Access rules for the audit log, and the recorder that audits every refused request.

The controller of a case is its responsible organisation. Its data protection officer must be able to
answer "who has seen this person's data", so the officer reads every entry about the controller's cases
and persons, whichever organisation the reader acted for (NAV, the school, the police). Entries about
another controller's cases stay hidden, even when a user of the officer's own organisation wrote them.
Entries about no case and no person (logins, user administration) belong to the organisation they were
recorded for. The entries hold ids and codes only, so none of this shows case content.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from utvei.access import engine, policy
from utvei.access.decorators import provide_refusal_recorder
from utvei.access.engine import AccessContext, Actor
from utvei.access.policy import Action
from utvei.accounts.models import Role
from utvei.audit.models import AuditEntry


def officer_organisations(user: Actor) -> list[int]:
    """Give the ids of the organisations the user is data protection officer of today."""
    return sorted(engine.context_for(user).organisations_with_role(Role.PRIVACY_OFFICER))


def _controller_filter(organisations: list[int]) -> Q:
    # Looked up through the app registry: the audit app sits below the case apps and imports none of them.
    case_model = apps.get_model("cases", "Case")
    person_model = apps.get_model("cases", "Person")
    # Correlated EXISTS, not IN (all the controller's cases): a page of the newest entries is then a walk
    # down the seq index that checks each row by primary key and stops at the page's end, instead of
    # gathering every entry of every case first (D133).
    case = case_model.objects.filter(pk=OuterRef("case_id"), responsible_organisation_id__in=organisations)
    person = person_model.objects.filter(
        Q(cases__responsible_organisation_id__in=organisations) | Q(registered_by_id__in=organisations),
        pk=OuterRef("person_id"),
    )
    return (
        Q(Exists(case))
        | Q(case_id__isnull=True) & Q(Exists(person))
        | Q(case_id__isnull=True, person_id__isnull=True, organisation_id__in=organisations)
    )


def controller_filter(user: Actor) -> Q:
    """Build the filter that keeps the entries the officer's controller answers for."""
    return _controller_filter(officer_organisations(user))


class ReadAuditRule:
    """Let a data protection officer read the entries about their controller's cases and persons."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the entry concerns the officer's controller."""
        organisations = sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER))
        if not isinstance(obj, AuditEntry) or not organisations:
            return False
        return AuditEntry.objects.filter(_controller_filter(organisations), pk=obj.pk).exists()

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the entries about the officer's controller's cases and persons."""
        organisations = sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER))
        if not organisations:
            return qs.none()
        return qs.filter(_controller_filter(organisations))


def _record_refusal(actor: Actor, target_type: str, target_id: str, status: int) -> None:
    from utvei.audit.services import record_denied

    record_denied(actor=actor, target_type=target_type, target_id=target_id, status=status)  # type: ignore[arg-type]


def declare() -> None:
    """Declare the audit rule and the refusal recorder."""
    provide_refusal_recorder(_record_refusal)
    policy.register(AuditEntry, Action.VIEW, ReadAuditRule())
