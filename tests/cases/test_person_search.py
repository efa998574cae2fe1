"""The search before create is planned by the database: each criterion is an indexed lookup (no scan of
the persons), and it makes as many queries for 30 persons as for 3 (counted, never timed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from utvei.accounts.models import Organisation, User
from utvei.cases import selectors
from utvei.cases.models import Person

pytestmark = pytest.mark.django_db
CRITERIA = {
    "given_name": "Jonas",
    "family_name": "berg",
    "birth_date": date(2001, 3, 14),
    "national_id": "01010112345",
    "phone": "+47 400 00 001",
}


def _grow(organisation: Organisation, extra: int) -> None:
    Person.objects.bulk_create(
        Person(
            given_name=f"Vekst{n}",
            family_name="Berg",
            birth_date=date(1990, 1, 1) + timedelta(days=n),
            registered_by=organisation,
        )
        for n in range(extra)
    )


def _search(actor: User) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        found = selectors.person_search(actor=actor, **CRITERIA)
    return [str(m.person) for m in found], len(queries.captured_queries)


def test_the_search_finds_by_name_in_any_case_and_stays_in_scope(demo: dict[str, User]) -> None:
    found = selectors.person_search(actor=demo["saksbehandler"], given_name="JONAS", family_name="bErG")
    assert [str(m.person) for m in found] == ["Jonas Berg"]
    assert selectors.person_search(actor=demo["nabo"], given_name="Jonas", family_name="Berg") == []
    found = selectors.person_search(actor=demo["saksbehandler"], family_name="Berg", birth_date=date(2001, 3, 14))
    assert [str(m.person) for m in found] == ["Jonas Berg"]


def test_the_search_makes_as_many_queries_for_30_persons_as_for_3(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    names, small = _search(actor)
    _grow(Organisation.objects.get(name="Demo kommune"), 30)
    _grow(Organisation.objects.get(name="Nabo kommune"), 30)
    grown, large = _search(actor)
    assert names == ["Jonas Berg"] and grown == ["Jonas Berg"] and large == small


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is read with SQLite's EXPLAIN QUERY PLAN")
def test_no_criterion_scans_the_persons(demo: dict[str, User]) -> None:
    with CaptureQueriesContext(connection) as queries:
        selectors.person_search(actor=demo["saksbehandler"], **CRITERIA)
    lookups = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "cases_person"."id"')]
    assert len(lookups) == len(CRITERIA) + 1, lookups  # one lookup per criterion, then the hits
    with connection.cursor() as cursor:
        for sql in lookups:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")  # noqa: S608  (a query Django itself produced)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN cases_person" not in plan, plan
