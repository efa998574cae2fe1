"""A form is saved once however often it is sent (G40): the one-time token of every create and edit form.

A repeat gets the first result without saving again; the same token with another body, on another form,
of another user, forged or too old is refused and saves nothing; a form with errors gives its token
back. Every view that takes a POST either checks the token or is listed below with the reason it needs
none, and every form on the pages of those views carries one. Concurrent repeats on PostgreSQL are in
tests/security/test_concurrent_writes.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import form_token, login_verified
from tests.test_url_policy import iter_patterns
from utvei.accounts.models import User
from utvei.cases.models import Case, Task
from utvei.core.idempotency import KEY_TTL, TOKEN_FIELD, purge_expired
from utvei.core.models import SubmissionKey

pytestmark = pytest.mark.django_db

Users = dict[str, User]

# Views that take a POST without a one-time token, and why a repeat does no harm there.
NO_TOKEN_NEEDED = {
    "accounts:login": "the login flow: no user yet, and axes counts the attempts",
    "accounts:otp": "the login flow: each code is accepted once by django-otp",
    "accounts:otp_enrol": "the login flow: enrolling twice keeps one confirmed device",
    "accounts:passkey_register_begin": "issues a WebAuthn challenge, no data",
    "accounts:passkey_register_complete": "the challenge is single use: a replayed answer is refused",
    "accounts:passkey_verify_begin": "issues a WebAuthn challenge, no data",
    "accounts:passkey_verify_complete": "the challenge is single use: a replayed answer is refused",
    "accounts:logout": "logging out twice ends the same session",
    "accounts:keepalive": "renews the session, no data",
    "accounts:account": "the user's own preferences: saving twice stores the same",
    "accounts:user_detail": "deactivation and reset are states: doing it twice changes nothing more",
    "set_language": "a cookie, no data",
    "drafts": "autosave overwrites the one draft per field",
    "cases:phase": "carries the phase it starts from: a repeat is refused, naming the phase the case is in",
    "cases:task_done": "a task done twice stays done once",
    "cases:police_reason": "one reason per case, overwritten with the same text",
    "plans:activate": "a plan becomes active once",
    "plans:withdraw": "a wish is withdrawn once; a repeat is refused",
    "mentoring:assignment_end": "an assignment ends once; a repeat is refused",
    "mentoring:mentor_edit": "one register entry, saved with the same values",
    "mentoring:restorative_status": "a status, set to the same value",
    "accounts:reauth": "signing in again records the time of the check; a repeat records a later time",
    "cases:calendar": "makes or revokes the user's one feed address: a repeat replaces or revokes it again",
    "notifications:open": "marks the message read and opens the case: read twice stays read",
    "notifications:read": "a state: read twice stays read",
    "notifications:read_all": "a state: all read twice stays all read",
    "notifications:settings": "the user's own e-mail choices: saving twice stores the same",
    "privacy:emergency_end": "a grant ends once; a repeat finds no live grant and changes nothing",
    "portal:logout": "logging out twice ends the same portal session",
    "portal:consent_withdraw": "a consent is withdrawn once; withdrawing it again changes nothing",
    "portal:settings": "the person's own notice choice: saving twice stores the same",
}


def _allowed_methods(view: object) -> set[str]:
    """Read the methods a view accepts from its ``require_http_methods`` wrapper."""
    func: object | None = view
    while func is not None:
        for cell in getattr(func, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, (list, tuple)) and value and all(isinstance(m, str) and m.isupper() for m in value):
                return set(value)
        func = getattr(func, "__wrapped__", None)
    return set()


def _token_views() -> set[str]:
    return {name for name, p in iter_patterns() if getattr(p.callback, "utvei_idempotent", False)}


def test_every_view_that_takes_a_post_checks_the_token_or_says_why_not() -> None:
    posting = {name for name, p in iter_patterns() if "POST" in _allowed_methods(p.callback)}
    assert posting, "no POST views found: the method lookup is broken"
    unchecked = posting - _token_views() - set(NO_TOKEN_NEEDED)
    assert unchecked == set(), f"POST views without a one-time token and without a reason: {sorted(unchecked)}"
    assert set(NO_TOKEN_NEEDED) <= posting, "the allow-list names a view that takes no POST"
    assert not set(NO_TOKEN_NEEDED) & _token_views()


def _client(user: User) -> Client:
    client = login_verified(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _case(number: int) -> Case:
    return Case.objects.order_by("pk")[number - 1]


def _task_url() -> str:
    return reverse("cases:task_new", kwargs={"case_id": _case(1).pk})


def _task(user: User, token: str, title: str = "Avtale møte med Jonas") -> dict[str, str]:
    return {
        "title": title,
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "assignee": str(user.pk),
        TOKEN_FIELD: token,
    }


def _tasks() -> int:
    return Task.objects.filter(case=_case(1)).count()


def test_a_repeated_post_gets_the_first_result_and_saves_once(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    client, token, before = _client(user), form_token(user), _tasks()
    first = client.post(_task_url(), _task(user, token))
    again = client.post(_task_url(), _task(user, token))
    assert (first.status_code, again.status_code) == (302, 302)
    assert again["Location"] == first["Location"]
    assert _tasks() == before + 1
    followed = client.post(_task_url(), _task(user, token), follow=True)
    assert "This form was already sent. It was saved once" in followed.content.decode()
    assert _tasks() == before + 1


def test_the_same_token_with_another_body_is_refused(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    client, token, before = _client(user), form_token(user), _tasks()
    assert client.post(_task_url(), _task(user, token)).status_code == 302
    other = client.post(_task_url(), _task(user, token, title="Ring skolen"))
    assert other.status_code == 422
    assert "already sent once, with other content" in other.content.decode()
    assert _tasks() == before + 1
    assert not [task for task in Task.objects.all() if task.title == "Ring skolen"]


def test_the_same_token_on_another_form_is_refused(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    client, token = _client(user), form_token(user)
    assert client.post(_task_url(), _task(user, token)).status_code == 302
    relapse = reverse("cases:relapse", kwargs={"case_id": _case(1).pk})
    before = _case(1).relapses.count()
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "description": "Tilbake i gamle miljø.",
        TOKEN_FIELD: token,
    }
    assert client.post(relapse, data).status_code == 422
    assert _case(1).relapses.count() == before


def test_a_token_of_another_user_is_refused(demo_shared: Users) -> None:
    user, other = demo_shared["saksbehandler"], demo_shared["koordinator"]
    before = _tasks()
    response = _client(user).post(_task_url(), _task(user, form_token(other)))
    assert response.status_code == 400
    assert "it was not opened by you" in response.content.decode()
    assert _tasks() == before and not SubmissionKey.objects.exists()


@pytest.mark.parametrize("token", ["", "forged-token", "x" * 300])
def test_a_missing_or_forged_token_is_refused(demo_shared: Users, token: str) -> None:
    user = demo_shared["saksbehandler"]
    before = _tasks()
    assert _client(user).post(_task_url(), _task(user, token)).status_code == 400
    assert _tasks() == before


def test_a_token_older_than_its_lifetime_is_refused(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    token = form_token(user)
    with time_machine.travel(timezone.now() + KEY_TTL + timedelta(minutes=1)):
        client = _client(user)  # a new session: the old one would have ended long before
        assert client.post(_task_url(), _task(user, token)).status_code == 400


def test_a_form_with_errors_gives_its_token_back(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    client, token, before = _client(user), form_token(user), _tasks()
    invalid = client.post(_task_url(), {**_task(user, token), "title": ""})
    assert invalid.status_code == 422
    assert not SubmissionKey.objects.exists()
    assert client.post(_task_url(), _task(user, token)).status_code == 302
    assert _tasks() == before + 1


def test_a_refused_post_keeps_the_token_claimed(demo_shared: Users) -> None:
    # nabo is on no team of case 1: the policy refuses (404) and the key stays, so a repeat is not re-run.
    user = demo_shared["nabo"]
    client, token = _client(user), form_token(user)
    assert client.post(_task_url(), _task(user, token)).status_code == 404
    assert client.post(_task_url(), _task(user, token)).status_code == 409


def test_a_key_is_kept_for_its_lifetime_and_purged_after(demo_shared: Users) -> None:
    user = demo_shared["saksbehandler"]
    assert _client(user).post(_task_url(), _task(user, form_token(user))).status_code == 302
    key = SubmissionKey.objects.get()
    assert key.expires_at - key.created_at == KEY_TTL
    assert len(key.token_hash) == 64 and key.status_code == 302
    assert purge_expired(now=key.expires_at - timedelta(seconds=1)) == 0
    assert purge_expired(now=key.expires_at + timedelta(seconds=1)) == 1


def _pages_with_forms(users: Users) -> list[tuple[str, User]]:
    case1 = _case(1)
    from utvei.network.models import NetworkNode
    from utvei.plans.models import Goal, Measure, Meeting, Plan

    jonas_plan = Plan.objects.get(case=case1)
    node = NetworkNode.objects.filter(case=case1).first()
    assert node is not None
    coordinator = users["koordinator"]
    plan_pages = ["goals/new/", "domains/", "participants/new/", "measures/new/", "reviews/new/", "meetings/new/"]
    pages = [f"/plans/{jonas_plan.pk}/{page}" for page in ["edit/", *plan_pages]]
    pages += [
        reverse("plans:goal_edit", kwargs={"goal_id": Goal.objects.filter(plan=jonas_plan).first().pk}),  # type: ignore[union-attr]
        reverse("plans:measure_edit", kwargs={"measure_id": Measure.objects.filter(plan=jonas_plan).first().pk}),  # type: ignore[union-attr]
        reverse("plans:meeting", kwargs={"meeting_id": Meeting.objects.filter(plan=jonas_plan).first().pk}),  # type: ignore[union-attr]
        reverse("network:node_new", kwargs={"case_id": case1.pk}),
        reverse("network:node_edit", kwargs={"node_id": node.pk}),
        reverse("network:snapshot_new", kwargs={"case_id": case1.pk}),
        reverse("cases:team_add", kwargs={"case_id": case1.pk}),
        reverse("cases:task_new", kwargs={"case_id": case1.pk}),
        reverse("cases:relapse", kwargs={"case_id": case1.pk}),
        reverse("cases:close", kwargs={"case_id": case1.pk}),
        reverse("sharing:escalate", kwargs={"case_id": case1.pk}),
        reverse("cases:referral_new"),
        reverse("cases:concerns"),
        reverse("contacts:plan", kwargs={"case_id": case1.pk}),
        reverse("contacts:conversation_new", kwargs={"case_id": case1.pk}),
        reverse("contacts:consultation_new", kwargs={"case_id": case1.pk}),
        reverse("sharing:consent_new", kwargs={"case_id": case1.pk}),
        reverse("sharing:share", kwargs={"case_id": case1.pk}),
        reverse("mentoring:restorative_new", kwargs={"case_id": case1.pk}),
        reverse("mentoring:assignment_new", kwargs={"case_id": case1.pk}),
    ]
    from utvei.mentoring.models import MentorAssignment

    assignment = MentorAssignment.objects.order_by("pk").first()
    assert assignment is not None
    others = [
        (reverse("accounts:user_create"), users["admin"]),
        (reverse("mentoring:mentor_new"), coordinator),
        (reverse("mentoring:log_new", kwargs={"assignment_id": assignment.pk}), users["mentor"]),
    ]
    return [(page, coordinator) for page in pages] + others


def test_every_form_on_the_pages_of_token_views_carries_a_token(demo_shared: Users) -> None:
    missing, checked = [], 0
    pages = _pages_with_forms(demo_shared)
    for page, user in pages:
        response = _client(user).get(page)
        assert response.status_code == 200, page
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", response.content.decode(), re.S):
            action = re.search(r'action="([^"]*)"', form)
            if action and any(part in action.group(1) for part in ("/logout/", "/i18n/", "/done/", "/activate/")):
                continue  # the header's logout and language forms, and forms of views listed as needing none
            checked += 1
            if f'name="{TOKEN_FIELD}"' not in form:
                missing.append(page)
    assert missing == []
    assert checked >= len(pages), "every page holds at least one form that saves"
