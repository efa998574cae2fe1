"""PDF documents for the person (the plan, consents and disclosures), rendered with WeasyPrint.

Every document is a Django template extending ``pdf/base.html``, rendered in the language asked for,
and written as a tagged PDF (PDF/UA-1) so screen readers can follow headings, lists and tables. The
document never loads anything from the network: stylesheets and fonts are local.

Documents handed to the person must not reveal the nature of the work (R27): :func:`render_pdf` refuses
to return a document whose text holds a revealing word, so a template or data mistake fails loudly
instead of reaching a letter box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from utvei.core.wording import revealing_words

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "print.css"


class RevealingContent(Exception):
    """Signal that a document for the person holds words that reveal exit work."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(f"revealing words in a document for the person: {words}")
        self.words = words


def render_html(template: str, context: dict[str, Any], *, language: str) -> str:
    """Render a document template to HTML in the given language."""
    with translation.override(language):
        return render_to_string(template, {**context, "language": language})


def render_pdf(
    template: str, context: dict[str, Any], *, language: str, title: str, faithful_copy: bool = False
) -> bytes:
    """Render a document template to a tagged PDF in the given language.

    ``faithful_copy`` is for the copy of the person's own records (GDPR art. 15(3)), which must hold the
    words as they were recorded: the check for revealing words is skipped, and the template must say that
    the document is handed over in person or through a secure channel, never by post.

    :raises RevealingContent: the rendered text holds a word that would reveal exit work (R27).
    """
    from weasyprint import CSS, HTML

    html = render_html(template, {**context, "title": title}, language=language)
    words = [] if faithful_copy else revealing_words(_text_of(html))
    if words:
        raise RevealingContent(words)
    document = HTML(string=html, base_url=str(STYLESHEET.parent))
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )


def _text_of(html: str) -> str:
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)
