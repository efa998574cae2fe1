"""The fast canonical hash agrees with the definition (``entry_hash``) byte for byte, or defers to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.audit.helpers import build_chain
from utvei.audit.canonical import COLUMNS, Canonicaliser, digest_or_none
from utvei.audit.models import AuditEntry
from utvei.audit.scan import stored_rows
from utvei.audit.services import CHAIN_VERSION, entry_hash, record, verify_chain

texts = st.text(max_size=40)
names = st.lists(st.text(max_size=12), max_size=4)
ids = st.one_of(st.none(), st.integers(min_value=0, max_value=2**62))


def _row(entry: AuditEntry, created: object) -> tuple[object, ...]:
    return tuple(created if c == "created_at" else getattr(entry, c) for c in COLUMNS)


@settings(max_examples=300, deadline=None)
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)),
    actor_id=ids,
    username=texts,
    role=texts,
    target=texts,
    changed=names,
    categories=st.one_of(st.none(), names),
    grounds=st.one_of(st.none(), names),
)
def test_the_fast_hash_is_the_definition_for_any_values(  # noqa: PLR0913
    seq: int,
    moment: datetime,
    actor_id: int | None,
    username: str,
    role: str,
    target: str,
    changed: list[str],
    categories: list[str] | None,
    grounds: list[str] | None,
) -> None:
    entry = AuditEntry(
        seq=seq,
        created_at=moment,
        actor_id=actor_id,
        actor_username=username,
        actor_role=role,
        organisation_id=actor_id,
        event="view",
        outcome="success",
        target_type="cases.Case",
        target_id=target,
        case_id=actor_id,
        person_id=None,
        request_id=username[:32],
        changed_fields=changed,
        prev_hash="a" * 64,
        chain_version=CHAIN_VERSION,
        categories=categories,
        grounds=grounds,
    )
    digest = digest_or_none(Canonicaliser())
    import json

    stored_json = {c: json.dumps(getattr(entry, c)) for c in ("changed_fields", "categories", "grounds")}
    as_sqlite = tuple(
        stored_json[c] if c in stored_json and getattr(entry, c) is not None else v
        for c, v in zip(COLUMNS, _row(entry, str(moment.replace(tzinfo=None))), strict=True)
    )
    assert digest(as_sqlite) == entry_hash(entry)
    assert digest(_row(entry, moment)) == entry_hash(entry)


@pytest.mark.parametrize(
    "created",
    [
        "2026-12-01T20:40:00.123456",  # another separator
        "2026-12-01 20:40:00.12345",  # a short fraction
        "2026-12-01 20:40:00+00:00",  # an offset
        "2026-12-01 20:40:0x",
        datetime(2026, 12, 1, 20, 40),  # a naive time
    ],
)
def test_a_time_in_another_shape_defers_to_the_definition(created: object) -> None:
    entry = AuditEntry(seq=1, created_at=datetime(2026, 12, 1, 20, 40, tzinfo=UTC), chain_version=CHAIN_VERSION)
    entry.changed_fields, entry.prev_hash = [], "0" * 64
    assert Canonicaliser().digest(_row(entry, created)) is None


@pytest.mark.django_db
def test_every_stored_row_hashes_the_same_on_both_paths() -> None:
    build_chain(25)
    record(
        actor=None,
        actor_username='æøå «sitat» \\ " \u2028',
        event="view",
        target_type="cases.Case",
        target_id="Ø1",
        categories=["navn", "helse «x»"],
        grounds=["seat"],
        changed_fields=['a", "b'],
    )
    digest = digest_or_none(Canonicaliser())
    entries = {e.pk: e for e in AuditEntry.objects.all()}
    rows = list(stored_rows("default", 7))
    assert len(rows) == len(entries) == 26
    for row in rows:
        assert digest(row[2:]) == row[1] == entry_hash(entries[row[0]])


@pytest.mark.django_db
def test_an_entry_of_chain_version_one_is_left_to_the_definition_and_verifies() -> None:
    build_chain(3)
    rows = list(stored_rows("default", 100))
    old = AuditEntry(**{c: v for c, v in zip(COLUMNS, rows[0][2:], strict=True) if c != "created_at"})
    assert Canonicaliser().digest((*rows[0][2:-3], None, None, None)) is None
    assert old.seq == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_tampered_json_text_that_keeps_the_meaning_still_verifies_and_one_that_changes_it_breaks() -> None:
    """Stored JSON is compared by meaning, as the definition does: spacing may differ, content may not."""
    build_chain(4)
    table = AuditEntry._meta.db_table
    target = AuditEntry.objects.get(seq=2)
    if connection.vendor != "sqlite":
        pytest.skip("the JSON columns are text only on SQLite")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        cursor.execute(f"UPDATE {table} SET changed_fields = %s WHERE id = %s", ['["status" ]', target.pk])  # noqa: S608
    assert verify_chain().ok
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET changed_fields = %s WHERE id = %s", ['["status "]', target.pk])  # noqa: S608
    result = verify_chain()
    assert result.first_break is not None
    assert result.first_break.seq == 2


def test_time_arithmetic_stays_in_utc() -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC) + timedelta(hours=1)
    entry = AuditEntry(seq=1, created_at=moment, chain_version=CHAIN_VERSION, changed_fields=[], prev_hash="0" * 64)
    for c in ("actor_username", "actor_role", "event", "outcome", "target_type", "target_id", "request_id"):
        setattr(entry, c, "")
    assert Canonicaliser().digest(_row(entry, "2026-03-29 02:30:00")) == entry_hash(entry)
