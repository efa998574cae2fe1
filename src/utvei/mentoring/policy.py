"""Access facts and rules for mentors: the narrow seat and its agreement, the register, the log, referrals.

**The mentor's narrow view (R26).** A mentor seat is narrow: where it is the actor's only seat on a case,
the engine shows of that case exactly what the person agreed to in a mentor agreement in force, and
nothing else, whoever recorded it: contact details (the identity category), the plan's goals, the plan's
measures (plan, work or school measures, and the restorative process status). Never health, police,
child-welfare or concern items, nor conversations. The agreement is the person's own consent for their
mentor, so an agreed part is shown even when the mentor's organisation did not record it.

The register belongs to an organisation and is kept by its case workers and coordinators (Perm
MENTOR_REGISTER). An assignment is seen by the case's team as case coordination information and always
by its own mentor while seated on the case. The mentor log is seen by the mentor who wrote it and by the
case's editors of the organisation that made the assignment. A restorative referral is a measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext, Actor
from utvei.access.permissions import Perm
from utvei.access.policy import Action
from utvei.accounts.models import Role
from utvei.cases.policy import EDIT_CASE, READ_AS_EDITOR, VIEW_CASE, CaseItemRule
from utvei.mentoring.models import Mentor, MentorAssignment, MentorLogEntry, RestorativeReferral

# Measure categories a mentor may ever see, and only with the person's agreement on measures.
MEASURE_CATEGORIES = (Category.PLAN, Category.WORK, Category.SCHOOL)

# What each part of the agreement opens: (model label, category) pairs.
CONTACT_OPENS = frozenset({("cases.Person", Category.IDENTITY), ("cases.Case", Category.IDENTITY)})
GOALS_OPENS = frozenset({("plans.Goal", Category.PLAN), ("plans.Plan", Category.PLAN)})
MEASURES_OPENS = frozenset(
    {("plans.Plan", Category.PLAN)}
    | {
        (label, category)
        for label in ("plans.Measure", "mentoring.RestorativeReferral")
        for category in MEASURE_CATEGORIES
    }
)


def agreement_openings(actor: Actor, case_ids: frozenset[int]) -> Mapping[int, frozenset[tuple[str, str]]]:
    """Give the engine what the actor's mentor agreements in force open on each of the cases (one query)."""
    today = timezone.localdate()
    opened: dict[int, set[tuple[str, str]]] = defaultdict(set)
    assignments = MentorAssignment.objects.filter(
        case_id__in=sorted(case_ids), mentor__user_id=actor.pk, ended_at__isnull=True
    ).only("case_id", "starts_on", "ends_on", "ended_at", "share_contact", "share_goals", "share_measures")
    for assignment in assignments:
        if not assignment.in_force(today):
            continue
        parts = opened[assignment.case_id]
        if assignment.share_contact:
            parts |= CONTACT_OPENS
        if assignment.share_goals:
            parts |= GOALS_OPENS
        if assignment.share_measures:
            parts |= MEASURES_OPENS
    return {case_id: frozenset(parts) for case_id, parts in opened.items()}


def own_mentor_ids(ctx: AccessContext) -> frozenset[int]:
    """Give the register entries that are the actor themselves (a mentor may be on several registers)."""
    if ctx.actor_pk is None:
        return frozenset()
    return frozenset(Mentor.objects.filter(user_id=ctx.actor_pk).values_list("pk", flat=True))


def _own_mentors(ctx: AccessContext) -> frozenset[int]:
    found = ctx.fact("mentoring.own_mentors")
    assert isinstance(found, frozenset)
    return found


class MentorRegisterRule:
    """Let register keepers (Perm MENTOR_REGISTER) act on their own organisations' mentors."""

    def _organisations(self, ctx: AccessContext) -> frozenset[int]:
        return ctx.organisation_ids if Perm.MENTOR_REGISTER in ctx.perms else frozenset()

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor keeps the register of the mentor's organisation."""
        return isinstance(obj, Mentor) and obj.organisation_id in self._organisations(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the mentors of the organisations whose register the actor keeps."""
        return qs.filter(organisation_id__in=sorted(self._organisations(ctx)))


class OwnMentorRule:
    """Let the assignment's own mentor act on it while seated on the case; with ``in_force`` only while the
    assignment has not ended."""

    def __init__(self, *, in_force: bool = False) -> None:
        self.in_force = in_force

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the assignment's mentor, seated on its case."""
        if not isinstance(obj, MentorAssignment) or obj.mentor_id not in _own_mentors(ctx):
            return False
        if self.in_force and obj.ended_at is not None:
            return False
        return VIEW_CASE.allows_case(ctx, obj.case_id)

    def condition(self, ctx: AccessContext) -> Q:
        """Give the queryset condition matching :meth:`allows`."""
        condition = Q(mentor_id__in=sorted(_own_mentors(ctx)), case_id__in=sorted(VIEW_CASE.case_ids(ctx)))
        return condition & Q(ended_at__isnull=True) if self.in_force else condition

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the assignments the actor is the mentor of, while seated."""
        return qs.filter(self.condition(ctx))


class AssignmentViewRule:
    """Show an assignment to its own mentor, and to the team as case coordination information."""

    def __init__(self) -> None:
        self.own = OwnMentorRule()
        self.team = CaseItemRule(Category.COORDINATION, VIEW_CASE)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the mentor or the engine shows the assignment to the team."""
        return self.own.allows(ctx, obj) or self.team.allows(ctx, obj)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the actor's own assignments and those the engine shows."""
        team = policy.category_condition(ctx, qs.model, Category.COORDINATION, case_ids=VIEW_CASE.case_ids(ctx))
        return qs.filter(self.own.condition(ctx) | team)


class LogEntryRule:
    """Show a log entry to the mentor who wrote it (while seated) and to the case's editors of the
    organisation that made the assignment."""

    def __init__(self) -> None:
        self.editors = CaseItemRule(Category.COORDINATION, READ_AS_EDITOR)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor wrote the entry or reads the case as an editor."""
        if not isinstance(obj, MentorLogEntry):
            return False
        if obj.recorded_by_id == ctx.actor_pk and VIEW_CASE.allows_case(ctx, obj.case_id):
            return True
        return self.editors.allows(ctx, obj)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the actor's own entries and those the case's editors see."""
        own = Q(recorded_by_id=ctx.actor_pk, case_id__in=sorted(VIEW_CASE.case_ids(ctx)))
        editors = policy.category_condition(ctx, qs.model, Category.COORDINATION, case_ids=READ_AS_EDITOR.case_ids(ctx))
        return qs.filter(own | editors)


def declare() -> None:
    """Declare the narrow mentor seat, its agreements and the mentoring rules to the access engine."""
    engine.provide_agreements(agreement_openings, narrow_roles=[Role.MENTOR])
    engine.provide_fact("mentoring.own_mentors", own_mentor_ids)
    policy.register(Mentor, Action.VIEW, MentorRegisterRule())
    policy.register(Mentor, Action.UPDATE, MentorRegisterRule())
    policy.register(MentorAssignment, Action.VIEW, AssignmentViewRule())
    policy.register(MentorAssignment, Action.UPDATE, CaseItemRule(Category.COORDINATION, EDIT_CASE))
    # CREATE on an assignment: write in its log (the mentor, while the assignment runs).
    policy.register(MentorAssignment, Action.CREATE, OwnMentorRule(in_force=True))
    policy.register(MentorLogEntry, Action.VIEW, LogEntryRule())
    policy.register(RestorativeReferral, Action.VIEW, CaseItemRule(Category.PLAN, VIEW_CASE))
    policy.register(RestorativeReferral, Action.UPDATE, CaseItemRule(Category.PLAN, EDIT_CASE))
