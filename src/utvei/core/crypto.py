"""Field-level encryption at rest for free text (AES-256-GCM), with key ids and rotation.

Keys come from the environment: ``UTVEI_ENCRYPTION_KEYS`` holds ``kid:base64key`` pairs separated by
commas (32-byte keys), and ``UTVEI_ENCRYPTION_PRIMARY`` names the key new values are written with. Older
keys stay listed until ``manage.py rotate_keys`` has re-encrypted every value under the primary.

A stored value reads ``v1:<kid>:<base64(nonce ‖ ciphertext ‖ tag)>``. The associated data binds the
value to its table and column, so a value copied into another column fails to decrypt.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

from utvei.core.markings import has_classification_marking, marking_message

PREFIX = "v1"


class DecryptionError(Exception):
    """Say a stored value could not be decrypted: tampered, moved, or its key is gone."""


@dataclass(frozen=True)
class Keyring:
    """Hold the encryption keys by id and the id of the primary key."""

    keys: dict[str, bytes]
    primary: str


def parse_keyring(raw: str, primary: str) -> Keyring:
    """Parse ``kid:base64key,…`` and check every key and the primary.

    :raises ImproperlyConfigured: a malformed pair, a key that is not 32 bytes, or an unknown primary.
    """
    keys: dict[str, bytes] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        kid, sep, encoded = pair.partition(":")
        if not sep or not kid or ":" in kid:
            raise ImproperlyConfigured("UTVEI_ENCRYPTION_KEYS must be kid:base64key pairs separated by commas")
        key = base64.b64decode(encoded)
        if len(key) != 32:
            raise ImproperlyConfigured(f"Encryption key {kid!r} must be 32 bytes (AES-256)")
        keys[kid] = key
    if primary not in keys:
        raise ImproperlyConfigured("UTVEI_ENCRYPTION_PRIMARY must name one of UTVEI_ENCRYPTION_KEYS")
    return Keyring(keys, primary)


@lru_cache(maxsize=4)
def _keyring_for(raw: str, primary: str) -> Keyring:
    return parse_keyring(raw, primary)


def keyring() -> Keyring:
    """Give the keyring configured in settings (cached per configuration)."""
    return _keyring_for(settings.ENCRYPTION_KEYS, settings.ENCRYPTION_PRIMARY)


def encrypt(plaintext: str, *, context: str, kid: str | None = None) -> str:
    """Encrypt ``plaintext`` under the primary key (or ``kid``), bound to ``context``."""
    ring = keyring()
    kid = kid or ring.primary
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[kid]).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id(stored: str) -> str | None:
    """Give the key id a stored value was encrypted with, or None if it is not encrypted."""
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(stored: str, *, context: str) -> str:
    """Decrypt a stored value; it fails closed.

    :raises DecryptionError: the value is malformed, tampered with, moved from another column, or its key
        is no longer configured.
    """
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("value is not in the encrypted format")
    key = keyring().keys.get(parts[1])
    if key is None:
        raise DecryptionError(f"no key {parts[1]!r} configured")
    try:
        blob = base64.b64decode(parts[2], validate=True)
        return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value failed authentication") from exc


class EncryptedTextField(models.TextField):
    """Store free text encrypted at rest; Python code sees plain strings.

    Encrypted values cannot be searched or ordered in the database, by design.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self._context = f"{cls._meta.app_label}.{cls.__name__}.{name}"

    @property
    def context(self) -> str:
        """Give the associated data binding values to this model and column."""
        return self._context

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self._context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        # R20: the last line of defence for every free-text field of case data, whichever service writes it.
        if has_classification_marking(str(value)):
            raise ValidationError({self.name: marking_message()})
        return encrypt(str(value), context=self._context)


def generate_key() -> str:
    """Make a new random 32-byte key, base64-encoded, for UTVEI_ENCRYPTION_KEYS."""
    return base64.b64encode(os.urandom(32)).decode("ascii")
