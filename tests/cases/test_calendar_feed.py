"""The calendar feed of one's own planned contacts: a secret, revocable address; all-day events with no
name, case number or content; each fetch audited as a read by the address's owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import CalendarFeed, Case
from utvei.cases.worklist import services
from utvei.contacts.models import Conversation, ConversationForm

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _plan_contact(user: User, case: Case, days: int) -> None:
    Conversation.objects.create(
        case=case,
        held_on=TODAY,
        form=ConversationForm.MEETING,
        participants="Test.",
        notes="Hemmelig innhold.",
        next_steps="Ring Jonas.",
        recorded_by=user,
        owner_organisation=case.responsible_organisation,
        next_contact_on=TODAY + timedelta(days=days),
    )


def test_the_feed_holds_days_only_and_is_audited_as_a_read(demo: dict[str, User]) -> None:
    user = demo["saksbehandler"]
    jonas = Case.objects.get(person__given_name="Jonas")
    _plan_contact(user, jonas, 3)
    token = services.calendar_feed_create(actor=user)
    assert not CalendarFeed.objects.filter(token_hash=token).exists()  # only its hash is stored
    before = AuditEntry.objects.count()
    response = Client().get(reverse("cases:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{TODAY + timedelta(days=3):%Y%m%d}" in body
    for case in Case.objects.select_related("person"):
        for secret in (case.person.given_name, case.person.family_name, case.reference, f"/cases/{case.pk}/"):
            assert secret not in body
    assert "Hemmelig" not in body and "Ring" not in body
    entry = AuditEntry.objects.get(seq=before + 1)
    assert (entry.event, entry.actor, entry.target_type) == (AuditEvent.VIEW, user, "cases.CalendarFeed")


def test_a_new_address_replaces_the_old_and_revoking_ends_it(demo: dict[str, User]) -> None:
    user = demo["koordinator"]
    client = login_verified(FormClient(), user)
    page = client.post(reverse("cases:calendar"), {"action": "create"})
    assert page.status_code == 200
    first = services.calendar_feed_create(actor=user)
    second = services.calendar_feed_create(actor=user)
    feed = Client()
    assert feed.get(reverse("cases:calendar_feed", kwargs={"token": first})).status_code == 404
    assert feed.get(reverse("cases:calendar_feed", kwargs={"token": second})).status_code == 200
    assert client.post(reverse("cases:calendar"), {"action": "revoke"}).status_code == 302
    assert feed.get(reverse("cases:calendar_feed", kwargs={"token": second})).status_code == 404
    assert not CalendarFeed.objects.filter(user=user).exists()


def test_the_page_shows_the_address_once(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["saksbehandler"])
    html = client.post(reverse("cases:calendar"), {"action": "create"}).content.decode()
    assert "/cases/calendar/" in html and ".ics" in html
    html = client.get(reverse("cases:calendar")).content.decode()
    assert ".ics" not in html and "Trekk tilbake adressen" in html


def test_the_other_municipality_and_an_inactive_owner_get_nothing(demo: dict[str, User]) -> None:
    jonas = Case.objects.get(person__given_name="Jonas")
    _plan_contact(demo["saksbehandler"], jonas, 2)
    token = services.calendar_feed_create(actor=demo["nabo"])
    body = Client().get(reverse("cases:calendar_feed", kwargs={"token": token})).content.decode()
    assert "BEGIN:VEVENT" not in body
    mentor_token = services.calendar_feed_create(actor=demo["mentor"])
    User.objects.filter(pk=demo["mentor"].pk).update(is_active=False)
    assert Client().get(reverse("cases:calendar_feed", kwargs={"token": mentor_token})).status_code == 404
