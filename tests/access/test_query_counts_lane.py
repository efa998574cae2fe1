"""The partners' own pages make a fixed number of queries, whatever the number of reports and notes on them
(counted, never timed): the measure's progress page, the report page and the new-note page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case, Escalation, EscalationLevel, EscalationOutcome, EscalationRecipient
from utvei.cases.services import escalation_receipt_record, escalation_record
from utvei.contacts.models import CaseNoteKind
from utvei.contacts.services import case_note_record
from utvei.plans.models import Measure, MeasureStatus
from utvei.plans.services import measure_progress_record

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 25


def _count(client: Client, url: str) -> tuple[int, int]:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries.captured_queries)


def _pages() -> dict[str, tuple[str, str]]:
    case = Case.objects.get(person__given_name="Jonas")
    work = next(m for m in Measure.objects.filter(case=case) if m.title == "Arbeidstrening")
    report = Escalation.objects.filter(case=case).order_by("pk").first()
    assert report is not None
    return {
        "progress": ("nav", reverse("plans:measure_progress", kwargs={"measure_id": work.pk})),
        "report (police)": ("politikontakt", reverse("cases:report", kwargs={"escalation_id": report.pk})),
        "report (reporter)": ("koordinator", reverse("cases:report", kwargs={"escalation_id": report.pk})),
        "new note": ("nav", reverse("contacts:note_new", kwargs={"case_id": case.pk})),
        "conversations tab": ("nav", reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "conversations"})),
    }


def _grow(users: dict[str, User], extra: int) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    work = next(m for m in Measure.objects.filter(case=case) if m.title == "Arbeidstrening")
    report = Escalation.objects.filter(case=case).order_by("pk").first()
    assert report is not None
    statuses = [MeasureStatus.PAUSED, MeasureStatus.ONGOING]
    for index in range(extra):
        measure_progress_record(
            actor=users["nav"], measure_id=work.pk, status=statuses[index % 2], note=f"Notat {index}"
        )
        escalation_receipt_record(
            actor=users["politikontakt"],
            escalation_id=report.pk,
            outcome=EscalationOutcome.RECEIVED,
            police_reference=f"R{index}",
        )
        case_note_record(
            actor=users["nav"],
            case_id=case.pk,
            kind=CaseNoteKind.NOTE,
            held_on=timezone.localdate(),
            text=f"Notat {index}",
        )


def _report(users: dict[str, User]) -> None:
    escalation_record(
        actor=users["saksbehandler"],
        case_id=Case.objects.get(person__given_name="Jonas").pk,
        level=EscalationLevel.SERIOUS,
        recipient=EscalationRecipient.POLICE_CONTACT,
        summary="Bekymring.",
    )


def test_the_partners_pages_make_a_fixed_number_of_queries(demo_shared: dict[str, User]) -> None:
    _report(demo_shared)
    pages = _pages()
    clients = {u: login_verified(Client(), demo_shared[u]) for u in {u for u, _url in pages.values()}}
    before = {name: _count(clients[u], url) for name, (u, url) in pages.items()}
    assert all(status == 200 for status, _n in before.values()), before
    assert all(n <= PAGE_LIMIT for _status, n in before.values()), before
    _grow(demo_shared, 6)
    after = {name: _count(clients[u], url) for name, (u, url) in pages.items()}
    assert after == before


def test_the_progress_page_stays_within_its_query_bound(
    demo_shared: dict[str, User], django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _report(demo_shared)
    _user, url = _pages()["progress"]
    client = login_verified(Client(), demo_shared["nav"])
    client.get(url)
    with django_assert_max_num_queries(PAGE_LIMIT):
        assert client.get(url).status_code == 200
