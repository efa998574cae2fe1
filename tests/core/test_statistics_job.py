"""The daily statistics job gives the query planner real numbers, so per-case reads use the case's index."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.contacts.factories import make_case, make_conversation_on, make_person, make_world, record_conversation
from utvei.contacts.models import Conversation
from utvei.core.jobs import database_statistics_refresh, registered_jobs

pytestmark = pytest.mark.django_db


def _plan(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql, params)
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_it_is_a_daily_job() -> None:
    job = {j.name: j for j in registered_jobs()}["database_statistics"]
    assert job.period == "daily"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics")
def test_after_it_a_case_s_conversations_are_read_through_the_case_index() -> None:
    world = make_world()
    # Many cases of one organisation: the organisation's index narrows nothing, the case's narrows to one.
    for n in range(12):
        person = make_person(world.caseworker, world.municipality, given_name=f"Per{n}", national_id="")
        case = make_case(world.caseworker, person, world.municipality)
        for _ in range(3):
            make_conversation_on(case, world.caseworker)
    record_conversation(world)
    query = Conversation.objects.filter(
        case_id__in=[world.case.pk], owner_organisation_id=world.municipality.pk, next_contact_on__isnull=False
    ).values_list("case_id", "next_contact_on")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        before = cursor.fetchone()[0]
    assert database_statistics_refresh() == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'contacts_conversation'")
        assert cursor.fetchone()[0] > 0
    assert before in (0, 1)
    assert "case_id" in _plan(sql, params)
