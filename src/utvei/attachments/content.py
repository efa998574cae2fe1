"""What an uploaded file is, read from its bytes, and whether clamd finds malware in it.

The type is recognised from the file's first bytes (its "magic"), never from its name or the browser's
content type: an HTML page renamed ``.pdf`` is refused. The scanner is ClamAV's daemon, asked over its
socket (``UTVEI_CLAMD_SOCKET``) with the INSTREAM command. When there is no daemon the file is stored and
marked "not virus scanned"; the page says so, it never claims a scan that did not happen.
"""

from __future__ import annotations

import errno
import logging
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from utvei.attachments.models import FileType, ScanResult

logger = logging.getLogger("utvei.attachments")

_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType.PDF),
    (b"\x89PNG\r\n\x1a\n", FileType.PNG),
    (b"\xff\xd8\xff", FileType.JPEG),
)
_CHUNK = 64 * 1024
# What connecting to the socket answers when no daemon is installed or running there.
_ABSENT = frozenset({errno.ENOENT, errno.ECONNREFUSED, errno.ENOTDIR})


def file_type(head: bytes) -> FileType | None:
    """Recognise a PDF, PNG or JPEG file from its first bytes (None: none of them)."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


class ScannerError(Exception):
    """Say that clamd answered with an error (not a verdict)."""


@dataclass(frozen=True)
class Verdict:
    """Hold what the scan found: the result to store, or the name of the malware found."""

    result: ScanResult
    found: str = ""


def _send(sock: socket.socket, chunks: Iterable[bytes]) -> bytes:
    sock.sendall(b"zINSTREAM\0")
    for chunk in chunks:
        for start in range(0, len(chunk), _CHUNK):
            part = chunk[start : start + _CHUNK]
            sock.sendall(struct.pack("!L", len(part)) + part)
    sock.sendall(struct.pack("!L", 0))
    reply = b""
    while not reply.endswith(b"\0"):
        data = sock.recv(4096)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0")


def scan(chunks: Iterable[bytes]) -> Verdict:
    """Ask clamd whether the file holds malware; no daemon configured or listening means "not scanned".

    :raises ScannerError: clamd answered but could not scan (too large for its limits, an error).
    """
    path = settings.CLAMD_SOCKET
    if not path:
        return Verdict(ScanResult.NOT_SCANNED)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(settings.CLAMD_TIMEOUT)
            failed = sock.connect_ex(path)
            if failed in _ABSENT:
                logger.warning("clamd is not listening on %s: the attachment is stored not virus scanned", path)
                return Verdict(ScanResult.NOT_SCANNED)
            if failed:
                raise ScannerError(errno.errorcode.get(failed, str(failed)))
            reply = _send(sock, chunks).decode("utf-8", "replace")
    except OSError as exc:
        raise ScannerError(str(exc)) from exc
    if reply.endswith(" OK"):
        return Verdict(ScanResult.CLEAN)
    if reply.endswith(" FOUND"):
        return Verdict(ScanResult.CLEAN, found=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScannerError(reply)


def clamd_available() -> bool:
    """Tell whether clamd answers on the configured socket (used by the tests to decide what to run)."""
    path = settings.CLAMD_SOCKET
    if not path:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            if sock.connect_ex(path):
                return False
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False
