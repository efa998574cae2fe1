"""Expiry and renewal reminders (R12): a consent ending within 30 days gets an "expiring" notice to each
recipient and a task for the case's coordinator, once. Time is moved with time-machine."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Task, TaskKind
from utvei.sharing import services
from utvei.sharing.demo import NAV_CATEGORIES, SCHOOL_CATEGORIES
from utvei.sharing.models import Consent, ConsentNotice, ConsentNoticeKind


def _consent(categories: tuple[str, ...]) -> Consent:
    return Consent.objects.get(categories=sorted(categories))


def _reminder_tasks() -> list[Task]:
    # Stored as a kind with the consent's end date; the title is rendered in the reader's language.
    return list(Task.objects.filter(kind=TaskKind.RENEW_CONSENT).order_by("pk"))


def test_R12_a_consent_ending_within_30_days_gets_notices_and_one_coordinator_task_once(demo: dict[str, User]) -> None:
    school, nav = _consent(SCHOOL_CATEGORIES), _consent(NAV_CATEGORIES)
    before = AuditEntry.objects.count()
    first = services.consent_reminders_send()
    assert first.consents >= 1 and first.notices >= 1 and first.tasks >= 1
    notice = ConsentNotice.objects.get(consent=school, kind=ConsentNoticeKind.EXPIRING)
    assert notice.organisation == Organisation.objects.get(name="Demo videregående skole")
    assert not ConsentNotice.objects.filter(consent=nav).exists()  # NAV's consent runs for ten more months
    [task] = [t for t in _reminder_tasks() if t.about_on == school.valid_to]
    assert task.title == "" and school.valid_to.strftime("%d.%m.%Y") in task.shown_title()
    jonas = Case.objects.get(person__given_name="Jonas")
    assert task.case == jonas and task.assignee == demo["koordinator"]
    assert task.due_on == school.valid_to - timedelta(days=7)
    assert AuditEntry.objects.filter(
        seq__gt=before, event=AuditEvent.CREATE, target_type="sharing.ConsentNotice"
    ).exists()

    # Running again the same day, or the next, reminds nobody twice.
    again = services.consent_reminders_send()
    assert (again.consents, again.notices, again.tasks) == (0, 0, 0)
    assert ConsentNotice.objects.filter(consent=school, kind=ConsentNoticeKind.EXPIRING).count() == 1


def test_R12_reminders_follow_the_calendar_and_skip_withdrawn_consents(demo: dict[str, User]) -> None:
    nav = _consent(NAV_CATEGORIES)
    services.consent_reminders_send()
    assert not ConsentNotice.objects.filter(consent=nav, kind=ConsentNoticeKind.EXPIRING).exists()
    with time_machine.travel(timezone.now() + timedelta(days=275), tick=False):
        result = services.consent_reminders_send()
        assert result.consents >= 1
        assert ConsentNotice.objects.filter(consent=nav, kind=ConsentNoticeKind.EXPIRING).count() == 1
        (task,) = [t for t in _reminder_tasks() if t.about_on == nav.valid_to]
        assert task.due_on == nav.valid_to - timedelta(days=7)

    # A withdrawn consent is not in force, so it is never reminded about.
    fresh = services.consent_record(
        actor=demo["koordinator"],
        person_id=nav.person_id,
        organisation=Organisation.objects.get(name="Demo kommune"),
        recipients=[Organisation.objects.get(name="Demo helsetjeneste")],
        categories=["plan"],
        purpose="coordination",
        valid_from=timezone.localdate(),
        valid_to=timezone.localdate() + timedelta(days=10),
        given_by="person",
        form="written",
        evidence_note="Skjema.",
        how_informed="Muntlig.",
    )
    services.consent_withdraw(actor=demo["koordinator"], consent_id=fresh.pk)
    services.consent_reminders_send()
    assert not ConsentNotice.objects.filter(consent=fresh, kind=ConsentNoticeKind.EXPIRING).exists()


def test_the_consent_reminders_command_reports_what_it_did(demo: dict[str, User]) -> None:
    out = io.StringIO()
    call_command("consent_reminders", stdout=out)
    assert re.search(r"Consents reminded: [1-9]\d*; notices: [1-9]\d*; tasks: [1-9]", out.getvalue())
    assert ConsentNotice.objects.filter(kind=ConsentNoticeKind.EXPIRING).exists()
    out = io.StringIO()
    call_command("consent_reminders", "--days", "30", stdout=out)
    assert "Consents reminded: 0; notices: 0; tasks: 0." in out.getvalue()
