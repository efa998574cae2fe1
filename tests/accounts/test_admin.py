"""The organisation administrator manages users of their own organisation and sees no case content."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import FormClient, login_verified
from utvei.access.policy import NotFound
from utvei.accounts import services
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent

NEW_USER = {
    "username": "ny.bruker",
    "first_name": "Ny",
    "last_name": "Bruker",
    "email": "ny@demo.invalid",
    "role": Role.CASEWORKER,
    "password": "a-long-enough-Passphrase-9",
}


def test_admin_creates_a_user_in_their_organisation(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["admin"])
    org = Organisation.objects.get(name="Demo kommune")
    response = client.post(reverse("accounts:user_create"), NEW_USER | {"organisation": org.pk})
    assert response.status_code == 302
    created = User.objects.get(username="ny.bruker")
    assert Membership.objects.filter(user=created, organisation=org, role=Role.CASEWORKER).exists()
    assert created.check_password(NEW_USER["password"])
    assert AuditEntry.objects.filter(event=AuditEvent.CREATE, target_id=str(created.pk), actor=demo["admin"]).exists()


def test_weak_password_or_taken_username_is_refused_and_nothing_is_created(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["admin"])
    org = Organisation.objects.get(name="Demo kommune")
    before = User.objects.count()
    weak = client.post(reverse("accounts:user_create"), NEW_USER | {"organisation": org.pk, "password": "123"})
    taken = client.post(reverse("accounts:user_create"), NEW_USER | {"organisation": org.pk, "username": "mentor"})
    assert weak.status_code == taken.status_code == 422
    assert User.objects.count() == before


def test_admin_cannot_place_a_user_in_another_organisation(demo: dict[str, User]) -> None:
    other = Organisation.objects.get(name="Nabo kommune")
    with pytest.raises(NotFound):
        services.user_create(actor=demo["admin"], organisation=other, **NEW_USER)
    client = login_verified(FormClient(), demo["admin"])
    response = client.post(reverse("accounts:user_create"), NEW_USER | {"organisation": other.pk})
    assert response.status_code == 422  # not a choice offered to this administrator
    assert not User.objects.filter(username="ny.bruker").exists()


def test_admin_lists_only_users_of_their_organisation(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["admin"])
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert "mentor" in html and "saksbehandler" in html
    assert "nabo" not in html and "politikontakt" not in html


def test_admin_resets_second_factor_and_deactivates(demo: dict[str, User]) -> None:
    mentor = demo["mentor"]
    TOTPDevice.objects.create(user=mentor, name="app", confirmed=True)
    client = login_verified(FormClient(), demo["admin"])
    url = reverse("accounts:user_detail", kwargs={"user_id": mentor.pk})
    assert client.post(url, {"action": "reset_otp"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=mentor).exists()
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert client.post(url, {"action": "explode"}).status_code == 422


def test_admin_cannot_deactivate_themselves(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=demo["admin"], user_id=demo["admin"].pk)


def test_admin_sees_no_case_content(demo: dict[str, User]) -> None:
    from utvei.cases.models import Case

    client = login_verified(FormClient(), demo["admin"])
    assert client.get(reverse("cases:dashboard")).status_code == 403
    for case in Case.objects.all():
        assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 403
    assert client.get(reverse("privacy:audit_log")).status_code == 403


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
