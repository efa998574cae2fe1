"""The portal's view markers: a page of the person (a portal session in force) and its one-time tokens.

A person page never sees a staff user: ``request.user`` is anonymous in a portal session, so Django's
login middleware is told to let the page decide (``login_not_required``) and the page redirects to the
portal's own login when no portal session is in force. A refusal from a selector or service becomes the
same 404 as a missing object, after a denial row naming the person is written.

A guardian's session reads the child's portal and changes nothing in it: a comment, a withdrawal, a
block request or a notice choice is the young person's own act, so every write but logging out is
refused with that same 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from utvei.access import engine
from utvei.access.decorators import ACCESS_ATTR
from utvei.access.persons import PersonActor
from utvei.access.policy import NotFound
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record
from utvei.core.idempotency import TOKEN_FIELD
from utvei.portal.sessions import portal_actor

PersonView = Callable[..., HttpResponse]
TOKENS_KEY = "utvei_portal_tokens"
USED_KEY = "utvei_portal_used"
KEEP = 20
SAFE_METHODS = frozenset({"GET", "HEAD"})
# The only thing a guardian's session may send: ending itself.
GUARDIAN_WRITES = frozenset({"logout_view"})


def _refused(actor: PersonActor, exc: NotFound) -> None:
    with transaction.atomic():
        for person_id in sorted(actor.person_ids):
            record(
                actor=actor,
                event=AuditEvent.ACCESS_DENIED,
                target_type=exc.target_type,
                target_id=exc.target_id,
                person_id=person_id,
                outcome=Outcome.DENIED,
                changed_fields=["http_404"],
            )


def person_view(view: PersonView) -> PersonView:
    """Mark a page of the person: it runs with the portal session's person actor as its second argument."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        actor = portal_actor(request)
        if actor is None:
            return redirect("portal:login")
        with engine.request_scope():
            try:
                if actor.is_guardian and request.method not in SAFE_METHODS and view.__name__ not in GUARDIAN_WRITES:
                    raise NotFound("portal.GuardianWrite", None)
                return view(request, actor, *args, **kwargs)
            except NotFound as exc:
                _refused(actor, exc)
                raise Http404 from exc

    wrapped = login_not_required(wrapped)
    setattr(wrapped, ACCESS_ATTR, ("person", None))
    return wrapped


def issue_token(request: HttpRequest) -> str:
    """Give a new one-time token for a form of the portal, kept in the portal session (the person has no
    user row to sign it for)."""
    token = secrets.token_urlsafe(24)
    issued = [t for t in request.session.get(TOKENS_KEY, []) if isinstance(t, str)][-(KEEP - 1) :]
    request.session[TOKENS_KEY] = [*issued, token]
    return token


def once(view: PersonView) -> PersonView:
    """Let each one-time token of a portal form be used once: a repeat changes nothing and goes back to
    the page with a note; a token the session never issued is refused with a 400."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        token = request.POST.get(TOKEN_FIELD, "")
        issued = list(request.session.get(TOKENS_KEY, []))
        if token in request.session.get(USED_KEY, []):
            messages.info(request, _("This form was already sent. It was saved once."))
            return redirect(request.path)
        if not token or token not in issued:
            return render(request, "core/submission_refused.html", {"outcome": "invalid"}, status=400)
        issued.remove(token)
        request.session[TOKENS_KEY] = issued
        response = view(request, *args, **kwargs)
        if 300 <= response.status_code < 400:
            request.session[USED_KEY] = [*request.session.get(USED_KEY, [])[-(KEEP - 1) :], token]
        else:
            request.session[TOKENS_KEY] = [*issued, token]  # nothing saved: the corrected form may be sent
        return response

    wrapped.utvei_idempotent = True  # type: ignore[attr-defined]  # read by the form-token coverage test
    return wrapped
