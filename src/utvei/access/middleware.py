"""Work out each actor's access context once per request: the middleware opens the cache for it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from utvei.access import engine


class AccessScopeMiddleware:
    """Cache access contexts for the length of one request, so every decision reuses the same facts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with engine.request_scope():
            return self.get_response(request)
