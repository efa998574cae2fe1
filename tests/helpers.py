"""Test helpers shared by several test modules."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from utvei.accounts.models import User


def login_verified(client: Client, user: User) -> Client:
    """Log the client in as ``user`` with a passed second factor (a confirmed TOTP device)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def login_password_only(client: Client, user: User) -> Client:
    """Log the client in after the password step only (second factor not passed)."""
    client.force_login(user)
    return client
