"""Seed the demo world once per test process and replay it as rows in the tests that ask for it again.

``seed_demo`` goes through the services (encryption, audit chain, policy) and takes one to two seconds; a few
hundred tests start from it. The first test that asks seeds it for real and keeps what the seeding added and
changed, table by table, in both databases (the main one and the key store). Later tests get the same rows
inserted as they were, which is the state the services left, in a fraction of the time.

The replay is used only when it is exact: the database must be as it was before the first seeding (same row
count and highest key in every table), no time travel may be active (the demo's dates follow the clock), and
the password hasher and the demo provider's address must be those of the first seeding. Otherwise the test
seeds for real. The process's cache of unwrapped data keys is emptied after a replay, since the replayed keys
reuse the ids of the first seeding. ``UTVEI_TEST_DEMO_SNAPSHOT=0`` turns the replay off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

ALIASES = ("keys", "default")
SKIP_TABLES = {"django_migrations", "sqlite_sequence"}


@dataclass
class _Table:
    name: str
    pk: str
    columns: list[str]
    inserted: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Snapshot:
    # (alias, table) -> (row count, highest key) before the seeding
    baseline: dict[tuple[str, str], tuple[int, Any]]
    tables: dict[str, list[_Table]]
    listing: dict[str, list[tuple[str, str]]]
    conditions: tuple[object, ...] = ()


def _conditions() -> tuple[object, ...]:
    """Name what the seeding reads besides the database: the password hasher and the demo provider's address."""
    from django.conf import settings

    return (tuple(settings.PASSWORD_HASHERS), os.environ.get("UTVEI_DEMO_PROVIDER_ISSUER"))


_snapshot: _Snapshot | None = None
_unusable = False


def _tables(alias: str) -> list[tuple[str, str]]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = [t for t in connection.introspection.table_names(cursor) if t not in SKIP_TABLES]
        out = []
        for name in sorted(names):
            pk = connection.introspection.get_primary_key_column(cursor, name)
            if pk:
                out.append((name, pk))
        return out


def _rows(alias: str, table: str, pk: str) -> tuple[list[str], dict[Any, tuple[Any, ...]]]:
    connection = connections[alias]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 - table names come from introspection
        columns = [c[0] for c in cursor.description]
        index = columns.index(pk)
        return columns, {row[index]: tuple(row) for row in cursor.fetchall()}


def _adapt(alias: str, value: Any) -> Any:
    if connections[alias].vendor == "postgresql" and isinstance(value, (dict, list)):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _travelling() -> bool:
    try:
        import time_machine
    except ImportError:  # pragma: no cover - time-machine is a test dependency
        return False
    return bool(time_machine.escape_hatch.is_travelling())


def _seed_and_keep() -> None:
    """Seed for real and keep the difference the seeding made."""
    global _snapshot, _unusable
    from utvei.accounts.demo import seed_demo

    listing = {alias: _tables(alias) for alias in ALIASES}
    baseline: dict[tuple[str, str], tuple[int, Any]] = {}
    for alias in ALIASES:
        baseline.update(_shapes(alias, listing[alias]) or {})
    before = {(alias, name): _rows(alias, name, pk) for alias in ALIASES for name, pk in listing[alias]}
    seed_demo()
    tables: dict[str, list[_Table]] = {}
    for alias in ALIASES:
        tables[alias] = []
        for name, pk in listing[alias]:
            columns_before, rows_before = before[(alias, name)]
            columns, rows_after = _rows(alias, name, pk)
            if set(rows_before) - set(rows_after) or columns != columns_before:
                _unusable = True  # the seeding deleted a row: not a replay of inserts and updates
                return
            table = _Table(name=name, pk=pk, columns=columns)
            for key, row in rows_after.items():
                if key not in rows_before:
                    table.inserted.append(row)
                elif rows_before[key] != row:
                    table.updated.append(row)
            if table.inserted or table.updated:
                tables[alias].append(table)
    if set(_tables_all()) != {(a, n) for a in ALIASES for n, _ in listing[a]}:
        _unusable = True  # the seeding created a table
        return
    _snapshot = _Snapshot(baseline=baseline, tables=tables, listing=listing, conditions=_conditions())


def _tables_all() -> list[tuple[str, str]]:
    return [(alias, name) for alias in ALIASES for name, _pk in _tables(alias)]


def _shapes(alias: str, listing: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, Any]] | None:
    """Give (row count, highest key as text) of every table in one query; None if the tables differ."""
    connection = connections[alias]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = {t for t in connection.introspection.table_names(cursor) if t not in SKIP_TABLES}
        if names != {name for name, _ in listing}:
            return None
        parts = [
            f"SELECT {i}, COUNT(*), MAX(CAST({qn(pk)} AS TEXT)) FROM {qn(name)}"  # noqa: S608
            for i, (name, pk) in enumerate(listing)
        ]
        cursor.execute(" UNION ALL ".join(parts))
        return {(alias, listing[i][0]): (int(count), top) for i, count, top in cursor.fetchall()}


def _at_baseline(snapshot: _Snapshot) -> bool:
    """Tell whether every table holds what it held before the first seeding (count and highest key)."""
    for alias in ALIASES:
        shapes = _shapes(alias, snapshot.listing[alias])
        if shapes is None or any(shapes[key] != snapshot.baseline[key] for key in shapes):
            return False
    return True


def _replay(snapshot: _Snapshot) -> None:
    for alias in ALIASES:
        connection = connections[alias]
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in snapshot.tables[alias]:
                cols = ", ".join(qn(c) for c in table.columns)
                marks = ", ".join(["%s"] * len(table.columns))
                if table.inserted:
                    cursor.executemany(
                        f"INSERT INTO {qn(table.name)} ({cols}) VALUES ({marks})",  # noqa: S608
                        [[_adapt(alias, v) for v in row] for row in table.inserted],
                    )
                if table.updated:
                    others = [c for c in table.columns if c != table.pk]
                    sets = ", ".join(f"{qn(c)} = %s" for c in others)
                    pk_index = table.columns.index(table.pk)
                    cursor.executemany(
                        f"UPDATE {qn(table.name)} SET {sets} WHERE {qn(table.pk)} = %s",  # noqa: S608
                        [
                            [_adapt(alias, v) for i, v in enumerate(row) if i != pk_index] + [row[pk_index]]
                            for row in table.updated
                        ],
                    )
                pk_index = table.columns.index(table.pk)
                integer_key = bool(table.inserted) and isinstance(table.inserted[0][pk_index], int)
                if connection.vendor == "postgresql" and integer_key:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, %s), MAX({qn(table.pk)})) "  # noqa: S608
                        f"FROM {qn(table.name)} HAVING MAX({qn(table.pk)}) IS NOT NULL",
                        [table.name, table.pk],
                    )


def seed_demo_for_test() -> None:
    """Give the test the demo world: replayed when that is exact, seeded for real otherwise."""
    if os.environ.get("UTVEI_TEST_DEMO_SNAPSHOT", "1") == "0" or _unusable or _travelling():
        from utvei.accounts.demo import seed_demo

        seed_demo()
        return
    if _snapshot is None:
        _seed_and_keep()
        return
    if _snapshot.conditions == _conditions() and _at_baseline(_snapshot):
        _replay(_snapshot)
        # The replayed data keys carry the ids of the first seeding, which earlier tests may have destroyed or
        # found missing: the process's key cache (keyed by id) must not answer for them.
        from utvei.core import keystore

        keystore._process_scope = keystore.KeyScope(short_lived=False)
    else:
        from utvei.accounts.demo import seed_demo

        seed_demo()
