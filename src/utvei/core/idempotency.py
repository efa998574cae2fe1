"""One-time form tokens: a form that creates something is saved once, however often it is sent.

Every such form carries a token (``{% form_token %}``): random, signed for the user it was issued to,
valid for :data:`TOKEN_MAX_AGE`. The ``@idempotent`` view decorator claims the token before the view runs,
by inserting a :class:`~utvei.core.models.SubmissionKey` whose token hash the database keeps unique, so
two requests can never both claim it:

- the first request runs the view; a redirect (the result of a successful save) is stored with the key,
  anything else (a form with errors, a refusal) releases the key so the corrected form can be sent;
- a repeat with the same body gets the first result again (the same redirect and status), without the
  view running; while the first is still being saved it gets a 409;
- the same token with another body, or on another form, is refused with a 422 (a token names one
  submission, not a session);
- a token that is missing, forged, too old or issued to another user is refused with a 400.

An exception from the view (a refusal turned into a 404 by ``@requires``, or an error) keeps the key
claimed: a save may have been committed before it was raised, and refusing a repeat (409 until the key
expires) is safer than saving twice. A fresh form always brings a fresh token. Keys expire after :data:`KEY_TTL`; a
retention job may delete expired ones (:func:`purge_expired`), since a token that old is refused anyway.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.core.models import SubmissionKey

TOKEN_FIELD = "form_token"
# Longer than the absolute session lifetime (12 hours by default): a token is never refused as too old
# while the session that rendered its form is alive.
TOKEN_MAX_AGE = timedelta(hours=24)
# A key is kept as long as its token is accepted, so a repeat is always recognised.
KEY_TTL = TOKEN_MAX_AGE
# Fields that are no part of what is submitted: the CSRF token changes per page, the form token is the key.
_NOT_BODY = frozenset({"csrfmiddlewaretoken", TOKEN_FIELD})

View = Callable[..., HttpResponse]


def _signer(user_id: object) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"utvei.core.idempotency:{user_id}")


def issue_token(user_id: object) -> str:
    """Make a new one-time token for a form, bound to the user it is issued to."""
    return _signer(user_id).sign(secrets.token_urlsafe(24))


def _nonce(user_id: object, token: str) -> str | None:
    """Give the random part of a token issued to this user and not too old, else None."""
    if not token or len(token) > 200:
        return None
    try:
        return _signer(user_id).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None


def body_hash(request: HttpRequest) -> str:
    """Hash what a POST submits: its path and its fields, in a fixed order, without the tokens."""
    fields = sorted(
        (name, value.replace("\r\n", "\n"))
        for name in request.POST
        if name not in _NOT_BODY
        for value in request.POST.getlist(name)
    )
    canonical = json.dumps([request.path, fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Claim:
    """Say what a submission may do: ``run`` (first time), ``replay``, ``in_flight`` or ``other_body``."""

    outcome: str
    key: SubmissionKey


def claim(*, user_id: int, nonce: str, body: str, now: datetime | None = None) -> Claim:
    """Claim a token for one submission, in a transaction of its own that commits at once.

    The unique token hash decides between concurrent requests: the one whose insert commits first runs.
    """
    now = now or timezone.now()
    token_hash = hashlib.sha256(nonce.encode("ascii")).hexdigest()
    try:
        with transaction.atomic():
            key = SubmissionKey.objects.create(
                token_hash=token_hash, user_id=user_id, body_hash=body, created_at=now, expires_at=now + KEY_TTL
            )
        return Claim("run", key)
    except IntegrityError:
        existing = SubmissionKey.objects.get(token_hash=token_hash)
    if existing.user_id != user_id or existing.body_hash != body:
        return Claim("other_body", existing)
    if existing.status_code is None:
        return Claim("in_flight", existing)
    return Claim("replay", existing)


def complete(key: SubmissionKey, response: HttpResponse) -> None:
    """Store the result of the first submission (a redirect), so a repeat gets the same answer."""
    key.status_code = response.status_code
    key.location = response["Location"][:1000]
    SubmissionKey.objects.filter(pk=key.pk).update(status_code=key.status_code, location=key.location)


def release(key: SubmissionKey) -> None:
    """Give a token back: nothing was saved, so the corrected form may be sent with it."""
    SubmissionKey.objects.filter(pk=key.pk, status_code__isnull=True).delete()


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete expired keys (their tokens are refused anyway) and give how many went."""
    deleted, _by_model = SubmissionKey.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def _refused(request: HttpRequest, outcome: str, status: int) -> HttpResponse:
    return render(
        request, "core/submission_refused.html", {"outcome": outcome, "form_url": request.path}, status=status
    )


def _replay(request: HttpRequest, key: SubmissionKey) -> HttpResponse:
    messages.info(request, _("This form was already sent. It was saved once; here is the result."))
    response = HttpResponseRedirect(key.location)
    response.status_code = key.status_code or 302
    return response


def idempotent(view: View) -> View:
    """Wrap a form view so each one-time token is saved once (see the module's rules).

    Place it inside ``@requires`` (it needs the logged-in user) and the method decorator.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        user_id = request.user.pk
        nonce = _nonce(user_id, request.POST.get(TOKEN_FIELD, ""))
        if nonce is None or user_id is None:
            return _refused(request, "invalid", 400)
        result = claim(user_id=int(user_id), nonce=nonce, body=body_hash(request))
        if result.outcome == "replay":
            return _replay(request, result.key)
        if result.outcome == "in_flight":
            return _refused(request, "in_flight", 409)
        if result.outcome == "other_body":
            return _refused(request, "other_body", 422)
        response = view(request, *args, **kwargs)
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            complete(result.key, response)
        else:
            release(result.key)
        return response

    wrapped.utvei_idempotent = True  # type: ignore[attr-defined]  # read by the form-token coverage test
    return wrapped
