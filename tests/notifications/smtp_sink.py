"""A small SMTP server for tests: it listens on a real local port and keeps every message it is sent.

It speaks the part of SMTP that Django's SMTP backend uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
so the mail under test goes through smtplib and a socket exactly as it would to a relay.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    """Hold one message as the sink received it: envelope and parsed message."""

    mail_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """Give the subject and the plain-text body, decoded."""
        body = self.message.get_body(preferencelist=("plain",))
        content = body.get_content() if body is not None else ""
        return f"{self.message['Subject']}\n{content}"


@dataclass
class Sink:
    """Collect what the server received."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().split(" ", 1)[0].strip("<>")


class _Handler(socketserver.StreamRequestHandler):
    sink: Sink

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def _data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def handle(self) -> None:
        self._say("220 sink ready")
        mail_from, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("ascii", errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb in {"HELO", "NOOP"}:
                self._say("250 ok")
            elif verb == "MAIL":
                mail_from, recipients = _address(command), []
                self._say("250 ok")
            elif verb == "RCPT":
                recipients.append(_address(command))
                self._say("250 ok")
            elif verb == "DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                parsed = message_from_bytes(self._data(), policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                self.sink.messages.append(Received(mail_from, list(recipients), parsed))
                self._say("250 queued")
            elif verb == "RSET":
                mail_from, recipients = "", []
                self._say("250 ok")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


@contextmanager
def smtp_sink() -> Iterator[Sink]:
    """Run the sink on a free local port for the duration of the block."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    sink = Sink(host="127.0.0.1", port=server.server_address[1])
    _Handler.sink = sink
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
