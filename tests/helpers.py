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


def sees(user: User, obj: object, category: str) -> bool:
    """Tell whether the access engine shows the object's category to the user (a fresh context)."""
    from utvei.access import policy

    return policy.category_ground(policy.context(user), obj, category) is not None  # type: ignore[arg-type]


def seen(user: User, qs: object, category: str) -> set[int]:
    """Give the pks of the queryset the engine shows the user in the category (the list form)."""
    from utvei.access import policy

    return set(policy.scope_category(user, qs, category).values_list("pk", flat=True))  # type: ignore[arg-type]
