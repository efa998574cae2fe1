"""Writing and verifying the audit log and its signed checkpoints. Only this module creates :class:`AuditEntry` rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from utvei.access import engine
from utvei.access.persons import PersonActor
from utvei.accounts.models import User
from utvei.audit.canonical import HASHED_FIELDS as HASHED_FIELDS
from utvei.audit.canonical import HASHED_FIELDS_V1 as HASHED_FIELDS_V1
from utvei.audit.checkpoints import (
    GENESIS_DIGEST,
    Checkpoint,
    CheckpointError,
    CheckpointStore,
    Kind,
    now_text,
    sign,
    signing_key,
)
from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent, Outcome
from utvei.audit.scan import scan
from utvei.core.middleware import current_request_id

GENESIS_HASH = "0" * 64

# The role an entry names when the person acted in their own portal, and when a guardian (foresatt) read
# the portal of a child; the person's access log shows the second as "foresatt".
PERSON_ROLE = "person"
GUARDIAN_ROLE = "guardian"

CHAIN_VERSION = 2

# The hashed fields are defined once, beside the fast canonical path (utvei.audit.canonical).


def _canonical_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def entry_hash(entry: AuditEntry) -> str:
    """Compute an entry's SHA-256 over its canonical JSON (sorted keys, UTC times)."""
    names = HASHED_FIELDS_V1 if entry.chain_version is None else HASHED_FIELDS
    content = {name: _canonical_value(getattr(entry, name)) for name in names}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    # The 0x00 prefix separates leaf hashes from any later tree-node hashes (RFC 6962 style).
    return hashlib.sha256(b"\x00" + canonical.encode("ascii")).hexdigest()


def stored_entry_hash(using: str, entry_id: int) -> str:
    """Recompute the hash of a stored entry by the definition (the verifier's referee, ``utvei.audit.scan``)."""
    return entry_hash(AuditEntry.objects.using(using).get(pk=entry_id))


def _person_role(actor: PersonActor) -> str:
    return GUARDIAN_ROLE if actor.is_guardian else PERSON_ROLE


def _actor_role(actor: User | None, organisation_id: int | None) -> str:
    if actor is None:
        return "system"
    # The memberships come from the actor's access context: no extra query inside a request.
    memberships = engine.context_for(actor).memberships
    roles = {m.role for m in memberships if organisation_id is None or m.organisation_id == organisation_id}
    return ",".join(sorted(roles))[:64]


def _primary_organisation_id(actor: User | None) -> int | None:
    if actor is None:
        return None
    organisations = engine.context_for(actor).organisation_ids
    return min(organisations) if organisations else None


def record(
    *,
    actor: User | PersonActor | None,
    event: AuditEvent,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = None,
    case: models.Model | None = None,
    case_id: int | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    changed_fields: Iterable[str] = (),
    categories: Iterable[str] = (),
    grounds: Iterable[str] = (),
    actor_username: str | None = None,
) -> AuditEntry:
    """Append one event to the chain, inside the caller's transaction.

    ``case`` is a shorthand for ``case_id`` and ``person_id`` of an object about one case. ``categories``
    names what a read showed and ``grounds`` why it was allowed (both names, never values).

    It takes the chain head's row lock, so concurrent writers append one after another and the chain
    stays linear; the lock is held until the caller commits, and a rollback removes the entry with the
    change it described.

    :raises ValueError: the event or outcome is not a known value (the log never skips silently).
    """
    if event not in AuditEvent.values:
        raise ValueError(f"Unknown audit event {event!r}")
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}")
    if case is not None:
        # A case names itself and the person it is about; the audit app needs no import of the cases app.
        case_id = case.pk if case_id is None else case_id
        person_id = getattr(case, "person_id", None) if person_id is None else person_id
    if target is not None:
        target_type = target_type or target._meta.label
        target_id = target.pk if target_id is None else target_id
    # The person in their portal has no user row: the entry names no user and the role "person".
    user = None if isinstance(actor, PersonActor) else actor
    if organisation_id is None:
        organisation_id = _primary_organisation_id(user)
    authenticated = user is not None and user.is_authenticated
    rows = _read_block.get()
    if rows is not None and not transaction.get_connection().in_atomic_block:
        rows.enter_context(transaction.atomic())  # a read's rows: committed when its block ends (reading)
    # No savepoint: a failed audit write must fail the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=user if authenticated else None,
            actor_username=(user.get_username() if authenticated and user else actor_username or "")[:150],
            actor_role=_person_role(actor)
            if isinstance(actor, PersonActor)
            else _actor_role(user if authenticated else None, organisation_id),
            organisation_id=organisation_id,
            event=event,
            outcome=outcome,
            target_type=target_type[:64],
            target_id="" if target_id is None else str(target_id)[:64],
            case_id=case_id,
            person_id=person_id,
            request_id=current_request_id(),
            changed_fields=sorted(set(changed_fields)),
            chain_version=CHAIN_VERSION,
            categories=sorted(set(categories)),
            grounds=sorted(set(grounds)),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


# The open read block on SQLite, if any: the audit rows of its reads go into one short transaction.
_read_block: ContextVar[ExitStack | None] = ContextVar("utvei_read_block", default=None)


@contextmanager
def reading(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold an audited read: the access contexts cached for the block, and the transaction the database needs.

    On PostgreSQL the block is one transaction (READ COMMITTED: each query sees what was committed when it
    began) and :func:`record` joins it. On SQLite every transaction is IMMEDIATE and takes the database's
    one write lock at BEGIN, so a read held in one would queue every other page behind it. There the block
    runs in autocommit instead, each query seeing what was committed when it began (as on PostgreSQL), and
    the block's first :func:`record` opens the transaction that holds its audit rows, committed when the
    block ends and before the selector returns anything: no content leaves without its rows, a failed write
    fails the read, and the lock is held from the first row to the end of the block (selectors record last).
    Inside a caller's transaction (a service, a test) the block simply joins it (D129).
    """
    connection = connections[using]
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with ExitStack() as rows, engine.request_scope():
            token = _read_block.set(rows)
            try:
                yield
            finally:
                _read_block.reset(token)
        return
    with transaction.atomic(using=using), engine.request_scope():
        yield


def record_denied(*, actor: User, target_type: str, target_id: str, status: int = 404) -> AuditEntry:
    """Record a refused request in its own transaction (the refused work rolled back).

    ``status`` says how it was refused: 404 for an object missing or forbidden, 403 for a function the
    actor's roles do not have; it is kept as the entry's field name ("http_403"), never as free text.
    """
    with transaction.atomic():
        return record(
            actor=actor,
            event=AuditEvent.ACCESS_DENIED,
            target_type=target_type,
            target_id=target_id,
            outcome=Outcome.DENIED,
            changed_fields=[f"http_{status}"],
        )


@dataclass(frozen=True)
class ChainBreak:
    """Describe the first place the chain does not verify, or the checkpoint fault found."""

    seq: int | None
    entry_id: int | None
    reason: str
    # The checkpoint the fault concerns, when it is a checkpoint that disagrees, is forged or is missing.
    checkpoint: int | None = None


@dataclass(frozen=True)
class VerifyResult:
    """Hold the outcome of a chain verification against the signed checkpoints."""

    checked: int
    first_break: ChainBreak | None
    # The latest checkpoint in the store, if any, and how many events the log lacks to reach it.
    checkpoint: Checkpoint | None = None
    behind: int = 0
    restores: tuple[Checkpoint, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether the whole chain verified and reaches the latest checkpoint."""
        return self.first_break is None and self.behind == 0


def verify_chain(
    *,
    batch_size: int = 5000,
    using: str = DEFAULT_DB_ALIAS,
    store: CheckpointStore | None = None,
    workers: int | None = None,
) -> VerifyResult:
    """Recompute every entry's hash in order, compare the chain with the signed checkpoints, name the fault.

    Inside the database it detects an edited entry (its hash no longer matches), a deleted or inserted
    entry (a gap in the sequence or a broken back-link), a reordered pair (broken back-links) and a
    removed tail (the chain head names a later entry than the last one found). The head is read *before*
    the entries: an entry a reader can see always has a head at least that far (both move in one
    transaction), so writers appending during verification cause no false alarm. A missing head with
    entries present is a break.

    Against the checkpoint store (outside the database) it detects a rewritten chain (a checkpointed
    seq now has another hash), a forged checkpoint (bad signature or broken checkpoint chain), a missing
    checkpoint (a gap, a store holding fewer checkpoints than the database recorded, or entries older
    than ``AUDIT_CHECKPOINT_MAX_AGE_HOURS`` that no checkpoint covers), and a log *behind* the latest
    checkpoint. Behind is its own result, not a break: the tail was removed, or this database is a
    restore of a backup older than the checkpoint, and only the operator knows which.
    """
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    contents = (store or CheckpointStore()).read()
    expected = contents.expected_hashes()
    latest = contents.latest
    restores = tuple(c for c in contents.checkpoints if c.kind == Kind.RESTORE)

    def broken(seq: int | None, entry_id: int | None, reason: str, checkpoint: int | None = None) -> VerifyResult:
        return VerifyResult(checked, ChainBreak(seq, entry_id, reason, checkpoint), latest, 0, restores)

    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    first_uncovered_seq = (latest.seq if latest else 0) + 1
    first_uncovered_id: int | None = None
    ranges = scan(
        using,
        head=(head_seq, head_hash),
        expected=expected,
        uncovered_seq=first_uncovered_seq,
        batch_size=batch_size,
        workers=workers,
    )
    for part in ranges:
        if part.first is None:
            continue
        seq, pk, prev_hash = part.first
        if seq != expected_seq:
            reason = "missing entry before this one" if seq > expected_seq else "sequence out of order"
            return broken(seq, pk, reason)
        if prev_hash != expected_prev:
            return broken(seq, pk, "link to previous entry broken")
        checked += part.count
        if part.fault is not None:
            fault = part.fault
            return broken(fault.seq, fault.entry_id, fault.reason, fault.checkpoint)
        first_uncovered_id = first_uncovered_id or part.uncovered_id
        assert part.last is not None
        expected_seq, expected_prev = part.last[0] + 1, part.last[1]
    first_uncovered_at = (
        AuditEntry.objects.using(using).filter(pk=first_uncovered_id).values_list("created_at", flat=True).first()
        if first_uncovered_id is not None
        else None
    )
    if checked < head_seq:
        return broken(head_seq, None, "entries missing at the end of the chain")
    if checked > head_seq:
        later = AuditChainHead.objects.using(using).filter(pk=1).values_list("last_seq", flat=True).first()
        if later is None or later < checked:
            return broken(head_seq + 1, None, "entries not covered by the chain head")
    if contents.fault is not None:
        return broken(None, None, contents.fault.reason, contents.fault.checkpoint)
    recorded = head.checkpoint_number if head else 0
    stored = latest.number if latest else 0
    if recorded > stored:
        reason = f"checkpoint missing: the database records checkpoint #{recorded}, the store ends at #{stored}"
        return broken(None, None, reason, recorded)
    if latest is not None and latest.seq > checked:
        return VerifyResult(checked, None, latest, latest.seq - checked, restores)
    max_age = timedelta(hours=settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS)
    if first_uncovered_at is not None and max_age and timezone.now() - first_uncovered_at > max_age:
        uncovered = checked - first_uncovered_seq + 1
        reason = (
            f"checkpoint missing: {uncovered} entries from this one on are older than "
            f"{settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS} hours and no checkpoint covers them"
        )
        return broken(first_uncovered_seq, None, reason, (latest.number + 1) if latest else 1)
    return VerifyResult(checked, None, latest, 0, restores)


def _check_extends(latest: Checkpoint | None, head: AuditChainHead) -> None:
    """Check that the entries from the latest checkpoint up to the head link on from it, unaltered.

    :raises CheckpointError: the head is behind the checkpoint, or an entry on the way does not verify.
    """
    if latest is not None and head.last_seq < latest.seq:
        raise CheckpointError(
            f"the chain head (seq {head.last_seq}) is behind checkpoint #{latest.number} (seq {latest.seq}); "
            "run audit_verify, and after restoring a backup run audit_checkpoint --acknowledge-restore"
        )
    start = latest.seq if latest is not None else 0
    expected_prev = latest.head_hash if latest is not None else GENESIS_HASH
    expected_seq = start + 1
    if latest is not None and start > 0:
        anchor = AuditEntry.objects.filter(seq=start).values_list("hash", flat=True).first()
        if anchor != latest.head_hash:
            raise CheckpointError(
                f"chain rewritten: seq {start} no longer has the hash checkpoint #{latest.number} signed"
            )
    fields: Sequence[str] = ("id", "hash", *[f for f in HASHED_FIELDS if f != "actor_id"], "actor")
    for entry in AuditEntry.objects.filter(seq__gt=start).order_by("seq").only(*fields).iterator(chunk_size=2000):
        if entry.seq != expected_seq or entry.prev_hash != expected_prev or entry_hash(entry) != entry.hash:
            raise CheckpointError(f"the chain does not verify at seq {entry.seq}; run audit_verify")
        expected_prev = entry.hash
        expected_seq += 1
    if expected_seq - 1 != head.last_seq or expected_prev != head.last_hash:
        raise CheckpointError("the chain head does not name the last entry; run audit_verify")


def checkpoint_write(*, acknowledge_restore: bool = False, store: CheckpointStore | None = None) -> Checkpoint | None:
    """Sign the chain head (seq, hash, time) and append it to the external store; return it.

    A checkpoint is written only if the entries since the latest checkpoint link on from it unaltered,
    so a signature never blesses a rewritten or rewound chain. Nothing is written when no entry came
    since the latest checkpoint. With ``acknowledge_restore`` it writes a *restore* checkpoint instead:
    the operator's signed statement that the database was restored to its present, earlier head; it is
    accepted only when the chain verifies and is behind the latest checkpoint. The head row keeps the
    number of the checkpoint written, so a store emptied later is noticed.

    :raises CheckpointError: the store is damaged, forged or shorter than the database recorded, or the
        chain does not extend the latest checkpoint (or, for a restore, is not behind it).
    """
    store = store or CheckpointStore()
    with transaction.atomic(), store.locked():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        contents = store.read()
        if contents.fault is not None:
            raise CheckpointError(f"{contents.fault.reason}; no checkpoint written")
        latest = contents.latest
        stored = latest.number if latest else 0
        if head.checkpoint_number > stored:
            raise CheckpointError(
                f"checkpoint missing: the database records checkpoint #{head.checkpoint_number}, the store "
                f"ends at #{stored}; restore the store from its copy"
            )
        if acknowledge_restore:
            result = verify_chain(store=store)
            if result.first_break is not None:
                raise CheckpointError(f"the chain does not verify ({result.first_break.reason}); nothing acknowledged")
            if not result.behind:
                raise CheckpointError(
                    "the chain is not behind the latest checkpoint; there is no restore to acknowledge"
                )
            kind = Kind.RESTORE
        else:
            if head.last_seq == 0 or (
                latest is not None and (latest.seq, latest.head_hash) == (head.last_seq, head.last_hash)
            ):
                return None
            _check_extends(latest, head)
            kind = Kind.CHECKPOINT
        checkpoint = sign(
            Checkpoint(
                number=stored + 1,
                kind=kind,
                seq=head.last_seq,
                head_hash=head.last_hash,
                time=now_text(),
                prev=latest.digest if latest is not None else GENESIS_DIGEST,
                key_id="",
            ),
            signing_key(),
        )
        store.append(checkpoint)
        head.checkpoint_number = checkpoint.number
        head.save(update_fields=["checkpoint_number"])
    return checkpoint


def key_rotation_record(report: object, *, primary: str) -> AuditEntry:
    """Record that field keys were rotated: which columns moved, under which primary key (no values).

    Passed to ``core.crypto_rotation.rotate_all`` as ``on_applied``, so the row commits with the rotation.
    """
    by_column = getattr(report, "by_column", {})
    data_keys = getattr(report, "data_keys", 0)
    return record(
        actor=None,
        event=AuditEvent.UPDATE,
        target_type="core.EncryptionKeys",
        target_id=primary,
        changed_fields=sorted({*by_column, *(["core.DataKey"] if data_keys else [])}),
    )
