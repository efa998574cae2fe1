"""Expiry and renewal reminders for consents (R12), run daily by ``manage.py consent_reminders``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, TaskKind
from utvei.cases.policy import active_seats
from utvei.sharing.models import Consent, ConsentNotice, ConsentNoticeKind

# --- expiry and renewal reminders (R12) ---------------------------------------------------------------

REMINDER_DAYS = 30


@dataclass(frozen=True)
class ReminderResult:
    """Count what one reminder run did: consents reminded, notices and tasks created."""

    consents: int
    notices: int
    tasks: int


def _coordinator(case: Case) -> User | None:
    """Pick the team member who follows up a case's consents: the exit coordinator first."""
    from utvei.accounts.models import Role
    from utvei.cases.models import TeamMember
    from utvei.cases.policy import CASE_EDITOR_ROLES

    preference = [Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR, *sorted(CASE_EDITOR_ROLES)]
    seats = list(TeamMember.objects.filter(case=case, left_at__isnull=True, role__in=CASE_EDITOR_ROLES))
    for role in preference:
        for seat in seats:
            if seat.role == role and active_seats(seat.user).filter(pk=seat.pk).exists():
                return seat.user
    return None


def consent_reminders_send(*, today: date | None = None, days: int = REMINDER_DAYS) -> ReminderResult:
    """Remind about consents in force that end within ``days`` days, once per consent (R12).

    For each such consent it writes an ``expiring`` notice to every recipient organisation and a task for
    the coordinator of each open case of the person ("renew or end the consent"), so the person is asked
    again before the sharing stops. A consent that already has an ``expiring`` notice is skipped, so the job
    can run every day. The task is created in the coordinator's name (the job acts for them); a case
    without a coordinator or case worker gets notices only.
    """
    from utvei.cases.services import task_create

    day = today or timezone.localdate()
    horizon = day + timedelta(days=days)
    reminded = notices = tasks = 0
    with transaction.atomic():
        due = (
            Consent.objects.current(day)
            .filter(valid_to__lte=horizon)
            .exclude(notices__kind=ConsentNoticeKind.EXPIRING)
            .order_by("valid_to", "pk")
        )
        for consent in due:
            reminded += 1
            for organisation in Organisation.objects.filter(pk__in=consent.recipients).order_by("pk"):
                notice = ConsentNotice.objects.create(
                    consent=consent, organisation=organisation, kind=ConsentNoticeKind.EXPIRING
                )
                record(
                    actor=None,
                    event=AuditEvent.CREATE,
                    target=notice,
                    person_id=consent.person_id,
                    organisation_id=organisation.pk,
                    changed_fields=["consent", "organisation", "kind"],
                )
                notices += 1
            for case in Case.objects.filter(person_id=consent.person_id, closed_at__isnull=True).order_by("pk"):
                coordinator = _coordinator(case)
                if coordinator is None:
                    continue
                task_create(
                    actor=coordinator,
                    case_id=case.pk,
                    kind=TaskKind.RENEW_CONSENT,
                    about_on=consent.valid_to,
                    due_on=max(day, consent.valid_to - timedelta(days=7)),
                    assignee=coordinator,
                )
                tasks += 1
    return ReminderResult(consents=reminded, notices=notices, tasks=tasks)
