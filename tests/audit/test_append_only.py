"""The database itself refuses to change or remove audit entries (migration 0002's triggers).

PostgreSQL refuses UPDATE and DELETE. SQLite refuses UPDATE only: DELETE stays allowed there by design,
because the test runner empties tables between transactional tests; a deleted row still breaks the hash
chain, which ``test_chain.py`` shows.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tests.audit.helpers import TABLE, append_only_bypassed, build_chain
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.audit.services import verify_chain

# Read at collection time: pytest-django has configured settings by then, and the vendor is a property
# of the backend class, so no connection is opened.
ON_POSTGRESQL = connection.vendor == "postgresql"
ON_SQLITE = connection.vendor == "sqlite"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="only PostgreSQL has the DELETE trigger; SQLite allows DELETE by design"
)
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="documents SQLite's deliberate DELETE gap")

ENTRIES = 5


@pytest.fixture
def entries(db: None) -> list[AuditEntry]:
    return build_chain(ENTRIES)


def _snapshot() -> list[tuple[object, ...]]:
    columns = ("seq", "event", "target_id", "hash", "prev_hash")
    return list(AuditEntry.objects.order_by("seq").values_list(*columns))


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_raw_update_is_refused_by_the_database(entries: list[AuditEntry]) -> None:
    before = _snapshot()

    # The savepoint keeps the test's transaction usable after PostgreSQL aborts the statement.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"UPDATE {TABLE} SET event = 'x'")

    assert _snapshot() == before
    assert verify_chain().ok


def test_queryset_update_is_refused_by_the_database(entries: list[AuditEntry]) -> None:
    before = _snapshot()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=3).update(event=AuditEvent.DELETE)

    assert _snapshot() == before


def test_saving_an_existing_entry_is_refused_by_the_database(entries: list[AuditEntry]) -> None:
    entry = AuditEntry.objects.get(seq=2)
    entry.target_id = "31337"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()

    assert AuditEntry.objects.get(seq=2).target_id == entries[1].target_id


def test_update_refusal_survives_a_tampering_session(entries: list[AuditEntry]) -> None:
    # The tests' own bypass must put the protection back, or later assertions would prove nothing.
    with append_only_bypassed():
        AuditEntry.objects.filter(seq=1).update(target_id="changed-while-bypassed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(target_id="changed-after")

    assert AuditEntry.objects.get(seq=1).target_id == "changed-while-bypassed"


@postgresql_only
def test_raw_delete_is_refused_on_postgresql(entries: list[AuditEntry]) -> None:
    before = _snapshot()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"DELETE FROM {TABLE}")

    assert _snapshot() == before
    assert verify_chain().ok


@postgresql_only
def test_queryset_delete_is_refused_on_postgresql(entries: list[AuditEntry]) -> None:
    before = _snapshot()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=ENTRIES).delete()

    assert _snapshot() == before


@postgresql_only
def test_refusal_names_the_operation_on_postgresql(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        _execute(f"DELETE FROM {TABLE} WHERE seq = 1")
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        _execute(f"UPDATE {TABLE} SET target_id = '' WHERE seq = 1")


@sqlite_only
def test_sqlite_allows_delete_but_the_chain_exposes_it(entries: list[AuditEntry]) -> None:
    # Deliberate: SQLite has no DELETE trigger so that the test runner can empty the table between
    # transactional tests (migration 0002). The hash chain is the protection left.
    _execute(f"DELETE FROM {TABLE} WHERE seq = 2")

    assert AuditEntry.objects.count() == ENTRIES - 1
    result = verify_chain()
    assert result.first_break is not None
    assert result.first_break.seq == 3


def test_inserting_new_entries_stays_possible(entries: list[AuditEntry]) -> None:
    build_chain(2)

    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, ENTRIES + 3))
    assert verify_chain().ok
