"""Generic error pages: no stack traces, no detail about what exists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a refused function with a plain page."""
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a missing or forbidden object with the same plain page."""
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected error without any detail."""
    return render(request, "errors/500.html", status=500)
