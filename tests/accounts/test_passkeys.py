"""Passkeys (WebAuthn) as a phishing-resistant second factor, checked with a software authenticator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from tests.accounts.softauthn import SoftAuthenticator, b64url
from tests.helpers import login_password_only
from utvei.accounts.demo import DEMO_PASSWORD
from utvei.accounts.models import User
from utvei.accounts.services import enrolment_link_issue
from utvei.audit.models import AuditEntry, AuditEvent

SESSION = "utvei-session"


def _post_json(client: Client, name: str, body: dict[str, Any] | None = None, query: str = "") -> Any:
    return client.post(reverse(name) + query, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def authenticator(settings: LazySettings) -> SoftAuthenticator:
    return SoftAuthenticator(origin=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0], rp_id=settings.OTP_WEBAUTHN_RP_ID)


def _register(client: Client, authenticator: SoftAuthenticator) -> Any:
    begin = _post_json(client, "accounts:passkey_register_begin")
    assert begin.status_code == 200, begin.content
    options = begin.json()
    assert options["rp"]["id"] == authenticator.rp_id
    return _post_json(client, "accounts:passkey_register_complete", authenticator.register(options))


def _enrolled(user: User, authenticator: SoftAuthenticator) -> None:
    _link, token = enrolment_link_issue(actor=None, user_id=user.pk)
    client = Client()
    client.get(reverse("accounts:enrolment_link", args=[token]))
    client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert _register(client, authenticator).status_code == 200


def _password_step(user: User) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert response["Location"].startswith(reverse("accounts:otp"))
    return client


def test_registering_a_passkey_needs_an_enrolment_link(demo: dict[str, User], authenticator: SoftAuthenticator) -> None:
    client = login_password_only(Client(), demo["mentor"])
    assert _post_json(client, "accounts:passkey_register_begin").status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_passkey_registration_under_a_link_verifies_the_session_with_a_new_key(
    demo: dict[str, User], authenticator: SoftAuthenticator
) -> None:
    user = demo["mentor"]
    _link, token = enrolment_link_issue(actor=demo["admin"], user_id=user.pk)
    client = Client()
    client.get(reverse("accounts:enrolment_link", args=[token]))
    client.post(reverse("accounts:login"), {"username": "mentor", "password": DEMO_PASSWORD})
    before = client.cookies[SESSION].value
    done = _register(client, authenticator)
    assert done.status_code == 200 and done.json()["redirect_url"] == reverse("home")
    assert client.cookies[SESSION].value != before
    assert client.get(reverse("cases:dashboard")).status_code == 200
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.confirmed
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_ENROLLED, target_id=str(credential.pk)).exists()
    # The link is used up: a second passkey cannot be added without passing the first.
    other = login_password_only(Client(), user)
    assert _post_json(other, "accounts:passkey_register_begin").status_code == 403


def test_passkey_as_second_factor_cycles_the_session_key(
    demo: dict[str, User], authenticator: SoftAuthenticator
) -> None:
    user = demo["mentor"]
    _enrolled(user, authenticator)
    client = _password_step(user)
    page = client.get(reverse("accounts:otp"))
    assert 'data-passkey="verify"' in page.content.decode()
    assert 'name="token"' not in page.content.decode(), "no code field for a user without an app"
    before = client.cookies[SESSION].value
    options = _post_json(client, "accounts:passkey_verify_begin").json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(authenticator.credential_id)]
    done = _post_json(client, "accounts:passkey_verify_complete", authenticator.assert_(options), "?next=/cases/")
    assert done.status_code == 200 and done.json()["redirect_url"] == "/cases/"
    assert client.cookies[SESSION].value != before
    assert client.get(reverse("cases:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_VERIFIED, actor=user).exists()


def test_an_assertion_made_for_another_origin_is_refused(
    demo: dict[str, User], authenticator: SoftAuthenticator
) -> None:
    # A look-alike site relaying the challenge gets an assertion naming its own origin: refused.
    user = demo["mentor"]
    _enrolled(user, authenticator)
    client = _password_step(user)
    options = _post_json(client, "accounts:passkey_verify_begin").json()
    authenticator.origin = "https://utvei-innlogging.example"
    refused = _post_json(client, "accounts:passkey_verify_complete", authenticator.assert_(options))
    assert refused.status_code == 422
    assert "ikke godtatt" in refused.json()["detail"]
    assert client.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_FAILED, actor=user).exists()


def test_a_challenge_is_answered_once_and_only_by_the_users_own_passkey(
    demo: dict[str, User], authenticator: SoftAuthenticator, settings: LazySettings
) -> None:
    user, other = demo["mentor"], demo["slt"]
    _enrolled(user, authenticator)
    stranger = SoftAuthenticator(origin=authenticator.origin, rp_id=authenticator.rp_id)
    _enrolled(other, stranger)

    # slt's passkey cannot be the second factor of mentor's password session.
    client = _password_step(user)
    options = _post_json(client, "accounts:passkey_verify_begin").json()
    assert _post_json(client, "accounts:passkey_verify_complete", stranger.assert_(options)).status_code == 422

    # A replayed answer to a challenge already used is refused.
    options = _post_json(client, "accounts:passkey_verify_begin").json()
    answer = authenticator.assert_(options)
    assert _post_json(client, "accounts:passkey_verify_complete", answer).status_code == 200
    replay = _password_step(user)
    _post_json(replay, "accounts:passkey_verify_begin")
    assert _post_json(replay, "accounts:passkey_verify_complete", answer).status_code == 422
    assert replay.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")


def test_a_credential_for_another_origin_cannot_be_registered(
    demo: dict[str, User], authenticator: SoftAuthenticator
) -> None:
    user = demo["mentor"]
    _link, token = enrolment_link_issue(actor=None, user_id=user.pk)
    client = Client()
    client.get(reverse("accounts:enrolment_link", args=[token]))
    client.post(reverse("accounts:login"), {"username": "mentor", "password": DEMO_PASSWORD})
    authenticator.origin = "https://utvei-innlogging.example"
    assert _register(client, authenticator).status_code == 422
    assert not WebAuthnCredential.objects.exists()
