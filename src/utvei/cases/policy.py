"""Access rules for cases: only active members of the follow-up team see a case.

A team seat counts only while the user still holds an active membership in the organisation the seat
is for, so removing someone from their organisation removes their case access on the next request.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User
from utvei.cases.models import Case, TeamMember

# Roles whose team seat lets them change the case itself (phase, team). Others only read it.
CASE_EDITOR_ROLES = frozenset({Role.CASEWORKER, Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR, Role.SLT_COORDINATOR})


def active_seats(user: User) -> QuerySet[TeamMember]:
    """This function will give the user's team seats that are in force (seat open, membership active)."""
    memberships = Membership.objects.active().filter(
        user=user, organisation=OuterRef("organisation"), role=OuterRef("role")
    )
    return TeamMember.objects.filter(user=user, left_at__isnull=True).filter(Exists(memberships))


class CaseRule:
    """This rule will allow an action on a case to active team members whose seat role is in ``roles``."""

    def __init__(self, roles: frozenset[str] | None = None) -> None:
        self.roles = roles

    def _seats(self, user: User) -> QuerySet[TeamMember]:
        seats = active_seats(user)
        return seats if self.roles is None else seats.filter(role__in=self.roles)

    def allows(self, user: User, obj: models.Model) -> bool:
        """This function will tell whether the user holds a qualifying seat on this case."""
        return isinstance(obj, Case) and self._seats(user).filter(case_id=obj.pk).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """This function will keep the cases on which the user holds a qualifying seat."""
        return qs.filter(Exists(self._seats(user).filter(case_id=OuterRef("pk"))))


policy.register(Case, Action.VIEW, CaseRule())
policy.register(Case, Action.UPDATE, CaseRule(CASE_EDITOR_ROLES))
