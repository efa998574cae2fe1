"""Reads of the mentor register, assignments, the mentor log, the mentor's view and restorative referrals.

Each returns data already scoped by the access policy and audits the read. What a mentor sees of the
person and the plan is decided by the category gate (``mentoring.gate.MentorRestriction``), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from utvei.access import policy
from utvei.access.categories import Category, Field
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, PersonCard, case_card, person_card
from utvei.cases.models import Case
from utvei.cases.selectors import case_for_update
from utvei.mentoring.models import Mentor, MentorAssignment, MentorLogEntry, RestorativeReferral
from utvei.mentoring.services import register_organisation
from utvei.plans.models import Goal, Measure, MeasureKind, Plan


def _name_key(mentor: Mentor) -> tuple[str, str]:
    return (mentor.name.casefold(), mentor.user.last_name.casefold() if mentor.user else "")


def mentor_list(*, actor: User) -> list[Mentor]:
    """List the mentors of the registers the actor keeps, and audit the listing."""
    with reading():
        mentors = sorted(
            policy.scope(actor, Action.VIEW, Mentor.objects.all()).select_related("user", "organisation"),
            # The name is encrypted, so the register is sorted here, not in the database.
            key=lambda m: (not m.is_active, m.organisation.name, _name_key(m)),
        )
        record(actor=actor, event=AuditEvent.LIST, target_type=Mentor._meta.label, target_id=len(mentors))
    return mentors


def mentor_candidates(*, actor: User) -> tuple[Organisation, list[User]]:
    """Give the actor's register organisation and its users with the mentor role who are
    not in the register yet.

    :raises NotFound: the actor keeps no mentor register.
    """
    organisation = register_organisation(actor)
    registered = Mentor.objects.filter(organisation=organisation, user__isnull=False).values_list("user_id", flat=True)
    users = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation=organisation, role=Role.MENTOR)
        .exclude(user_id__in=registered)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]
    return organisation, users


def mentor_for_update(*, actor: User, mentor_id: int) -> Mentor:
    """Fetch a register entry the actor may change, and audit the read.

    :raises NotFound: the mentor does not exist or is not in a register the actor keeps.
    """
    with reading():
        mentor = Mentor.objects.select_related("user", "organisation").filter(pk=mentor_id).first()
        if mentor is None:
            raise NotFound(Mentor._meta.label, mentor_id)
        policy.require(actor, Action.UPDATE, mentor)
        record(actor=actor, event=AuditEvent.VIEW, target=mentor, organisation_id=mentor.organisation_id)
    return mentor


def assignment_form_data(*, actor: User, case_id: int) -> tuple[CaseCard, list[Mentor], list[Measure]]:
    """Give what the assignment form needs: the case (which the actor must be able to
    change), the active mentors the actor may assign, and the case's mentor measures the actor sees.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = case_for_update(actor=actor, case_id=case_id).case
        mentors = sorted(
            policy.scope(actor, Action.VIEW, Mentor.objects.filter(is_active=True)).select_related("user"),
            key=_name_key,
        )
        measures = list(
            policy.scope(actor, Action.VIEW, Measure.objects.filter(case_id=case.pk, kind=MeasureKind.MENTOR))
        )
    return case, mentors, measures


@dataclass
class AssignmentDetail:
    """Hold an assignment with its log as far as the actor may see it."""

    assignment: MentorAssignment
    log: list[MentorLogEntry]
    can_end: bool
    can_log: bool


def assignment_get(*, actor: User, assignment_id: int) -> AssignmentDetail:
    """Fetch one assignment the actor may see, with the log entries the actor may see,
    and audit the read.

    :raises NotFound: the assignment does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        assignment = (
            MentorAssignment.objects.select_related("case", "case__person", "mentor", "mentor__user", "measure")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        policy.require(actor, Action.VIEW, assignment)
        log = list(policy.scope(actor, Action.VIEW, MentorLogEntry.objects.filter(assignment=assignment)))
        record(actor=actor, event=AuditEvent.VIEW, target=assignment, case=assignment.case)
        return AssignmentDetail(
            assignment=assignment,
            log=log,
            can_end=assignment.ended_at is None and policy.can(actor, Action.UPDATE, assignment),
            can_log=policy.can(actor, Action.CREATE, assignment),
        )


def assignment_for_update(*, actor: User, assignment_id: int) -> MentorAssignment:
    """Fetch a running assignment the actor may end, and audit the read.

    :raises NotFound: the assignment does not exist, has ended, or the actor may not change it.
    """
    with reading():
        assignment = (
            MentorAssignment.objects.select_related("case", "mentor", "mentor__user")
            .filter(pk=assignment_id, ended_at__isnull=True)
            .first()
        )
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        policy.require(actor, Action.UPDATE, assignment)
        record(actor=actor, event=AuditEvent.VIEW, target=assignment, case=assignment.case)
    return assignment


def assignment_for_log(*, actor: User, assignment_id: int) -> MentorAssignment:
    """Fetch a running assignment whose log the actor (its mentor) writes, and audit it.

    :raises NotFound: the assignment does not exist, has ended, or the actor is not its mentor.
    """
    with reading():
        assignment = MentorAssignment.objects.select_related("case", "mentor").filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        policy.require(actor, Action.CREATE, assignment)
        record(actor=actor, event=AuditEvent.VIEW, target=assignment, case=assignment.case)
    return assignment


def my_mentees(*, actor: User) -> list[MentorAssignment]:
    """List the running assignments in which the actor is the mentor, and audit it."""
    with reading():
        assignments = list(
            policy.scope(actor, Action.VIEW, MentorAssignment.objects.filter(mentor__user=actor, ended_at__isnull=True))
            .select_related("case", "case__person")
            .order_by("starts_on")
        )
        record(actor=actor, event=AuditEvent.LIST, target_type=MentorAssignment._meta.label, target_id=len(assignments))
    return assignments


@dataclass
class MenteeView:
    """Hold the mentor's view of one person: only what the agreement and the gate open."""

    assignment: MentorAssignment
    person: PersonCard
    show_contact: bool
    plan: Plan | None
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    log: list[MentorLogEntry] = field(default_factory=list)
    can_log: bool = False


def mentee_get(*, actor: User, assignment_id: int) -> MenteeView:
    """Gather the mentor's page for one person: contact details, plan goals and plan
    measures exactly as far as the access policy lets the actor see them (R26), and the actor's own log.

    :raises NotFound: the assignment does not exist or the actor is not its mentor (the same answer).
    """
    with reading():
        assignment = (
            MentorAssignment.objects.select_related(
                "case", "case__person", "case__person__registered_by", "case__responsible_organisation", "mentor"
            )
            .filter(pk=assignment_id, mentor__user=actor)
            .first()
        )
        if assignment is None:
            raise NotFound(MentorAssignment._meta.label, assignment_id)
        policy.require(actor, Action.VIEW, assignment)
        case = assignment.case
        fields = policy.fields(actor, "case", case)
        plan = (
            policy.scope(actor, Action.VIEW, Plan.objects.filter(case=case, ended_at__isnull=True))
            .order_by("-created_at")
            .first()
        )
        view = MenteeView(
            assignment=assignment,
            person=person_card(case.person, fields, []),
            show_contact=Field.CONTACT in fields,
            plan=plan,
            can_log=policy.can(actor, Action.CREATE, assignment),
        )
        if plan is not None:
            view.goals = list(policy.scope(actor, Action.VIEW, Goal.objects.filter(plan=plan)))
            view.measures = list(
                policy.scope(actor, Action.VIEW, Measure.objects.filter(plan=plan)).select_related(
                    "provider_organisation"
                )
            )
        view.log = list(policy.scope(actor, Action.VIEW, MentorLogEntry.objects.filter(assignment=assignment)))
        shown = ["goals"] * bool(view.goals) + ["measures"] * bool(view.measures) + ["contact"] * view.show_contact
        record(
            actor=actor, event=AuditEvent.VIEW, target=assignment, case=case, categories=shown, grounds=["agreement"]
        )
    return view


def restorative_form_data(*, actor: User, case_id: int) -> tuple[CaseCard, list[Measure]]:
    """Give the case for a referral (the actor must be able to change it) and the case's
    restorative measures the actor sees.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = case_for_update(actor=actor, case_id=case_id).case
        measures = list(
            policy.scope(actor, Action.VIEW, Measure.objects.filter(case_id=case.pk, kind=MeasureKind.RESTORATIVE))
        )
    return case, measures


def restorative_for_update(*, actor: User, referral_id: int) -> RestorativeReferral:
    """Fetch a referral the actor may update, and audit the read.

    :raises NotFound: the referral does not exist or the actor may not change it.
    """
    with reading():
        referral = RestorativeReferral.objects.select_related("case").filter(pk=referral_id).first()
        if referral is None:
            raise NotFound(RestorativeReferral._meta.label, referral_id)
        policy.require(actor, Action.UPDATE, referral)
        record(actor=actor, event=AuditEvent.VIEW, target=referral, case=referral.case)
    return referral


@dataclass
class MentoringSection:
    """Hold what the case page shows of mentoring, already filtered for the actor."""

    case: CaseCard
    assignments: list[MentorAssignment]
    referrals: list[RestorativeReferral]
    can_refer: bool
    can_assign: bool


def mentoring_for_case(*, actor: User, case: Case) -> MentoringSection:
    """Gather the mentoring section of a case the actor may see (audited by the caller)."""
    can_edit = policy.can(actor, Action.UPDATE, case)
    assignments = list(
        policy.scope(actor, Action.VIEW, MentorAssignment.objects.filter(case=case)).select_related(
            "mentor", "mentor__user"
        )
    )
    referrals = list(policy.scope(actor, Action.VIEW, RestorativeReferral.objects.filter(case=case)))
    ctx = policy.context(actor)
    for items, category in ((assignments, Category.COORDINATION), (referrals, Category.PLAN)):
        grounds = {policy.category_ground(ctx, item, category) for item in items}
        ctx.note(case.pk, [category] if items else [], {g for g in grounds if g is not None})
    return MentoringSection(
        case=case_card(case),
        assignments=assignments,
        referrals=referrals,
        can_refer=can_edit,
        can_assign=can_edit,
    )


def mentoring_section(*, actor: User, case: Case) -> MentoringSection | None:
    """Give the mentoring section of the plan tab (None: nothing to show and nothing the actor could start)."""
    section = mentoring_for_case(actor=actor, case=case)
    if not (section.assignments or section.referrals or section.can_assign):
        return None
    return section
