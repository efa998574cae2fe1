"""Access rules for the audit log: a data protection officer reads what concerns their controller.

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
from django.db.models import Q, QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEntry


def officer_organisations(user: User) -> QuerySet[Membership, int]:
    """Give the ids of the organisations the user is data protection officer of today."""
    return (
        Membership.objects.active()
        .filter(user=user, role=Role.PRIVACY_OFFICER)
        .values_list("organisation_id", flat=True)
    )


def _controlled(user: User) -> tuple[QuerySet[models.Model], QuerySet[models.Model]]:
    # Looked up through the app registry: the audit app sits below the case apps and imports none of them.
    case_model = apps.get_model("cases", "Case")
    person_model = apps.get_model("cases", "Person")
    organisations = officer_organisations(user)
    cases = case_model.objects.filter(responsible_organisation_id__in=organisations)
    persons = person_model.objects.filter(
        Q(cases__responsible_organisation_id__in=organisations) | Q(registered_by_id__in=organisations)
    )
    return cases.values("pk"), persons.values("pk")


def controller_filter(user: User) -> Q:
    """Build the filter that keeps the entries the officer's controller answers for."""
    cases, persons = _controlled(user)
    return (
        Q(case_id__in=cases)
        | Q(case_id__isnull=True, person_id__in=persons)
        | Q(case_id__isnull=True, person_id__isnull=True, organisation_id__in=officer_organisations(user))
    )


class ReadAuditRule:
    """Let a data protection officer read the entries about their controller's cases and persons."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the entry concerns the officer's controller."""
        if not isinstance(obj, AuditEntry):
            return False
        return AuditEntry.objects.filter(controller_filter(user), pk=obj.pk).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the entries about the officer's controller's cases and persons."""
        if not officer_organisations(user).exists():
            return qs.none()
        return qs.filter(controller_filter(user))


policy.register(AuditEntry, Action.VIEW, ReadAuditRule())
