"""The police contact on the team receives each report to the police or PST: sees it on the case, gets a task
and a notification, and records the outcome and the police reference, each answer kept with author and time."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from tests.helpers import FormClient, login_verified
from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import (
    Case,
    Escalation,
    EscalationLevel,
    EscalationOutcome,
    EscalationReceipt,
    EscalationRecipient,
    Task,
)
from utvei.cases.services import escalation_receipt_record, escalation_record
from utvei.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _case1() -> Case:
    return Case.objects.order_by("pk")[0]


def _client(user: User) -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _report(users: Users, recipient: str = EscalationRecipient.PST, by: str = "koordinator") -> Escalation:
    return escalation_record(
        actor=users[by], case_id=_case1().pk, level=EscalationLevel.SERIOUS, recipient=recipient, summary="Bekymring."
    )


def test_a_report_to_the_police_gives_the_police_contact_a_task_and_a_notification(demo_shared: Users) -> None:
    police = demo_shared["politikontakt"]
    report = _report(demo_shared)
    task = Task.objects.filter(case=_case1(), assignee=police, done_at__isnull=True).order_by("-pk").first()
    wanted = gettext("Answer the report of serious concern: record the outcome and the police reference")
    assert task is not None and task.title == wanted and task.created_by == demo_shared["koordinator"]
    assert Notification.objects.filter(
        recipient=police, kind=NotificationKind.REPORT_RECEIVED, key=f"escalation:{report.pk}"
    ).exists()
    # The police contact sees the report, although the reporting municipality owns its category.
    assert policy.can(police, Action.VIEW, report)
    assert report.pk in set(policy.scope(police, Action.VIEW, Escalation.objects.all()).values_list("pk", flat=True))


def test_a_report_to_child_welfare_is_not_the_police_contacts(demo_shared: Users) -> None:
    police = demo_shared["politikontakt"]
    before = Task.objects.filter(assignee=police).count()
    report = _report(demo_shared, recipient=EscalationRecipient.CHILD_WELFARE)
    assert Task.objects.filter(assignee=police).count() == before
    assert not policy.can(police, Action.VIEW, report)
    with pytest.raises(NotFound):
        escalation_receipt_record(actor=police, escalation_id=report.pk, outcome=EscalationOutcome.RECEIVED)


def test_police_contact_records_outcome_and_reference_with_history(demo_shared: Users) -> None:
    police = demo_shared["politikontakt"]
    report = _report(demo_shared)
    first = escalation_receipt_record(
        actor=police, escalation_id=report.pk, outcome=EscalationOutcome.RECEIVED, police_reference="PO-2026-1"
    )
    second = escalation_receipt_record(
        actor=police,
        escalation_id=report.pk,
        outcome=EscalationOutcome.FOLLOWED_UP,
        police_reference="PO-2026-1",
        note="Bekymringssamtale holdt.",
    )
    rows = list(EscalationReceipt.objects.filter(escalation=report).order_by("pk"))
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert [(r.outcome, r.recorded_by_id) for r in rows] == [
        (EscalationOutcome.RECEIVED, police.pk),
        (EscalationOutcome.FOLLOWED_UP, police.pk),
    ]
    assert rows[0].owner_organisation.name == "Demo politidistrikt"
    entry = AuditEntry.objects.get(
        event=AuditEvent.CREATE, target_type="cases.EscalationReceipt", target_id=str(second.pk), actor=police
    )
    assert sorted(entry.changed_fields) == ["note", "outcome", "police_reference"]
    # The reporter sees the answers; a partner without the police category does not.
    assert policy.can(demo_shared["koordinator"], Action.VIEW, second)
    assert not policy.can(demo_shared["nav"], Action.VIEW, second)


@pytest.mark.parametrize("username", ["koordinator", "saksbehandler", "nav", "mentor", "nabo"])
def test_only_the_police_contact_answers_a_report(demo_shared: Users, username: str) -> None:
    report = _report(demo_shared)
    with pytest.raises(NotFound):
        escalation_receipt_record(
            actor=demo_shared[username], escalation_id=report.pk, outcome=EscalationOutcome.RECEIVED
        )
    assert not EscalationReceipt.objects.filter(escalation=report).exists()


def test_no_answer_on_a_closed_case(demo_shared: Users) -> None:
    report = _report(demo_shared)
    Case.objects.filter(pk=report.case_id).update(closed_at="2026-01-01T00:00Z")
    with pytest.raises(NotFound):
        escalation_receipt_record(
            actor=demo_shared["politikontakt"], escalation_id=report.pk, outcome=EscalationOutcome.RECEIVED
        )


def test_a_bad_answer_names_every_error_and_changes_nothing(demo_shared: Users) -> None:
    report = _report(demo_shared)
    with pytest.raises(ValidationError) as caught:
        escalation_receipt_record(
            actor=demo_shared["politikontakt"],
            escalation_id=report.pk,
            outcome="nonsense",
            police_reference="x" * 101,
            note="y" * 2001,
        )
    assert set(caught.value.message_dict) == {"outcome", "police_reference", "note"}
    assert not EscalationReceipt.objects.filter(escalation=report).exists()


def test_report_page_shows_the_report_and_takes_the_answer(demo_shared: Users) -> None:
    report = _report(demo_shared)
    url = reverse("cases:report", kwargs={"escalation_id": report.pk})
    police = _client(demo_shared["politikontakt"])
    overview = police.get(reverse("cases:detail", kwargs={"case_id": report.case_id})).content.decode()
    assert url in overview
    page = police.get(url).content.decode()
    assert "Bekymring." in page and "Record the outcome" in page
    refused = police.post(url, {"outcome": "nonsense", "police_reference": ""})
    assert refused.status_code == 422 and not EscalationReceipt.objects.filter(escalation=report).exists()
    saved = police.post(url, {"outcome": EscalationOutcome.FORWARDED_PST, "police_reference": "PST-77", "note": ""})
    assert saved.status_code == 302 and saved["Location"] == url
    after = police.get(url).content.decode()
    assert "Forwarded to PST" in after and "PST-77" in after
    reporter = _client(demo_shared["koordinator"]).get(url).content.decode()
    assert "PST-77" in reporter and "Record the outcome" not in reporter
    assert _client(demo_shared["koordinator"]).post(url, {"outcome": "received"}).status_code == 404
    for username in ("nav", "mentor", "nabo"):
        assert _client(demo_shared[username]).get(url).status_code == 404
