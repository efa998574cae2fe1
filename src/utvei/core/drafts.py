"""The ``@autosaved`` view decorator: a saved form's drafts are discarded.

Forms render ``data-autosave-key="{{ request.path }}"``; after a successful POST (a redirect) the
drafts stored under that key for this user are removed, so a restored draft never resurrects text
that was already saved.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

from utvei.core.services import draft_discard

View = Callable[..., HttpResponse]


def autosaved(view: View) -> View:
    """Wrap a form view so a successful POST removes its drafts."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
            draft_discard(actor=request.user, form_key=request.path)
        return response

    return wrapped
