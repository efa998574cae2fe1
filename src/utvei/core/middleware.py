"""Request-wide plumbing: request ids, session lifetime and security headers."""

from __future__ import annotations

import contextvars
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from utvei.core.keystore import key_scope

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("utvei_request_id", default="")

Handler = Callable[[HttpRequest], HttpResponse]


def current_request_id() -> str:
    """Return the id of the request being served, or "" outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id that audit rows and logs carry."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = secrets.token_hex(8)
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class EncryptionScopeMiddleware:
    """Open one key scope per request: data keys are cached for the request and forgotten after it.

    A key destroyed by an erasure therefore leaves every worker by its next request, and an unreadable
    value is logged once per request however often the page reads it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with key_scope():
            return self.get_response(request)


class SessionLifetimeMiddleware:
    """End a session that has outlived the absolute lifetime.

    The idle limit is the cookie age, renewed on every request (SESSION_SAVE_EVERY_REQUEST); this adds the
    hard upper bound that ASVS 7.3.2 asks for, counted from login.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get("utvei_login_at")
            now = int(time.time())
            if started is None:
                request.session["utvei_login_at"] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Add the headers Django lacks: no caching of pages and a permissions policy.

    Every page may hold personal data, so none may be stored by the browser or a proxy (ASVS 14.3.2);
    logout also clears what the browser keeps for the site.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class LanguageMiddleware:
    """Use Norwegian Bokmål unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a work laptop set up in
    English would show English; Utvei shows Bokmål by default and English only on request (the cookie set
    by the language switch, or the user's saved preference at login).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
