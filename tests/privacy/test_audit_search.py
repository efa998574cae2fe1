"""The data protection officer's search of the audit log: by person, case, user, organisation, event and
period, in plain words, for every organisation's access to the officer's controller's cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.helpers import login_verified
from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts import services as account_services
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.audit.services import record
from utvei.cases import services as case_services
from utvei.cases.models import Case, ReferralSource, SecurityAssessment
from utvei.cases.selectors import case_overview
from utvei.core.fnr import synthetic_fodselsnummer
from utvei.privacy import selectors
from utvei.privacy.selectors import AuditQuery, audit_log

TEAM_ORGANISATIONS = {
    "Demo kommune",
    "Demo politidistrikt",
    "Nav Demo",
    "Demo videregående skole",
    "Demo helsetjeneste",
}


def _jonas() -> Case:
    return Case.objects.select_related("person").get(person__given_name="Jonas")


def _all_pages(actor: User, query: AuditQuery, page_size: int = 50) -> list[selectors.AuditLine]:
    lines: list[selectors.AuditLine] = []
    before = None
    while True:
        page = selectors.audit_search(
            actor=actor,
            query=AuditQuery(**{**query.__dict__, "before": before}),
            page_size=page_size,
        )
        lines.extend(page.lines)
        if page.next_before is None:
            return lines
        before = page.next_before


def test_r33_officer_finds_every_organisations_read_of_jonas_in_one_search(demo: dict[str, User]) -> None:
    page = selectors.audit_search(actor=demo["personvern"], query=AuditQuery(person="Jonas Berg", event="view"))
    readers = {line.organisation for line in page.lines if line.case_reference == _jonas().reference}
    assert readers >= TEAM_ORGANISATIONS
    assert [p.name for p in page.persons] == ["Jonas Berg"]
    assert page.next_before is None and page.count == len(page.lines)


def test_events_read_as_plain_sentences_in_english_and_bokmal(demo: dict[str, User]) -> None:
    query = AuditQuery(person="Jonas Berg", user="koordinator", event="view")
    with translation.override("en"):
        english = selectors.audit_search(actor=demo["personvern"], query=query).lines
    with translation.override("nb"):
        norwegian = selectors.audit_search(actor=demo["personvern"], query=query).lines
    assert "Kari Koordinator (Demo kommune, exit coordinator, individual plan coordinator) opened the case" in {
        line.sentence for line in english
    }
    assert any(line.sentence.endswith("åpnet saken") for line in norwegian)
    assert all("cases.Case" not in line.sentence for line in english + norwegian)


def test_a_national_identity_number_finds_the_same_entries_as_the_name(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    last = AuditEntry.objects.latest("seq").seq  # the searches add their own audit rows after this one
    by_name = {line.seq for line in _all_pages(officer, AuditQuery(person="jonas berg")) if line.seq <= last}
    by_number = {
        line.seq for line in _all_pages(officer, AuditQuery(person=_jonas().person.national_id)) if line.seq <= last
    }
    assert by_name == by_number and by_name


def test_filters_by_case_user_organisation_event_and_period(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    nav = Organisation.objects.get(name="Nav Demo")
    lines = _all_pages(officer, AuditQuery(case=_jonas().reference.lower(), organisation_id=nav.pk))
    assert lines and {line.organisation for line in lines} == {"Nav Demo"}
    assert {line.case_reference for line in lines} == {_jonas().reference}
    by_user = _all_pages(officer, AuditQuery(user="Nina Nav", event="view"))
    assert by_user and {line.actor_name for line in by_user} == {"Nina Nav"}
    today = timezone.localdate()
    assert _all_pages(officer, AuditQuery(date_from=today, date_to=today))
    assert _all_pages(officer, AuditQuery(date_to=today - timedelta(days=1))) == []


def test_keyset_paging_visits_every_entry_once(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    query = AuditQuery(person="Jonas")
    last = AuditEntry.objects.latest("seq").seq
    paged = [line.seq for line in _all_pages(officer, query, page_size=7) if line.seq <= last]
    whole = [line.seq for line in _all_pages(officer, query, page_size=10_000) if line.seq <= last]
    assert paged == whole and len(paged) == len(set(paged)) > 7
    assert paged == sorted(paged, reverse=True)


def test_the_count_stops_at_its_cap(demo: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_log, "COUNT_CAP", 5)
    page = selectors.audit_search(actor=demo["personvern"], query=AuditQuery())
    assert page.count == 5 and page.count_capped


def test_a_page_costs_the_same_queries_whatever_its_length(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    counts = []
    for size in (3, 60):
        with CaptureQueriesContext(connection) as queries:
            page = selectors.audit_search(actor=officer, query=AuditQuery(), page_size=size)
        assert len(page.lines) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_search_is_audited_with_filter_names_never_the_typed_text(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    selectors.audit_search(actor=officer, query=AuditQuery(person="Jonas Berg", date_from=date(2020, 1, 1)))
    entry = AuditEntry.objects.filter(actor=officer, event=AuditEvent.LIST).latest("seq")
    assert entry.target_type == "audit.AuditEntry"
    assert entry.changed_fields == ["period", "person"]
    assert entry.person_id == _jonas().person_id
    assert "Jonas" not in str({f.name: getattr(entry, f.attname) for f in AuditEntry._meta.concrete_fields})


def test_categories_and_grounds_are_shown_when_the_entry_has_them(demo: dict[str, User]) -> None:
    case = _jonas()
    record(actor=demo["nav"], event=AuditEvent.VIEW, target=case, case=case, categories=["work"], grounds=["consent"])
    with translation.override("en"):
        line = selectors.audit_search(actor=demo["personvern"], query=AuditQuery(person="Jonas")).lines[0]
    assert line.categories == ["Work and income"] and line.grounds == ["consent"]
    assert line.organisation == "Nav Demo"


def _neighbour_case(demo: dict[str, User]) -> Case:
    neighbour = Organisation.objects.get(name="Nabo kommune")
    actor = demo["nabo"]
    person = case_services.person_create(
        actor=actor,
        organisation=neighbour,
        given_name="Ola",
        family_name="Nabo",
        birth_date=date(1999, 5, 5),
        national_id=synthetic_fodselsnummer(date(1999, 5, 5)),
        phone="",
        address="",
        language="",
        protected_address="",
        guardians=[],
    )
    case = case_services.case_open(
        actor=actor,
        person=person,
        organisation=neighbour,
        role=Role.CASEWORKER,
        referral_source=ReferralSource.FAMILY,
        referral_date=timezone.localdate(),
        referral_reason="Bekymring fra familien.",
        security_assessment=SecurityAssessment.NOT_YET,
    )
    case_overview(actor=actor, case_id=case.pk)
    return case


def test_entries_about_another_controllers_cases_stay_hidden(demo: dict[str, User]) -> None:
    case = _neighbour_case(demo)
    officer = demo["personvern"]
    visible = policy.scope(officer, Action.VIEW, AuditEntry.objects.all())
    assert not visible.filter(case_id=case.pk).exists()
    assert selectors.audit_search(actor=officer, query=AuditQuery(person="Ola Nabo")).lines == []
    # The neighbour's own officer sees that case's entries, and none of Demo kommune's cases.
    other = account_services.user_create(
        actor=None,
        organisation=Organisation.objects.get(name="Nabo kommune"),
        username="nabo-personvern",
        first_name="Nora",
        last_name="Personvern",
        email="np@demo.invalid",
        role=Role.PRIVACY_OFFICER,
        password="Utvei-demo-2026",
    )
    theirs = policy.scope(other, Action.VIEW, AuditEntry.objects.all())
    assert theirs.filter(case_id=case.pk, event=AuditEvent.VIEW).exists()
    assert not theirs.filter(case_id=_jonas().pk).exists()


def test_the_rule_and_its_scope_agree_for_every_entry(demo: dict[str, User]) -> None:
    _neighbour_case(demo)
    for username in ("personvern", "koordinator", "admin", "nabo"):
        user = demo[username]
        scoped = set(policy.scope(user, Action.VIEW, AuditEntry.objects.all()).values_list("pk", flat=True))
        for entry in AuditEntry.objects.all():
            assert (entry.pk in scoped) == policy.can(user, Action.VIEW, entry), (username, entry)
    assert not scoped  # nabo, no officer


def test_the_officer_page_shows_names_and_no_case_content(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["personvern"])
    response = client.get(reverse("privacy:audit_log"), {"person": "Jonas Berg"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nina Nav" in text and "Nav Demo" in text and _jonas().reference in text
    assert "Tok selv kontakt" not in text and _jonas().person.national_id not in text


def test_an_unknown_person_or_a_backwards_period_is_explained(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["personvern"])
    response = client.get(reverse("privacy:audit_log"), {"person": "Finnes Ikke"})
    assert "Ingen person" in response.content.decode()
    response = client.get(reverse("privacy:audit_log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 422


def test_the_csv_export_holds_the_filtered_result_and_is_audited(demo: dict[str, User]) -> None:
    officer = demo["personvern"]
    client = login_verified(Client(), officer)
    response = client.get(reverse("privacy:audit_export"), {"person": "Jonas Berg", "event": "view"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert len(rows) > len(TEAM_ORGANISATIONS)
    assert all(_jonas().reference in row for row in rows[1:])
    entry = AuditEntry.objects.filter(actor=officer, event=AuditEvent.EXPORT).latest("seq")
    assert entry.target_id == str(len(rows) - 1) and entry.person_id == _jonas().person_id


def test_a_cell_that_a_spreadsheet_would_run_is_kept_as_text() -> None:
    from utvei.privacy.views import _csv_safe

    assert _csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _csv_safe("Nina Nav") == "Nina Nav"
