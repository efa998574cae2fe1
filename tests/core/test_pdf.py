"""The PDF engine: real WeasyPrint output, tagged for screen readers, in the asked language, and never
holding words that reveal exit work (R27)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.template import engines
from pypdf import PdfReader

from utvei.core import pdf


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def test_a_document_is_a_tagged_pdf_with_language_and_title() -> None:
    data = pdf.render_pdf("pdf/base.html", {"printed_on": date(2026, 11, 25)}, language="nb", title="Din plan")
    reader = _reader(data)
    root = reader.trailer["/Root"]
    assert data.startswith(b"%PDF-")
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root.get("/StructTreeRoot") is not None
    assert root["/Lang"] == "nb"
    assert reader.metadata is not None and reader.metadata.title == "Din plan"
    assert "Din plan" in reader.pages[0].extract_text()


def test_the_language_follows_the_request_not_the_active_language() -> None:
    data = pdf.render_pdf("pdf/base.html", {"printed_on": date(2026, 11, 25)}, language="en", title="Your plan")
    reader = _reader(data)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Printed 25 Nov 2026" in reader.pages[0].extract_text()


def test_a_revealing_word_refuses_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    template = engines["django"].from_string("<html><body><p>Oppfølging etter radikalisering</p></body></html>")
    monkeypatch.setattr(pdf, "render_html", lambda *_a, **_k: template.render({}))
    with pytest.raises(pdf.RevealingContent) as caught:
        pdf.render_pdf("pdf/base.html", {}, language="nb", title="Plan")
    assert caught.value.words
