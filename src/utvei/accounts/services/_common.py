"""Shared parts of the account services: the exceptions, ending sessions, and raising a session's level."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django_otp.models import Device

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User, UserSession
from utvei.accounts.sessions import REAUTH_SESSION_KEY  # noqa: F401  (re-exported)

# Session keys: the enrolment link this browser opened, and the challenges of passkey ceremonies.
ENROLMENT_SESSION_KEY = "utvei_enrolment_link"
PASSKEY_REGISTER_STATE = "utvei_passkey_register_state"
PASSKEY_VERIFY_STATE = "utvei_passkey_verify_state"


class EnrolmentRefused(Exception):
    """Signal that this session may not set up a second factor now."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PasskeyRefused(Exception):
    """Signal that a passkey ceremony failed (no challenge, a wrong origin, an unknown credential...)."""


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """Delete every stored session of ``user`` except the one keyed ``keep``; return how many ended.

    Called inside the transaction that reduces the user's access, so the sessions go with it. A deleted
    session is gone for good: its cookie finds no row and starts an anonymous session, also after the
    account is reactivated.
    """
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _counts = sessions.delete()
    return deleted


def sessions_clear_expired() -> int:
    """Delete the sessions past their expiry time (what ``manage.py clearsessions`` does); return how many."""

    with transaction.atomic():
        deleted, _counts = UserSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def _managed_user_for_update(*, actor: User, user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(User._meta.label, user_id)
    policy.require(actor, Action.MANAGE, user)
    return user


def _token_hash(token: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _raise_session_level(request: HttpRequest, device: Device | None) -> None:
    """Mark the session as passed by ``device`` (if given), under a new session key and CSRF token.

    Every change of authentication level gets a new key, so a session id seen (or planted) before the
    second factor is worth nothing after it.
    """
    from django_otp import login as otp_login

    if device is not None:
        otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)
