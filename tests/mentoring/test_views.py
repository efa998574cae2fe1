"""One HTTP test per mentoring page: GET, a valid POST that saves and redirects, an invalid POST that is
422 and saves nothing, in both languages where the page has text of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.contacts.factories import record_conversation
from tests.helpers import FormClient, login_verified
from tests.mentoring.factories import MentoringWorld, assign, make_mentoring_world, make_plan_rows, register
from utvei.accounts.models import User
from utvei.mentoring.models import Mentor, MentorAssignment, MentorLogEntry, RestorativeReferral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> MentoringWorld:
    return make_mentoring_world()


def _client(user: User, language: str = "") -> Client:
    client = login_verified(FormClient(), user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _day(offset: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def test_the_register_pages_add_and_edit_a_mentor(world: MentoringWorld) -> None:
    client = _client(world.caseworker, language="en")
    page = client.get(reverse("mentoring:mentor_new"))
    assert page.status_code == 200 and "Mats Testesen" in page.content.decode()
    bad = client.post(
        reverse("mentoring:mentor_new"), {"user": "", "name": "", "scheme": "municipal", "training": "none"}
    )
    assert bad.status_code == 422 and not Mentor.objects.exists()
    data = {"user": world.mentor.pk, "scheme": "municipal", "training": "rvts", "trained_on": _day(-30)}
    response = client.post(reverse("mentoring:mentor_new"), data)
    assert response.status_code == 302 and response["Location"] == reverse("mentoring:mentor_list")
    mentor = Mentor.objects.get()
    listing = client.get(reverse("mentoring:mentor_list")).content.decode()
    assert "RVTS national mentor course" in listing
    edit = reverse("mentoring:mentor_edit", kwargs={"mentor_id": mentor.pk})
    assert client.get(edit).status_code == 200
    saved = client.post(edit, {"scheme": "correctional", "training": "rvts", "trained_on": _day(-30), "contact": "x"})
    assert saved.status_code == 302
    mentor.refresh_from_db()
    assert (mentor.scheme, mentor.is_active) == ("correctional", False)
    norwegian = _client(world.caseworker).get(reverse("mentoring:mentor_list")).content.decode()
    assert "Mentorregister" in norwegian


def test_the_assignment_page_matches_a_mentor_with_the_agreement(world: MentoringWorld) -> None:
    mentor = register(world, user=world.second_mentor)
    client = _client(world.coordinator)
    url = reverse("mentoring:assignment_new", kwargs={"case_id": world.case.pk})
    assert client.get(url).status_code == 200
    bad = client.post(url, {"mentor": mentor.pk, "starts_on": _day(), "ends_on": _day(-5), "frequency": "weekly"})
    assert bad.status_code == 422 and not MentorAssignment.objects.exists()
    good = client.post(url, {"mentor": mentor.pk, "starts_on": _day(), "frequency": "weekly", "share_contact": "on"})
    assignment = MentorAssignment.objects.get()
    assert good.status_code == 302
    assert good["Location"] == reverse("mentoring:assignment_detail", kwargs={"assignment_id": assignment.pk})
    assert assignment.share_contact and not assignment.share_goals
    case_page = client.get(reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "plan"})).content.decode()
    assert reverse("mentoring:assignment_detail", kwargs={"assignment_id": assignment.pk}) in case_page


def test_the_mentor_logs_a_meeting_and_sees_only_the_agreed_parts(world: MentoringWorld) -> None:
    plan = make_plan_rows(world)
    conversation = record_conversation(world.base, notes="Hemmelig samtalenotat.")
    assignment = assign(world, register(world), share_contact=True, share_goals=True)
    client = _client(world.mentor, language="en")
    mentee = client.get(reverse("mentoring:mentee", kwargs={"assignment_id": assignment.pk})).content.decode()
    assert "+47 91 23 45 67" in mentee and plan.goal.text in mentee
    person = world.case.person
    heading = mentee.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert f"{person.given_name} {person.family_name}" in heading, "the page is headed with the person's name"
    assert plan.health_measure.title not in mentee and plan.plan_measure.title not in mentee
    assert "Not shared with the mentor." in mentee
    case_page = client.get(reverse("cases:detail", kwargs={"case_id": world.case.pk})).content.decode()
    assert reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk}) not in case_page
    assert "Hemmelig samtalenotat" not in case_page
    conversations_tab = reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "conversations"})
    assert conversations_tab not in case_page and client.get(conversations_tab).status_code == 404
    log_url = reverse("mentoring:log_new", kwargs={"assignment_id": assignment.pk})
    assert client.get(log_url).status_code == 200
    too_long = client.post(log_url, {"met_on": _day(-1), "duration": "short", "activity": "talk", "note": "x" * 201})
    assert too_long.status_code == 422 and not MentorLogEntry.objects.exists()
    saved = client.post(
        log_url, {"met_on": _day(-1), "duration": "short", "activity": "talk", "note": "Om radikalisering"}, follow=True
    )
    assert saved.status_code == 200 and MentorLogEntry.objects.count() == 1
    assert "may show others what the work is about" in saved.content.decode(), "the revealing-word warning"
    mine = client.get(reverse("mentoring:my_mentees")).content.decode()
    assert reverse("mentoring:mentee", kwargs={"assignment_id": assignment.pk}) in mine


def test_ending_an_assignment_from_its_page(world: MentoringWorld) -> None:
    assignment = assign(world, register(world, user=world.second_mentor))
    client = _client(world.coordinator)
    detail = client.get(reverse("mentoring:assignment_detail", kwargs={"assignment_id": assignment.pk}))
    end_url = reverse("mentoring:assignment_end", kwargs={"assignment_id": assignment.pk})
    assert end_url in detail.content.decode()
    assert client.post(end_url, {"reason": ""}).status_code == 422
    assert client.post(end_url, {"reason": "completed"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_the_konfliktraad_pages_refer_with_consent_and_record_the_status(world: MentoringWorld) -> None:
    client = _client(world.caseworker, language="en")
    url = reverse("mentoring:restorative_new", kwargs={"case_id": world.case.pk})
    page = client.get(url).content.decode()
    assert "never recorded here" in page
    data = {"referred_on": _day(-2), "konfliktraad": "Konfliktrådet i Test", "consent_recorded_on": _day(-3)}
    refused = client.post(url, data | {"person_consented": "on"})
    refused_page = refused.content.decode()
    assert refused.status_code == 422 and "ds-error-summary" in refused_page
    assert "Every other party must consent to a restorative process." in refused_page
    assert not RestorativeReferral.objects.exists()
    assert client.post(url, data | {"person_consented": "on", "parties_consented": "on"}).status_code == 302
    referral = RestorativeReferral.objects.get()
    status_url = reverse("mentoring:restorative_status", kwargs={"referral_id": referral.pk})
    assert "no field for it" in client.get(status_url).content.decode()
    assert client.post(status_url, {"status": "not_held", "status_on": _day()}).status_code == 422
    assert client.post(status_url, {"status": "held", "status_on": _day()}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "held"
    case_page = client.get(reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "plan"})).content.decode()
    assert "Meeting held" in case_page
