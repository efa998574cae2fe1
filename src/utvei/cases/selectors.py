"""Reads of persons and cases. Each returns data already scoped by the access policy and audits the read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, OrganisationKind, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import rules
from utvei.cases.models import (
    Case,
    CaseAdvice,
    Concern,
    Escalation,
    Person,
    Phase,
    ReferralSource,
    Relapse,
    Task,
    TeamMember,
)
from utvei.cases.sections import Section, case_sections
from utvei.cases.services.persons import national_id_indexes


def case_list(*, actor: User) -> list[Case]:
    """List the cases the actor may see, newest first, and audit the listing."""
    with transaction.atomic():
        cases = list(
            policy.scope(actor, Action.VIEW, Case.objects.all())
            .select_related("responsible_organisation", "person")
            .order_by("-opened_at")
        )
        record(actor=actor, event=AuditEvent.LIST, target_type=Case._meta.label, target_id=len(cases))
    return cases


@dataclass
class NextContact:
    """Hold one planned contact shown on the dashboard."""

    case: Case
    on: date


@dataclass
class Dashboard:
    """Hold the actor's work list: cases by phase, next contacts and tasks."""

    phases: list[tuple[str, list[Case]]]
    next_contacts: list[NextContact]
    tasks: list[Task]
    overdue_count: int
    today: date


def dashboard(*, actor: User) -> Dashboard:
    """Build the actor's work list from the cases and tasks the policy lets them see."""
    from utvei.contacts.models import ContactPlan, Conversation

    today = timezone.localdate()
    cases = case_list(actor=actor)
    by_phase: dict[str, list[Case]] = {}
    for case in cases:
        by_phase.setdefault(case.phase if case.is_open else "closed", []).append(case)
    phases: list[tuple[str, list[Case]]] = [(str(p.label), by_phase[p.value]) for p in Phase if p.value in by_phase]
    if "closed" in by_phase:
        phases.append(("closed", by_phase["closed"]))
    open_ids = [c.pk for c in cases if c.is_open]
    by_id = {c.pk: c for c in cases}
    upcoming: dict[int, date] = {}
    # Dates only (no content): the next agreed contact of each open case, for every team member.
    for case_id, on in (
        Conversation.objects.filter(case_id__in=open_ids, next_contact_on__isnull=False)
        .values_list("case_id", "next_contact_on")
        .order_by("case_id", "-held_on")
    ):
        if on is not None:
            upcoming.setdefault(case_id, on)
    for case_id, on in ContactPlan.objects.filter(case_id__in=open_ids, planned_on__isnull=False).values_list(
        "case_id", "planned_on"
    ):
        if on is not None:
            upcoming.setdefault(case_id, on)
    next_contacts = sorted((NextContact(by_id[i], d) for i, d in upcoming.items()), key=lambda n: n.on)
    tasks = list(
        policy.scope(actor, Action.VIEW, Task.objects.filter(assignee=actor, done_at__isnull=True))
        .select_related("case")
        .order_by("due_on")
    )
    return Dashboard(phases, next_contacts, tasks, sum(1 for t in tasks if t.due_on < today), today)


@dataclass
class PersonView:
    """Hold what a team member sees of the person; contact details only through the gate."""

    person: Person
    show_contact: bool
    show_address: bool
    guardians: list[object] = field(default_factory=list)
    # The referral reason is concern-type text: it follows the concern category, not contact details (R26).
    show_reason: bool = False
    # A mentor needs contact details, never the national identity number (R26).
    show_national_id: bool = False


@dataclass
class CaseDetail:
    """Hold everything the case page shows, already filtered for the actor."""

    case: Case
    person: PersonView
    team: list[TeamMember]
    warnings: list[rules.Warning]
    tasks: list[Task]
    escalations: list[Escalation]
    advice: list[CaseAdvice]
    relapses: list[Relapse]
    contacts: object
    sections: list[Section]
    can_edit: bool
    is_slt_on_team: bool
    phase_targets: list[tuple[str, str]]


def case_get(*, actor: User, case_id: int) -> Case:
    """Fetch one case the actor may see and audit the read.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    with transaction.atomic():
        case = Case.objects.select_related("responsible_organisation", "person").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.VIEW, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return case


def case_detail(*, actor: User, case_id: int) -> CaseDetail:
    """Gather the case page for the actor: the case, the person as far as the gate allows,
    the team, rule warnings and the items the actor may see. One audited read.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    from utvei.contacts.selectors import contacts_for_case

    with transaction.atomic():
        case = case_get(actor=actor, case_id=case_id)
        person = case.person
        show_contact = policy.can(actor, Action.VIEW, person, category=Category.IDENTITY)
        team = list(case.team.filter(left_at__isnull=True).select_related("user", "organisation"))
        own_roles = {m.role for m in team if m.user_id == actor.pk}
        person_view = PersonView(
            person=person,
            show_contact=show_contact,
            show_address=show_contact and not person.address_is_protected,
            guardians=list(person.guardians.all()) if show_contact else [],
            show_reason=show_contact and policy.can(actor, Action.VIEW, person, category=Category.CONCERN),
            show_national_id=show_contact and own_roles != {Role.MENTOR},
        )
        contacts = contacts_for_case(actor=actor, case=case)
        relapses = list(policy.scope(actor, Action.VIEW, Relapse.objects.filter(case=case)))
        warnings = rules.case_warnings(
            case,
            has_exit_coordinator=any(m.role == Role.EXIT_COORDINATOR for m in team),
            has_police_contact=any(m.role == Role.POLICE_CONTACT for m in team),
            members_without_task=[m.user.display_name() for m in team if not m.task],
            conversations=contacts.conversation_count,
            has_contact_plan=contacts.has_contact_plan,
            consulted_after_first=contacts.consulted_after_first,
            relapses=Relapse.objects.filter(case=case).count(),
            is_prison_case=case.referral_source == ReferralSource.CORRECTIONAL or contacts.prison_visits > 0,
            has_correctional_member=any(m.organisation.kind == OrganisationKind.CORRECTIONAL_SERVICE for m in team),
        )
        can_edit = policy.can(actor, Action.UPDATE, case)
        return CaseDetail(
            case=case,
            person=person_view,
            team=team,
            warnings=warnings,
            tasks=list(
                policy.scope(actor, Action.VIEW, Task.objects.filter(case=case, done_at__isnull=True)).select_related(
                    "assignee"
                )
            ),
            escalations=list(policy.scope(actor, Action.VIEW, Escalation.objects.filter(case=case))),
            advice=list(policy.scope(actor, Action.VIEW, CaseAdvice.objects.filter(case=case))),
            relapses=relapses,
            contacts=contacts,
            sections=case_sections(actor=actor, case=case),
            can_edit=can_edit,
            is_slt_on_team=any(m.role == Role.SLT_COORDINATOR and m.user_id == actor.pk for m in team),
            phase_targets=[(p, str(Phase(p).label)) for p in rules.allowed_targets(case)] if can_edit else [],
        )


def case_for_update(*, actor: User, case_id: int) -> Case:
    """Fetch a case the actor may change (for a form page) and audit the read.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with transaction.atomic():
        case = Case.objects.select_related("person").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.UPDATE, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return case


def case_for_escalation(*, actor: User, case_id: int) -> Case:
    """Fetch a case the actor may report a concern on (any team member, any phase).

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic():
        case = Case.objects.select_related("person").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.SHARE, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return case


def team_candidates(*, actor: User, case: Case) -> list[Membership]:
    """List memberships that may be seated on the team (case roles, active, not seated)."""
    from utvei.cases.services import TEAM_ROLES

    policy.require(actor, Action.UPDATE, case)
    seated = case.team.filter(left_at__isnull=True).values_list("user_id", "organisation_id")
    taken = set(seated)
    return [
        m
        for m in Membership.objects.active()
        .filter(role__in=TEAM_ROLES)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
        if (m.user_id, m.organisation_id) not in taken
    ]


@dataclass
class PersonMatch:
    """Hold one search hit shown before a new person is created."""

    person: Person
    open_case: Case | None
    on_my_team: bool


def person_search(
    *,
    actor: User,
    given_name: str = "",
    family_name: str = "",
    birth_date: date | None = None,
    national_id: str = "",
    phone: str = "",
) -> list[PersonMatch]:
    """Find possible duplicates before a person is created (search before create).

    It searches persons registered by the actor's organisations and persons on the actor's cases, by
    name, birth date, number and phone; every hit shown is audited as a read of that person.
    """
    orgs = Membership.objects.active().filter(user=actor).values_list("organisation_id", flat=True)
    visible = policy.scope(actor, Action.VIEW, Person.objects.all()).values_list("pk", flat=True)
    scope = Person.objects.filter(Q(registered_by_id__in=orgs) | Q(pk__in=visible))
    match = Q(pk__in=[])
    if national_id.strip():
        match |= Q(national_id_index__in=national_id_indexes(national_id.strip()))
    if phone.strip():
        match |= Q(phone=phone.strip())
    if family_name.strip() and given_name.strip():
        match |= Q(family_name__iexact=family_name.strip(), given_name__iexact=given_name.strip())
    if family_name.strip() and birth_date:
        match |= Q(family_name__iexact=family_name.strip(), birth_date=birth_date)
    if given_name.strip() and birth_date:
        match |= Q(given_name__iexact=given_name.strip(), birth_date=birth_date)
    with transaction.atomic():
        hits = list(scope.filter(match).order_by("family_name", "given_name")[:20])
        mine = set(visible)
        result = []
        for person in hits:
            record(actor=actor, event=AuditEvent.VIEW, target=person, person_id=person.pk)
            result.append(PersonMatch(person, person.cases.filter(closed_at__isnull=True).first(), person.pk in mine))
    return result


def person_for_new_case(*, actor: User, person_id: int) -> Person:
    """Fetch a person found by the search, to open a new case for them.

    :raises NotFound: the person is outside the actor's search scope.
    """
    orgs = Membership.objects.active().filter(user=actor).values_list("organisation_id", flat=True)
    visible = policy.scope(actor, Action.VIEW, Person.objects.all()).values_list("pk", flat=True)
    with transaction.atomic():
        person = Person.objects.filter(Q(registered_by_id__in=orgs) | Q(pk__in=visible)).filter(pk=person_id).first()
        if person is None:
            raise NotFound(Person._meta.label, person_id)
        record(actor=actor, event=AuditEvent.VIEW, target=person, person_id=person.pk)
    return person


def concern_list(*, actor: User) -> list[Concern]:
    """List the concern-only records the actor may see and audit the listing."""
    with transaction.atomic():
        concerns = list(policy.scope(actor, Action.VIEW, Concern.objects.all()))
        record(actor=actor, event=AuditEvent.LIST, target_type=Concern._meta.label, target_id=len(concerns))
    return concerns
