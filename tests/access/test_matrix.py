"""The authorization matrix: every URL × method × demo user, checked against the oracle in matrix.py.

It fails when a URL pattern has no row, when any answer differs from the table, when a 200 on a URL about
case data (a case, plan, goal, consent, conversation …) leaves no audit row, when a refusal (403 or 404)
leaves no denial row, or when a response body holds a canary that user must never see. The canaries are
planted in the demo once per module: case 1's identity number and address, its security assessment, a
conversation's notes, a disclosure's summary and the summary of a report to the police contact.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.access.matrix import LOGIN, MATRIX, USERS, Row
from tests.helpers import login_verified
from tests.test_url_policy import all_url_names
from utvei.accounts.models import Organisation, User
from utvei.attachments.models import Attachment
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Escalation, Person, Task, TeamMember
from utvei.contacts.models import Consultation, Conversation
from utvei.core.idempotency import TOKEN_FIELD, issue_token
from utvei.mentoring.models import Mentor, MentorAssignment, RestorativeReferral
from utvei.network.models import NetworkNode, NetworkSnapshot
from utvei.notifications.models import Notification
from utvei.plans.models import Goal, Measure, Meeting, Plan
from utvei.privacy.models import AccessGrant
from utvei.sharing.models import Consent, Disclosure


def resolve(value: str) -> str:
    kind, sep, key = value.partition(":")
    if not sep:
        return value  # a literal path part, such as a tab's slug
    if kind == "literal":
        return key
    if kind == "case":
        if key == "missing":
            return str((Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000)
        return str(Case.objects.order_by("pk")[int(key) - 1].pk)
    if kind == "user":
        return str(User.objects.get(username=key).pk)
    if kind == "notification":  # the first notification the demo gave this user
        return str(Notification.objects.filter(recipient__username=key).order_by("pk").values_list("pk", flat=True)[0])
    models = {"person": Person, "task": Task, "conversation": Conversation, "consultation": Consultation}
    models |= {"seat": TeamMember}
    models |= {"mentor": Mentor, "assignment": MentorAssignment, "referral": RestorativeReferral}
    models |= {"plan": Plan, "goal": Goal, "measure": Measure, "meeting": Meeting}
    models |= {"node": NetworkNode, "snapshot": NetworkSnapshot}
    models |= {"consent": Consent, "disclosure": Disclosure}
    models |= {"attachment": Attachment}
    models |= {"grant": AccessGrant}
    models |= {"escalation": Escalation}
    if kind in models:
        model = models[kind]
        if key == "missing":
            return str((model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000)
        return str(model.objects.order_by("pk")[int(key) - 1].pk)
    raise ValueError(value)


def _answer(client: Client, row: Row, htmx: bool) -> tuple[int | str, str]:
    url = reverse(row.name, kwargs={k: resolve(v) for k, v in row.kwargs.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    data = dict(row.data)
    user_id = client.session.get("_auth_user_id")
    if row.method == "POST" and user_id is not None:
        data[TOKEN_FIELD] = issue_token(int(user_id))  # as every rendered form carries (core.idempotency)
    response = client.generic(
        row.method, url, data=_encode(data), content_type="application/x-www-form-urlencoded", headers=headers
    )
    if (
        response.status_code == 302
        and response["Location"].startswith(reverse("accounts:login"))
        and row.name not in {"accounts:logout"}
    ):
        return LOGIN, ""
    if (
        row.name == "accounts:logout"
        and response.status_code == 302
        and client.session.get("_auth_user_id") is None
        and getattr(client, "_matrix_user", "") == "anonymous"
    ):
        return LOGIN, ""
    streamed = getattr(response, "streaming", False)
    body = "" if streamed else response.content.decode("utf-8", errors="replace")
    return response.status_code, body


def _encode(data: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def test_every_url_pattern_has_a_matrix_row() -> None:
    covered = {row.name for row in MATRIX}
    assert all_url_names() - covered == set(), "URL patterns without an authorization-matrix row"


# Path parameters that name case data: a 200 on such a URL must have written an audit row.
CASE_DATA_KWARGS = {
    "case_id",
    "plan_id",
    "goal_id",
    "measure_id",
    "meeting_id",
    "node_id",
    "snapshot_id",
    "assignment_id",
    "referral_id",
    "conversation_id",
    "consultation_id",
    "consent_id",
    "task_id",
    "person_id",
    "attachment_id",
    "escalation_id",
}
READ_EVENTS = (AuditEvent.VIEW, AuditEvent.LIST, AuditEvent.EXPORT)

ADDRESS_CANARY = "Kanarivegen 17"
SECURITY_CANARY = "Kanari Sikkerhetsvurderer"
CONVERSATION_CANARY = "kanarifugl-samtale"
LEDGER_CANARY = "kanarifugl-utlevering"
REPORT_CANARY = "kanarifugl-melding"
NOBODY = {"nabo", "personvern", "admin", "anonymous"}
# Who may ever see each canary (on any page); everyone else must never receive it in a response body.
CANARY_READERS: dict[str, set[str]] = {
    ADDRESS_CANARY: {"saksbehandler", "koordinator", "mentor"},  # the mentor agreement names contact details
    SECURITY_CANARY: {"saksbehandler", "koordinator", "politikontakt"},
    CONVERSATION_CANARY: {"saksbehandler", "koordinator"},
    LEDGER_CANARY: {"saksbehandler", "koordinator", "politikontakt"},  # the police district received it
    REPORT_CANARY: {"saksbehandler", "koordinator", "politikontakt"},  # reported by the municipality to the police
}


@pytest.fixture(scope="module")
def canaries(_demo_module: dict[str, User], django_db_blocker: object) -> dict[str, set[str]]:
    """Plant the canaries in the module's demo world (rolled back with it) and say who may read each."""
    from tests.contacts.factories import make_conversation_on
    from utvei.cases import services as case_services
    from utvei.sharing import services as sharing_services

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        case = Case.objects.order_by("pk").first()
        assert case is not None
        person = case.person
        person.address = ADDRESS_CANARY
        person.save(update_fields=["address"])
        case.security_assessed_by = SECURITY_CANARY
        case.security_assessment = "assessed"
        case.save(update_fields=["security_assessed_by", "security_assessment"])
        make_conversation_on(case, _demo_module["saksbehandler"], notes=CONVERSATION_CANARY)
        sharing_services.disclosure_record(
            actor=_demo_module["koordinator"],
            case_id=case.pk,
            recipient_organisation=Organisation.objects.get(name="Demo politidistrikt"),
            recipient_kind="police_district",
            channel="police_02800",
            reference="Kanari-ref",
            categories=["concern"],
            basis="duty_to_avert",
            content_summary=LEDGER_CANARY,
            purpose="security",
            person_informed=False,
            not_informed_reason="Kan hindre avverging.",
            not_informed_until=timezone.localdate() + timedelta(days=30),
            facts={"avert_listed_offence_most_likely": True},
        )
        # Escalation 1: a report by Demo kommune to the police contact on the team (who receives it).
        case_services.escalation_record(
            actor=_demo_module["saksbehandler"],
            case_id=case.pk,
            level="serious",
            recipient="police_contact",
            summary=REPORT_CANARY,
        )
        readers = dict(CANARY_READERS)
        readers[person.national_id] = {"saksbehandler", "koordinator"}
    return readers


def test_every_row_names_every_user() -> None:
    for row in MATRIX:
        assert set(row.expect) == set(USERS), row.name


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.name} {r.kwargs or ''}")
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_matrix_row(demo_shared: dict[str, User], canaries: dict[str, set[str]], row: Row, htmx: bool) -> None:
    demo = demo_shared
    mismatches = []
    for username in USERS:
        client = Client()
        client._matrix_user = username  # type: ignore[attr-defined]
        if username != "anonymous":
            login_verified(client, demo[username])
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        got, body = _answer(client, row, htmx)
        expected = row.expect[username]
        if got != expected:
            mismatches.append(f"{username}: expected {expected}, got {got}")
            continue
        leaked = [c for c, readers in canaries.items() if username not in readers and c in body]
        if leaked:
            mismatches.append(f"{username}: the response holds {leaked}")
        if username == "anonymous" or not set(row.kwargs) & CASE_DATA_KWARGS:
            continue
        new = AuditEntry.objects.filter(seq__gt=before, actor__username=username)
        if got == 200 and row.method == "GET" and not new.filter(event__in=READ_EVENTS).exists():
            mismatches.append(f"{username}: answered 200 but wrote no read audit row")
        if got in (403, 404) and not new.filter(event=AuditEvent.ACCESS_DENIED).exists():
            mismatches.append(f"{username}: refused with {got} but wrote no denial audit row")
    assert mismatches == [], "\n".join(mismatches)
