"""Access rules for persons, cases and the items recorded on a case.

Only active members of the follow-up team see a case. A team seat counts only while the user still holds
an active membership in the organisation and role the seat is for, so removing someone from their
organisation removes their case access on the next request. Items recorded on a case (conversations,
escalations, advice …) are further filtered by the category gate (per-agency visibility).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User
from utvei.cases.models import Case, CaseAdvice, Concern, Escalation, Person, Relapse, Task, TeamMember

# Roles whose team seat lets them change the case itself (phase, team, tasks). Others only read it.
CASE_EDITOR_ROLES = frozenset({Role.CASEWORKER, Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR, Role.SLT_COORDINATOR})


def active_seats(user: User) -> QuerySet[TeamMember]:
    """Give the user's team seats that are in force (seat open, membership active)."""
    memberships = Membership.objects.active().filter(
        user=user, organisation=OuterRef("organisation"), role=OuterRef("role")
    )
    return TeamMember.objects.filter(user=user, left_at__isnull=True).filter(Exists(memberships))


class CaseRule:
    """Allow an action on a case to active team members whose seat role is in ``roles``."""

    def __init__(self, roles: frozenset[str] | None = None, *, open_only: bool = False) -> None:
        self.roles = roles
        self.open_only = open_only

    def seats(self, user: User) -> QuerySet[TeamMember]:
        """Give the seats that qualify for this rule."""
        seats = active_seats(user)
        if self.open_only:
            seats = seats.filter(case__closed_at__isnull=True)
        return seats if self.roles is None else seats.filter(role__in=self.roles)

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user holds a qualifying seat on this case."""
        return isinstance(obj, Case) and self.seats(user).filter(case_id=obj.pk).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the cases on which the user holds a qualifying seat."""
        return qs.filter(Exists(self.seats(user).filter(case_id=OuterRef("pk"))))


class CaseItemRule:
    """Allow an action on an item of a case when the case rule allows it and the category gate
    lets the user see the item's category."""

    def __init__(self, category: str, case_rule: CaseRule) -> None:
        self.category = category
        self.case_rule = case_rule

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user may act on the item's case and see its category."""
        case = getattr(obj, "case", None)
        if case is None or not self.case_rule.allows(user, case):
            return False
        return policy.category_gate().allows(user, obj, self.category)

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep items on cases the user may act on, in categories the gate shows."""
        qs = qs.filter(Exists(self.case_rule.seats(user).filter(case_id=OuterRef("case_id"))))
        return policy.category_gate().scope(user, qs, self.category)


class PersonRule:
    """Allow an action on a person to users with a qualifying seat on one of their cases."""

    def __init__(self, case_rule: CaseRule) -> None:
        self.case_rule = case_rule

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user sits on a team of one of the person's cases."""
        return isinstance(obj, Person) and self.case_rule.seats(user).filter(case__person_id=obj.pk).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep persons with a case on which the user holds a qualifying seat."""
        return qs.filter(Exists(self.case_rule.seats(user).filter(case__person_id=OuterRef("pk"))))


class ConcernRule:
    """Let case-working members of the recording organisation see a concern-only record."""

    def _organisations(self, user: User) -> QuerySet[Membership, int]:
        return (
            Membership.objects.active()
            .filter(user=user, role__in=CASE_EDITOR_ROLES)
            .values_list("organisation_id", flat=True)
        )

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user works cases in the concern's organisation."""
        return (
            isinstance(obj, Concern)
            and has_perm(user, Perm.CASE_CREATE)
            and self._organisations(user).filter(organisation_id=obj.organisation_id).exists()
        )

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep concerns of the organisations where the user works cases."""
        if not has_perm(user, Perm.CASE_CREATE):
            return qs.none()
        return qs.filter(organisation_id__in=self._organisations(user))


VIEW_CASE = CaseRule()
EDIT_CASE = CaseRule(CASE_EDITOR_ROLES, open_only=True)
# Anyone on the team may raise a serious concern, in every phase, open or closed (R17).
ESCALATE_CASE = CaseRule()

policy.register(Case, Action.VIEW, VIEW_CASE)
policy.register(Case, Action.UPDATE, EDIT_CASE)
policy.register(Case, Action.SHARE, ESCALATE_CASE)
policy.register(Person, Action.VIEW, PersonRule(VIEW_CASE))
policy.register(Person, Action.UPDATE, PersonRule(EDIT_CASE))
policy.register(Concern, Action.VIEW, ConcernRule())
policy.register(Escalation, Action.VIEW, CaseItemRule(Category.POLICE, VIEW_CASE))
policy.register(CaseAdvice, Action.VIEW, CaseItemRule(Category.COORDINATION, VIEW_CASE))
policy.register(Relapse, Action.VIEW, CaseItemRule(Category.CONCERN, VIEW_CASE))


class TaskRule:
    """Show a task to its assignee and to editors of the case."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user is the assignee (with a seat) or an editor of the case."""
        if not isinstance(obj, Task) or not VIEW_CASE.allows(user, obj.case):
            return False
        return obj.assignee_id == user.pk or EDIT_CASE.allows(user, obj.case)

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep tasks assigned to the user or on cases the user edits."""
        seen = qs.filter(Exists(VIEW_CASE.seats(user).filter(case_id=OuterRef("case_id"))))
        edits = Exists(EDIT_CASE.seats(user).filter(case_id=OuterRef("case_id")))
        return seen.filter(models.Q(assignee=user) | models.Q(edits))


policy.register(Task, Action.VIEW, TaskRule())
