"""Writing and verifying the audit log. Only this module creates :class:`AuditEntry` rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import models, transaction
from django.utils import timezone

from utvei.access import engine
from utvei.accounts.models import User
from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent, Outcome
from utvei.core.middleware import current_request_id

GENESIS_HASH = "0" * 64

CHAIN_VERSION = 2

# The fields that enter the hash, in a fixed order. Adding one is a new chain version, never an edit.
HASHED_FIELDS_V1 = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "organisation_id",
    "event",
    "outcome",
    "target_type",
    "target_id",
    "case_id",
    "person_id",
    "request_id",
    "changed_fields",
    "prev_hash",
)
HASHED_FIELDS = (*HASHED_FIELDS_V1, "chain_version", "categories", "grounds")


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
    actor: User | None,
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
    if organisation_id is None:
        organisation_id = _primary_organisation_id(actor)
    authenticated = actor is not None and actor.is_authenticated
    # No savepoint: a failed audit write must fail the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if authenticated else None,
            actor_username=(actor.get_username() if authenticated and actor else actor_username or "")[:150],
            actor_role=_actor_role(actor if authenticated else None, organisation_id),
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
    """Describe the first place the chain does not verify."""

    seq: int | None
    entry_id: int | None
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    """Hold the outcome of a chain verification."""

    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """Tell whether the whole chain verified."""
        return self.first_break is None


def verify_chain(*, batch_size: int = 2000) -> VerifyResult:
    """Recompute every entry's hash in order and name the first broken event.

    It detects an edited entry (its hash no longer matches), a deleted or inserted entry (a gap in the
    sequence or a broken back-link), a reordered pair (broken back-links) and a removed tail (the chain
    head names a later entry than the last one found). The head is read *before* the entries: an entry
    a reader can see always has a head at least that far (both move in one transaction), so writers
    appending during verification cause no false alarm. A missing head with entries present is a break.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    fields: Sequence[str] = ("id", "hash", *[f for f in HASHED_FIELDS if f != "actor_id"], "actor")
    entries = AuditEntry.objects.order_by("seq").only(*fields).iterator(chunk_size=batch_size)
    for entry in entries:
        if entry.seq != expected_seq:
            reason = "missing entry before this one" if entry.seq > expected_seq else "sequence out of order"
            return VerifyResult(checked, ChainBreak(entry.seq, entry.pk, reason))
        if entry.prev_hash != expected_prev:
            return VerifyResult(checked, ChainBreak(entry.seq, entry.pk, "link to previous entry broken"))
        if entry_hash(entry) != entry.hash:
            return VerifyResult(checked, ChainBreak(entry.seq, entry.pk, "content does not match its hash"))
        if entry.seq == head_seq and entry.hash != head_hash:
            return VerifyResult(checked, ChainBreak(entry.seq, entry.pk, "chain head names another entry"))
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    if checked < head_seq:
        return VerifyResult(checked, ChainBreak(head_seq, None, "entries missing at the end of the chain"))
    if checked > head_seq:
        later = AuditChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first()
        if later is None or later < checked:
            return VerifyResult(checked, ChainBreak(head_seq + 1, None, "entries not covered by the chain head"))
    return VerifyResult(checked, None)
