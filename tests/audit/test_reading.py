"""An audited read on SQLite holds the database's write lock only while its audit row is written (D129).

SQLite has one write lock for the whole file, and Utvei's transactions there are IMMEDIATE: a read kept in
one would make every other page wait for it. These tests run with real commits (``transaction=True``) and
watch every query the read sends: whether it ran inside a transaction, and that the audit row is committed
before the selector gives anything back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from tests.contacts.factories import BIRTH_DATE, make_person, make_world, record_conversation
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.audit.services import reading
from utvei.cases.selectors import case_overview, person_search
from utvei.contacts.selectors import conversation_page

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the write lock is SQLite's")


class QueryLog:
    """Record each query on the main database with whether it ran inside a transaction."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, bool]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries.append((sql, context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    def in_transaction(self) -> list[str]:
        return [sql for sql, atomic in self.queries if atomic]


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("read", ["case page", "conversation"])
def test_a_read_takes_the_write_lock_only_for_its_audit_row(read: str) -> None:
    world = make_world()
    conversation = record_conversation(world)
    case, koordinator = world.case, world.coordinator
    before = AuditEntry.objects.count()
    log = QueryLog()
    with connection.execute_wrapper(log):
        if read == "case page":
            shown = case_overview(actor=koordinator, case_id=case.pk)
        else:
            shown = conversation_page(actor=koordinator, conversation_id=conversation.pk)
    assert shown
    reads = [sql for sql, _ in log.queries if "audit_" not in sql]
    assert len(reads) >= 3, "the read must have queried the case data"
    # Inside a transaction: only the chain head and the audit row, nothing of the case.
    locked = log.in_transaction()
    assert locked, "the audit row is written in a transaction of its own"
    assert all("audit_" in sql for sql in locked), locked
    # The row was committed by the time the selector returned: a new connection would see it.
    assert not connection.in_atomic_block
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() > before
    assert (entry.actor_id, entry.case_id, entry.event) == (koordinator.pk, case.pk, AuditEvent.VIEW)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_read_with_many_rows_writes_them_in_one_short_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The person search audits the search and each hit: one transaction from its first row to the end."""
    world = make_world()
    make_person(world.caseworker, world.municipality, given_name="Kari", family_name="Nordmann")
    log = QueryLog()
    commits: list[int] = []
    real_commit = connection.commit

    def counted_commit() -> None:  # the real commit, counted
        commits.append(len(log.queries))
        real_commit()

    monkeypatch.setattr(connection, "commit", counted_commit)
    with connection.execute_wrapper(log):
        hits = person_search(actor=world.caseworker, family_name="Nordmann", birth_date=BIRTH_DATE)
    assert len(hits) == 2
    first_row = next(i for i, (sql, _) in enumerate(log.queries) if "audit_" in sql)
    assert all(atomic for _, atomic in log.queries[first_row:]), "the rows were committed one by one"
    assert not any(atomic for _, atomic in log.queries[:first_row]), "the reads held the write lock"
    inserts = [sql for sql, _ in log.queries if sql.startswith("INSERT INTO") and "audit_auditentry" in sql]
    assert len(inserts) == 3
    assert commits == [len(log.queries)], "one commit, after the last row"
    assert not connection.in_atomic_block


@pytest.mark.django_db
def test_inside_a_transaction_the_read_joins_it_and_a_rollback_takes_its_row() -> None:
    world = make_world()
    case, koordinator = world.case, world.coordinator
    before = AuditEntry.objects.count()
    with transaction.atomic():
        with reading():
            assert connection.in_atomic_block
        case_overview(actor=koordinator, case_id=case.pk)
        assert AuditEntry.objects.count() == before + 1
        transaction.set_rollback(True)
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_read_is_one_transaction() -> None:
    if connection.vendor == "sqlite":
        with reading():
            assert not connection.in_atomic_block
    else:
        with reading():
            assert connection.in_atomic_block
