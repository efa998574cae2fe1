"""Reads of persons and cases. Each returns view models already filtered by the access engine and audits
the read, naming the categories shown and the grounds they rested on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category, Field
from utvei.access.engine import Ground
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, OrganisationKind, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases import rules, sections
from utvei.cases.cards import CaseCard, CaseFacts, PersonCard, case_card, case_facts_card, person_card
from utvei.cases.models import (
    Case,
    CaseAdvice,
    Concern,
    Escalation,
    Guardian,
    Phase,
    PhaseChange,
    ReferralSource,
    Relapse,
    Task,
    TeamMember,
)
from utvei.cases.policy import COORDINATOR_ROLES
from utvei.cases.selectors.corrections import (
    ContactPage,
    SeatPage,
    TaskPage,
    person_contact_for_correction,
    task_for_correction,
    team_seat_page,
)
from utvei.cases.selectors.history import EarlierValue, RevisionRow, history_rows, revision_history
from utvei.cases.selectors.persons import PersonMatch as PersonMatch
from utvei.cases.selectors.persons import person_for_new_case as person_for_new_case
from utvei.cases.selectors.persons import person_search as person_search

# The columns a list of cases shows; encrypted free text is never loaded for a list.
CASE_LIST_FIELDS = (
    "pk",
    "reference",
    "phase",
    "opened_at",
    "closed_at",
    "person__given_name",
    "person__family_name",
    "person__birth_date",
    "responsible_organisation__name",
)


def _cases_for_list(qs: object) -> list[Case]:
    return list(
        qs.select_related("responsible_organisation", "person").only(*CASE_LIST_FIELDS)  # type: ignore[attr-defined]
    )


def case_list(*, actor: User) -> list[CaseCard]:
    """List the cases the actor may see, newest first, and audit the listing."""
    with reading():
        cases = _cases_for_list(policy.scope(actor, Action.VIEW, Case.objects.all()).order_by("-opened_at"))
        record(actor=actor, event=AuditEvent.LIST, target_type=Case._meta.label, target_id=len(cases))
    return [case_card(case) for case in cases]


@dataclass(frozen=True)
class TaskRow:
    """Hold one open task as a list shows it."""

    pk: int
    title: str
    due_on: date
    case_id: int
    case_reference: str
    assignee: str

    @property
    def is_overdue(self) -> bool:
        """Tell whether the task is past its due date."""
        return self.due_on < timezone.localdate()


def _task_row(task: Task) -> TaskRow:
    return TaskRow(
        task.pk, task.shown_title(), task.due_on, task.case_id, task.case.reference, task.assignee.display_name()
    )


@dataclass
class Dashboard:
    """Hold the actor's own open tasks for the work list (the cases are paged by ``cases.worklist``)."""

    tasks: list[TaskRow]
    overdue_count: int
    today: date


def dashboard(*, actor: User) -> Dashboard:
    """Give the actor's open tasks on the cases the policy lets them see, soonest due first."""
    today = timezone.localdate()
    with reading():
        tasks = [
            _task_row(task)
            for task in policy.scope(actor, Action.VIEW, Task.objects.filter(assignee=actor, done_at__isnull=True))
            .select_related("case", "assignee")
            .only(
                "pk",
                "title",
                "kind",
                "about_on",
                "row_uid",
                "due_on",
                "case__reference",
                "assignee__first_name",
                "assignee__last_name",
                "assignee__username",
            )
            .order_by("due_on")
        ]
        record(actor=actor, event=AuditEvent.LIST, target_type=Task._meta.label, target_id=len(tasks))
    return Dashboard(tasks, sum(1 for t in tasks if t.due_on < today), today)


@dataclass(frozen=True)
class TeamRow:
    """Hold one seat of the follow-up team as the case page shows it."""

    pk: int
    name: str
    organisation: str
    role: str
    role_label: str
    task: str


@dataclass
class CaseOverview:
    """Hold the case's overview tab: only the parts the engine lets the actor see."""

    case: CaseCard
    facts: CaseFacts
    person: PersonCard
    team: list[TeamRow]
    warnings: list[rules.Warning]
    tasks: list[TaskRow]
    escalations: list[Escalation]
    advice: list[CaseAdvice]
    relapses: list[Relapse]
    tabs: list[sections.Tab]
    can_edit: bool
    can_disclose: bool
    is_slt_on_team: bool
    phase_targets: list[tuple[str, str]]
    fields: frozenset[str] = field(default_factory=frozenset)
    phase_suggestion: rules.PhaseSuggestion | None = None
    # The reports made by an organisation the actor sits for: those they may complete later (R17).
    own_report_ids: frozenset[int] = field(default_factory=frozenset)


def _case_seen(actor: User, case_id: int, action: Action = Action.VIEW) -> Case:
    case = (
        Case.objects.select_related("responsible_organisation", "person", "person__registered_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, action, case)
    return case


def _record_read(actor: User, case: Case, *, event: AuditEvent = AuditEvent.VIEW, target: object = None) -> None:
    categories, grounds = policy.context(actor).shown(case.pk)
    record(
        actor=actor,
        event=event,
        target=target or case,  # type: ignore[arg-type]
        case=case,
        categories=categories,
        grounds=grounds or [policy.context(actor).case_ground(case.pk)],
    )


def _shown(actor: User, case: Case, items: list[object], category: str) -> list[object]:
    """Note the items a page shows (their category and the ground each rested on) for the audit row."""
    ctx = policy.context(actor)
    grounds = {policy.category_ground(ctx, item, category) for item in items}  # type: ignore[arg-type]
    ctx.note(case.pk, [category] if items else [], {g for g in grounds if g is not None})
    return items


def case_get(*, actor: User, case_id: int) -> CaseCard:
    """Fetch one case the actor may see and audit the read.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        case = _case_seen(actor, case_id)
        _record_read(actor, case)
    return case_card(case)


def case_overview(*, actor: User, case_id: int) -> CaseOverview:
    """Gather the case's overview for the actor: the case, the person and the team as far as the engine
    allows, rule warnings and the items the actor may see. One audited read naming what it showed.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        case = _case_seen(actor, case_id)
        ctx = policy.context(actor)
        fields = policy.fields(actor, "case", case)
        guardians = list(policy.scope(actor, Action.VIEW, Guardian.objects.filter(person=case.person)))
        team = list(
            policy.scope(actor, Action.VIEW, TeamMember.objects.filter(case=case, left_at__isnull=True))
            .select_related("user", "organisation")
            .order_by("added_at")
        )
        own_roles = {m.role for m in team if m.user_id == actor.pk}
        can_edit = policy.can(actor, Action.UPDATE, case)
        relapses = _shown(
            actor, case, list(policy.scope(actor, Action.VIEW, Relapse.objects.filter(case=case))), Category.CONCERN
        )
        warnings: list[rules.Warning] = []
        if Field.WARNINGS in fields and can_edit:
            facts = sections.case_facts(actor=actor, case=case)
            warnings = rules.case_warnings(
                case,
                has_exit_coordinator=any(m.role == Role.EXIT_COORDINATOR for m in team),
                has_police_contact=any(m.role == Role.POLICE_CONTACT for m in team),
                members_without_task=[m.user.display_name() for m in team if not m.task],
                conversations=int(facts.get("conversations", 0)),  # type: ignore[call-overload]
                has_contact_plan=bool(facts.get("has_contact_plan", False)),
                consulted_after_first=bool(facts.get("consulted_after_first", False)),
                relapses=len(relapses),
                is_prison_case=case.referral_source == ReferralSource.CORRECTIONAL or bool(facts.get("prison_visits")),
                has_correctional_member=any(m.organisation.kind == OrganisationKind.CORRECTIONAL_SERVICE for m in team),
            )
        suggestion = _phase_suggestion(actor, case, team) if Field.WARNINGS in fields and can_edit else None
        tasks = [
            _task_row(t)
            for t in policy.scope(actor, Action.VIEW, Task.objects.filter(case=case, done_at__isnull=True))
            .select_related("assignee", "case")
            .order_by("due_on")
        ]
        overview = CaseOverview(
            case=case_card(case),
            facts=case_facts_card(case, fields),
            person=person_card(case.person, fields, guardians),
            team=[
                TeamRow(m.pk, m.user.display_name(), m.organisation.name, m.role, str(m.get_role_display()), m.task)
                for m in team
                if Field.TEAM in fields or m.role in COORDINATOR_ROLES
            ],
            warnings=warnings,
            tasks=tasks,
            escalations=_shown(
                actor,
                case,
                list(policy.scope(actor, Action.VIEW, Escalation.objects.filter(case=case))),
                Category.POLICE,
            ),  # type: ignore[arg-type]
            advice=_shown(
                actor,
                case,
                list(policy.scope(actor, Action.VIEW, CaseAdvice.objects.filter(case=case))),
                Category.COORDINATION,
            ),  # type: ignore[arg-type]
            relapses=relapses,  # type: ignore[arg-type]
            tabs=sections.tabs_for(actor=actor, case=case),
            can_edit=can_edit,
            can_disclose=policy.can(actor, Action.DISCLOSE, case),
            is_slt_on_team=Role.SLT_COORDINATOR in own_roles,
            phase_targets=[(p, str(Phase(p).label)) for p in rules.allowed_targets(case)] if can_edit else [],
            fields=fields,
            phase_suggestion=suggestion,
        )
        acting = set(ctx.acting_organisations(case.pk))
        overview.own_report_ids = frozenset(e.pk for e in overview.escalations if e.owner_organisation_id in acting)
        ctx.note(case.pk, sorted(fields), [ctx.case_ground(case.pk)])
        _record_read(actor, case)
    return overview


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value if isinstance(value, date) else None


def _phase_suggestion(actor: User, case: Case, team: list[TeamMember]) -> rules.PhaseSuggestion | None:
    """Suggest the phase the recorded work points to, from the sources the apps register and the team.

    Every source is one column of a single query on the case row, beside the day the case was last moved
    back (a move to an earlier phase: phase names sort in process order).
    """
    if not case.is_open:
        return None
    sources = sections.evidence_sources()
    columns: dict[str, Subquery] = {f"source_{i}": s.latest(actor=actor) for i, s in enumerate(sources)}
    moved_back = policy.scope(
        actor, Action.VIEW, PhaseChange.objects.filter(case=OuterRef("pk"), to_phase__lt=F("from_phase"))
    )
    columns["moved_back"] = Subquery(moved_back.order_by("-changed_at").values("changed_at")[:1])
    row = Case.objects.filter(pk=case.pk).annotate(**columns).values(*columns).first() or {}
    evidence = [
        sections.PhaseEvidence(source.phase, on, str(source.what))
        for i, source in enumerate(sources)
        if (on := _day(row.get(f"source_{i}"))) is not None
    ]
    coordinators = [m for m in team if m.role == Role.EXIT_COORDINATOR]
    evidence += [
        sections.PhaseEvidence(Phase.P2, timezone.localdate(m.added_at), _("an exit coordinator is on the team"))
        for m in coordinators[:1]
    ]
    return rules.phase_suggestion(
        case, evidence, moved_back_on=_day(row.get("moved_back")), has_exit_coordinator=bool(coordinators)
    )


@dataclass
class CaseTab:
    """Hold one tab of the case workspace other than the overview: the sections the actor may see."""

    case: CaseCard
    tab: sections.Tab
    tabs: list[sections.Tab]
    sections: list[sections.Section]
    can_edit: bool


def case_tab(*, actor: User, case_id: int, slug: str) -> CaseTab:
    """Gather one tab of the case workspace (conversations, plan, network, sharing) in one audited read.

    :raises NotFound: the case or tab does not exist, the actor may not see the case, or sees nothing on
        that tab (a mentor has no sharing tab, R26).
    """
    found = sections.tab(slug)
    with reading():
        case = _case_seen(actor, case_id)
        gathered = [] if found is None else sections.sections_for(actor=actor, case=case, tab=slug)
        if found is None or found is sections.OVERVIEW or not gathered:
            raise NotFound(Case._meta.label, case_id)
        page = CaseTab(
            case=case_card(case),
            tab=found,
            tabs=sections.tabs_for(actor=actor, case=case),
            sections=gathered,
            can_edit=policy.can(actor, Action.UPDATE, case),
        )
        policy.context(actor).note(case.pk, [f"tab:{slug}"], [])
        _record_read(actor, case)
    return page


@dataclass
class CaseForm:
    """Hold what a form page about a case needs: its card, and the team to choose from where asked."""

    case: CaseCard
    team: list[TeamMember] = field(default_factory=list)
    police_not_involved_reason: str = ""


def case_for_update(*, actor: User, case_id: int, with_team: bool = False) -> CaseForm:
    """Fetch a case the actor may change (for a form page) and audit the read.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = _case_seen(actor, case_id, Action.UPDATE)
        team = []
        if with_team:
            team = list(
                policy.scope(actor, Action.VIEW, TeamMember.objects.filter(case=case, left_at__isnull=True))
                .select_related("user", "organisation")
                .order_by("added_at")
            )
            policy.context(actor).note(case.pk, [Field.TEAM], [Ground.SEAT])
        _record_read(actor, case)
    return CaseForm(case_card(case), team, case.police_not_involved_reason)


def team_seat_for_update(*, actor: User, seat_id: int) -> tuple[TeamMember, CaseCard]:
    """Fetch a team seat in force on a case the actor may change (for its task form) and audit the read.

    :raises NotFound: the seat does not exist or has ended, or the actor may not change its case.
    """
    with reading():
        seat = (
            TeamMember.objects.select_related(
                "case", "case__person", "case__responsible_organisation", "user", "organisation"
            )
            .filter(pk=seat_id, left_at__isnull=True)
            .first()
        )
        if seat is None or not policy.can(actor, Action.UPDATE, seat.case):
            raise NotFound(TeamMember._meta.label, seat_id)
        record(actor=actor, event=AuditEvent.VIEW, target=seat, case=seat.case, categories=[Field.TEAM])
    return seat, case_card(seat.case)


def case_for_escalation(*, actor: User, case_id: int) -> CaseCard:
    """Fetch a case the actor may report a concern on (any team member, any phase).

    The report page must always render (R17): it reads only the case's card, never its free text.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with reading():
        case = (
            Case.objects.select_related("person", "responsible_organisation")
            .only(*CASE_LIST_FIELDS, "person__birth_date")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.SHARE, case)
        _record_read(actor, case)
    return case_card(case)


@dataclass
class TeamCandidates:
    """Hold the team page's choices: the case (for the service), its card (for the page) and the candidates."""

    case: Case
    card: CaseCard
    candidates: list[Membership]


def team_candidates(*, actor: User, case_id: int) -> TeamCandidates:
    """List who may be seated on the team: the staff of the case's responsible organisation and of the
    organisations it works with (its partners), in case roles, not already seated.

    Another municipality's staff are never offered: they are not partners of the case's organisation.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    from utvei.accounts.selectors import partner_organisation_ids
    from utvei.cases.services import TEAM_ROLES

    with reading():
        case = _case_seen(actor, case_id, Action.UPDATE)
        organisations = partner_organisation_ids(organisation_id=case.responsible_organisation_id)
        taken = set(case.team.filter(left_at__isnull=True).values_list("user_id", "organisation_id"))
        candidates = [
            m
            for m in Membership.objects.active()
            .filter(role__in=TEAM_ROLES, organisation_id__in=sorted(organisations))
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name")
            if (m.user_id, m.organisation_id) not in taken
        ]
        policy.context(actor).note(case.pk, [Field.TEAM], [Ground.SEAT])
        _record_read(actor, case)
    return TeamCandidates(case, case_card(case), candidates)


CONCERN_PAGE_SIZE = 25


@dataclass
class ConcernPage:
    """Hold one page of the concern-only records, newest first, with the total from the database."""

    rows: list[Concern]
    total: int
    page: int
    pages: int


def concern_page(*, actor: User, page: int = 1) -> ConcernPage:
    """Give one page of the concern-only records the actor may see and audit the listing.

    A page past the last gives the last page; only the page's records are loaded and decrypted.
    """
    with reading():
        concerns = policy.scope(actor, Action.VIEW, Concern.objects.all())
        total = concerns.count()
        pages = max(1, -(-total // CONCERN_PAGE_SIZE))
        page = min(max(1, page), pages)
        start = (page - 1) * CONCERN_PAGE_SIZE
        rows = list(concerns.order_by("-recorded_on", "-pk")[start : start + CONCERN_PAGE_SIZE])
        record(actor=actor, event=AuditEvent.LIST, target_type=Concern._meta.label, target_id=len(rows))
    return ConcernPage(rows, total, page, pages)


__all__ = [
    "ContactPage",
    "EarlierValue",
    "RevisionRow",
    "SeatPage",
    "TaskPage",
    "history_rows",
    "person_contact_for_correction",
    "revision_history",
    "task_for_correction",
    "team_seat_page",
]
