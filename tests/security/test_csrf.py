"""Every state-changing route refuses a request without a CSRF token (G24)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access.matrix import MATRIX, Row
from tests.access.test_matrix import resolve
from tests.helpers import login_verified
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry

POST_ROWS = [row for row in MATRIX if row.method == "POST"]


@pytest.mark.parametrize("row", POST_ROWS, ids=lambda r: f"{r.name} {r.kwargs or ''}")
def test_post_without_csrf_token_is_refused_and_changes_nothing(demo: dict[str, User], row: Row) -> None:
    client = login_verified(Client(enforce_csrf_checks=True), demo["admin"])
    kwargs = {k: _resolve(v) for k, v in row.kwargs.items()}
    users_before = list(User.objects.values_list("pk", "is_active").order_by("pk"))
    audit_before = AuditEntry.objects.count()
    response = client.post(reverse(row.name, kwargs=kwargs), row.data)
    assert response.status_code == 403
    assert list(User.objects.values_list("pk", "is_active").order_by("pk")) == users_before
    assert AuditEntry.objects.count() == audit_before


def _resolve(value: str) -> object:
    # Some rows name objects the matrix plants for itself (a report on case 1). The token is checked by the
    # middleware before any view runs, so an id that names nothing is refused just the same.
    try:
        return resolve(value)
    except (IndexError, LookupError):
        return 999_999


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
