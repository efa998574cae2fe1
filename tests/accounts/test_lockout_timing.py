"""A locked account costs the same work as a normal failed login, so the lockout cannot be timed.

Tests never measure time: they count what costs time, password hashes and database queries, on both
paths. The timing itself is compared statistically in ``make bench`` (bench/run.py).
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.conf import LazySettings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from utvei.accounts.demo import DEMO_PASSWORD
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent

LOGIN = "/login/"


class CountingHasher(MD5PasswordHasher):
    """Count every password hash computed (verify runs encode once for this hasher)."""

    algorithm = "md5"
    calls: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _counting_hasher(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]


def _attempt(username: str, password: str) -> tuple[int, int, str]:
    """Post one login; give (hashes computed, queries run, page body without the CSRF token)."""
    client = Client()
    before = CountingHasher.calls
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    body = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    body = (
        body.split('name="csrfmiddlewaretoken"', 1)[0] + body.split('name="csrfmiddlewaretoken"', 1)[1].split(">", 1)[1]
    )
    return CountingHasher.calls - before, len(queries), body.replace(f'value="{username}"', 'value="USER"')


def _fail(username: str, times: int) -> None:
    for _ in range(times):
        Client().post(LOGIN, {"username": username, "password": "not-the-password"})


def test_locked_account_hashes_and_queries_like_a_wrong_password(demo: dict[str, User], settings: LazySettings) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    # Both accounts already have failures on record, so both paths update an existing attempt row.
    _fail("mentor", 1)
    _fail("nav", limit)
    locked_rows = AuditEntry.objects.filter(event=AuditEvent.LOCKED_OUT, target_id=str(demo["nav"].pk))
    before = locked_rows.count()
    normal = _attempt("mentor", "not-the-password")
    locked = _attempt("nav", "not-the-password")
    locked_right_password = _attempt("nav", DEMO_PASSWORD)
    assert normal[0] == locked[0] == locked_right_password[0] == 1
    assert normal[1] == locked[1] == locked_right_password[1]
    assert normal[2] == locked[2] == locked_right_password[2]
    assert locked_rows.count() == before + 2


def test_unknown_username_hashes_once_too(demo: dict[str, User]) -> None:
    assert _attempt("nobody-by-this-name", "not-the-password")[0] == 1
