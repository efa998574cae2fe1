"""Documents fetch nothing but Utvei's own static files: no network, no other local file, no data: URL."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from utvei.core import pdf


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _document(head: str = "", body: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>T</title>{head}</head>'
        f"<body><h1>Dokument</h1>{body}</body></html>"
    )


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """Serve a stylesheet on 127.0.0.1 and record every request made to it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            requests.append(self.path)
            body = b'h1::after { content: " LEKKET"; }'
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_an_external_url_is_never_fetched(local_server: tuple[str, list[str]]) -> None:
    url, requests = local_server
    html = _document(
        f'<link rel="stylesheet" href="{url}/evil.css"><style>@import url("{url}/import.css");</style>',
        f'<img src="{url}/pixel.png" alt="">',
    )
    data = pdf.pdf_from_html(html)
    assert requests == []
    assert "LEKKET" not in _text(data)
    assert "Dokument" in _text(data)


def test_a_local_file_outside_the_static_files_is_not_loaded(tmp_path: Path) -> None:
    outside = tmp_path / "outside.css"
    outside.write_text('h1::after { content: " LEKKET"; }')
    traversal = (pdf.STYLESHEET.parent / ".." / ".." / ".." / ".." / outside.relative_to("/")).as_posix()
    html = _document(
        f'<link rel="stylesheet" href="{outside.as_uri()}">'
        f'<link rel="stylesheet" href="file://{traversal}">'
        '<link rel="stylesheet" href="data:text/css,h1::after%7Bcontent:%22%20LEKKET%22%7D">'
    )
    assert "LEKKET" not in _text(pdf.pdf_from_html(html))


def test_own_static_files_are_served(tmp_path: Path) -> None:
    fetcher = pdf.static_only_fetcher()
    response = fetcher(pdf.STYLESHEET.as_uri())
    assert response.read().startswith(b"/* Print styles")
    assert response.content_type == "text/css"
    static_css = (
        next(root for root in pdf.static_roots() if (root / "utvei" / "utvei.css").is_file()) / "utvei" / "utvei.css"
    )
    assert fetcher(static_css.as_uri()).read() == static_css.read_bytes()
    for refused in (
        "https://example.org/font.woff",
        (tmp_path / "x.css").as_uri(),
        "data:text/css,a{}",
        "file://evil.example/etc/passwd",
    ):
        with pytest.raises(pdf.ResourceRefused):
            fetcher(refused)
