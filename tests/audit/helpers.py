"""Helpers for the audit tests: build a chain through ``record()`` and tamper with it behind the triggers.

Tampering stands in for an attacker with direct database access, the threat the hash chain exists for;
the application itself can never reach these paths.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent, Outcome
from utvei.audit.services import entry_hash, record

TABLE = AuditEntry._meta.db_table
SQLITE_UPDATE_TRIGGER = "audit_entry_no_update"

# A spread of events and outcomes so that entries differ in more than their seq.
_EVENTS = (AuditEvent.VIEW, AuditEvent.LIST, AuditEvent.UPDATE, AuditEvent.EXPORT, AuditEvent.ACCESS_DENIED)
_OUTCOMES = (Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS, Outcome.DENIED)


def build_chain(count: int) -> list[AuditEntry]:
    """Append ``count`` system entries through ``record()`` and return them by seq."""
    for i in range(count):
        record(
            actor=None,
            actor_username=f"worker-{i % 3}",
            event=_EVENTS[i % len(_EVENTS)],
            outcome=_OUTCOMES[i % len(_OUTCOMES)],
            target_type="cases.Case",
            target_id=1000 + i,
            case_id=1000 + i,
            person_id=500 + i % 7,
            changed_fields=["status"] if i % 2 else [],
        )
    return list(AuditEntry.objects.order_by("seq"))


@contextmanager
def append_only_bypassed() -> Iterator[None]:
    """Lift the audit table's append-only triggers for the block and restore them after.

    PostgreSQL: ``session_replication_role = replica`` stops ordinary triggers for this session only
    (the test role is a superuser). SQLite: the UPDATE trigger is dropped and recreated from its stored
    definition; SQLite never had a DELETE trigger.
    """
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        elif vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SQLITE_UPDATE_TRIGGER]
            )
            row = cursor.fetchone()
            assert row is not None, "the append-only UPDATE trigger is missing before tampering"
            cursor.execute(f"DROP TRIGGER {SQLITE_UPDATE_TRIGGER}")
            try:
                yield
            finally:
                cursor.execute(row[0])
        else:
            raise RuntimeError(f"No trigger bypass for database vendor {vendor!r}")


def raw_update(at_seq: int, /, **columns: object) -> None:
    """Overwrite columns of the entry ``at_seq`` directly in the database."""
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    with append_only_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE seq = %s", [*columns.values(), at_seq])
        assert cursor.rowcount == 1, f"no entry with seq={at_seq} to tamper with"


def raw_delete(seqs: Sequence[int]) -> None:
    """Delete the entries with the given seqs directly in the database."""
    placeholders = ", ".join(["%s"] * len(seqs))
    with append_only_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq IN ({placeholders})", list(seqs))
        assert cursor.rowcount == len(seqs), f"expected to delete {len(seqs)} entries"


def raw_set_seq(old: int, new: int) -> None:
    """Renumber one entry, leaving its content and hash as they were."""
    raw_update(old, seq=new)


def raw_shift_seqs_from(seq: int, by: int) -> None:
    """Add ``by`` to the seq of every entry from ``seq`` on, opening a gap for a forgery.

    Two statements, because PostgreSQL checks a non-deferrable unique constraint row by row and a
    single ``seq = seq + 1`` can collide with a row not yet moved.
    """
    with append_only_bypassed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = -seq WHERE seq >= %s", [seq])
        cursor.execute(f"UPDATE {TABLE} SET seq = -seq + %s WHERE seq < 0", [by])


def forge_entry_after(predecessor: AuditEntry, *, seq: int) -> AuditEntry:
    """Insert a forged entry linked to ``predecessor`` and carrying its own correct hash.

    Inserting needs no bypass: the triggers refuse only UPDATE and DELETE. The forgery is what an
    attacker who knows the hash scheme would write.
    """
    forged = AuditEntry(
        seq=seq,
        created_at=predecessor.created_at,
        actor=None,
        actor_username="attacker",
        actor_role="system",
        organisation_id=None,
        event=AuditEvent.VIEW,
        outcome=Outcome.SUCCESS,
        target_type="cases.Case",
        target_id="4242",
        case_id=4242,
        person_id=None,
        request_id="",
        changed_fields=[],
        prev_hash=predecessor.hash,
    )
    forged.hash = entry_hash(forged)
    forged.save(force_insert=True)
    return forged


def flip_one_bit(hex_digest: str, *, position: int = 10) -> str:
    """Flip the lowest bit of one hex digit, the smallest possible change to a hash."""
    flipped = format(int(hex_digest[position], 16) ^ 1, "x")
    return hex_digest[:position] + flipped + hex_digest[position + 1 :]


def raw_rewind_head(to_seq: int) -> None:
    """Delete every entry after ``to_seq`` and point the chain head at ``to_seq``: a rewound tail.

    This is the superuser's attack the hash chain alone cannot see: what is left verifies.
    """
    later = list(AuditEntry.objects.filter(seq__gt=to_seq).values_list("seq", flat=True))
    if later:
        raw_delete(later)
    last_hash = AuditEntry.objects.filter(seq=to_seq).values_list("hash", flat=True).first() or "0" * 64
    AuditChainHead.objects.filter(pk=1).update(last_seq=to_seq, last_hash=last_hash)


def raw_rewrite_chain_from(seq: int, /, **columns: object) -> None:
    """Change entry ``seq`` and re-hash it and every later entry and the head, so the chain verifies again.

    This is a rewrite by someone who knows the hash scheme: only a checkpoint signed before can show it.
    """
    raw_update(seq, **columns)
    previous = AuditEntry.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or "0" * 64
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    with append_only_bypassed(), connection.cursor() as cursor:
        for entry in entries:
            entry.prev_hash = previous
            entry.hash = entry_hash(entry)
            cursor.execute(
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE seq = %s", [entry.prev_hash, entry.hash, entry.seq]
            )
            previous = entry.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)
