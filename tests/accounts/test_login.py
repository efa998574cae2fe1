"""Login: password step, lockout, second factor, session rules, and their audit rows."""

from __future__ import annotations

import base64
import re
import time

import pytest
import time_machine
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import login_password_only, login_verified
from tests.test_url_policy import iter_patterns
from utvei.accounts.demo import DEMO_PASSWORD
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent

LOGIN = "/login/"


def _post_login(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_login_leads_to_second_factor_setup_and_cycles_the_session(demo: dict[str, User]) -> None:
    client = Client()
    client.get(LOGIN)
    client.cookies["utvei-session"] = "attacker-chosen-session-id"
    response = _post_login(client, "saksbehandler", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp"))
    assert client.cookies["utvei-session"].value != "attacker-chosen-session-id"
    # No device yet and 2FA required: the code page sends the user to set up an authenticator.
    assert client.get(reverse("accounts:otp"))["Location"] == reverse("accounts:otp_enrol")
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN, actor=demo["saksbehandler"]).exists()


def test_password_only_session_reaches_no_protected_page(demo: dict[str, User]) -> None:
    client = login_password_only(Client(), demo["koordinator"])
    for name, pattern in iter_patterns():
        kind, _perm = pattern.callback.utvei_access
        if kind != "requires" or "<" in str(pattern.pattern):
            continue
        response = client.get(reverse(name))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"] == reverse("accounts:otp"), name


def test_enrolment_then_verified_login_with_a_code_used_only_once(demo: dict[str, User]) -> None:
    from utvei.accounts.services import enrolment_link_issue

    user = demo["nav"]
    _link, token = enrolment_link_issue(actor=None, user_id=user.pk)
    client = Client()
    client.get(reverse("accounts:enrolment_link", args=[token]))
    assert _post_login(client, "nav", DEMO_PASSWORD).status_code == 302
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in page.content.decode()

    wrong = client.post(reverse("accounts:otp_enrol"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 422
    # A failure throttles the device for a second (django-otp), so the next try comes a little later.
    with time_machine.travel(time.time() + 3, tick=False):
        assert client.post(reverse("accounts:otp_enrol"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("cases:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_ENROLLED, actor=user).exists()

    # A new session must pass the code page; the code just used is refused (no replay).
    used = _code(device)
    second = login_password_only(Client(), user)
    assert second.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")
    assert second.post(reverse("accounts:otp"), {"token": used}).status_code == 422
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_FAILED, actor=user).exists()


def test_code_page_accepts_a_fresh_code(demo: dict[str, User]) -> None:
    user = demo["helse"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = login_password_only(Client(), user)
    response = client.post(reverse("accounts:otp"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_malformed_code_gets_a_clear_message_and_changes_nothing(demo: dict[str, User]) -> None:
    user = demo["helse"]
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = login_password_only(Client(), user)
    response = client.post(reverse("accounts:otp"), {"token": "12ab"})
    assert response.status_code == 422
    assert "seks sifrene" in response.content.decode()  # Norwegian by default
    assert client.get(reverse("cases:dashboard")).status_code == 302


def test_wrong_unknown_and_locked_logins_look_the_same(demo: dict[str, User], settings: LazySettings) -> None:
    wrong = _post_login(Client(), "mentor", "not-the-password")
    unknown = _post_login(Client(), "nobody-by-this-name", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200

    def body(response: object) -> str:
        html = response.content.decode()  # type: ignore[attr-defined]
        main = html.split("<main", 1)[1].split("</main>", 1)[0].replace("nobody-by-this-name", "mentor")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)

    assert body(wrong) == body(unknown)


def test_lockout_after_repeated_failures_refuses_even_the_right_password(
    demo: dict[str, User], settings: LazySettings
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        _post_login(Client(), "mentor", "not-the-password")
    locked = _post_login(Client(), "mentor", DEMO_PASSWORD)
    assert locked.status_code == 200
    assert "_auth_user_id" not in locked.client.session
    assert AuditEntry.objects.filter(event=AuditEvent.LOCKED_OUT).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).count() >= limit - 1
    # Another account is not affected (lockout is per username).
    assert _post_login(Client(), "nav", DEMO_PASSWORD).status_code == 302


def test_failed_login_for_unknown_name_stores_no_typed_text(demo: dict[str, User]) -> None:
    _post_login(Client(), "Ola Nordmann 01017012345", "x")
    entry = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).latest("seq")
    values = " ".join(str(v) for v in entry.__dict__.values())
    assert "Nordmann" not in values and "01017012345" not in values


def test_open_redirect_is_refused(demo: dict[str, User], settings: LazySettings) -> None:
    settings.REQUIRE_2FA = False
    response = Client().post(LOGIN + "?next=https://evil.example/", {"username": "slt", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_idle_session_expires_and_requires_login_again(demo: dict[str, User], settings: LazySettings) -> None:
    client = login_verified(Client(), demo["saksbehandler"])
    with time_machine.travel(time.time() + settings.SESSION_IDLE_SECONDS + 1, tick=False):
        response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive_past_the_idle_limit(demo: dict[str, User], settings: LazySettings) -> None:
    client = login_verified(Client(), demo["saksbehandler"])
    start = time.time()
    half = settings.SESSION_IDLE_SECONDS * 0.6
    with time_machine.travel(start + half, tick=False):
        assert client.post(reverse("accounts:keepalive")).status_code == 204
    with time_machine.travel(start + 2 * half, tick=False):
        assert client.get(reverse("cases:dashboard")).status_code == 200


def test_absolute_session_lifetime_ends_even_an_active_session(demo: dict[str, User], settings: LazySettings) -> None:
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = login_verified(Client(), demo["saksbehandler"])
    start = time.time()
    assert client.get(reverse("cases:dashboard")).status_code == 200
    step = settings.SESSION_IDLE_SECONDS * 0.5
    t = start
    while t - start < 3600 + step:
        t += step
        with time_machine.travel(t, tick=False):
            response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 302


def test_deactivated_user_loses_every_session_at_the_next_request(demo: dict[str, User]) -> None:
    from utvei.accounts.services import user_deactivate

    sessions = [login_verified(Client(), demo["mentor"]) for _ in range(3)]
    user_deactivate(actor=demo["admin"], user_id=demo["mentor"].pk)
    for client in sessions:
        assert client.get(reverse("cases:dashboard")).status_code == 302


def test_logout_ends_the_session_and_clears_the_browser(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["slt"])
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("cases:dashboard")).status_code == 302
    assert AuditEntry.objects.filter(event=AuditEvent.LOGOUT, actor=demo["slt"]).exists()


@pytest.mark.parametrize("path", ["/login/", "/cases/"])
def test_pages_carry_security_headers(demo: dict[str, User], path: str) -> None:
    client = login_verified(Client(), demo["saksbehandler"]) if path != "/login/" else Client()
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
