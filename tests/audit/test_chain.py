"""The audit hash chain: how ``record()`` builds it and how verification finds every kind of tampering."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.audit.helpers import (
    build_chain,
    flip_one_bit,
    forge_entry_after,
    raw_delete,
    raw_set_seq,
    raw_shift_seqs_from,
    raw_update,
)
from utvei.accounts.models import Organisation, Role, User
from utvei.accounts.services import organisation_create, user_create
from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent, Outcome
from utvei.audit.services import GENESIS_HASH, entry_hash, record, verify_chain

CHAIN_LENGTH = 30

MISSING_BEFORE = "missing entry before this one"
LINK_BROKEN = "link to previous entry broken"
CONTENT_MISMATCH = "content does not match its hash"
TAIL_MISSING = "entries missing at the end of the chain"


def _head() -> AuditChainHead:
    return AuditChainHead.objects.get(pk=1)


def _assert_broken_at(seq: int, reason: str, *, checked: int) -> None:
    """Both the service and ``manage.py audit_verify`` must name ``seq`` as the first break."""
    result = verify_chain()
    assert not result.ok
    assert result.first_break is not None
    assert (result.first_break.seq, result.first_break.reason, result.checked) == (seq, reason, checked)
    with pytest.raises(CommandError, match=rf"BROKEN at seq={seq} \("):
        call_command("audit_verify", stdout=StringIO())


@pytest.fixture
def chain(db: None) -> list[AuditEntry]:
    """Give an intact chain of CHAIN_LENGTH entries written through ``record()``."""
    assert not AuditEntry.objects.exists(), "the audit log must start empty"
    return build_chain(CHAIN_LENGTH)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return organisation_create(actor=None, name="Vestby kommune", kind="municipality")


# --- record() -----------------------------------------------------------------------------------------


def test_record_builds_contiguous_chain_linked_from_genesis(chain: list[AuditEntry]) -> None:
    stored = list(AuditEntry.objects.order_by("seq"))

    assert [e.seq for e in stored] == list(range(1, CHAIN_LENGTH + 1))
    assert stored[0].prev_hash == GENESIS_HASH
    for previous, entry in zip(stored, stored[1:], strict=False):
        assert entry.prev_hash == previous.hash, f"seq {entry.seq} does not link to seq {previous.seq}"
    for entry in stored:
        assert entry.hash == entry_hash(entry), f"stored hash of seq {entry.seq} is not its content's hash"
    assert len({e.hash for e in stored}) == CHAIN_LENGTH


def test_record_returns_the_entry_it_stored(db: None) -> None:
    returned = record(actor=None, event=AuditEvent.EXPORT, target_type="cases.Case", target_id=7, case_id=7)

    stored = AuditEntry.objects.get(pk=returned.pk)
    assert (stored.seq, stored.hash, stored.prev_hash) == (returned.seq, returned.hash, returned.prev_hash)
    assert (stored.event, stored.target_type, stored.target_id) == ("export", "cases.Case", "7")
    assert stored.case_id == 7


def test_chain_head_names_the_last_entry(chain: list[AuditEntry]) -> None:
    last = chain[-1]

    head = _head()
    assert (head.last_seq, head.last_hash) == (CHAIN_LENGTH, last.hash)
    assert last.seq == CHAIN_LENGTH


def test_record_takes_time_from_the_clock_and_hashes_it_in_utc(db: None) -> None:
    oslo = dt.timezone(dt.timedelta(hours=2))
    moment = dt.datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=oslo)
    with time_machine.travel(moment, tick=False):
        entry = record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=1)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.created_at == moment
    assert stored.hash == entry_hash(stored)
    # The same instant written in another zone is the same content, so the hash must not change.
    stored.created_at = moment.astimezone(dt.UTC)
    assert entry_hash(stored) == entry.hash
    stored.created_at = moment + dt.timedelta(microseconds=1)
    assert entry_hash(stored) != entry.hash


@pytest.mark.parametrize(
    ("event", "outcome"),
    [("deleted_everything", Outcome.SUCCESS), ("", Outcome.SUCCESS), (AuditEvent.VIEW, "maybe")],
    ids=["unknown-event", "empty-event", "unknown-outcome"],
)
def test_unknown_event_or_outcome_is_refused_and_writes_nothing(db: None, event: str, outcome: str) -> None:
    record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=1)
    head_before = _head()

    with pytest.raises(ValueError, match="Unknown audit"):
        record(actor=None, event=event, outcome=outcome, target_type="cases.Case", target_id=2)  # type: ignore[arg-type]

    assert AuditEntry.objects.count() == 1
    head = _head()
    assert (head.last_seq, head.last_hash) == (head_before.last_seq, head_before.last_hash)


def test_entry_stores_ids_codes_and_actor_username_but_no_names(organisation: Organisation) -> None:
    actor = user_create(
        actor=None,
        organisation=organisation,
        username="saksb042",
        first_name="Kari",
        last_name="Nordmannsen",
        email="kari@vestby.example",
        role=Role.CASEWORKER,
        password=None,
    )
    target = user_create(
        actor=None,
        organisation=organisation,
        username="tgt7781",
        first_name="Solveig-Marit",
        last_name="Haugerudbraaten",
        email="solveig.marit@privat.example",
        role=Role.MENTOR,
        password=None,
    )

    entry = record(actor=actor, event=AuditEvent.VIEW, target=target, changed_fields=["last_name", "email"])

    stored = AuditEntry.objects.filter(pk=entry.pk).values().get()
    assert stored["actor_id"] == actor.pk
    assert stored["actor_username"] == "saksb042"
    assert stored["actor_role"] == Role.CASEWORKER
    assert stored["organisation_id"] == organisation.pk
    assert (stored["target_type"], stored["target_id"]) == ("accounts.User", str(target.pk))
    assert stored["changed_fields"] == ["email", "last_name"]
    # Every entry so far (the user creations too) must hold no name, e-mail or target username.
    forbidden = [
        "Kari",
        "Nordmannsen",
        "Solveig",
        "Haugerudbraaten",
        "privat.example",
        "vestby.example",
        "tgt7781",
        "Vestby kommune",
    ]
    for row in AuditEntry.objects.values():
        for column, value in row.items():
            for word in forbidden:
                where = f"{column} of seq {row['seq']}"
                assert word.lower() not in str(value).lower(), f"{word!r} stored in {where}"


@pytest.mark.django_db(transaction=True)
def test_rolled_back_record_leaves_no_entry_and_keeps_head() -> None:
    first = record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=1)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        record(actor=None, event=AuditEvent.UPDATE, target_type="cases.Case", target_id=2)
        assert AuditEntry.objects.count() == 2
        raise Abort

    assert list(AuditEntry.objects.values_list("seq", flat=True)) == [1]
    head = _head()
    assert (head.last_seq, head.last_hash) == (1, first.hash)
    after = record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=3)
    assert (after.seq, after.prev_hash) == (2, first.hash)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_audit_rows_roll_back_with_the_change_they_describe() -> None:
    organisation = organisation_create(actor=None, name="Rolleberg kommune", kind="municipality")
    entries_before = AuditEntry.objects.count()
    head_before = _head()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        user_create(
            actor=None,
            organisation=organisation,
            username="rollback.me",
            first_name="Rolf",
            last_name="Tilbake",
            email="",
            role=Role.CASEWORKER,
            password=None,
        )
        assert AuditEntry.objects.count() == entries_before + 1, "user_create must write its audit row"
        raise Abort

    assert not User.objects.filter(username="rollback.me").exists()
    assert AuditEntry.objects.count() == entries_before
    head = _head()
    assert (head.last_seq, head.last_hash) == (head_before.last_seq, head_before.last_hash)
    assert verify_chain().ok


# --- verification ---------------------------------------------------------------------------------------


def test_empty_log_verifies(db: None) -> None:
    assert not AuditEntry.objects.exists()

    result = verify_chain()

    assert (result.ok, result.checked) == (True, 0)


def test_intact_chain_verifies(chain: list[AuditEntry]) -> None:
    result = verify_chain()
    assert (result.ok, result.checked, result.first_break) == (True, CHAIN_LENGTH, None)

    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert f"Audit chain OK: {CHAIN_LENGTH} entries verified; no signed checkpoint yet." in out.getvalue()


def test_verification_is_independent_of_batch_size(chain: list[AuditEntry]) -> None:
    raw_update(17, target_id="999")

    for batch_size in (1, 7, CHAIN_LENGTH, 2000):
        result = verify_chain(batch_size=batch_size)
        assert result.first_break is not None
        assert (result.first_break.seq, result.checked) == (17, 16), f"batch_size={batch_size}"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("event", AuditEvent.DELETE.value),
        ("target_id", "31337"),
        ("outcome", Outcome.FAILURE.value),
        ("actor_username", "someone.else"),
        ("person_id", 1),
        ("changed_fields", '["status", "diagnosis"]'),
        ("created_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("categories", '["health"]'),
        ("grounds", '["break_glass"]'),
        ("chain_version", None),
    ],
)
def test_edited_entry_breaks_chain_at_that_entry(chain: list[AuditEntry], column: str, value: object) -> None:
    raw_update(12, **{column: value})

    edited = AuditEntry.objects.get(seq=12)
    assert getattr(edited, column) != getattr(chain[11], column), "the tampering did not reach the row"
    _assert_broken_at(12, CONTENT_MISMATCH, checked=11)


def test_edited_entry_with_recomputed_hash_breaks_link_of_next_entry(chain: list[AuditEntry]) -> None:
    # A smarter attacker fixes the edited entry's own hash; the next entry still points at the old one.
    edited = AuditEntry.objects.get(seq=12)
    edited.event = AuditEvent.DELETE
    raw_update(12, event=AuditEvent.DELETE.value, hash=entry_hash(edited))

    _assert_broken_at(13, LINK_BROKEN, checked=12)


def test_deleted_middle_entry_breaks_chain_at_next_entry(chain: list[AuditEntry]) -> None:
    raw_delete([15])

    _assert_broken_at(16, MISSING_BEFORE, checked=14)


def test_forged_entry_inserted_by_renumbering_breaks_chain_after_it(chain: list[AuditEntry]) -> None:
    # Make room at seq 16 by moving 16..30 to 17..31, then insert a self-consistent forgery after 15.
    raw_shift_seqs_from(16, by=1)
    forged = forge_entry_after(chain[14], seq=16)

    assert AuditEntry.objects.count() == CHAIN_LENGTH + 1
    assert forged.hash == entry_hash(AuditEntry.objects.get(seq=16))
    _assert_broken_at(17, LINK_BROKEN, checked=16)


def test_forged_entry_in_a_gap_breaks_chain(chain: list[AuditEntry]) -> None:
    # Replace seq 20 by a forgery that links correctly to 19; seq 21 still links to the original 20.
    raw_delete([20])
    forge_entry_after(chain[18], seq=20)

    _assert_broken_at(21, LINK_BROKEN, checked=20)


def test_forged_entry_appended_past_the_head_is_detected(chain: list[AuditEntry]) -> None:
    forge_entry_after(chain[-1], seq=CHAIN_LENGTH + 1)

    result = verify_chain()

    assert not result.ok
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify", stdout=StringIO())


def test_swapped_entries_break_chain_at_first_of_them(chain: list[AuditEntry]) -> None:
    # Three moves through a free number, because seq is unique.
    raw_set_seq(10, -10)
    raw_set_seq(11, 10)
    raw_set_seq(-10, 11)

    assert AuditEntry.objects.get(seq=10).hash == chain[10].hash
    _assert_broken_at(10, LINK_BROKEN, checked=9)


def test_truncated_tail_is_detected_through_the_chain_head(chain: list[AuditEntry]) -> None:
    raw_delete([28, 29, 30])

    result = verify_chain()

    assert not result.ok
    assert result.first_break is not None
    # The remaining 27 entries link perfectly; only the head, which still names seq 30, gives it away.
    assert result.checked == 27
    assert result.first_break.reason == TAIL_MISSING
    assert result.first_break.seq == CHAIN_LENGTH
    assert result.first_break.entry_id is None
    with pytest.raises(CommandError, match=rf"BROKEN at seq={CHAIN_LENGTH} .*{TAIL_MISSING}"):
        call_command("audit_verify", stdout=StringIO())


def test_whole_log_deleted_is_detected_through_the_chain_head(chain: list[AuditEntry]) -> None:
    raw_delete(list(range(1, CHAIN_LENGTH + 1)))

    result = verify_chain()

    assert not result.ok
    assert result.first_break is not None
    assert (result.checked, result.first_break.reason) == (0, TAIL_MISSING)


def test_truncated_tail_with_chain_head_removed_is_detected(chain: list[AuditEntry]) -> None:
    # EXPOSES A BUG: verify_chain() skips the tail check when the head row is missing, so an attacker
    # who deletes the tail and the (unprotected) head row gets a clean verification.
    raw_delete([28, 29, 30])
    AuditChainHead.objects.filter(pk=1).delete()

    result = verify_chain()

    assert not result.ok, "entries exist but the chain head is gone; verification must not pass"


@pytest.mark.parametrize("seq", [1, 14, CHAIN_LENGTH])
def test_bit_flip_in_stored_hash_is_detected(chain: list[AuditEntry], seq: int) -> None:
    tampered = flip_one_bit(chain[seq - 1].hash)
    raw_update(seq, hash=tampered)

    assert AuditEntry.objects.get(seq=seq).hash == tampered
    _assert_broken_at(seq, CONTENT_MISMATCH, checked=seq - 1)


def test_bit_flip_in_stored_back_link_is_detected(chain: list[AuditEntry]) -> None:
    raw_update(22, prev_hash=flip_one_bit(chain[21].prev_hash, position=63))

    _assert_broken_at(22, LINK_BROKEN, checked=21)


def test_first_of_two_breaks_is_reported(chain: list[AuditEntry]) -> None:
    raw_update(25, event=AuditEvent.DELETE.value)
    raw_delete([8])

    _assert_broken_at(9, MISSING_BEFORE, checked=7)


def test_entries_of_chain_version_one_still_verify_between_newer_ones(db: None) -> None:
    """An entry written before the chain had categories and grounds hashes without them, and still verifies."""
    first = record(actor=None, actor_username="worker", event=AuditEvent.VIEW, target_type="cases.Case", target_id=1)
    # Rewrite the first entry as a version-1 entry would have been stored, with its version-1 hash.
    raw_update(first.seq, chain_version=None, categories=None, grounds=None)
    old = AuditEntry.objects.get(seq=first.seq)
    raw_update(first.seq, hash=entry_hash(old))
    AuditChainHead.objects.filter(pk=1).update(last_hash=entry_hash(old))
    record(actor=None, actor_username="worker", event=AuditEvent.VIEW, target_type="cases.Case", target_id=2)

    result = verify_chain()
    assert result.ok, result.first_break
    assert result.checked == 2


def test_a_read_records_what_it_showed_and_why(db: None) -> None:
    entry = record(
        actor=None,
        actor_username="worker",
        event=AuditEvent.VIEW,
        target_type="cases.Case",
        target_id=1,
        categories=["identity", "plan", "identity"],
        grounds=["seat"],
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.chain_version, stored.categories, stored.grounds) == (2, ["identity", "plan"], ["seat"])
