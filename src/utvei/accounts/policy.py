"""Access rules for accounts: an organisation's administrator manages the users of that organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User


def administered_organisation_ids(user: User) -> QuerySet[Membership, int]:
    """Give the ids of organisations the user administers today."""
    return Membership.objects.active().filter(user=user, role=Role.ORG_ADMIN).values_list("organisation_id", flat=True)


class ManageUserRule:
    """Let an administrator manage a user who belongs to an organisation they administer."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether ``obj`` is a user in one of the actor's organisations."""
        if not isinstance(obj, User):
            return False
        return Membership.objects.filter(user=obj, organisation_id__in=administered_organisation_ids(user)).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep users with a membership in an organisation the actor administers."""
        inside = Membership.objects.filter(user=OuterRef("pk"), organisation_id__in=administered_organisation_ids(user))
        return qs.filter(Exists(inside))


policy.register(User, Action.MANAGE, ManageUserRule())
