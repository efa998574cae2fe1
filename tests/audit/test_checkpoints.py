"""Signed checkpoints outside the database: each attack a database superuser can make is named.

Run on SQLite and on PostgreSQL, where the test role is the superuser ``postgres`` and tampering goes
behind the append-only triggers (``tests/audit/helpers.py``), as an attacker with that role would.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from io import StringIO

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.audit.helpers import build_chain, raw_rewind_head, raw_rewrite_chain_from, raw_update
from utvei.audit.checkpoints import (
    Checkpoint,
    CheckpointError,
    CheckpointStore,
    Kind,
    public_key_text,
    sign,
)
from utvei.audit.models import AuditChainHead, AuditEvent
from utvei.audit.services import checkpoint_write, record, verify_chain

CHAIN_LENGTH = 30


@pytest.fixture
def store(settings: LazySettings) -> CheckpointStore:
    return CheckpointStore(settings.AUDIT_CHECKPOINT_DIR)


def _checkpointed(count: int) -> Checkpoint:
    """Append ``count`` entries and sign the head."""
    build_chain(count)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    return checkpoint


def _append(count: int) -> None:
    for i in range(count):
        record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=2000 + i)


def _verify_command() -> tuple[int, str]:
    """Run ``manage.py audit_verify`` and return its exit code and message."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def _lines(store: CheckpointStore) -> list[dict[str, object]]:
    return [json.loads(line) for line in store.path.read_text().splitlines()]


def _write_lines(store: CheckpointStore, lines: list[dict[str, object]]) -> None:
    store.path.write_text("".join(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n" for line in lines))


# --- writing ------------------------------------------------------------------------------------------


def test_checkpoint_signs_seq_head_hash_and_time_into_the_store_outside_the_database(
    db: None, store: CheckpointStore
) -> None:
    moment = dt.datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=dt.UTC)
    build_chain(CHAIN_LENGTH)
    with time_machine.travel(moment, tick=False):
        out = StringIO()
        call_command("audit_checkpoint", stdout=out)

    assert "Checkpoint #1 (checkpoint) signed seq 30" in out.getvalue()
    [line] = _lines(store)
    head = AuditChainHead.objects.get(pk=1)
    assert (line["number"], line["kind"], line["seq"], line["head_hash"]) == (1, "checkpoint", 30, head.last_hash)
    assert line["time"] == "2026-06-01T10:00:00.123456Z"
    assert head.checkpoint_number == 1
    assert oct(store.path.stat().st_mode & 0o777) == "0o640"


def test_a_checkpoint_is_written_only_when_the_chain_grew(db: None, store: CheckpointStore) -> None:
    first = _checkpointed(CHAIN_LENGTH)

    assert checkpoint_write() is None
    _append(3)
    second = checkpoint_write()

    assert second is not None
    assert (second.number, second.seq, second.prev) == (2, 33, first.digest)
    assert [line["number"] for line in _lines(store)] == [1, 2]


def test_intact_chain_matches_its_checkpoints(db: None) -> None:
    _checkpointed(15)
    _append(15)
    checkpoint_write()
    _append(2)

    result = verify_chain()
    code, message = _verify_command()

    assert (result.ok, result.checked, result.behind) == (True, 32, 0)
    assert result.checkpoint is not None and result.checkpoint.number == 2
    assert code == 0
    assert "Audit chain OK: 32 entries verified; latest checkpoint #2 (seq 30" in message


# --- tail rewound ---------------------------------------------------------------------------------------


def test_rewound_tail_is_reported_behind_the_checkpoint_it_passed(db: None) -> None:
    """A superuser deletes the last five entries and rewinds the head: the chain alone says OK."""
    _checkpointed(CHAIN_LENGTH)

    raw_rewind_head(25)

    result = verify_chain()
    assert result.first_break is None
    assert (result.ok, result.checked, result.behind) == (False, 25, 5)
    code, message = _verify_command()
    assert code == 3
    assert "Audit chain BEHIND checkpoint #1 by 5 events" in message
    assert "the log ends at seq 25, the checkpoint signed seq 30" in message


def test_no_checkpoint_is_signed_over_a_rewound_tail(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    raw_rewind_head(20)
    _append(12)  # the log grows past the checkpoint again, on a different history

    with pytest.raises(CheckpointError, match="chain rewritten: seq 30 no longer has the hash checkpoint #1 signed"):
        checkpoint_write()
    assert len(_lines(store)) == 1
    brk = verify_chain().first_break
    assert brk is not None
    assert (brk.seq, brk.checkpoint) == (30, 1)
    assert brk.reason.startswith("chain rewritten")


# --- chain rewritten ------------------------------------------------------------------------------------


def test_rewritten_chain_is_named_at_the_first_checkpoint_it_contradicts(db: None) -> None:
    """A superuser edits entry 10 and re-hashes everything after it: only a checkpoint can tell."""
    _checkpointed(15)
    _append(15)
    checkpoint_write()

    raw_rewrite_chain_from(10, target_id="4242")

    result = verify_chain()
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.checkpoint, result.checked) == (15, 1, 14)
    assert result.first_break.reason == "chain rewritten: checkpoint #1 signed another hash for this entry"
    code, message = _verify_command()
    assert code == 1
    assert "BROKEN at seq=15" in message and "[checkpoint #1]" in message


def test_no_checkpoint_is_signed_over_a_rewritten_chain(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    raw_rewrite_chain_from(30, event="export")
    _append(1)

    with pytest.raises(CheckpointError, match="chain rewritten"):
        checkpoint_write()
    assert len(_lines(store)) == 1


def test_an_entry_edited_since_the_latest_checkpoint_is_not_signed(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    _append(5)

    raw_update(33, target_id="1")

    with pytest.raises(CheckpointError, match="the chain does not verify at seq 33"):
        checkpoint_write()
    assert len(_lines(store)) == 1


# --- checkpoint forged ----------------------------------------------------------------------------------


def test_an_edited_checkpoint_is_reported_forged(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    lines = _lines(store)
    lines[0]["seq"] = 20  # so that a rewound tail at 20 would look covered

    _write_lines(store, lines)
    raw_rewind_head(20)

    brk = verify_chain().first_break
    assert brk is not None
    assert (brk.reason, brk.checkpoint) == ("checkpoint forged: #1 does not carry a valid signature", 1)
    code, message = _verify_command()
    assert code == 1 and "BROKEN in the checkpoints: checkpoint forged: #1" in message


def test_a_checkpoint_signed_with_another_key_is_reported_forged(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    raw_rewind_head(25)
    head = AuditChainHead.objects.get(pk=1)
    first = CheckpointStore().read().checkpoints[0]
    forged = sign(
        Checkpoint(
            number=2,
            kind=Kind.RESTORE,
            seq=25,
            head_hash=head.last_hash,
            time=first.time,
            prev=first.digest,
            key_id="",
        ),
        Ed25519PrivateKey.generate(),
    )
    with store.path.open("a") as handle:
        handle.write(forged.line() + "\n")

    brk = verify_chain().first_break
    assert brk is not None
    assert (brk.reason, brk.checkpoint) == ("checkpoint forged: #2 does not carry a valid signature", 2)


def test_checkpoints_signed_by_a_retired_key_still_verify(db: None, settings: LazySettings) -> None:
    _checkpointed(CHAIN_LENGTH)
    old = Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))
    settings.AUDIT_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()

    assert verify_chain().first_break is not None  # the old key is no longer known
    settings.AUDIT_VERIFY_KEYS = [public_key_text(old.public_key())]
    _append(1)
    checkpoint_write()

    result = verify_chain()
    assert result.ok and result.checkpoint is not None and result.checkpoint.number == 2


def test_reordered_checkpoints_are_reported(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    _append(10)
    checkpoint_write()
    lines = _lines(store)

    _write_lines(store, [lines[1], lines[0]])

    brk = verify_chain().first_break
    assert brk is not None
    assert brk.reason.startswith("checkpoint missing: #1 absent")


# --- checkpoint missing ---------------------------------------------------------------------------------


def test_a_removed_checkpoint_leaves_a_gap_that_is_named(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    for _ in range(3):
        _append(5)
        checkpoint_write()
    lines = _lines(store)

    _write_lines(store, [lines[0], lines[2], lines[3]])

    brk = verify_chain().first_break
    assert brk is not None
    assert (brk.reason, brk.checkpoint) == ("checkpoint missing: #2 absent from the store", 2)
    with pytest.raises(CheckpointError, match="checkpoint missing"):
        _append(1)
        checkpoint_write()


def test_an_emptied_store_is_noticed_from_the_number_the_database_kept(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    _append(5)
    checkpoint_write()

    store.path.unlink()

    brk = verify_chain().first_break
    assert brk is not None
    assert brk.reason == "checkpoint missing: the database records checkpoint #2, the store ends at #0"
    code, message = _verify_command()
    assert code == 1 and "[checkpoint #2]" in message
    with pytest.raises(CheckpointError, match="restore the store from its copy"):
        _append(1)
        checkpoint_write()


def test_a_store_cut_after_its_first_checkpoint_is_noticed(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    _append(5)
    checkpoint_write()
    lines = _lines(store)

    _write_lines(store, lines[:1])

    brk = verify_chain().first_break
    assert brk is not None
    assert brk.reason == "checkpoint missing: the database records checkpoint #2, the store ends at #1"


def test_entries_no_checkpoint_covers_for_too_long_are_reported(
    db: None, store: CheckpointStore, settings: LazySettings
) -> None:
    """The store and the database's count both emptied: the age of the uncovered entries still tells."""
    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 26
    start = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _checkpointed(10)
        _append(4)
    store.path.unlink()
    AuditChainHead.objects.filter(pk=1).update(checkpoint_number=0)

    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        assert verify_chain().ok
    with time_machine.travel(start + dt.timedelta(hours=27), tick=False):
        brk = verify_chain().first_break
    assert brk is not None
    assert (brk.seq, brk.checkpoint) == (1, 1)
    assert (
        brk.reason
        == "checkpoint missing: 14 entries from this one on are older than 26 hours and no checkpoint covers them"
    )


def test_entries_after_the_latest_checkpoint_count_from_it(db: None, settings: LazySettings) -> None:
    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 26
    start = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _checkpointed(10)
        _append(3)

    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        brk = verify_chain().first_break
        assert brk is not None
        assert (brk.seq, brk.checkpoint) == (11, 2)
        checkpoint_write()
        assert verify_chain().ok


def test_a_damaged_store_line_is_reported(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    with store.path.open("a") as handle:
        handle.write('{"v":1,"number":2,"ki')  # a write cut short

    brk = verify_chain().first_break
    assert brk is not None
    assert brk.reason == "checkpoint store damaged at line 2"


# --- restores --------------------------------------------------------------------------------------------


def test_an_acknowledged_restore_lets_the_chain_go_on_from_the_restored_head(db: None, store: CheckpointStore) -> None:
    _checkpointed(CHAIN_LENGTH)
    raw_rewind_head(24)  # as a restore of a backup taken at seq 24 leaves the database

    with pytest.raises(CheckpointError, match="behind checkpoint #1"):
        checkpoint_write()
    out = StringIO()
    call_command("audit_checkpoint", "--acknowledge-restore", stdout=out)
    assert "Checkpoint #2 (restore) signed seq 24" in out.getvalue()
    _append(10)  # seq 25-34 now differ from the lost 25-30
    checkpoint_write()

    result = verify_chain()
    code, message = _verify_command()
    assert result.ok and result.checked == 34
    assert [(r.number, r.seq) for r in result.restores] == [(2, 24)]
    assert code == 0 and "the chain restarted from seq 24 (checkpoint #2)" in message


def test_a_restore_is_acknowledged_only_when_the_chain_is_behind_and_intact(db: None, store: CheckpointStore) -> None:
    _checkpointed(10)
    _append(20)
    checkpoint_write()

    with pytest.raises(CheckpointError, match="no restore to acknowledge"):
        checkpoint_write(acknowledge_restore=True)
    # A restore never changes history below its own head: a rewrite under checkpoint #1 is refused.
    raw_rewrite_chain_from(5, target_id="7")
    raw_rewind_head(20)
    with pytest.raises(CheckpointError, match="chain rewritten: checkpoint #1"):
        checkpoint_write(acknowledge_restore=True)
    assert len(_lines(store)) == 2


# --- the scheduled job -----------------------------------------------------------------------------------


def test_the_worker_writes_the_hourly_checkpoint(
    transactional_db: None, store: CheckpointStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from utvei.core import jobs

    real = {job.name: job for job in jobs.registered_jobs()}
    monkeypatch.setattr(jobs, "_registry", {"audit_checkpoint": real["audit_checkpoint"]})
    build_chain(12)

    call_command("run_worker", "--once", stdout=StringIO())
    call_command("run_worker", "--once", stdout=StringIO())

    [line] = _lines(store)
    assert (line["number"], line["seq"]) == (1, 12)
    assert verify_chain().ok


def test_public_key_is_printed_for_an_outside_verifier(db: None, settings: LazySettings) -> None:
    out = StringIO()
    call_command("audit_checkpoint", "--public-key", stdout=out)

    key_id, public = out.getvalue().split()
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))
    assert public == public_key_text(private.public_key())
    assert len(key_id) == 16
