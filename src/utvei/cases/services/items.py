"""Items on a case: SLT advice, relapses and tasks."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import (
    Case,
    CaseAdvice,
    Relapse,
    Task,
    TaskKind,
)
from utvei.cases.services._common import acting_organisation, lock_case_for_update
from utvei.core.text import require_plain
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify


def case_advice_add(*, actor: User, case_id: int, advice: str) -> CaseAdvice:
    """Record the SLT coordinator's advice on who should coordinate the case.

    :raises NotFound: the actor may not see the case.
    :raises ValidationError: the actor is not an SLT coordinator on the case, or the advice is empty.
    """
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.VIEW, case)
        seat = case.team.filter(user=actor, role=Role.SLT_COORDINATOR, left_at__isnull=True).first()
        if seat is None:
            raise ValidationError(_("Only the SLT coordinator on the team records advice on coordination."))
        if not advice.strip():
            raise ValidationError({"advice": _("Write the advice.")})
        item = CaseAdvice.objects.create(
            case=case, given_by=actor, advice=advice.strip(), owner_organisation=seat.organisation
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=item,
            case=case,
            changed_fields=["advice"],
        )
    return item


def relapse_record(*, actor: User, case_id: int, occurred_on: date, description: str) -> Relapse:
    """Record a relapse. The case stays open and in its phase (R29).

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: a missing description or a date in the future.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        if not description.strip():
            raise ValidationError({"description": _("Describe what happened.")})
        if occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
        item = Relapse.objects.create(
            case=case,
            occurred_on=occurred_on,
            description=description.strip(),
            recorded_by=actor,
            owner_organisation=acting_organisation(actor=actor, case=case),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=item,
            case=case,
            changed_fields=["occurred_on", "description"],
        )
    return item


def task_create(
    *,
    actor: User,
    case_id: int,
    title: str = "",
    due_on: date,
    assignee: User,
    kind: str = TaskKind.TYPED,
    about_on: date | None = None,
) -> Task:
    """Add a task with a due date to a case, for a member of its team.

    A task Utvei makes names its ``kind`` (and ``about_on``, the date its title names) instead of a
    title, so its title is rendered in each reader's language; a typed task needs its title.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: an empty title or an assignee who is not on the team.
    """
    if kind not in TaskKind.values:
        raise ValueError(f"unknown task kind {kind!r}")
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        require_plain(title=title)
        if not kind and not title.strip():
            raise ValidationError({"title": _("Write what is to be done.")})
        if kind:
            title = ""
        if not case.team.filter(user=assignee, left_at__isnull=True).exists():
            raise ValidationError({"assignee": _("The task must go to a member of the follow-up team.")})
        task = Task.objects.create(
            case=case,
            title=title.strip(),
            kind=kind,
            about_on=about_on,
            due_on=due_on,
            assignee=assignee,
            created_by=actor,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=task,
            case=case,
            changed_fields=["title", "due_on", "assignee"],
        )
        notify(
            recipient_ids=[assignee.pk],
            kind=NotificationKind.TASK_ASSIGNED,
            key=f"task:{task.pk}",
            case_id=case.pk,
            actor_id=actor.pk,
        )
    return task


def task_complete(*, actor: User, task_id: int) -> Task:
    """Mark a task done; its assignee or an editor of the case may do so.

    :raises NotFound: the task does not exist or the actor may not see it.
    """
    with transaction.atomic():
        task = Task.objects.select_related("case").filter(pk=task_id).first()
        if task is None:
            raise NotFound(Task._meta.label, task_id)
        policy.require(actor, Action.VIEW, task)
        if task.done_at is None:
            task.done_at = timezone.now()
            task.save(update_fields=["done_at"])
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target=task,
                case_id=task.case_id,
                person_id=task.case.person_id,
                changed_fields=["done_at"],
            )
    return task
