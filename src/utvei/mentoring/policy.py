"""Access rules for the mentor register, mentor assignments, the mentor log and restorative referrals.

The register belongs to an organisation and is kept by its case workers and coordinators (Perm
MENTOR_REGISTER). An assignment is seen by the case's team through the category gate (case
coordination) and always by its own mentor while seated on the case. The mentor log is seen by the
mentor who wrote it and by the case's editors of the organisation that made the assignment. A restorative
referral is a measure: the team sees it through the gate (plan category).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action
from utvei.accounts.models import Membership, User
from utvei.cases.policy import CASE_EDITOR_ROLES, EDIT_CASE, VIEW_CASE, CaseItemRule, CaseRule
from utvei.mentoring.models import Mentor, MentorAssignment, MentorLogEntry, RestorativeReferral

# Editors of a case, open or closed: they may read the mentor log of a closed case too.
READ_AS_EDITOR = CaseRule(CASE_EDITOR_ROLES)


class MentorRegisterRule:
    """Let register keepers (Perm MENTOR_REGISTER) act on their own organisations' mentors."""

    def _organisations(self, user: User) -> QuerySet[Membership, int]:
        return Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True)

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user keeps the register of the mentor's organisation."""
        return (
            isinstance(obj, Mentor)
            and has_perm(user, Perm.MENTOR_REGISTER)
            and self._organisations(user).filter(organisation_id=obj.organisation_id).exists()
        )

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the mentors of the organisations whose register the user keeps."""
        if not has_perm(user, Perm.MENTOR_REGISTER):
            return qs.none()
        return qs.filter(organisation_id__in=self._organisations(user))


class OwnMentorRule:
    """Let the assignment's own mentor act on it while seated on the case; with ``in_force``
    only while the assignment has not ended."""

    def __init__(self, *, in_force: bool = False) -> None:
        self.in_force = in_force

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user is the assignment's mentor, seated on its case."""
        if not isinstance(obj, MentorAssignment) or obj.mentor.user_id != user.pk:
            return False
        if self.in_force and obj.ended_at is not None:
            return False
        return VIEW_CASE.allows(user, obj.case)

    def condition(self, user: User) -> Q:
        """Give the queryset condition matching :meth:`allows`."""
        condition = Q(mentor__user=user) & Q(Exists(VIEW_CASE.seats(user).filter(case_id=OuterRef("case_id"))))
        return condition & Q(ended_at__isnull=True) if self.in_force else condition

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the assignments the user is the mentor of, while seated."""
        return qs.filter(self.condition(user))


class AssignmentViewRule:
    """Show an assignment to its own mentor, and to the team as case coordination information."""

    def __init__(self) -> None:
        self.own = OwnMentorRule()
        self.team = CaseItemRule(Category.COORDINATION, VIEW_CASE)

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user is the mentor or the gate shows the assignment."""
        return self.own.allows(user, obj) or self.team.allows(user, obj)

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the user's own assignments and those the gate shows."""
        return qs.filter(self.own.condition(user) | Q(pk__in=self.team.scope(user, qs).values("pk")))


class LogEntryRule:
    """Show a log entry to the mentor who wrote it (while seated) and to the case's editors
    of the organisation that made the assignment (through the category gate)."""

    def __init__(self) -> None:
        self.editors = CaseItemRule(Category.COORDINATION, READ_AS_EDITOR)

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user wrote the entry or reads the case as an editor."""
        if not isinstance(obj, MentorLogEntry):
            return False
        if obj.recorded_by_id == user.pk and VIEW_CASE.allows(user, obj.case):
            return True
        return self.editors.allows(user, obj)

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the user's own entries and those the case's editors see."""
        own = Q(recorded_by=user) & Q(Exists(VIEW_CASE.seats(user).filter(case_id=OuterRef("case_id"))))
        return qs.filter(own | Q(pk__in=self.editors.scope(user, qs).values("pk")))


policy.register(Mentor, Action.VIEW, MentorRegisterRule())
policy.register(Mentor, Action.UPDATE, MentorRegisterRule())
policy.register(MentorAssignment, Action.VIEW, AssignmentViewRule())
policy.register(MentorAssignment, Action.UPDATE, CaseItemRule(Category.COORDINATION, EDIT_CASE))
# CREATE on an assignment: write in its log (the mentor, while the assignment runs).
policy.register(MentorAssignment, Action.CREATE, OwnMentorRule(in_force=True))
policy.register(MentorLogEntry, Action.VIEW, LogEntryRule())
policy.register(RestorativeReferral, Action.VIEW, CaseItemRule(Category.PLAN, VIEW_CASE))
policy.register(RestorativeReferral, Action.UPDATE, CaseItemRule(Category.PLAN, EDIT_CASE))
