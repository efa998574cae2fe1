"""Reads for the correction pages of the cases app: a team seat, a task and the person's contact details.

Each fetches a record the actor may change, with its history of corrections, and audits the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from utvei.access import policy
from utvei.access.categories import Field
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case, Person, Task, TeamMember
from utvei.cases.selectors.history import RevisionRow, revision_history
from utvei.cases.services._common import TEAM_ROLES


@dataclass(frozen=True)
class SeatPage:
    """Hold what the page of one team seat shows: the seat, the roles it may take and its history."""

    seat: TeamMember
    case: CaseCard
    roles: list[tuple[str, str]]
    history: list[RevisionRow]


def team_seat_page(*, actor: User, seat_id: int) -> SeatPage:
    """Fetch a team seat in force on a case the actor may change, the roles its holder may sit in, and its
    history of changes; audit the read.

    The roles offered are those the holder holds in the seat's organisation (a known fact, never asked).

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
        held = set(
            Membership.objects.active()
            .filter(user_id=seat.user_id, organisation_id=seat.organisation_id)
            .values_list("role", flat=True)
        )
        roles = [
            (value, str(label)) for value, label in Role.choices if value in held & TEAM_ROLES or value == seat.role
        ]
        history = revision_history(actor=actor, obj=seat, person_id=seat.case.person_id, case_id=seat.case_id)
        record(actor=actor, event=AuditEvent.VIEW, target=seat, case=seat.case, categories=[Field.TEAM])
    return SeatPage(seat=seat, case=case_card(seat.case), roles=roles, history=history)


@dataclass(frozen=True)
class TaskPage:
    """Hold what the correction page of a task shows: its current text and date, and its history."""

    task_id: int
    title: str
    due_on: date
    case: CaseCard
    history: list[RevisionRow]


def task_for_correction(*, actor: User, task_id: int) -> TaskPage:
    """Fetch an open task the actor may see on a case they may change, with its history; audit the read.

    :raises NotFound: the task does not exist, is done, or the actor may not change it.
    """
    with reading():
        task = (
            Task.objects.select_related("case", "case__person", "case__responsible_organisation")
            .filter(pk=task_id, done_at__isnull=True)
            .first()
        )
        if task is None or not policy.can(actor, Action.UPDATE, task.case) or not policy.can(actor, Action.VIEW, task):
            raise NotFound(Task._meta.label, task_id)
        history = revision_history(actor=actor, obj=task, person_id=task.case.person_id, case_id=task.case_id)
        record(actor=actor, event=AuditEvent.VIEW, target=task, case=task.case)
    return TaskPage(task.pk, task.title, task.due_on, case_card(task.case), history)


@dataclass(frozen=True)
class ContactPage:
    """Hold the person's contact details the actor may correct (the address only when they see it)."""

    case: CaseCard
    phone: str
    email: str
    address: str | None
    language: str
    interpreter_needed: bool
    history: list[RevisionRow]


def person_contact_for_correction(*, actor: User, case_id: int) -> ContactPage:
    """Fetch the contact details of a case's person for correction, with their history; audit the read.

    :raises NotFound: the case does not exist, or the actor may not change it, its person or see the details.
    """
    with reading():
        case = (
            Case.objects.select_related("responsible_organisation", "person", "person__registered_by")
            .filter(pk=case_id)
            .first()
        )
        if case is None or not policy.can(actor, Action.UPDATE, case):
            raise NotFound(Case._meta.label, case_id)
        person = case.person
        shown = policy.fields(actor, "case", case)
        if Field.CONTACT not in shown or not policy.can(actor, Action.UPDATE, person):
            raise NotFound(Person._meta.label, person.pk)
        address = person.address if Field.ADDRESS in shown else None
        history = revision_history(actor=actor, obj=person, person_id=person.pk, case_id=case.pk)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=person,
            person_id=person.pk,
            case_id=case.pk,
            categories=[Field.CONTACT, *([Field.ADDRESS] if address is not None else [])],
        )
    return ContactPage(
        case_card(case), person.phone, person.email, address, person.language, person.interpreter_needed, history
    )
