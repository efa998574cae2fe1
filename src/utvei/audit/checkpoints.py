"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint states "at this time the chain's head was entry ``seq`` with hash ``head_hash``", signed
with Ed25519 (``UTVEI_AUDIT_SIGNING_KEY``). Checkpoints are numbered and each names the digest of the
one before, so they form a chain of their own: a removed checkpoint leaves a gap or a broken link, and
the database keeps the number of the last one written, so an emptied store is noticed too. They are
appended, one JSON line each, to ``checkpoints.jsonl`` in ``UTVEI_AUDIT_CHECKPOINT_DIR`` (a directory on
other storage than the database, ideally append-only: ``chattr +a``).

This is the Certificate Transparency idea (Crosby and Wallach's tamper-evident logging): whoever can
rewrite the database cannot make it agree with a signed statement published before.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = 1
STORE_FILE = "checkpoints.jsonl"
GENESIS_DIGEST = "0" * 64
# Domain separation: a checkpoint signature can never be mistaken for a signature over anything else.
SIGNATURE_CONTEXT = b"utvei-audit-checkpoint\x00"


class Kind:
    """Name the two kinds of checkpoint."""

    # The chain head as it was, extending the checkpoint before.
    CHECKPOINT = "checkpoint"
    # An operator's signed statement that the database was restored to an earlier head: checkpoints above
    # it are superseded (the events after it were lost with the restore), and later ones extend from it.
    RESTORE = "restore"


class CheckpointError(Exception):
    """Refuse to write a checkpoint that would not truthfully extend the ones before."""


@dataclass(frozen=True)
class Checkpoint:
    """Hold one signed checkpoint as stored."""

    number: int
    kind: str
    seq: int
    head_hash: str
    time: str
    prev: str
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        """Give the canonical bytes that the signature covers (everything but the signature)."""
        content = {
            "v": FORMAT_VERSION,
            "number": self.number,
            "kind": self.kind,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "time": self.time,
            "prev": self.prev,
            "key_id": self.key_id,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode("ascii")

    def line(self) -> str:
        """Give the stored line: the payload with its signature."""
        content = json.loads(self.payload())
        content["signature"] = self.signature
        return json.dumps(content, sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        """Give the SHA-256 of the stored line, which the next checkpoint names as ``prev``."""
        return hashlib.sha256(self.line().encode("ascii")).hexdigest()


@dataclass(frozen=True)
class StoreFault:
    """Describe what is wrong with the checkpoint store: forged, missing or damaged."""

    reason: str
    checkpoint: int | None


@dataclass(frozen=True)
class StoreContents:
    """Hold the checkpoints read from the store, in order, and the first fault found, if any."""

    checkpoints: tuple[Checkpoint, ...]
    fault: StoreFault | None

    @property
    def latest(self) -> Checkpoint | None:
        """Give the last checkpoint, the one the chain head is compared with."""
        return self.checkpoints[-1] if self.checkpoints else None

    def expected_hashes(self) -> dict[int, tuple[str, int]]:
        """Map each checkpointed seq to (hash, checkpoint number), leaving out what a restore superseded."""
        expected: dict[int, tuple[str, int]] = {}
        for checkpoint in self.checkpoints:
            if checkpoint.kind == Kind.RESTORE:
                expected = {seq: value for seq, value in expected.items() if seq <= checkpoint.seq}
            expected[checkpoint.seq] = (checkpoint.head_hash, checkpoint.number)
        return expected


def _decode_key(text: str, *, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 bytes.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 bytes.")
    return raw


def signing_key() -> Ed25519PrivateKey:
    """Load the checkpoint signing key from settings (``UTVEI_AUDIT_SIGNING_KEY``)."""
    return Ed25519PrivateKey.from_private_bytes(_decode_key(settings.AUDIT_SIGNING_KEY, name="UTVEI_AUDIT_SIGNING_KEY"))


def public_key_text(public: Ed25519PublicKey) -> str:
    """Give a public key as base64 of its 32 raw bytes (the form ``UTVEI_AUDIT_VERIFY_KEYS`` takes)."""
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def key_id(public: Ed25519PublicKey) -> str:
    """Name a public key by the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Return the public keys checkpoints may be signed with: the current one and the retired ones."""
    keys = [signing_key().public_key()]
    keys += [
        Ed25519PublicKey.from_public_bytes(_decode_key(text, name="UTVEI_AUDIT_VERIFY_KEYS"))
        for text in settings.AUDIT_VERIFY_KEYS
    ]
    return {key_id(key): key for key in keys}


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> Checkpoint:
    """Return the checkpoint signed with ``key`` (its ``key_id`` set to the key's)."""
    unsigned = replace(checkpoint, key_id=key_id(key.public_key()), signature="")
    signature = key.sign(SIGNATURE_CONTEXT + unsigned.payload())
    return replace(unsigned, signature=base64.b64encode(signature).decode("ascii"))


def signature_valid(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    """Tell whether the checkpoint carries a valid signature by one of ``keys``."""
    public = keys.get(checkpoint.key_id)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(checkpoint.signature, validate=True), SIGNATURE_CONTEXT + checkpoint.payload())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _parse(line: str) -> Checkpoint | None:
    try:
        content = json.loads(line)
        if not isinstance(content, dict) or content.get("v") != FORMAT_VERSION:
            return None
        checkpoint = Checkpoint(
            number=int(content["number"]),
            kind=str(content["kind"]),
            seq=int(content["seq"]),
            head_hash=str(content["head_hash"]),
            time=str(content["time"]),
            prev=str(content["prev"]),
            key_id=str(content["key_id"]),
            signature=str(content["signature"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return checkpoint if checkpoint.kind in {Kind.CHECKPOINT, Kind.RESTORE} else None


class CheckpointStore:
    """Read and append the checkpoint file in one directory outside the database."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory if directory is not None else settings.AUDIT_CHECKPOINT_DIR)
        self.path = self.directory / STORE_FILE

    def read(self) -> StoreContents:
        """Read every checkpoint and check signatures, numbering and back-links; stop at the first fault.

        Checkpoints before the fault are returned, so the chain can still be compared with them.
        """
        if not self.path.exists():
            return StoreContents((), None)
        keys = verify_keys()
        raw = self.path.read_bytes().decode("utf-8", errors="replace")
        lines = raw.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        found: list[Checkpoint] = []
        for index, line in enumerate(lines, 1):
            checkpoint = _parse(line)
            if checkpoint is None:
                return StoreContents(tuple(found), StoreFault(f"checkpoint store damaged at line {index}", None))
            if not signature_valid(checkpoint, keys):
                reason = f"checkpoint forged: #{checkpoint.number} does not carry a valid signature"
                return StoreContents(tuple(found), StoreFault(reason, checkpoint.number))
            expected_number = found[-1].number + 1 if found else 1
            if checkpoint.number > expected_number:
                missing = _span(expected_number, checkpoint.number - 1)
                reason = f"checkpoint missing: {missing} absent from the store"
                return StoreContents(tuple(found), StoreFault(reason, expected_number))
            expected_prev = found[-1].digest if found else GENESIS_DIGEST
            if checkpoint.number < expected_number or checkpoint.prev != expected_prev:
                reason = f"checkpoint forged: #{checkpoint.number} does not follow the checkpoint before it"
                return StoreContents(tuple(found), StoreFault(reason, checkpoint.number))
            found.append(checkpoint)
        if not raw.endswith("\n"):
            # A write cut short by a crash; refused rather than guessed at.
            return StoreContents(tuple(found), StoreFault(f"checkpoint store damaged at line {len(lines)}", None))
        return StoreContents(tuple(found), None)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the store while the block reads and appends."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o750)
        lock_path = self.directory / ".lock"
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)

    def append(self, checkpoint: Checkpoint) -> None:
        """Append one signed checkpoint and flush it to disk before returning."""
        created = not self.path.exists()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, (checkpoint.line() + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if created:
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first} to #{last}"


def now_text() -> str:
    """Give the current time as the checkpoint's UTC timestamp."""
    from django.utils import timezone

    return timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Read a checkpoint's timestamp back as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
