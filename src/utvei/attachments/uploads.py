"""Refuse an oversized upload while it streams in, before it is held in memory or written to disk.

``LimitedUploadHandler`` stands first in ``FILE_UPLOAD_HANDLERS``. It counts each file's bytes as they
arrive and skips the file once it passes ``UTVEI_ATTACHMENT_MAX_BYTES``; the rest of that file is read
and dropped, never kept. The request remembers the name of the field whose file was too large, so the
form can say so in words, not just "choose a file".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

_OVERSIZE = "_utvei_oversize_fields"


class LimitedUploadHandler(FileUploadHandler):
    """Skip any uploaded file larger than the configured limit."""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > settings.ATTACHMENT_MAX_BYTES:
            if self.request is not None:
                oversize(self.request).add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def oversize(request: HttpRequest) -> set[str]:
    """Give the names of the file fields of this request whose file was refused as too large."""
    found: set[str] | None = request.__dict__.get(_OVERSIZE)
    if found is None:
        found = set()
        request.__dict__[_OVERSIZE] = found
    return found
