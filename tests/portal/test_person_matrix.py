"""The person's actor against every URL: the portal answers them, no staff URL does, and no page leaks.

On every URL outside the portal the person gets exactly what an anonymous visitor gets (the staff login,
a public page or the same refusal): a portal session is no staff login. Every portal page the person
reaches is checked for the canaries of staff-only content planted in the demo (the security assessment,
a conversation's notes, a disclosure not yet told) and writes a read row naming the person.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.access.matrix import LOGIN, MATRIX, Row
from tests.access.matrix_portal import PERSON_ROWS
from tests.access.test_matrix import (  # noqa: F401  (the canaries fixture, planted once per module)
    CONVERSATION_CANARY,
    LEDGER_CANARY,
    SECURITY_CANARY,
    _answer,
    canaries,
    resolve,
)
from tests.portal.helpers import jonas, portal_login
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


STAFF_ONLY = [SECURITY_CANARY, CONVERSATION_CANARY, LEDGER_CANARY]
OUTSIDE_PORTAL = [row for row in MATRIX if not row.name.startswith("portal:")]


@pytest.mark.parametrize("row", OUTSIDE_PORTAL, ids=lambda r: f"{r.method} {r.name} {r.kwargs or ''}")
def test_the_person_gets_what_an_anonymous_visitor_gets_outside_the_portal(
    demo_shared: dict[str, User],
    canaries: dict[str, set[str]],  # noqa: F811
    row: Row,
) -> None:
    client = portal_login(Client(), jonas())
    client._matrix_user = "anonymous"  # type: ignore[attr-defined]  # as the oracle names a visitor without a user
    got, body = _answer(client, row, htmx=False)
    expected = row.expect["anonymous"]
    assert got == expected, f"{row.method} {row.name}: expected {expected}, got {got}"
    assert not [c for c in STAFF_ONLY if c in body]


@pytest.mark.parametrize(("name", "method", "status", "kwargs"), PERSON_ROWS, ids=lambda v: str(v))
def test_the_person_reaches_their_portal_and_no_page_leaks(
    demo_shared: dict[str, User],
    canaries: dict[str, set[str]],  # noqa: F811
    name: str,
    method: str,
    status: int,
    kwargs: dict[str, str],
) -> None:
    person = jonas()
    client = portal_login(Client(), person)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    url = reverse(name, kwargs={k: resolve(v) for k, v in kwargs.items()})
    response = client.generic(method, url)
    pdf = response.get("Content-Type") == "application/pdf"
    body = _pdf_text(response.content) if pdf else response.content.decode()
    assert response.status_code == status
    assert LOGIN not in (response.get("Location") or "")
    assert not [c for c in STAFF_ONLY if c in body]
    new = AuditEntry.objects.filter(seq__gt=before, person_id=person.pk, actor_role="person")
    if status == 200:
        assert new.filter(event=AuditEvent.VIEW).exists()
    if status == 404:
        assert new.filter(event=AuditEvent.ACCESS_DENIED).exists()
