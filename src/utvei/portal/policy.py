"""Access rules of the portal: the person's own rows, and the coordinators who answer them.

The person (a :class:`~utvei.access.persons.PersonActor`) reaches only their own messages, block requests
and notice setting (``Action.OWN``). Staff read what the person sent through their seat on the case: the
comments by any case editor, the block requests by the case's coordinators, never by the staff member the
request names. Approved blocks are declared to the engine, which closes the person's cases to the blocked
user, seat and emergency access alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import QuerySet

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext, Actor
from utvei.access.policy import Action
from utvei.cases.policy import COORDINATOR_ROLES, EDIT_CASE, CaseRule
from utvei.portal.models import BlockRequest, BlockStatus, NoticeSetting, PersonMessage

COORDINATE_CASE = CaseRule(COORDINATOR_ROLES)


def approved_blocks(actor: Actor) -> Iterable[int]:
    """Give the persons whose approved block names this user (one query, made only for a seated user)."""
    return BlockRequest.objects.filter(blocked_user_id=actor.pk, status=BlockStatus.APPROVED).values_list(
        "person_id", flat=True
    )


class SeatOnCaseRule:
    """Allow staff seated on the row's case in a qualifying role; with ``not_named``, never the user the
    row names (``blocked_user``)."""

    def __init__(self, case_rule: CaseRule, *, not_named: bool = False) -> None:
        self.case_rule = case_rule
        self.not_named = not_named

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds a qualifying seat on the row's case (and is not the one named)."""
        if self.not_named and getattr(obj, "blocked_user_id", None) == ctx.actor_pk:
            return False
        return self.case_rule.allows_case(ctx, getattr(obj, "case_id", None))

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the rows on cases where the actor holds a qualifying seat (and that do not name them)."""
        found = qs.filter(case_id__in=sorted(self.case_rule.case_ids(ctx)))
        return found.exclude(blocked_user_id=ctx.actor_pk) if self.not_named else found


def declare() -> None:
    """Declare the approved blocks and the portal's rules to the access engine."""
    engine.provide_blocks(approved_blocks)
    policy.register(PersonMessage, Action.OWN, policy.OwnRule("person_id", category=Category.PLAN))
    policy.register(PersonMessage, Action.VIEW, SeatOnCaseRule(EDIT_CASE))
    policy.register(BlockRequest, Action.OWN, policy.OwnRule("person_id", category=Category.COORDINATION))
    policy.register(BlockRequest, Action.VIEW, SeatOnCaseRule(COORDINATE_CASE, not_named=True))
    policy.register(BlockRequest, Action.UPDATE, SeatOnCaseRule(COORDINATE_CASE, not_named=True))
    policy.register(NoticeSetting, Action.OWN, policy.OwnRule("person_id", category=Category.COORDINATION))
