"""Plumbing views: health check and the language switch."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from utvei.access.decorators import public


@public
@require_GET
def health_view(request: HttpRequest) -> HttpResponse:
    """This view will answer whether the application and its database respond (no details)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """This view will switch the interface language (Django's view, POST only, CSRF-protected)."""
    return set_language(request)
