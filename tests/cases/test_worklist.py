"""The work list finds things: search by case number and name, the filters, sorting and paging, all within
the actor's scope, with a fixed number of queries whatever the number of cases (counted, never timed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Person, Phase, SecurityAssessment, Task, TeamMember
from utvei.cases.worklist.selectors import PAGE_SIZE, WorkQuery, week, work_list
from utvei.contacts.models import Conversation, ConversationForm

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _case(
    user: User, organisation: Organisation, index: int, *, given: str = "Vekst", role: str = Role.CASEWORKER
) -> Case:
    person = Person.objects.create(
        given_name=f"{given}{index}",
        family_name="Testesen",
        birth_date=date(1999, 1, 1) + timedelta(days=index),
        registered_by=organisation,
    )
    case = Case.objects.create(
        reference=f"UTV-TEST-{organisation.pk:02d}{index:03d}",
        person=person,
        responsible_organisation=organisation,
        created_by=user,
        referral_source="self",
        referral_date=TODAY,
        referral_reason="Vekst.",
        security_assessment=SecurityAssessment.NOT_YET,
        opened_at=timezone.now() - timedelta(days=index + 1),
    )
    TeamMember.objects.create(case=case, user=user, organisation=organisation, role=role)
    return case


def _grow(user: User, extra: int) -> list[Case]:
    municipality = Organisation.objects.get(name="Demo kommune")
    return [_case(user, municipality, index) for index in range(extra)]


def _refs(page: object) -> list[str]:
    return [row.case.reference for row in page.rows]  # type: ignore[attr-defined]


def test_search_finds_a_case_by_number_and_by_the_beginning_of_a_name(demo: dict[str, User]) -> None:
    user = demo["saksbehandler"]
    jonas = Case.objects.get(person__given_name="Jonas")
    assert _refs(work_list(actor=user, query=WorkQuery(text=jonas.reference))) == [jonas.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(text=jonas.reference[-4:]))) == [jonas.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(text="jon"))) == [jonas.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(text="BERG jonas"))) == [jonas.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(text="onas"))) == []


def test_search_stays_within_scope_for_mentor_and_the_other_municipality(demo: dict[str, User]) -> None:
    neighbour = Organisation.objects.get(name="Nabo kommune")
    theirs = _case(demo["nabo"], neighbour, 1, given="Naboperson")
    assert _refs(work_list(actor=demo["saksbehandler"], query=WorkQuery(text="Naboperson"))) == []
    assert _refs(work_list(actor=demo["nabo"], query=WorkQuery(text="Naboperson"))) == [theirs.reference]
    for name in ("Jonas", "Emma", "Sander"):
        assert _refs(work_list(actor=demo["nabo"], query=WorkQuery(text=name))) == []
    assert _refs(work_list(actor=demo["mentor"], query=WorkQuery(text="Emma"))) == []
    # The response bodies: nothing of the other's cases, whatever is searched.
    html = login_verified(Client(), demo["nabo"]).get(reverse("cases:dashboard"), {"q": "Jonas"}).content.decode()
    jonas = Case.objects.get(person__given_name="Jonas")
    assert "Berg" not in html and jonas.reference not in html and theirs.reference not in html
    html = login_verified(Client(), demo["nabo"]).get(reverse("cases:dashboard")).content.decode()
    assert theirs.reference in html and "Naboperson1" in html
    assert all(c.reference not in html for c in Case.objects.exclude(pk=theirs.pk))
    html = login_verified(Client(), demo["mentor"]).get(reverse("cases:dashboard"), {"q": "e"}).content.decode()
    assert "Emma" not in html and "Sander" not in html and "Naboperson" not in html


def test_each_filter_narrows_the_list(demo: dict[str, User]) -> None:
    user = demo["koordinator"]
    jonas, emma = Case.objects.get(person__given_name="Jonas"), Case.objects.get(person__given_name="Emma")
    assert set(_refs(work_list(actor=user, query=WorkQuery()))) == {jonas.reference, emma.reference}
    assert _refs(work_list(actor=user, query=WorkQuery(phase=Phase.P3))) == [emma.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(role=Role.EXIT_COORDINATOR, phase=Phase.P6))) == [
        jonas.reference
    ]
    assert _refs(work_list(actor=user, query=WorkQuery(role=Role.MENTOR))) == []
    Task.objects.filter(case__in=[jonas, emma]).update(due_on=TODAY + timedelta(days=3))
    Task.objects.filter(case=emma).update(due_on=TODAY - timedelta(days=1), done_at=None)
    assert _refs(work_list(actor=user, query=WorkQuery(overdue=True))) == [emma.reference]
    neighbour = Organisation.objects.get(name="Nabo kommune")
    assert _refs(work_list(actor=user, query=WorkQuery(organisation=neighbour.pk))) == []
    page = work_list(actor=user, query=WorkQuery(organisation=jonas.responsible_organisation_id))
    assert set(_refs(page)) == {jonas.reference, emma.reference}
    assert (jonas.responsible_organisation_id, "Demo kommune") in page.organisations
    assert {value for value, _label in page.roles} == {Role.EXIT_COORDINATOR}
    Case.objects.filter(pk=emma.pk).update(closed_at=timezone.now())
    assert _refs(work_list(actor=user, query=WorkQuery())) == [jonas.reference]
    assert _refs(work_list(actor=user, query=WorkQuery(state="closed"))) == [emma.reference]
    assert len(_refs(work_list(actor=user, query=WorkQuery(state="all")))) == 2


def test_sorting_and_paging_with_counts_from_the_database(demo: dict[str, User]) -> None:
    user = demo["saksbehandler"]
    grown = _grow(user, 30)
    page = work_list(actor=user, query=WorkQuery(sort="reference"))
    assert (page.total, page.pages, len(page.rows)) == (33, 2, PAGE_SIZE)
    every = sorted(Case.objects.filter(team__user=user).values_list("reference", flat=True))
    second = work_list(actor=user, query=WorkQuery(sort="reference", page=2))
    assert _refs(page) + _refs(second) == every
    assert work_list(actor=user, query=WorkQuery(sort="reference", page=99)).page == 2
    by_name = work_list(actor=user, query=WorkQuery(sort="name", text="Vekst1"))
    names = [row.case.person.given_name for row in by_name.rows]
    assert names == sorted(names) and len(names) == 11
    newest = work_list(actor=user, query=WorkQuery(sort="newest", text="Vekst"))
    assert _refs(newest)[:3] == [c.reference for c in grown[:3]]
    oldest = work_list(actor=user, query=WorkQuery(sort="oldest", text="Vekst", page=2))
    assert _refs(oldest)[-1] == grown[0].reference
    html = login_verified(Client(), user).get(reverse("cases:dashboard"), {"sort": "reference", "page": 2}).content
    listed = html.decode().split('class="utvei-log utvei-worklist"')[1]
    assert "Side 2 av 2" in listed and every[-1] in listed and every[0] not in listed


def test_the_listing_is_audited_with_filter_names_never_values(demo: dict[str, User]) -> None:
    user = demo["saksbehandler"]
    before = AuditEntry.objects.count()
    work_list(actor=user, query=WorkQuery(text="Jonas", phase=Phase.P6))
    entry = AuditEntry.objects.get(seq=before + 1)
    assert (entry.event, entry.target_id) == (AuditEvent.LIST, "1")
    assert sorted(entry.changed_fields) == ["phase", "text"]
    assert "Jonas" not in str(entry.__dict__)


def test_a_wrong_filter_shows_every_error_in_norwegian_and_lists_nothing(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["saksbehandler"])
    response = client.get(reverse("cases:dashboard"), {"phase": "P99", "sort": "x", "q": "x" * 101})
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("ds-validation-message") >= 3 and "utvei-worklist" not in html


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"q": "e", "sort": "name"}, {"overdue": "on", "role": Role.CASEWORKER}, {"page": "2"}]
)
def test_the_work_list_makes_as_many_queries_for_30_cases_as_for_3(
    demo: dict[str, User], params: dict[str, str]
) -> None:
    user = demo["saksbehandler"]
    client = login_verified(Client(), user)
    url = reverse("cases:dashboard")
    small = _queries(client, url, params)
    week_url, next_week = reverse("cases:week"), {"day": (TODAY + timedelta(days=5)).isoformat()}
    small_week = _queries(client, week_url, next_week)
    for case in _grow(user, 30):
        Conversation.objects.create(
            case=case,
            held_on=TODAY,
            form=ConversationForm.MEETING,
            participants="Vekst.",
            recorded_by=user,
            owner_organisation=case.responsible_organisation,
            next_contact_on=TODAY + timedelta(days=5),
        )
        Task.objects.create(case=case, title="Vekst", due_on=TODAY - timedelta(days=1), assignee=user, created_by=user)
    assert _queries(client, url, params) == small
    assert _queries(client, week_url, next_week) == small_week


def test_upcoming_contacts_and_the_week_show_name_and_day(demo: dict[str, User]) -> None:
    user = demo["saksbehandler"]
    jonas = Case.objects.get(person__given_name="Jonas")
    Conversation.objects.create(
        case=jonas,
        held_on=TODAY,
        form=ConversationForm.MEETING,
        participants="Test.",
        recorded_by=user,
        owner_organisation=jonas.responsible_organisation,
        next_contact_on=TODAY + timedelta(days=1),
    )
    days = dict(week(actor=user, day=TODAY + timedelta(days=1)).days)
    assert [u.case.reference for u in days[TODAY + timedelta(days=1)]] == [jonas.reference]
    client = login_verified(Client(), user)
    html = client.get(reverse("cases:dashboard")).content.decode()
    assert "Jonas Berg" in html
    html = client.get(reverse("cases:week"), {"day": (TODAY + timedelta(days=1)).isoformat()}).content.decode()
    assert "Jonas Berg" in html and jonas.reference in html
    # Another municipality sees none of it.
    html = (
        login_verified(Client(), demo["nabo"])
        .get(reverse("cases:week"), {"day": (TODAY + timedelta(days=1)).isoformat()})
        .content.decode()
    )
    assert "Jonas" not in html and jonas.reference not in html


def test_the_concerns_list_is_paged_with_a_fixed_number_of_queries(demo: dict[str, User]) -> None:
    from utvei.cases import services
    from utvei.cases.selectors import CONCERN_PAGE_SIZE, concern_page

    user = demo["saksbehandler"]
    municipality = Organisation.objects.get(name="Demo kommune")
    client = login_verified(Client(), user)
    url = reverse("cases:concerns")
    small = _queries(client, url, {})
    for n in range(30):
        services.concern_create(
            actor=user, organisation=municipality, subject=f"Bekymring {n:02d}", description="Vekst.", outcome=""
        )
    assert _queries(client, url, {}) == small
    first, last = concern_page(actor=user), concern_page(actor=user, page=5)
    assert len(first.rows) == CONCERN_PAGE_SIZE and last.page == last.pages == 2
    assert first.total == len(first.rows) + len(last.rows)
    assert {c.pk for c in first.rows}.isdisjoint(c.pk for c in last.rows)
    assert concern_page(actor=demo["nabo"]).total == 0
    html = client.get(url, {"page": "2"}).content.decode()
    assert "Side 2 av 2" in html and "Bekymring 29" not in html and "Bekymring 00" in html
