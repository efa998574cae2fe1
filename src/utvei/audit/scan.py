"""Reading the audit log back for verification: ranges of rows checked in one or several processes.

``utvei.audit.services.verify_chain`` owns the verdict. This module gives it, for each range of seq
values, what the range holds: its first row (so the ranges can be stitched together and checked for a
gap or a broken link between them), its last hash, how many rows verified, and the first fault inside it.
Each row's hash is recomputed through the fast canonical path (``utvei.audit.canonical``), and the
definition (``entry_hash``) decides wherever the two differ.

A long log is split into as many ranges as the machine has cores and checked in that many processes
(started fresh, each with its own database connection): hashing is the cost and one Python process uses
one core. The verdict is the same as a scan in one process, and the first fault named is the same one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from typing import Any

from django.db import connections

from utvei.audit.canonical import COLUMNS, Canonicaliser, digest_or_none

# Below this many events one process is quicker than starting others.
PARALLEL_FROM = 400_000
_JSON_COLUMNS = frozenset({"changed_fields", "categories", "grounds"})
# The index of ``prev_hash`` in a stored row: (id, hash, *COLUMNS).
_PREV_HASH = 2 + COLUMNS.index("prev_hash")


@dataclass(frozen=True)
class Fault:
    """Name the first row in a range that does not verify."""

    seq: int
    entry_id: int
    reason: str
    checkpoint: int | None = None


@dataclass(frozen=True)
class RangeResult:
    """Tell what one range of the log holds and whether it verified."""

    count: int  # the rows that verified before the fault, or all of them
    first: tuple[int, int, str] | None  # (seq, id, prev_hash) of the range's first row
    last: tuple[int, str] | None  # (seq, hash) of the last row that verified
    fault: Fault | None
    uncovered_id: int | None  # the id of the row with seq ``uncovered_seq``, when in this range


def stored_rows(using: str, batch_size: int, lo: int | None = None, hi: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Give the rows with ``lo <= seq < hi`` in seq order as tuples (id, hash, *COLUMNS), a keyset page at a time."""
    from utvei.audit.models import AuditEntry

    connection = connections[using]
    quote = connection.ops.quote_name

    # The time and the JSON columns are read as text: the drivers' converters cost more than the hash. SQLite
    # gives the UTC text it stores; PostgreSQL writes the same instant in UTC with all six fraction digits,
    # the shape the fast path reads (any other shape defers to the definition).
    def column(name: str) -> str:
        if name == "created_at":
            if connection.vendor == "sqlite":
                return f"CAST({quote(name)} AS TEXT)"
            if connection.vendor == "postgresql":
                return f"to_char({quote(name)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        if name in _JSON_COLUMNS and connection.vendor == "postgresql":
            return f"{quote(name)}::text"
        return quote(name)

    columns = ", ".join(column(c) for c in ("id", "hash", *COLUMNS))
    table = quote(AuditEntry._meta.db_table)
    after = None if lo is None else lo - 1
    while True:
        where, params = [], []
        if after is not None:
            where.append("seq > %s")
            params.append(after)
        if hi is not None:
            where.append("seq < %s")
            params.append(hi)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        # Only quoted column and table names and fixed conditions are formatted in; every value is a parameter.
        sql = f"SELECT {columns} FROM {table} {clause}ORDER BY seq LIMIT %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, batch_size])  # nosemgrep
            rows = cursor.fetchall()
        yield from rows
        if len(rows) < batch_size:
            return
        after = rows[-1][2]


def scan_range(  # noqa: PLR0913  (one range's whole brief, passed to another process)
    using: str,
    lo: int | None,
    hi: int | None,
    *,
    head: tuple[int, str],
    expected: Mapping[int, tuple[str, int]],
    uncovered_seq: int,
    batch_size: int,
) -> RangeResult:
    """Verify the rows with ``lo <= seq < hi``; the first row's seq and back-link are the caller's to check."""
    from utvei.audit.services import stored_entry_hash

    digest = digest_or_none(Canonicaliser(naive_is_utc=connections[using].vendor == "sqlite"))
    head_seq, head_hash = head
    first: tuple[int, int, str] | None = None
    last: tuple[int, str] | None = None
    count = 0
    uncovered_id = None

    def result(fault: Fault | None) -> RangeResult:
        return RangeResult(count, first, last, fault, uncovered_id)

    for row in stored_rows(using, batch_size, lo, hi):
        pk, stored_hash, seq, prev_hash = row[0], row[1], row[2], row[_PREV_HASH]
        if first is None:
            first = (seq, pk, prev_hash)
        else:
            assert last is not None
            if seq != last[0] + 1:
                reason = "missing entry before this one" if seq > last[0] + 1 else "sequence out of order"
                return result(Fault(seq, pk, reason))
            if prev_hash != last[1]:
                return result(Fault(seq, pk, "link to previous entry broken"))
        # The fast path first; where it differs or cannot tell, the definition decides.
        if digest(row[2:]) != stored_hash and stored_entry_hash(using, pk) != stored_hash:
            return result(Fault(seq, pk, "content does not match its hash"))
        if seq == head_seq and stored_hash != head_hash:
            return result(Fault(seq, pk, "chain head names another entry"))
        signed = expected.get(seq)
        if signed is not None and signed[0] != stored_hash:
            reason = f"chain rewritten: checkpoint #{signed[1]} signed another hash for this entry"
            return result(Fault(seq, pk, reason, signed[1]))
        if seq == uncovered_seq:
            uncovered_id = pk
        last = (seq, stored_hash)
        count += 1
    return result(None)


def _child(using: str, settings_dict: dict[str, Any]) -> None:
    """Set up Django in a fresh verifying process, on exactly the database the parent verifies."""
    import django

    django.setup()
    connections.settings[using] = settings_dict
    with suppress(AttributeError):
        del connections[using]


def _can_share(using: str, head_seq: int, *, asked: bool) -> bool:
    connection = connections[using]
    if head_seq < (1 if asked else PARALLEL_FROM) or connection.in_atomic_block:
        return False  # short, or rows in the caller's open transaction that no other process can see
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())  # type: ignore[attr-defined]


def scan(
    using: str,
    *,
    head: tuple[int, str],
    expected: Mapping[int, tuple[str, int]],
    uncovered_seq: int,
    batch_size: int,
    workers: int | None = None,
) -> list[RangeResult]:
    """Verify the whole log as consecutive ranges, in order; several processes for a long log."""
    head_seq = head[0]
    count = workers if workers is not None else (os.cpu_count() or 1)
    brief = partial(scan_range, head=head, expected=dict(expected), uncovered_seq=uncovered_seq, batch_size=batch_size)
    if count <= 1 or not _can_share(using, head_seq, asked=workers is not None):
        return [brief(using, None, None)]
    # The first range is open below and the last open above, so a row outside 1..head is still seen.
    cuts = [head_seq * k // count + 1 for k in range(1, count)]
    bounds = list(zip([None, *cuts], [*cuts, None], strict=True))
    settings_dict = dict(connections[using].settings_dict)
    context = get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context, initializer=_child, initargs=(using, settings_dict)) as pool:
        futures = [pool.submit(brief, using, lo, hi) for lo, hi in bounds]
        return [future.result() for future in futures]
