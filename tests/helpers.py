"""Test helpers shared by several test modules."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
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


def form_token(user: User) -> str:
    """Give a one-time form token issued to ``user``, as a form page would render it."""
    from utvei.core.idempotency import issue_token

    return issue_token(user.pk)


def with_token(user: User, data: dict[str, object] | None = None) -> dict[str, object]:
    """Give POST data with a fresh one-time form token for ``user`` (what every create form carries)."""
    from utvei.core.idempotency import TOKEN_FIELD

    return {**(data or {}), TOKEN_FIELD: form_token(user)}


class FormClient(Client):
    """Send, with every POST of a logged-in user, a fresh one-time form token, as a rendered form carries.

    Tests of the token itself (tests/core/test_idempotency.py) use the plain ``Client`` and set it by hand.
    """

    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        from utvei.core.idempotency import TOKEN_FIELD, issue_token

        user_id = self.session.get("_auth_user_id")
        if user_id is not None and (data is None or isinstance(data, dict)) and TOKEN_FIELD not in (data or {}):
            data = {**(data or {}), TOKEN_FIELD: issue_token(int(user_id))}
        return super().post(path, data, *args, **kwargs)


def loaded_with(page: HttpResponse) -> dict[str, str]:
    """Give the hidden version fields an edit form page carries, to send back as the browser would."""
    import re

    from utvei.core.editing import BASE_FIELD, VERSION_FIELD

    html = page.content.decode()
    found = {}
    for name in (VERSION_FIELD, BASE_FIELD):
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match is not None, f"the page carries no {name}"
        found[name] = match.group(1)
    return found
