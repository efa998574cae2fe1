"""Project-wide views outside the apps: the health check, the language switch and form drafts."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from utvei.access.decorators import public, requires
from utvei.access.permissions import Perm
from utvei.core.http import AuthedRequest
from utvei.core.services import draft_load, draft_save


@public
@require_GET
def health_view(request: HttpRequest) -> HttpResponse:
    """Answer whether the application and its database respond (no details)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Switch the interface language (Django's view, POST only, CSRF-protected)."""
    return set_language(request)


@requires(Perm.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def draft_view(request: AuthedRequest) -> HttpResponse:
    """Save one field's draft (POST) or return a form's drafts as JSON (GET)."""
    if request.method == "GET":
        return JsonResponse({"fields": draft_load(actor=request.user, form_key=request.GET.get("key", ""))})
    try:
        draft = draft_save(
            actor=request.user,
            form_key=request.POST.get("key", ""),
            field=request.POST.get("field", ""),
            text=request.POST.get("text", ""),
        )
    except ValueError:
        return JsonResponse({"error": "invalid draft", "fields": {}}, status=400)
    return JsonResponse({"saved_at": timezone.localtime(draft.updated_at).strftime("%H:%M")})
