"""Reads of the individual plan, scoped by the policy and audited; and the plan as a PDF for the person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from utvei.access import policy
from utvei.access.engine import Ground
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case
from utvei.cases.policy import DISCLOSER_ROLES
from utvei.cases.selectors import RevisionRow, revision_history
from utvei.cases.services import lock_case_for_update
from utvei.core.pdf import render_pdf
from utvei.plans import rules
from utvei.plans.models import (
    Decision,
    DomainNote,
    Goal,
    LegalReference,
    Measure,
    MeasureKind,
    MeasureProgress,
    MeasureStatus,
    Meeting,
    Participant,
    Plan,
    PlanStatus,
    PlanVersion,
    PlanWish,
    Review,
)
from utvei.plans.services import coordinator_candidates, existing_plan, plan_counts, version_changes


@dataclass
class PlanPage:
    """Hold what the plan page shows: the parts the actor may see, and what R08 lacks."""

    plan: Plan
    can_edit: bool
    goals: list[Goal] = field(default_factory=list)
    domains: list[DomainNote] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hidden_measures: int = 0
    school_duty: list[LegalReference] = field(default_factory=list)
    overdue_reviews: int = 0


def _plan_for_view(actor: User, plan_id: int) -> Plan:
    plan = (
        Plan.objects.select_related("case", "case__person", "coordinator", "coordinator_organisation", "wish")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound(Plan._meta.label, plan_id)
    policy.require(actor, Action.VIEW, plan)
    return plan


def _is_pupil(plan: Plan, participants: list[Participant]) -> bool:
    """Tell whether the school's cooperation duty applies: a school takes part, an
    education measure is planned, or the person is of school age."""
    if any(p.organisation.kind == OrganisationKind.SCHOOL for p in participants):
        return True
    if Measure.objects.filter(plan=plan, kind=MeasureKind.EDUCATION).exists():
        return True
    return rules.is_pupil_age(plan.person.age_on())


def _page(actor: User, plan: Plan) -> PlanPage:
    today = timezone.localdate()
    participants = list(
        policy.scope(actor, Action.VIEW, Participant.objects.filter(plan=plan)).select_related(
            "organisation", "legal_reference"
        )
    )
    measures = list(
        policy.scope(actor, Action.VIEW, Measure.objects.filter(plan=plan)).select_related(
            "provider_organisation", "responsible_user", "goal"
        )
    )
    reviews = list(policy.scope(actor, Action.VIEW, Review.objects.filter(plan=plan)))
    counts = plan_counts(plan)
    page = PlanPage(
        plan=plan,
        can_edit=policy.can(actor, Action.UPDATE, plan) and not plan.is_ended,
        goals=list(policy.scope(actor, Action.VIEW, Goal.objects.filter(plan=plan))),
        domains=list(policy.scope(actor, Action.VIEW, DomainNote.objects.filter(plan=plan))),
        participants=participants,
        measures=measures,
        reviews=reviews,
        meetings=list(policy.scope(actor, Action.VIEW, Meeting.objects.filter(plan=plan))),
        missing=rules.missing_elements(counts) if not plan.is_ended else [],
        warnings=rules.plan_warnings(counts) if not plan.is_ended else [],
        hidden_measures=Measure.objects.filter(plan=plan).count() - len(measures),
        overdue_reviews=sum(1 for r in reviews if r.is_overdue(today)),
    )
    if _is_pupil(plan, participants):
        page.school_duty = list(LegalReference.objects.in_force(today).filter(is_school_duty=True))
    return page


def plan_get(*, actor: User, plan_id: int) -> PlanPage:
    """Fetch the plan page the actor may see, and audit the read.

    :raises NotFound: the plan does not exist or the actor may not see it.
    """
    with reading():
        plan = _plan_for_view(actor, plan_id)
        page = _page(actor, plan)
        record(actor=actor, event=AuditEvent.VIEW, target=plan, case=plan.case)
    return page


@dataclass
class PlanSection:
    """Hold what the case's plan tab shows of the plan."""

    case: CaseCard
    plan: Plan | None
    wish: PlanWish | None
    can_edit: bool = False
    missing: list[str] = field(default_factory=list)
    other_plan: bool = False
    review_overdue: bool = False


def plan_section(*, actor: User, case: Case) -> PlanSection | None:
    """Gather the plan section of the case's plan tab (the tab's read is audited by its caller).

    "Another plan" is told only from the plans the actor may see: on another case of the same person
    record, where the actor also sits. A plan the actor may not see is never hinted at here; starting a
    second plan is refused by the plan service, which offers the one in force (R07).
    """
    if not policy.can(actor, Action.VIEW, case):
        return None
    wishes = list(
        policy.scope(actor, Action.VIEW, PlanWish.objects.filter(case=case)).order_by("-expressed_on", "-pk")[:1]
    )
    plans = list(
        policy.scope(actor, Action.VIEW, Plan.objects.filter(person_id=case.person_id)).select_related("coordinator")
    )
    here = [p for p in plans if p.case_id == case.pk]
    plan = next((p for p in here if p.ended_at is None), here[0] if here else None)
    current = next((p for p in plans if p.ended_at is None), None)
    can_edit = plan is not None and policy.can(actor, Action.UPDATE, plan) and not plan.is_ended
    section = PlanSection(
        case=case_card(case),
        plan=plan,
        wish=wishes[0] if wishes else None,
        can_edit=can_edit,
        other_plan=current is not None and (plan is None or current.pk != plan.pk),
    )
    if plan is not None and not plan.is_ended:
        section.missing = rules.missing_elements(plan_counts(plan)) if can_edit and plan.status != "active" else []
        section.review_overdue = plan.review_overdue()
    shown = [item for item in (plan, section.wish) if item is not None]
    ctx = policy.context(actor)
    ctx.note(
        case.pk, ["plan"] if shown else [], {g for g in (policy.category_ground(ctx, i, "plan") for i in shown) if g}
    )
    return section


def sees_plan(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the plan tab is offered (to every seat: a narrow one
    sees the parts its agreement opens)."""
    return policy.context(actor).person_of_case(case.pk) is not None


@dataclass(frozen=True)
class ProgressRow:
    """Hold one progress report on a measure as shown: when, by whom and what (the note only if shown)."""

    recorded_at: datetime
    author: str
    organisation: str
    status_before: str
    status: str
    note: str


@dataclass(frozen=True)
class ProvidedMeasure:
    """Hold what the provider of a measure sees of it, and the reports shown to the actor."""

    pk: int
    case: CaseCard
    title: str
    kind: str
    provider: str
    responsible: str
    start_on: date | None
    end_on: date | None
    status: str
    status_label: str
    history: list[ProgressRow] = field(default_factory=list)


def _progress_rows(actor: User, measure: Measure) -> list[ProgressRow]:
    reports = policy.scope(actor, Action.VIEW, MeasureProgress.objects.filter(measure=measure))
    labels = dict(MeasureStatus.choices)
    return [
        ProgressRow(
            p.recorded_at,
            p.recorded_by.display_name(),
            p.owner_organisation.name,
            str(labels.get(p.status_before, p.status_before)),
            str(labels.get(p.status, p.status)),
            p.note,
        )
        for p in reports.select_related("recorded_by", "owner_organisation")
    ]


def provided_measure_get(*, actor: User, measure_id: int) -> ProvidedMeasure:
    """Fetch a measure for the organisation that provides it, with the progress reports the actor may see.

    :raises NotFound: the measure does not exist, or the actor's organisation does not provide it on an open
        case (the same answer for both).
    """
    with reading():
        measure = (
            Measure.objects.select_related("case", "case__person", "case__responsible_organisation")
            .select_related("provider_organisation", "responsible_user")
            .filter(pk=measure_id)
            .first()
        )
        if measure is None:
            raise NotFound(Measure._meta.label, measure_id)
        policy.require(actor, Action.RESPOND, measure)
        history = _progress_rows(actor, measure)
        page = ProvidedMeasure(
            pk=measure.pk,
            case=case_card(measure.case),
            title=measure.title,
            kind=str(measure.get_kind_display()),
            provider=measure.provider_organisation.name,
            responsible=measure.responsible,
            start_on=measure.start_on,
            end_on=measure.end_on,
            status=measure.status,
            status_label=str(measure.get_status_display()),
            history=history,
        )
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=measure,
            case=measure.case,
            categories=[measure.category],
            grounds=[Ground.SEAT],
        )
    return page


def provided_measures_section(*, actor: User, case: Case) -> list[ProvidedMeasure] | None:
    """List the plan measures the actor's organisation provides on the case, for the plan tab (None: none)."""
    measures = policy.scope(actor, Action.RESPOND, Measure.objects.filter(case=case)).select_related(
        "provider_organisation", "responsible_user"
    )
    card = case_card(case)
    found = [
        ProvidedMeasure(
            pk=m.pk,
            case=card,
            title=m.title,
            kind=str(m.get_kind_display()),
            provider=m.provider_organisation.name,
            responsible=m.responsible,
            start_on=m.start_on,
            end_on=m.end_on,
            status=m.status,
            status_label=str(m.get_status_display()),
        )
        for m in measures
    ]
    if found:
        policy.context(actor).note(case.pk, sorted({m.category for m in measures}), set())
    return found or None


def provides_measures(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the actor holds a seat that may provide measures here."""
    return any(s.case_open and s.role in DISCLOSER_ROLES for s in policy.context(actor).seats_on(case.pk))


@dataclass(frozen=True)
class HistoryRow:
    """Hold one version of the plan as the history page shows it."""

    version: PlanVersion
    what: str
    action: str
    changes: list[tuple[str, str, str]]


_MODELS: dict[str, type[Any]] = {
    model._meta.model_name or "": model
    for model in (Plan, Goal, DomainNote, Participant, Measure, Review, Meeting, Decision)
}


# What each kind of part is called on the history page, in the reader's language.
_PART_NAMES = {
    "plan": pgettext_lazy("plan part", "The plan"),
    "goal": pgettext_lazy("plan part", "Goal"),
    "domainnote": pgettext_lazy("plan part", "Resources and needs"),
    "participant": pgettext_lazy("plan part", "Participating service"),
    "measure": pgettext_lazy("plan part", "Measure"),
    "review": pgettext_lazy("plan part", "Review"),
    "meeting": pgettext_lazy("plan part", "Meeting"),
    "decision": pgettext_lazy("plan part", "Decision"),
}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shown(value: str) -> str:
    # Dates are kept as ISO text in the version; the reader sees them in the format of their language.
    if _ISO_DAY.match(value):
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return value


def _history_row(version: PlanVersion) -> HistoryRow:
    model = _MODELS.get(version.object_type)
    labels: dict[str, str] = {}
    if model is not None:
        labels = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()}
    part = str(_PART_NAMES.get(version.object_type, version.object_type))
    if version.action == "create":
        action = _("%(part)s added") % {"part": part}
    elif version.action == "update":
        action = _("%(part)s changed") % {"part": part}
    else:
        action = part
    changes = [
        (labels.get(name, name), _shown(old), _shown(new)) for name, (old, new) in version_changes(version).items()
    ]
    return HistoryRow(version, part, action, changes)


def plan_history(*, actor: User, plan_id: int) -> tuple[Plan, list[HistoryRow]]:
    """List the plan's versions the actor may see, newest first, with their diffs.

    :raises NotFound: the plan does not exist or the actor may not see it.
    """
    with reading():
        plan = _plan_for_view(actor, plan_id)
        versions = policy.scope(actor, Action.VIEW, PlanVersion.objects.filter(plan=plan)).select_related("changed_by")
        rows = [_history_row(version) for version in versions]
        record(actor=actor, event=AuditEvent.VIEW, target=plan, case=plan.case, changed_fields=["history"])
    return plan, rows


def meeting_get(*, actor: User, meeting_id: int) -> tuple[Meeting, list[Decision], bool]:
    """Fetch a team meeting with its decisions, and whether the actor may add decisions.

    :raises NotFound: the meeting does not exist or the actor may not see it.
    """
    with reading():
        meeting = Meeting.objects.select_related("plan", "case", "plan__case").filter(pk=meeting_id).first()
        if meeting is None:
            raise NotFound(Meeting._meta.label, meeting_id)
        policy.require(actor, Action.VIEW, meeting)
        decisions = list(
            policy.scope(actor, Action.VIEW, Decision.objects.filter(meeting=meeting)).select_related(
                "measure", "owner"
            )
        )
        can_edit = policy.can(actor, Action.UPDATE, meeting) and not meeting.plan.is_ended
        record(actor=actor, event=AuditEvent.VIEW, target=meeting, case=meeting.case)
    return meeting, decisions, can_edit


# --- form data (the edit pages load what their form needs, checked for UPDATE) -----------------------


def wish_form_data(*, actor: User, case_id: int) -> tuple[Case, Plan | None, bool]:
    """Load the case for the wish and plan-start pages, with the person's plan in force
    and whether a wish for a plan stands.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = lock_case_for_update(actor, case_id)
        has_wish = PlanWish.objects.filter(case=case, withdrawn_on__isnull=True).exists()
        # R07: the plan in force is named even if the actor cannot open it, so no second plan is started.
        current = existing_plan(person_id=case.person_id)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case, categories=["plan"])
        return case, current, has_wish


@dataclass
class PlanFormData:
    """Hold what a plan edit page needs."""

    plan: Plan
    team: list[User] = field(default_factory=list)
    coordinators: list[User] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    references: list[LegalReference] = field(default_factory=list)
    # The corrections of the one goal or measure the page edits, newest first.
    history: list[RevisionRow] = field(default_factory=list)


def plan_form_data(*, actor: User, plan_id: int) -> PlanFormData:
    """Load a plan the actor may change, with the choices its forms offer, and audit the read.

    :raises NotFound: the plan does not exist or the actor may not change it.
    """
    data = _plan_form_data(actor, plan_id)
    record(actor=actor, event=AuditEvent.VIEW, target=data.plan, case=data.plan.case, categories=["plan"])
    return data


def _plan_form_data(actor: User, plan_id: int) -> PlanFormData:
    plan = Plan.objects.select_related("case", "case__person").filter(pk=plan_id).first()
    if plan is None or not policy.can(actor, Action.UPDATE, plan) or plan.is_ended:
        raise NotFound(Plan._meta.label, plan_id)
    team = User.objects.filter(case_teams__case=plan.case, case_teams__left_at__isnull=True).distinct()
    return PlanFormData(
        plan=plan,
        team=list(team.order_by("first_name", "last_name")),
        coordinators=coordinator_candidates(case=plan.case),
        organisations=list(Organisation.objects.order_by("name")),
        goals=list(policy.scope(actor, Action.VIEW, Goal.objects.filter(plan=plan))),
        measures=list(policy.scope(actor, Action.UPDATE, Measure.objects.filter(plan=plan))),
        references=list(LegalReference.objects.in_force(timezone.localdate())),
    )


def measure_form_data(*, actor: User, measure_id: int) -> tuple[Measure, PlanFormData]:
    """Load a measure the actor may change, with its plan's form choices.

    :raises NotFound: the measure does not exist or the actor may not change it.
    """
    measure = Measure.objects.select_related("plan", "case").filter(pk=measure_id).first()
    if measure is None or measure.plan_id is None or not policy.can(actor, Action.UPDATE, measure):
        raise NotFound(Measure._meta.label, measure_id)
    data = _plan_form_data(actor, measure.plan_id)
    data.history = revision_history(actor=actor, obj=measure, person_id=measure.case.person_id, case_id=measure.case_id)
    record(actor=actor, event=AuditEvent.VIEW, target=measure, case=measure.case, categories=[measure.category])
    return measure, data


def goal_form_data(*, actor: User, goal_id: int) -> Goal:
    """Load a goal the actor may see on a plan they may change.

    :raises NotFound: the goal does not exist or the actor may not change it.
    """
    goal = Goal.objects.select_related("plan", "case").filter(pk=goal_id).first()
    if goal is None or not policy.can(actor, Action.VIEW, goal) or not policy.can(actor, Action.UPDATE, goal.plan):
        raise NotFound(Goal._meta.label, goal_id)
    record(actor=actor, event=AuditEvent.VIEW, target=goal, case=goal.case, categories=["plan"])
    return goal


def goal_edit_data(*, actor: User, goal_id: int) -> tuple[Goal, list[RevisionRow]]:
    """Load a goal the actor may see on a plan they may change, with its corrections (newest first).

    :raises NotFound: the goal does not exist or the actor may not change it.
    """
    with reading():
        goal = goal_form_data(actor=actor, goal_id=goal_id)
        history = revision_history(actor=actor, obj=goal, person_id=goal.case.person_id, case_id=goal.case_id)
    return goal, history


# --- the PDF for the person ----------------------------------------------------------------------------


def plan_pdf(*, actor: User, plan_id: int, language: str) -> tuple[Plan, bytes]:
    """Render the plan as a PDF for the person and audit the export.

    The document holds the person's goals, resources and needs, participants, measures and review dates,
    in plain words; never internal notes, the address, or words that reveal the work (R27; render_pdf
    refuses them). It holds what the actor may see.

    :raises NotFound: the plan does not exist or the actor may not export it.
    :raises RevealingContent: the text would reveal the work (the export is then not made).
    """
    with reading():
        plan = _plan_for_view(actor, plan_id)
        policy.require(actor, Action.EXPORT, plan)
        page = _page(actor, plan)
        context = {
            "page": page,
            "plan": plan,
            "person": plan.person,
            "printed_on": timezone.localdate(),
            "active_measures": [m for m in page.measures if m.status != "cancelled"],
            "reviews": [r for r in page.reviews if r.held_on is None],
        }
        language = "en" if language.startswith("en") else "nb"
        from django.utils import translation

        with translation.override(language):
            title = _("Your individual plan")
        document = render_pdf("plans/plan_pdf.html", context, language=language, title=str(title))
        record(actor=actor, event=AuditEvent.EXPORT, target=plan, case=plan.case, changed_fields=["language"])
    return plan, document


# The plan work that points to a phase: a plan being prepared (P5), an active plan (P6), a review meeting (P7).


def _plans_in_force(actor: User) -> QuerySet[Plan]:
    return policy.scope(actor, Action.VIEW, Plan.objects.filter(case=OuterRef("pk"), ended_at__isnull=True))


def latest_draft_plan(*, actor: User) -> Subquery:
    """Give when the case's plan in preparation was started, as far as the actor may see (evidence for P5)."""
    return Subquery(
        _plans_in_force(actor).filter(status=PlanStatus.DRAFT).order_by("-created_at").values("created_at")[:1]
    )


def latest_active_plan(*, actor: User) -> Subquery:
    """Give when the case's plan became active, as far as the actor may see (evidence for P6)."""
    active = _plans_in_force(actor).filter(status=PlanStatus.ACTIVE, activated_at__isnull=False)
    return Subquery(active.order_by("-activated_at").values("activated_at")[:1])


def latest_review_meeting(*, actor: User) -> Subquery:
    """Give when the case's latest review meeting was recorded, as far as the actor may see (evidence for P7)."""
    reviews = policy.scope(actor, Action.VIEW, Meeting.objects.filter(plan__case=OuterRef("pk"), is_review=True))
    return Subquery(reviews.order_by("-created_at").values("created_at")[:1])
