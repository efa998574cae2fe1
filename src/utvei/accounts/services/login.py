"""Logging in: enrolment links, the second factor by code or passkey, and the login events."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.exceptions import WebAuthnException

from utvei.access import policy
from utvei.access.decorators import is_verified
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import EnrolmentLink, User
from utvei.accounts.services._common import (
    ENROLMENT_SESSION_KEY,
    PASSKEY_REGISTER_STATE,
    PASSKEY_VERIFY_STATE,
    EnrolmentRefused,
    PasskeyRefused,
    _raise_session_level,
    _token_hash,
)
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record


def enrolment_link_issue(*, actor: User | None, user_id: int) -> tuple[EnrolmentLink, str]:
    """Issue a one-time link that lets the user set up a first second factor; give it and its token.

    ``actor`` must administer the user; ``None`` is the system operator (``manage.py enrolment_link``).
    The token is returned once and only its hash is kept. A newer link revokes every older unused one.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    :raises ValidationError: the user is deactivated or already has a second factor.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound(User._meta.label, user_id)
        if actor is not None:
            policy.require(actor, Action.MANAGE, user)
        if not user.is_active:
            raise ValidationError(_("The user is deactivated."))
        if user_has_device(user):
            raise ValidationError(_("The user already has two-step login. Reset it first to issue an enrolment link."))
        now = timezone.now()
        EnrolmentLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        link = EnrolmentLink.objects.create(
            user=user,
            issued_by=actor,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=settings.ENROLMENT_LINK_HOURS),
        )
        record(actor=actor, event=AuditEvent.CREATE, target=link, changed_fields=["user", "expires_at"])
    return link, token


def enrolment_link_open(*, token: str, request: HttpRequest) -> EnrolmentLink | None:
    """Remember in this session a usable enrolment link; give it, or ``None`` for any other token.

    An unknown, expired, used or revoked token gives the same ``None`` and a denied audit row, so the
    answer never tells which it was.
    """
    now = timezone.now()
    with transaction.atomic():
        link = EnrolmentLink.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
        if link is None or not link.is_usable(now) or not link.user.is_active:
            record(
                actor=None,
                event=AuditEvent.ACCESS_DENIED,
                target_type=EnrolmentLink._meta.label,
                target_id=link.pk if link else "",
                outcome=Outcome.DENIED,
            )
            return None
        request.session[ENROLMENT_SESSION_KEY] = link.pk
        record(actor=None, event=AuditEvent.VIEW, target=link)
    return link


def enrolment_allowed(*, actor: User, request: HttpRequest) -> bool:
    """Tell whether this session may set up a second factor now (see :func:`_enrolment_link_for`)."""
    try:
        _enrolment_link_for(actor, request)
    except EnrolmentRefused:
        return False
    return True


def _enrolment_link_for(actor: User, request: HttpRequest, *, lock: bool = False) -> EnrolmentLink | None:
    """Give the enrolment link this session enrols under, or ``None`` when it needs none.

    A session that passed the second factor may add or replace one. A user who has a second factor
    must pass it first. A user without one may enrol only through an enrolment link opened in this
    session when 2FA is required; where it is optional (the demo), a password session already has full
    access, so a first factor of its own adds protection and needs no link.

    :raises EnrolmentRefused: none of these holds.
    """
    if is_verified(actor):
        return None
    if user_has_device(actor):
        raise EnrolmentRefused("verify_first")
    if not settings.REQUIRE_2FA:
        return None
    link_id = request.session.get(ENROLMENT_SESSION_KEY)
    links = EnrolmentLink.objects.filter(pk=link_id, user=actor) if link_id else EnrolmentLink.objects.none()
    link = (links.select_for_update() if lock else links).first()
    if link is None or not link.is_usable(timezone.now()):
        raise EnrolmentRefused("link_needed")
    return link


def _use_enrolment_link(link: EnrolmentLink | None, request: HttpRequest, actor: User) -> None:
    if link is None:
        return
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    record(actor=actor, event=AuditEvent.UPDATE, target=link, changed_fields=["used_at"])


def login_succeeded(*, user: User) -> None:
    """Record a successful password step."""
    with transaction.atomic():
        record(actor=user, event=AuditEvent.LOGIN, target=user)


def login_failed(*, username: str, locked_out: bool, reason: str = "") -> None:
    """Record a failed or locked-out login.

    The typed username is kept only when it names an existing account (as a link to it); an unknown
    username is free text that may be anything, so it is not stored. ``reason`` names why a right
    password was refused (``password_off``: the organisation logs in through its provider only).
    """
    user = User.objects.filter(username__iexact=username).first() if username else None
    with transaction.atomic():
        record(
            actor=None,
            event=AuditEvent.LOCKED_OUT if locked_out else AuditEvent.LOGIN_FAILED,
            target_type=User._meta.label,
            target_id=user.pk if user else "",
            outcome=Outcome.DENIED,
            changed_fields=[reason] if reason else [],
        )


def logout_recorded(*, user: User) -> None:
    """Record a logout."""
    with transaction.atomic():
        record(actor=user, event=AuditEvent.LOGOUT, target=user)


def totp_device_for_enrolment(*, actor: User, request: HttpRequest) -> TOTPDevice:
    """Give the actor's pending (unconfirmed) TOTP device, creating one if needed.

    :raises EnrolmentRefused: the session may not set up a second factor (:func:`_enrolment_link_for`).
    """
    with transaction.atomic():
        _enrolment_link_for(actor, request)
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name="Utvei", confirmed=False)
    return device


def totp_confirm(*, actor: User, request: HttpRequest, token: str) -> bool:
    """Confirm a pending TOTP device with a code from the app and mark the session verified.

    Any earlier confirmed app of the actor is removed: one authenticator app at a time. An enrolment
    link the session enrols under is used up. The session key is cycled.

    :raises EnrolmentRefused: the session may not set up a second factor (:func:`_enrolment_link_for`).
    """
    with transaction.atomic():
        link = _enrolment_link_for(actor, request, lock=True)
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        if device is None or not device.verify_token(token):
            record(actor=actor, event=AuditEvent.OTP_FAILED, target=actor, outcome=Outcome.DENIED)
            return False
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _use_enrolment_link(link, request, actor)
        _raise_session_level(request, device)
        record(actor=actor, event=AuditEvent.OTP_ENROLLED, target=actor)
    return True


def totp_verify(*, actor: User, request: HttpRequest, token: str) -> bool:
    """Check a code against the actor's confirmed devices and mark the session verified.

    A code is accepted once (django-otp keeps the last used time step), and repeated failures slow the
    device down (its throttling). On success the session key is cycled.
    """
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                _raise_session_level(request, device)
                record(actor=actor, event=AuditEvent.OTP_VERIFIED, target=actor)
                return True
        record(actor=actor, event=AuditEvent.OTP_FAILED, target=actor, outcome=Outcome.DENIED)
    return False


def passkey_registration_begin(*, actor: User, request: HttpRequest) -> dict[str, Any]:
    """Start registering a passkey: give the browser's creation options, keep the challenge in the session.

    :raises EnrolmentRefused: the session may not set up a second factor (:func:`_enrolment_link_for`).
    """
    with transaction.atomic():
        _enrolment_link_for(actor, request)
        helper = WebAuthnCredential.get_webauthn_helper(request=request)
        options, state = helper.register_begin(user=actor)
    request.session[PASSKEY_REGISTER_STATE] = state
    return dict(options)


def passkey_registration_complete(*, actor: User, request: HttpRequest, data: dict[str, Any]) -> WebAuthnCredential:
    """Verify the browser's new credential and store it as a second factor of the actor.

    The challenge is used once. The credential must have been made for this site's relying party id
    and one of its origins. An enrolment link the session enrols under is used up; a session that had
    not passed the second factor now has (by this passkey). The session key is cycled.

    :raises EnrolmentRefused: the session may not set up a second factor.
    :raises PasskeyRefused: no ceremony was started, or the credential does not verify.
    """
    state = request.session.pop(PASSKEY_REGISTER_STATE, None)
    try:
        with transaction.atomic():
            link = _enrolment_link_for(actor, request, lock=True)
            if state is None:
                raise PasskeyRefused("no_challenge")
            helper = WebAuthnCredential.get_webauthn_helper(request=request)
            with rewrite_exceptions():
                device = helper.register_complete(user=actor, state=state, data=data)
            device.name = _("Passkey")
            device.save(update_fields=["name"])
            _use_enrolment_link(link, request, actor)
            _raise_session_level(request, None if is_verified(actor) else device)
            record(actor=actor, event=AuditEvent.OTP_ENROLLED, target=device)
    except (OTPWebAuthnApiError, WebAuthnException, KeyError, TypeError, ValueError) as exc:
        _passkey_failed(actor, WebAuthnCredential._meta.label)
        raise PasskeyRefused("invalid") from exc
    except PasskeyRefused:
        _passkey_failed(actor, WebAuthnCredential._meta.label)
        raise
    return device


def passkey_verification_begin(*, actor: User, request: HttpRequest) -> dict[str, Any]:
    """Start the second factor by passkey: give the request options for the actor's own credentials.

    :raises PasskeyRefused: the actor has no passkey.
    """
    if not WebAuthnCredential.objects.filter(user=actor, confirmed=True).exists():
        raise PasskeyRefused("no_passkey")
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    options, state = helper.authenticate_begin(user=actor, require_user_verification=False)
    request.session[PASSKEY_VERIFY_STATE] = state
    return dict(options)


def passkey_verify(*, actor: User, request: HttpRequest, data: dict[str, Any]) -> bool:
    """Check a passkey assertion as the actor's second factor and mark the session verified.

    The assertion must answer this session's challenge (used once), come from one of the actor's own
    confirmed credentials, and have been made for this site's origin and relying party id; the
    signature counter must not go backwards. On success the session key is cycled.
    """
    state = request.session.pop(PASSKEY_VERIFY_STATE, None)
    try:
        with transaction.atomic():
            if state is None:
                raise PasskeyRefused("no_challenge")
            helper = WebAuthnCredential.get_webauthn_helper(request=request)
            with rewrite_exceptions():
                device = helper.authenticate_complete(user=actor, state=state, data=data)
            if not device.confirmed:
                raise PasskeyRefused("disabled")
            _raise_session_level(request, device)
            record(actor=actor, event=AuditEvent.OTP_VERIFIED, target=device)
    except (OTPWebAuthnApiError, WebAuthnException, PasskeyRefused, KeyError, TypeError, ValueError):
        _passkey_failed(actor, WebAuthnCredential._meta.label)
        return False
    return True


def _passkey_failed(actor: User, target_type: str) -> None:
    with transaction.atomic():
        record(actor=actor, event=AuditEvent.OTP_FAILED, target_type=target_type, outcome=Outcome.DENIED)
