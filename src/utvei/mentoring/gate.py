"""The mentor's narrow view (R26), enforced in the access layer as a category gate around the one in force.

A user whose only active seat on a case is the mentor seat sees, of that case's information, exactly what
the person agreed to in a mentor agreement in force: contact details (the identity category), the plan's
goals, the plan's measures (plan, work or school measures, and the restorative process status). Never
health, police, child-welfare or concern items, nor conversations. For everyone else, and for cases on
which the user also holds another seat, the wrapped gate (the consent gate) answers unchanged.

The agreement is the person's own consent for their mentor, so an agreed part is shown even when the
mentor's organisation did not record it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from utvei.access.categories import Category
from utvei.access.policy import CategoryGate, M
from utvei.accounts.models import Role, User
from utvei.cases.models import Case, Person

# Measure categories a mentor may ever see, and only with the person's agreement on measures.
MEASURE_CATEGORIES = frozenset({Category.PLAN, Category.WORK, Category.SCHOOL})


@dataclass
class Opening:
    """Hold what mentor agreements in force open on one case."""

    contact: bool = False
    goals: bool = False
    measures: bool = False

    def opens(self, model: type[models.Model], category: str) -> bool:
        """Tell whether these agreements open this kind of item in this category."""
        label = model._meta.label
        if category == Category.IDENTITY:
            return self.contact and model in (Person, Case)
        if label == "plans.Goal":
            return self.goals and category == Category.PLAN
        if label in ("plans.Measure", "mentoring.RestorativeReferral"):
            return self.measures and category in MEASURE_CATEGORIES
        if label == "plans.Plan":
            return (self.goals or self.measures) and category == Category.PLAN
        return False


def _seats(user: User, case_ids: list[int] | None = None) -> tuple[set[int], set[int]]:
    """Split the user's seats in force into mentor-only cases and all seated cases."""
    from utvei.cases.policy import active_seats

    seats = active_seats(user)
    if case_ids is not None:
        seats = seats.filter(case_id__in=case_ids)
    mentor: set[int] = set()
    other: set[int] = set()
    for case_id, role in seats.values_list("case_id", "role"):
        (mentor if role == Role.MENTOR else other).add(case_id)
    return mentor - other, mentor | other


def openings(user: User, case_ids: set[int]) -> dict[int, Opening]:
    """Combine the mentor agreements in force of the user on the given cases."""
    from utvei.mentoring.models import MentorAssignment

    today = timezone.localdate()
    result: dict[int, Opening] = {case_id: Opening() for case_id in case_ids}
    for assignment in MentorAssignment.objects.filter(case_id__in=case_ids, mentor__user=user, ended_at__isnull=True):
        if assignment.in_force(today):
            opening = result[assignment.case_id]
            opening.contact |= assignment.share_contact
            opening.goals |= assignment.share_goals
            opening.measures |= assignment.share_measures
    return result


def _case_ids(obj: models.Model) -> list[int]:
    if isinstance(obj, Person):
        return list(Case.objects.filter(person_id=obj.pk).values_list("pk", flat=True))
    if isinstance(obj, Case):
        return [obj.pk]
    case_id = getattr(obj, "case_id", None)
    return [] if case_id is None else [case_id]


class MentorRestriction:
    """Narrow a mentor-only seat to the agreed parts (R26) and delegate everything else."""

    def __init__(self, inner: CategoryGate) -> None:
        self.inner = inner

    def allows(self, user: User, obj: models.Model, category: str) -> bool:
        """Answer from the mentor agreement when the user's only seats on the item's
        case (for a person: on the person's cases) are mentor seats, else ask the wrapped gate."""
        case_ids = _case_ids(obj)
        mentor_only, seated = _seats(user, case_ids)
        if not seated or mentor_only != seated:
            return self.inner.allows(user, obj, category)
        return any(opening.opens(type(obj), category) for opening in openings(user, mentor_only).values())

    def scope(self, user: User, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]:
        """Keep what the wrapped gate keeps outside mentor-only cases, and on those
        cases what the agreements open."""
        mentor_only, seated = _seats(user)
        if not mentor_only:
            return self.inner.scope(user, qs, category)
        opened = [case_id for case_id, o in openings(user, mentor_only).items() if o.opens(qs.model, category)]
        inner = Q(pk__in=self.inner.scope(user, qs, category).values("pk"))
        if qs.model is Person:
            # A person is narrowed when every case of theirs the user sits on is a mentor-only seat.
            other = seated - mentor_only
            narrowed = Case.objects.filter(pk__in=mentor_only).exclude(person__cases__in=other)
            restricted = narrowed.values("person_id")
            open_persons = narrowed.filter(pk__in=opened).values("person_id")
            return qs.filter((inner & ~Q(pk__in=restricted)) | Q(pk__in=open_persons))
        return qs.filter((inner & ~Q(case_id__in=mentor_only)) | Q(case_id__in=opened))
