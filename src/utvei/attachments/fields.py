"""An encrypted field for the bytes of a file, sealed like every other encrypted field of a row.

The bytes are Base64-encoded and sealed with AES-256-GCM under the row owner's data key (``core.crypto``), so
destroying the person's data key shreds the file in every backup, as it does their free text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from django.db import models

from utvei.core.cipher import DecryptionError
from utvei.core.crypto import EncryptedTextField, Opened, Stored, Unreadable


class UnreadableBytes(Unreadable, bytes):
    """Stand for file bytes that cannot be opened (the person's data key was destroyed)."""


class EncryptedBytesField(EncryptedTextField):
    """Store bytes encrypted at rest; Python code sees ``bytes``.

    A file is not free text: the classification-marking check of text fields (R20) does not read it.
    """

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_plain(self, value: Any) -> str:
        return base64.b64encode(bytes(value)).decode("ascii")

    def from_plain(self, text: str) -> Any:
        try:
            return base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, binascii.Error) as exc:
            raise DecryptionError("bad_content") from exc

    def fingerprint(self, value: Any) -> str:
        return hashlib.sha256(bytes(value)).hexdigest() if isinstance(value, bytes) else str(value)

    def is_empty(self, value: Any) -> bool:
        return value is None or value == b""

    def is_marker(self, value: Any) -> bool:
        return isinstance(value, Unreadable)

    def unreadable(self, stored: str, row: str) -> Any:
        marker = UnreadableBytes(b"")
        marker.stored, marker.context, marker.row = stored, self.context, row
        return marker

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, bytes) and not isinstance(value, Unreadable) and value:
            stored = self.seal_for(model_instance, value)
            model_instance.__dict__[self.attname] = Opened(stored, value, True, self.fingerprint(value))
            return Stored(stored)
        return super().pre_save(model_instance, add)
