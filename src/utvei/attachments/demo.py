"""Synthetic demo data for attachments; called by utvei.accounts.demo.seed_demo after contacts and sharing.

Case 1 gets a scanned agreement attached to its first conversation and a document attached to the case,
both uploaded by the demo's case worker through the service (so the demo has real audit rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


class DemoFile:
    """Stand in for an uploaded file: a name and bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name: str | None = name
        self.data = data
        self.size: int | None = len(data)

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Give the bytes in one chunk."""
        yield self.data


def demo_pdf(text: str) -> bytes:
    """Make a small, valid one-page PDF that shows one line of text (synthetic content only)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def seed(world: DemoWorld) -> None:
    """Attach a file to case 1's first conversation and one to the case itself."""
    from utvei.attachments import services
    from utvei.contacts.models import Conversation

    actor = world.users["saksbehandler"]
    case = world.cases[0]
    conversation = Conversation.objects.filter(case=case).order_by("pk").first()
    if conversation is not None:
        services.attachment_upload(
            actor=actor,
            case_id=case.pk,
            target=f"conversation:{conversation.pk}",
            upload=DemoFile("avtale-om-oppfolging.pdf", demo_pdf("Avtale om oppfolging (syntetisk demo)")),
        )
    services.attachment_upload(
        actor=actor,
        case_id=case.pk,
        target="case",
        upload=DemoFile("bekymringsmelding-skannet.pdf", demo_pdf("Bekymringsmelding (syntetisk demo)")),
    )
