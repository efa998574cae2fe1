"""Primitives of encryption at rest: keyrings, the sealed-value format, data-key wrapping, blind indexes.

Pure functions over strings and bytes; the model fields (``utvei.core.crypto``) and the key store
(``utvei.core.keystore``) build on them.

Master keys come from ``UTVEI_ENCRYPTION_KEYS`` (``kid:base64key`` pairs, 32-byte keys) and
``UTVEI_ENCRYPTION_PRIMARY`` names the one new values and newly wrapped data keys use. A person's data key
is a random 32-byte key, wrapped (AES-256-GCM) under a master key and kept in the key store.

A stored value reads ``v2:<keyref>:<base64(nonce ‖ ciphertext ‖ tag)>``: ``keyref`` is ``m.<kid>`` for a
master key or ``d.<id>`` for a data key. The associated data is ``v2|<app.Model.column>|<row id>|<keyref>``,
so a value copied to another row, column or table, or given another key reference, fails to decrypt.
Format ``v1`` (bound to the column only) is read by the upgrade migration alone.

A blind index is ``<kid>:<hex HMAC-SHA256>`` under its own key (``UTVEI_BLIND_INDEX_KEY``): equal inputs
give equal indexes, so a number can be found without being stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v2"
LEGACY_VERSION = "v1"
MASTER = "m"
DATA = "d"


class DecryptionError(Exception):
    """Say a stored value could not be decrypted, and why (``reason`` is one of ``REASONS``)."""

    def __init__(self, reason: str, keyref: str = "") -> None:
        super().__init__(REASONS.get(reason, reason))
        self.reason = reason
        self.keyref = keyref


# Why a value cannot be read, in words for operators (management commands and logs, never the UI).
REASONS = {
    "malformed": "not in the encrypted format",
    "legacy_format": "still in the old format v1 (not bound to its row)",
    "unknown_key": "its key is not configured or not in the key store",
    "key_destroyed": "its data key was destroyed (the person was erased)",
    "authentication_failed": "failed authentication (changed, or copied from another row, column or table)",
    "bad_content": "decrypted, but the content is not what the field holds",
}


@dataclass(frozen=True)
class Keyring:
    """Hold keys by id and the id of the primary key."""

    keys: dict[str, bytes]
    primary: str


def parse_keyring(raw: str, primary: str, *, setting: str = "UTVEI_ENCRYPTION_KEYS") -> Keyring:
    """Parse ``kid:base64key,…`` and check every key and the primary.

    :raises ImproperlyConfigured: a malformed pair, a key that is not 32 bytes, or an unknown primary.
    """
    keys: dict[str, bytes] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        kid, sep, encoded = pair.partition(":")
        if not sep or not kid or ":" in kid or "." in kid:
            raise ImproperlyConfigured(f"{setting} must be kid:base64key pairs separated by commas (no . or : in kid)")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"Key {kid!r} in {setting} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"Key {kid!r} in {setting} must be 32 bytes (256 bits)")
        keys[kid] = key
    if primary not in keys:
        raise ImproperlyConfigured(f"The primary key of {setting} must be one of its keys")
    return Keyring(keys, primary)


@lru_cache(maxsize=4)
def _keyring_for(raw: str, primary: str, setting: str) -> Keyring:
    return parse_keyring(raw, primary, setting=setting)


def keyring() -> Keyring:
    """Give the master keyring configured in settings (cached per configuration)."""
    return _keyring_for(settings.ENCRYPTION_KEYS, settings.ENCRYPTION_PRIMARY, "UTVEI_ENCRYPTION_KEYS")


def index_keyring() -> Keyring:
    """Give the blind-index keyring from settings: the first pair is the current key, others are old."""
    raw = settings.BLIND_INDEX_KEY
    return _keyring_for(raw, raw.split(":", 1)[0].strip(), "UTVEI_BLIND_INDEX_KEY")


def generate_key() -> str:
    """Make a new random 32-byte key, base64-encoded, for a keyring setting."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def master_ref(kid: str) -> str:
    """Name a master key in a value's header."""
    return f"{MASTER}.{kid}"


def data_ref(key_id: str) -> str:
    """Name a data key in a value's header."""
    return f"{DATA}.{key_id}"


def split_ref(keyref: str) -> tuple[str, str]:
    """Split a key reference into its kind (``m`` or ``d``) and id."""
    kind, _sep, ident = keyref.partition(".")
    return kind, ident


def header(stored: str) -> tuple[str, str] | None:
    """Give (format version, key reference) of a stored value, or None when it is not encrypted."""
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] not in (VERSION, LEGACY_VERSION) or not parts[1]:
        return None
    return parts[0], parts[1]


def _aad(context: str, row: str, keyref: str) -> bytes:
    return f"{VERSION}|{context}|{row}|{keyref}".encode()


def seal(plaintext: str, *, key: bytes, keyref: str, context: str, row: str) -> str:
    """Encrypt ``plaintext`` under ``key``, bound to its column (``context``), row and key reference."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _aad(context, row, keyref))
    return f"{VERSION}:{keyref}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def unseal(stored: str, *, key_for: Callable[[str], bytes], context: str, row: str) -> str:
    """Decrypt a stored value of the given column and row; it fails closed.

    :raises DecryptionError: malformed, old format, unknown or destroyed key, or failed authentication.
    """
    head = header(stored)
    if head is None:
        raise DecryptionError("malformed")
    version, keyref = head
    if version != VERSION:
        raise DecryptionError("legacy_format", keyref)
    key = key_for(keyref)
    try:
        blob = base64.b64decode(stored.split(":", 2)[2], validate=True)
        plain = AESGCM(key).decrypt(blob[:12], blob[12:], _aad(context, row, keyref))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("authentication_failed", keyref) from exc
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionError("bad_content", keyref) from exc


def master_key(keyref: str) -> bytes:
    """Give the master key a ``m.<kid>`` reference names.

    :raises DecryptionError: the reference is not a master key, or that key is not configured.
    """
    kind, kid = split_ref(keyref)
    key = keyring().keys.get(kid) if kind == MASTER else None
    if key is None:
        raise DecryptionError("unknown_key", keyref)
    return key


def decrypt_v1(stored: str, *, context: str) -> str:
    """Decrypt a value in the old format v1 (bound to table and column only); for the upgrade alone.

    :raises DecryptionError: not v1, unknown key, or failed authentication.
    """
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != LEGACY_VERSION:
        raise DecryptionError("malformed")
    key = keyring().keys.get(parts[1])
    if key is None:
        raise DecryptionError("unknown_key", parts[1])
    try:
        blob = base64.b64decode(parts[2], validate=True)
        return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("authentication_failed", parts[1]) from exc


# --- data keys (envelope encryption) ------------------------------------------------------------------


def new_data_key() -> bytes:
    """Make a fresh random data key for one person."""
    return secrets.token_bytes(32)


def wrap(data_key: bytes, *, key_id: str, kid: str | None = None) -> tuple[str, str]:
    """Wrap a data key under the primary master key (or ``kid``); give (master kid, wrapped base64)."""
    ring = keyring()
    kid = kid or ring.primary
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[kid]).encrypt(nonce, data_key, f"utvei-data-key|{key_id}".encode())
    return kid, base64.b64encode(nonce + sealed).decode("ascii")


def unwrap(wrapped: str, *, key_id: str, kid: str) -> bytes:
    """Unwrap a data key.

    :raises DecryptionError: the master key is not configured, or the wrapped key fails authentication.
    """
    master = keyring().keys.get(kid)
    if master is None:
        raise DecryptionError("unknown_key", master_ref(kid))
    try:
        blob = base64.b64decode(wrapped, validate=True)
        return AESGCM(master).decrypt(blob[:12], blob[12:], f"utvei-data-key|{key_id}".encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("authentication_failed", data_ref(key_id)) from exc


# --- blind indexes ------------------------------------------------------------------------------------

# The purpose label of the national identity number's index; indexes of other purposes never match it.
NATIONAL_ID_INDEX = "national_id"


def _index_under(kid: str, key: bytes, value: str, purpose: str) -> str:
    digest = hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kid}:{digest}"


def blind_index(value: str, *, purpose: str) -> str:
    """Give the blind index of ``value`` under the current index key ("" for an empty value)."""
    if not value:
        return ""
    ring = index_keyring()
    return _index_under(ring.primary, ring.keys[ring.primary], value, purpose)


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """Give the blind index of ``value`` under every configured index key (for lookups while re-indexing)."""
    if not value:
        return []
    ring = index_keyring()
    return [_index_under(kid, key, value, purpose) for kid, key in ring.keys.items()]


def index_kid(stored: str) -> str:
    """Give the id of the index key a stored blind index was made with ("" when empty)."""
    return stored.split(":", 1)[0] if stored else ""
