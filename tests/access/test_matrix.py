"""The authorization matrix: every URL × method × demo user, checked against the oracle in matrix.py.

It fails when a URL pattern has no row, when any answer differs from the table, when an allowed case
read leaves no audit row, or when a refused one leaves no denial row.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access.matrix import LOGIN, MATRIX, USERS, Row
from tests.helpers import login_verified
from tests.test_url_policy import all_url_names
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Person, Task
from utvei.contacts.models import Consultation, Conversation
from utvei.mentoring.models import Mentor, MentorAssignment, RestorativeReferral
from utvei.network.models import NetworkNode, NetworkSnapshot
from utvei.plans.models import Goal, Measure, Meeting, Plan
from utvei.sharing.models import Consent, Disclosure


def resolve(value: str) -> str:
    kind, _, key = value.partition(":")
    if kind == "literal":
        return key
    if kind == "case":
        if key == "missing":
            return str((Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000)
        return str(Case.objects.order_by("pk")[int(key) - 1].pk)
    if kind == "user":
        return str(User.objects.get(username=key).pk)
    models = {"person": Person, "task": Task, "conversation": Conversation, "consultation": Consultation}
    models |= {"mentor": Mentor, "assignment": MentorAssignment, "referral": RestorativeReferral}
    models |= {"plan": Plan, "goal": Goal, "measure": Measure, "meeting": Meeting}
    models |= {"node": NetworkNode, "snapshot": NetworkSnapshot}
    models |= {"consent": Consent, "disclosure": Disclosure}
    if kind in models:
        model = models[kind]
        if key == "missing":
            return str((model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000)
        return str(model.objects.order_by("pk")[int(key) - 1].pk)
    raise ValueError(value)


def _answer(client: Client, row: Row, htmx: bool) -> int | str:
    url = reverse(row.name, kwargs={k: resolve(v) for k, v in row.kwargs.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.generic(
        row.method, url, data=_encode(row.data), content_type="application/x-www-form-urlencoded", headers=headers
    )
    if (
        response.status_code == 302
        and response["Location"].startswith(reverse("accounts:login"))
        and row.name not in {"accounts:logout"}
    ):
        return LOGIN
    if (
        row.name == "accounts:logout"
        and response.status_code == 302
        and client.session.get("_auth_user_id") is None
        and getattr(client, "_matrix_user", "") == "anonymous"
    ):
        return LOGIN
    return response.status_code


def _encode(data: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def test_every_url_pattern_has_a_matrix_row() -> None:
    covered = {row.name for row in MATRIX}
    assert all_url_names() - covered == set(), "URL patterns without an authorization-matrix row"


def test_every_row_names_every_user() -> None:
    for row in MATRIX:
        assert set(row.expect) == set(USERS), row.name


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.name} {r.kwargs or ''}")
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_matrix_row(demo_shared: dict[str, User], row: Row, htmx: bool) -> None:
    demo = demo_shared
    mismatches = []
    for username in USERS:
        client = Client()
        client._matrix_user = username  # type: ignore[attr-defined]
        if username != "anonymous":
            login_verified(client, demo[username])
        before = AuditEntry.objects.count()
        got = _answer(client, row, htmx)
        expected = row.expect[username]
        if got != expected:
            mismatches.append(f"{username}: expected {expected}, got {got}")
            continue
        if row.name in {"cases:detail", "contacts:conversation_detail"}:
            new = AuditEntry.objects.filter(seq__gt=before, actor__username=username)
            wanted = AuditEvent.VIEW if got == 200 else AuditEvent.ACCESS_DENIED
            if got in (200, 404) and not new.filter(event=wanted).exists():
                mismatches.append(f"{username}: answered {got} but wrote no {wanted} audit row")
    assert mismatches == [], "\n".join(mismatches)
