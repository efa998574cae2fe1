"""PDF documents for the person (the plan, consents and disclosures), rendered with WeasyPrint.

Every document is a Django template extending ``pdf/base.html``, rendered in the language asked for,
and written as a tagged PDF (PDF/UA-1) so screen readers can follow headings, lists and tables. The
document never loads anything from the network: WeasyPrint gets a URL fetcher that serves only Utvei's
own static files (the print stylesheet, static CSS and fonts) and refuses every other URL, whether
http(s), ``data:`` or a file outside those directories.

Documents handed to the person must not reveal the nature of the work (R27): :func:`render_pdf` refuses
to return a document whose text holds a revealing word, so a template or data mistake fails loudly
instead of reaching a letter box.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from django.utils import translation

from utvei.core.wording import revealing_words

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "print.css"
logger = logging.getLogger(__name__)


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
    html = render_html(template, {**context, "title": title}, language=language)
    words = [] if faithful_copy else revealing_words(_text_of(html))
    if words:
        raise RevealingContent(words)
    return pdf_from_html(html)


def pdf_from_html(html: str) -> bytes:
    """Write rendered document HTML as a tagged PDF, fetching nothing but Utvei's own static files."""
    from weasyprint import CSS, HTML

    from utvei.core.text import strip_hidden_controls

    fetcher = static_only_fetcher()
    # Input refuses bidirectional and zero-width controls; text stored before that rule loses them here.
    html = strip_hidden_controls(html)
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )


class ResourceRefused(ValueError):
    """Signal that a document asked for a resource outside Utvei's own static files."""


def static_roots() -> list[Path]:
    """List the directories a document may load files from: the print styles and the static files."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    roots = [STYLESHEET.parent, Path(settings.STATIC_ROOT)]
    for finder in get_finders():
        roots += [Path(storage.location) for storage in getattr(finder, "storages", {}).values()]
    return sorted({root.resolve() for root in roots})


def static_only_fetcher() -> Any:
    """Give a WeasyPrint URL fetcher for ``file:`` URLs inside :func:`static_roots` only.

    Every other URL (another scheme, a host, a file outside the roots) raises :class:`ResourceRefused`;
    WeasyPrint catches it, logs it and renders the document without that resource, so a URL that
    slipped into a document (a stylesheet link, an image) is never fetched.
    """
    # WeasyPrint is imported here, not at module level: it is slow to load and only documents need it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = static_roots()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                logger.warning("PDF resource refused: a %s: URL", parts.scheme or "relative")
                raise ResourceRefused(f"only Utvei's static files may be loaded, not {parts.scheme}: URLs")
            # resolve() follows symbolic links and "..", so a path cannot step out of a root.
            path = Path(unquote(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in roots):
                logger.warning("PDF resource refused: a file outside the static files")
                raise ResourceRefused("only Utvei's static files may be loaded")
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=False)


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
