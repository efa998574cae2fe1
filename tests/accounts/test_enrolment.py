"""Setting up a second factor: enrolment links, session keys cycled at each level, the demo's choice."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
import time_machine
from django.conf import LazySettings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import login_password_only, login_verified
from utvei.accounts.demo import DEMO_PASSWORD
from utvei.accounts.models import EnrolmentLink, User
from utvei.accounts.services import enrolment_link_issue, user_reset_second_factor
from utvei.audit.models import AuditEntry, AuditEvent

SESSION = "utvei-session"
CSRF = "utvei-csrf"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response


def _open_link(client: Client, token: str) -> object:
    return client.get(reverse("accounts:enrolment_link", args=[token]))


def _enrol_totp(client: Client, user: User) -> None:
    assert client.get(reverse("accounts:otp_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("accounts:otp_enrol"), {"token": _code(device)}).status_code == 302


def test_session_key_and_csrf_token_change_at_the_second_factor(demo: dict[str, User]) -> None:
    user = demo["helse"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.get(reverse("accounts:login"))
    _password_step(client, "helse")
    password_key = client.cookies[SESSION].value
    password_csrf = client.cookies[CSRF].value
    assert client.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")

    assert client.post(reverse("accounts:otp"), {"token": _code(device)}).status_code == 302
    verified_key = client.cookies[SESSION].value
    assert verified_key != password_key
    assert client.cookies[CSRF].value != password_csrf
    # The key held before the second factor is dead: replaying it gets no session at all.
    assert not SessionStore().exists(password_key)
    stolen = Client()
    stolen.cookies[SESSION] = password_key
    assert stolen.get(reverse("cases:dashboard"))["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_session_key_changes_when_a_second_factor_is_enrolled(demo: dict[str, User]) -> None:
    user = demo["mentor"]
    _link, token = enrolment_link_issue(actor=demo["admin"], user_id=user.pk)
    client = Client()
    _open_link(client, token)
    _password_step(client, "mentor")
    before = client.cookies[SESSION].value
    _enrol_totp(client, user)
    assert client.cookies[SESSION].value != before
    assert not SessionStore().exists(before)
    assert client.get(reverse("cases:dashboard")).status_code == 200


def test_a_password_alone_cannot_enrol_where_2fa_is_required(demo: dict[str, User]) -> None:
    user = demo["mentor"]
    client = login_password_only(Client(), user)
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 403
    assert "registreringslenke" in page.content.decode()
    assert client.post(reverse("accounts:otp_enrol"), {"token": "123456"}).status_code == 403
    begin = client.post(reverse("accounts:passkey_register_begin"), content_type="application/json")
    assert begin.status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")


def test_administrator_issues_a_single_use_link_stored_only_as_a_hash(demo: dict[str, User]) -> None:
    user = demo["mentor"]
    admin = login_verified(Client(), demo["admin"])
    page = admin.post(reverse("accounts:user_detail", args=[user.pk]), {"action": "enrolment_link"})
    assert page.status_code == 200
    url = re.search(r'<code id="enrolment-url"[^>]*>([^<]+)</code>', page.content.decode())[1]  # type: ignore[index]
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = EnrolmentLink.objects.get(user=user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.issued_by == demo["admin"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_enrolmentlink")
        assert token not in repr(cursor.fetchall())
    assert AuditEntry.objects.filter(event=AuditEvent.CREATE, target_type="accounts.EnrolmentLink").count() == 1

    client = Client()
    opened = _open_link(client, token)
    assert opened["Location"].startswith(reverse("accounts:login"))
    _password_step(client, "mentor")
    _enrol_totp(client, user)
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEntry.objects.filter(event=AuditEvent.UPDATE, target_id=str(link.pk)).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.OTP_ENROLLED, actor=user).exists()

    # Used once: the same link now answers like any unknown one.
    again = _open_link(Client(), token)
    unknown = _open_link(Client(), "not-a-real-token")
    assert again.status_code == unknown.status_code == 404
    assert AuditEntry.objects.filter(event=AuditEvent.ACCESS_DENIED, target_type="accounts.EnrolmentLink").count() == 2


def test_an_expired_link_is_refused_even_after_it_was_opened(demo: dict[str, User], settings: LazySettings) -> None:
    user = demo["mentor"]
    link, token = enrolment_link_issue(actor=None, user_id=user.pk)
    expires = link.expires_at.timestamp()
    client = Client()
    with time_machine.travel(expires - 600, tick=False):
        _open_link(client, token)
        _password_step(client, "mentor")
        assert client.get(reverse("accounts:otp_enrol")).status_code == 200
    with time_machine.travel(expires + 60, tick=False):
        assert client.get(reverse("accounts:otp_enrol")).status_code == 403
        assert _open_link(Client(), token).status_code == 404
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert expires - time.time() == pytest.approx(settings.ENROLMENT_LINK_HOURS * 3600, abs=60)


def test_a_newer_link_revokes_the_older_one(demo: dict[str, User]) -> None:
    user = demo["mentor"]
    _first, old_token = enrolment_link_issue(actor=demo["admin"], user_id=user.pk)
    _second, new_token = enrolment_link_issue(actor=demo["admin"], user_id=user.pk)
    assert _open_link(Client(), old_token).status_code == 404
    assert _open_link(Client(), new_token).status_code == 302


def test_another_users_link_does_not_let_a_password_enrol(demo: dict[str, User]) -> None:
    _link, token = enrolment_link_issue(actor=demo["admin"], user_id=demo["slt"].pk)
    client = Client()
    _open_link(client, token)
    _password_step(client, "mentor")
    assert client.get(reverse("accounts:otp_enrol")).status_code == 403
    assert not TOTPDevice.objects.filter(user=demo["mentor"]).exists()


def test_links_are_refused_outside_the_administrators_organisation_and_for_enrolled_users(
    demo: dict[str, User],
) -> None:
    admin = login_verified(Client(), demo["admin"])
    assert (
        admin.post(reverse("accounts:user_detail", args=[demo["nabo"].pk]), {"action": "enrolment_link"}).status_code
        == 404
    )
    login_verified(Client(), demo["slt"])  # slt now has a confirmed app
    refused = admin.post(reverse("accounts:user_detail", args=[demo["slt"].pk]), {"action": "enrolment_link"})
    assert refused.status_code == 422
    assert "Nullstill den først" in refused.content.decode()
    assert not EnrolmentLink.objects.exists()


def test_reset_removes_every_second_factor_and_unused_links(demo: dict[str, User]) -> None:
    from django_otp import user_has_device

    user = demo["slt"]
    login_verified(Client(), user)
    user_reset_second_factor(actor=demo["admin"], user_id=user.pk)
    assert not user_has_device(user, confirmed=None)
    _link, token = enrolment_link_issue(actor=demo["admin"], user_id=user.pk)
    user_reset_second_factor(actor=demo["admin"], user_id=user.pk)
    assert _open_link(Client(), token).status_code == 404


def test_where_2fa_is_optional_a_user_may_set_up_their_own(demo: dict[str, User], settings: LazySettings) -> None:
    # The demo: a password session already has full access, so a second factor of its own only adds.
    settings.REQUIRE_2FA = False
    user = demo["mentor"]
    client = Client()
    _password_step(client, "mentor")
    assert client.get(reverse("cases:dashboard")).status_code == 200
    _enrol_totp(client, user)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize("base_url", ["", "https://utvei.kommune.example"])
def test_operator_command_issues_links(
    demo: dict[str, User], base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("enrolment_link", "admin", "mentor", *(["--base-url", base_url] if base_url else []))
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["admin", "mentor"]
    assert all(line.split("\t")[1].startswith(f"{base_url}/login/setup/") for line in lines)
    assert EnrolmentLink.objects.filter(issued_by=None).count() == 2
