"""E-mail about notifications: sent by the background worker over real SMTP (a local sink), only to users
who chose that kind, with no case content in it."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from tests.notifications.smtp_sink import smtp_sink
from utvei.accounts.models import User
from utvei.cases import services as case_services
from utvei.cases.models import Case
from utvei.notifications import selectors, services
from utvei.notifications.models import Notification, NotificationKind

TODAY = timezone.localdate()
_ON_PG = os.environ.get("UTVEI_DATABASE_URL", "").startswith("postgres")
# On PostgreSQL django-tasks' worker closes the test's connection, and committing for real with
# serialized_rollback collides with the reference rows other transactional tests re-create. Until the
# worker can run inside a test transaction there, these run on SQLite only (known gap, closing note).
ON_A_REAL_CONNECTION = pytest.mark.skipif(_ON_PG, reason="the worker closes the test transaction on PostgreSQL")


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", stdout=StringIO())


# The real worker runs inside the test's transaction (as in tests/core/test_jobs.py).
@ON_A_REAL_CONNECTION
@pytest.mark.django_db
def test_the_worker_mails_only_users_who_chose_the_kind_and_the_mail_names_no_case(
    demo: dict[str, User], settings: LazySettings
) -> None:
    nav, helse, coordinator = demo["nav"], demo["helse"], demo["koordinator"]
    case = Case.objects.order_by("pk").first()
    assert case is not None
    with smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.SITE_URL = "https://utvei.example"
        chosen = login_verified(Client(), nav).post(reverse("notifications:settings"), {"kinds": ["task_assigned"]})
        assert chosen.status_code == 302
        services.email_choices_set(actor=helse, kinds=[NotificationKind.SEAT_ENDED])

        for user in (nav, helse):
            case_services.task_create(
                actor=coordinator,
                case_id=case.pk,
                title="Kanarioppgave",
                due_on=TODAY + timedelta(days=2),
                assignee=user,
            )
        assert sink.messages == [], "the request sends nothing; the worker does"
        _worker()

        assert [m.recipients for m in sink.messages] == [[nav.email]]
        text = sink.messages[0].text
        assert sink.messages[0].message["Subject"] == "Du har en ny melding i Utvei"
        assert "https://utvei.example/notifications/" in text
        person = case.person
        for content in (case.reference, person.given_name, person.family_name, "Kanarioppgave", "oppgave"):
            assert content not in text

        sent = Notification.objects.get(recipient=nav, kind=NotificationKind.TASK_ASSIGNED, emailed_at__isnull=False)
        services.send_notification_email.enqueue(sent.pk)  # a repeated task sends nothing more
        _worker()
        assert len(sink.messages) == 1


@pytest.mark.django_db
def test_the_settings_page_saves_the_choices_and_refuses_an_unknown_kind_changing_nothing(
    demo: dict[str, User],
) -> None:
    nav = demo["nav"]
    client = login_verified(Client(), nav)
    url = reverse("notifications:settings")
    page = client.get(url)
    assert page.status_code == 200 and 'name="kinds"' in page.content.decode()

    client.post(url, {"kinds": ["task_assigned", "review_due"]})
    assert selectors.email_choices_get(actor=nav) == {"task_assigned", "review_due"}

    refused = client.post(url, {"kinds": ["task_assigned", "nonsense"]})
    assert refused.status_code == 422
    assert "gyldig" in refused.content.decode()
    assert selectors.email_choices_get(actor=nav) == {"task_assigned", "review_due"}

    client.post(url, {})
    assert selectors.email_choices_get(actor=nav) == frozenset()
