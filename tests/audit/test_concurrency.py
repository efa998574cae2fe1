"""Concurrent writers keep the audit chain linear (PostgreSQL only).

Skipped on SQLite: SQLite serialises writers with a database-wide lock, so there is no race to test, and
its in-memory test database is not shared across threads.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent
from utvei.audit.services import GENESIS_HASH, record, verify_chain

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers with a database lock and its in-memory test database is not "
        "shared across threads",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
RECORDS_PER_THREAD = 25


def _run_in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together, re-raising any error."""
    barrier = threading.Barrier(count)

    def worker(index: int) -> object:
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(worker, i) for i in range(count)]
        return [f.result() for f in futures]


def _append_many(index: int) -> None:
    for n in range(RECORDS_PER_THREAD):
        with transaction.atomic():
            record(
                actor=None,
                actor_username=f"writer-{index}",
                event=AuditEvent.VIEW,
                target_type="cases.Case",
                target_id=f"{index}-{n}",
            )


def _assert_empty_log() -> None:
    assert not AuditEntry.objects.exists(), "the audit log must start empty"
    head = AuditChainHead.objects.filter(pk=1).first()
    assert head is None or (head.last_seq, head.last_hash) == (0, GENESIS_HASH)


@pytest.mark.parametrize("head_row", ["present", "missing"])
def test_concurrent_writers_keep_the_chain_linear(head_row: str) -> None:
    _assert_empty_log()
    if head_row == "present":
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
    else:
        # As after a flush: the first writers race to create the head row.
        AuditChainHead.objects.filter(pk=1).delete()

    _run_in_threads(THREADS, _append_many)

    total = THREADS * RECORDS_PER_THREAD
    result = verify_chain()
    assert (result.ok, result.checked) == (True, total), result.first_break
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total, "two entries link to the same predecessor (a fork)"
    per_writer = Counter(AuditEntry.objects.values_list("actor_username", flat=True))
    assert per_writer == {f"writer-{i}": RECORDS_PER_THREAD for i in range(THREADS)}
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_seq == total


def test_verification_during_concurrent_appends_reports_no_false_break() -> None:
    # EXPOSES A BUG: verify_chain() reads the entries and the chain head in separate snapshots. An entry
    # committed in between makes the head name a later seq than the last entry read, and an intact
    # chain is reported as "entries missing at the end of the chain".
    _assert_empty_log()
    for n in range(300):
        record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=n)
    writing = threading.Event()
    writing.set()

    def work(index: int) -> list[str]:
        if index == 0:
            appended = 0
            while writing.is_set() or appended < 50:
                _append_many(0)
                appended += RECORDS_PER_THREAD
            return []
        reports = []
        try:
            for _ in range(20):
                result = verify_chain(batch_size=50)
                if result.first_break is not None:
                    reports.append(f"seq={result.first_break.seq}: {result.first_break.reason}")
        finally:
            writing.clear()
        return reports

    false_breaks = _run_in_threads(2, work)[1]

    assert verify_chain().ok, "the chain itself must be intact after the run"
    assert false_breaks == [], f"intact chain reported broken while being appended to: {false_breaks[:3]}"
