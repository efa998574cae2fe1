"""Notifications: each kind comes from the real service call, the inbox is its recipient's alone, the link
goes through the policy, and due reviews are found by the daily job on the worker."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from utvei.accounts.models import Membership, Role, User
from utvei.cases import services as case_services
from utvei.cases.models import Case, TeamMember
from utvei.core.jobs import schedule_due
from utvei.notifications import selectors, services
from utvei.notifications.models import Notification, NotificationKind
from utvei.plans import services as plan_services
from utvei.plans.models import Plan
from utvei.sharing import services as sharing_services
from utvei.sharing.models import Consent

TODAY = timezone.localdate()
_ON_PG = os.environ.get("UTVEI_DATABASE_URL", "").startswith("postgres")
# On PostgreSQL django-tasks' worker closes the test's connection, and committing for real with
# serialized_rollback collides with the reference rows other transactional tests re-create. Until the
# worker can run inside a test transaction there, these run on SQLite only (known gap, closing note).
ON_A_REAL_CONNECTION = pytest.mark.skipif(_ON_PG, reason="the worker closes the test transaction on PostgreSQL")


def _case(n: int) -> Case:
    return Case.objects.order_by("pk")[n - 1]


def _told(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def _client(user: User) -> Client:
    return login_verified(Client(), user)


@pytest.mark.django_db
def test_a_task_assigned_tells_its_assignee_and_not_the_one_who_gave_it(demo: dict[str, User]) -> None:
    nav, coordinator = demo["nav"], demo["koordinator"]
    before = len(_told(coordinator, NotificationKind.TASK_ASSIGNED))
    task = case_services.task_create(
        actor=coordinator,
        case_id=_case(1).pk,
        title="Ring arbeidsgiver",
        due_on=TODAY + timedelta(days=3),
        assignee=nav,
    )

    [told] = Notification.objects.filter(recipient=nav, kind=NotificationKind.TASK_ASSIGNED, key=f"task:{task.pk}")
    assert told.case_id == task.case_id and told.read_at is None
    assert len(_told(coordinator, NotificationKind.TASK_ASSIGNED)) == before


@pytest.mark.django_db
def test_a_seat_added_and_ended_tells_the_seat_holder(demo: dict[str, User]) -> None:
    nav, coordinator = demo["nav"], demo["koordinator"]
    membership = Membership.objects.active().get(user=nav, role=Role.TEAM_MEMBER)
    seat = case_services.team_member_add(
        actor=coordinator, case=_case(2), user=nav, organisation=membership.organisation, role=Role.TEAM_MEMBER
    )
    assert [n.case_id for n in _told(nav, NotificationKind.SEAT_ADDED) if n.key == f"seat:{seat.pk}"] == [_case(2).pk]

    case_services.team_member_remove(actor=coordinator, seat_id=seat.pk)
    [ended] = _told(nav, NotificationKind.SEAT_ENDED)
    assert ended.case_id == _case(2).pk


@pytest.mark.django_db
def test_a_withdrawn_consent_tells_the_seats_of_the_organisations_that_lose_access(demo: dict[str, User]) -> None:
    case = _case(1)
    consent = Consent.objects.filter(person=case.person, withdrawn_at__isnull=True, replaced_by__isnull=True).first()
    assert consent is not None
    recipients = set(consent.recipients)
    losing = set(
        TeamMember.objects.filter(case=case, organisation_id__in=recipients, left_at__isnull=True).values_list(
            "user__username", flat=True
        )
    )
    assert "nav" in losing

    sharing_services.consent_withdraw(actor=demo["saksbehandler"], consent_id=consent.pk)

    told = set(
        Notification.objects.filter(kind=NotificationKind.CONSENT_WITHDRAWN, case=case).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == losing - {"saksbehandler"}
    assert "koordinator" not in told or "koordinator" in losing


@pytest.mark.django_db
def test_a_report_to_the_police_tells_the_police_contact_on_the_team(demo: dict[str, User]) -> None:
    case = _case(1)
    escalation = case_services.escalation_record(
        actor=demo["nav"], case_id=case.pk, level="serious", recipient="police"
    )

    told = Notification.objects.filter(kind=NotificationKind.REPORT_RECEIVED, key=f"escalation:{escalation.pk}")
    assert {n.recipient.username for n in told} == {"politikontakt"}

    case_services.escalation_record(actor=demo["nav"], case_id=case.pk, level="serious", recipient="child_welfare")
    assert Notification.objects.filter(kind=NotificationKind.REPORT_RECEIVED).count() == 1


# The real worker runs inside the test's transaction (as in tests/core/test_jobs.py).
@ON_A_REAL_CONNECTION
@pytest.mark.django_db
def test_the_daily_job_on_the_worker_tells_the_coordinator_once_when_a_review_is_due(demo: dict[str, User]) -> None:
    coordinator = demo["koordinator"]
    plan = Plan.objects.get(case=_case(1))
    assert plan.coordinator_id == coordinator.pk
    review = plan_services.review_add(actor=coordinator, plan_id=plan.pk, due_on=TODAY + timedelta(days=1))
    Notification.objects.filter(kind=NotificationKind.REVIEW_DUE).delete()

    schedule_due()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", stdout=StringIO())
    assert not Notification.objects.filter(key=f"review:{review.pk}").exists(), "not due before its date"

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        for _ in range(2):
            schedule_due()
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", stdout=StringIO()
            )
    assert plan_services.reviews_due_notify(today=TODAY + timedelta(days=1)) == 0, "each review is told once"
    [told] = Notification.objects.filter(kind=NotificationKind.REVIEW_DUE, key=f"review:{review.pk}")
    assert told.recipient_id == coordinator.pk


@pytest.mark.django_db
def test_the_menu_shows_the_unread_count_and_marking_read_lowers_it(demo: dict[str, User]) -> None:
    nav = demo["nav"]
    services.notifications_mark_all_read(actor=nav)
    for title in ("Første", "Andre"):
        case_services.task_create(
            actor=demo["koordinator"], case_id=_case(1).pk, title=title, due_on=TODAY, assignee=nav
        )
    client = _client(nav)
    page = client.get(reverse("cases:dashboard")).content.decode()
    assert "2 uleste" in page

    first = Notification.objects.filter(recipient=nav, read_at__isnull=True).first()
    assert first is not None
    assert client.post(reverse("notifications:read", kwargs={"notification_id": first.pk})).status_code == 302
    assert selectors.unread_count(actor=nav) == 1
    assert "1 ulest" in client.get(reverse("notifications:inbox")).content.decode()

    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert selectors.unread_count(actor=nav) == 0
    assert "ulest" not in client.get(reverse("cases:dashboard")).content.decode()


@pytest.mark.django_db
def test_opening_goes_to_the_case_while_the_policy_shows_it_and_is_a_404_after(demo: dict[str, User]) -> None:
    nav, coordinator = demo["nav"], demo["koordinator"]
    case = _case(1)
    task = case_services.task_create(actor=coordinator, case_id=case.pk, title="Møte", due_on=TODAY, assignee=nav)
    notification = Notification.objects.get(recipient=nav, key=f"task:{task.pk}")
    open_url = reverse("notifications:open", kwargs={"notification_id": notification.pk})
    client = _client(nav)

    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert case.reference in inbox
    response = client.post(open_url)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", kwargs={"case_id": case.pk})

    seat = TeamMember.objects.get(case=case, user=nav, left_at__isnull=True)
    case_services.team_member_remove(actor=coordinator, seat_id=seat.pk)

    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert case.reference not in inbox
    assert "Du har ikke lenger tilgang til denne saken." in inbox
    assert client.post(open_url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("intruder", ["koordinator", "politikontakt", "nabo"])
def test_nobody_else_sees_opens_or_marks_a_notification(demo: dict[str, User], intruder: str) -> None:
    nav = demo["nav"]
    task = case_services.task_create(
        actor=demo["saksbehandler"], case_id=_case(1).pk, title="Privat", due_on=TODAY, assignee=nav
    )
    notification = Notification.objects.get(recipient=nav, key=f"task:{task.pk}")
    client = _client(demo[intruder])

    for name in ("open", "read"):
        url = reverse(f"notifications:{name}", kwargs={"notification_id": notification.pk})
        assert client.post(url).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    ids = [card.id for card in selectors.inbox_get(actor=demo[intruder]).cards]
    assert notification.pk not in ids


@pytest.mark.django_db
def test_the_inbox_page_makes_the_same_number_of_queries_however_full(
    demo: dict[str, User], django_assert_max_num_queries: object
) -> None:
    nav = demo["nav"]
    client = _client(nav)
    url = reverse("notifications:inbox")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    before = count()
    for n in range(30):
        case_services.task_create(
            actor=demo["koordinator"], case_id=_case(1).pk, title=f"Oppgave {n}", due_on=TODAY, assignee=nav
        )
    after = count()
    assert before == after
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        client.get(url)


@pytest.mark.django_db
def test_the_demo_inboxes_hold_the_seats_and_the_due_review(demo: dict[str, User]) -> None:
    case = _case(1)
    seated = set(TeamMember.objects.filter(case=case).values_list("user__username", flat=True))
    told = set(
        Notification.objects.filter(kind=NotificationKind.SEAT_ADDED, case=case).values_list(
            "recipient__username", flat=True
        )
    )
    assert "nav" in told and told <= seated
    assert Notification.objects.filter(recipient=demo["koordinator"], kind=NotificationKind.REVIEW_DUE).exists()
    assert selectors.unread_count(actor=demo["nav"]) >= 1
