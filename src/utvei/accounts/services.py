"""Writes to accounts: users, memberships, second factors, and the login events."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.exceptions import WebAuthnException

from utvei.access import engine, policy
from utvei.access.decorators import is_verified
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import EnrolmentLink, Membership, Organisation, Partnership, Role, User, UserSession
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record
from utvei.core.text import require_plain

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


def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str | None,
) -> User:
    """Create a user with one role in ``organisation``.

    ``actor`` must administer the organisation; ``None`` is the system (demo seeding, commands).

    :raises NotFound: the actor does not administer the organisation.
    :raises ValidationError: the username is taken, the role unknown or the password too weak.
    """
    with transaction.atomic():
        if (
            actor is not None
            and not Membership.objects.active()
            .filter(user=actor, organisation=organisation, role=Role.ORG_ADMIN)
            .exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        require_plain(first_name=first_name, last_name=last_name, username=username)
        if role not in Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("That username is already taken.")})
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        if password:
            validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=role)
        engine.invalidate()
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=user,
            organisation_id=organisation.pk,
            changed_fields=["username", "first_name", "last_name", "email", "role"],
        )
    return user


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
    from django.utils import timezone

    with transaction.atomic():
        deleted, _counts = UserSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def _managed_user_for_update(*, actor: User, user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(User._meta.label, user_id)
    policy.require(actor, Action.MANAGE, user)
    return user


def user_deactivate(*, actor: User, user_id: int) -> User:
    """Deactivate a user and delete all of their sessions at once.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    :raises ValidationError: the actor tried to deactivate themselves.
    """
    with transaction.atomic():
        user = _managed_user_for_update(actor=actor, user_id=user_id)
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        user.is_active = False
        user.save(update_fields=["is_active"])
        engine.invalidate()
        sessions_end(user=user)
        record(actor=actor, event=AuditEvent.UPDATE, target=user, changed_fields=["is_active", "sessions"])
    return user


def user_reactivate(*, actor: User, user_id: int) -> User:
    """Let a deactivated user log in again; sessions from before stay ended, so a new login is needed.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    :raises ValidationError: the user is active already.
    """
    with transaction.atomic():
        user = _managed_user_for_update(actor=actor, user_id=user_id)
        if user.is_active:
            raise ValidationError(_("The user is already active."))
        user.is_active = True
        user.save(update_fields=["is_active"])
        engine.invalidate()
        record(actor=actor, event=AuditEvent.UPDATE, target=user, changed_fields=["is_active"])
    return user


def user_password_set(*, actor: User, user_id: int, password: str) -> User:
    """Give a user a new password chosen by their administrator and delete all of the user's sessions.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    :raises ValidationError: the password is too weak, or the actor tried it on their own account (which
        needs the current password: :func:`password_change`).
    """
    with transaction.atomic():
        user = _managed_user_for_update(actor=actor, user_id=user_id)
        if user.pk == actor.pk:
            raise ValidationError({"password": _("Change your own password under My account.")})
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        sessions_end(user=user)
        record(actor=actor, event=AuditEvent.UPDATE, target=user, changed_fields=["password", "sessions"])
    return user


def password_change(*, actor: User, request: HttpRequest, current: str, new: str) -> User:
    """Change the actor's own password; every other session of theirs is deleted, this one gets a new key.

    Both checks run before anything changes, and all their errors are given together.

    :raises ValidationError: the current password is wrong, or the new one is too weak.
    """
    from django.contrib.auth import update_session_auth_hash

    errors: dict[str, list[str]] = {}
    if not actor.check_password(current):
        errors["current_password"] = [_("The current password is not right.")]
    try:
        validate_password(new, actor)
    except ValidationError as exc:
        errors["new_password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.set_password(new)
        user.save(update_fields=["password"])
        sessions_end(user=user, keep=request.session.session_key)
        # A new key for this session too, with the new password's hash, so it stays logged in.
        update_session_auth_hash(request, user)
        record(actor=user, event=AuditEvent.UPDATE, target=user, changed_fields=["password", "sessions"])
    actor.password = user.password
    return user


def user_reset_second_factor(*, actor: User, user_id: int) -> User:
    """Remove a user's second factors (apps and passkeys) so they must enrol again.

    Unused enrolment links are revoked too: a new one is issued after the reset.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    """
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound(User._meta.label, user_id)
        policy.require(actor, Action.MANAGE, user)
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        EnrolmentLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=timezone.now())
        record(actor=actor, event=AuditEvent.OTP_RESET, target=user)
    return user


def _token_hash(token: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def user_set_language(*, actor: User, language: str) -> User:
    """Store the actor's preferred interface language.

    :raises ValidationError: the language is not offered.
    """
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("That language is not available.")})
    with transaction.atomic():
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        record(actor=actor, event=AuditEvent.UPDATE, target=actor, changed_fields=["preferred_language"])
    return actor


def login_succeeded(*, user: User) -> None:
    """Record a successful password step."""
    with transaction.atomic():
        record(actor=user, event=AuditEvent.LOGIN, target=user)


def login_failed(*, username: str, locked_out: bool) -> None:
    """Record a failed or locked-out login.

    The typed username is kept only when it names an existing account (as a link to it); an unknown
    username is free text that may be anything, so it is not stored.
    """
    user = User.objects.filter(username__iexact=username).first() if username else None
    with transaction.atomic():
        record(
            actor=None,
            event=AuditEvent.LOCKED_OUT if locked_out else AuditEvent.LOGIN_FAILED,
            target_type=User._meta.label,
            target_id=user.pk if user else "",
            outcome=Outcome.DENIED,
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


def organisation_create(
    *, actor: User | None, name: str, kind: str, parent: Organisation | None = None, sector: str = ""
) -> Organisation:
    """Register an organisation, the public body it belongs to and its sector; only the system may do so.

    ``parent`` is the public body (organ) the organisation is a unit of, e.g. the municipality a child
    welfare service belongs to; it must be a body of its own. Without ``sector`` the kind's usual sector is
    used (``DEFAULT_SECTOR``).

    :raises ValidationError: the name is taken, the kind or sector unknown, the parent is itself a unit, or
        a user tried it.
    """
    from utvei.accounts.models import DEFAULT_SECTOR, OrganisationKind, Sector

    if actor is not None:
        raise ValidationError(_("Organisations are registered by the system operator."))
    require_plain(name=name)
    errors: dict[str, str] = {}
    if kind not in OrganisationKind.values:
        errors["kind"] = _("Unknown kind of organisation.")
    chosen_sector = sector or DEFAULT_SECTOR.get(kind, Sector.GENERAL)
    if chosen_sector not in Sector.values:
        errors["sector"] = _("Unknown sector.")
    if parent is not None and parent.parent_id is not None:
        errors["parent"] = _("An organisation can only belong to a public body of its own, not to another unit.")
    with transaction.atomic():
        if Organisation.objects.filter(name__iexact=name).exists():
            errors["name"] = _("An organisation with that name exists.")
        if errors:
            raise ValidationError(errors)
        organisation = Organisation.objects.create(name=name, kind=kind, parent=parent, sector=chosen_sector)
        record(
            actor=None,
            event=AuditEvent.CREATE,
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=["name", "kind", "parent", "sector"],
        )
    return organisation


def membership_confirm_status(
    *, actor: User | None, membership_id: int, professional_status: str, hpr_number: str = ""
) -> Membership:
    """Confirm (or clear) the professional status of one membership, as the organisation's administrator.

    Only a confirmed status gives the sharing bases that belong to it. Authorised health personnel need
    their HPR number (the health personnel register's number, up to nine digits). Nobody confirms their
    own status. ``actor=None`` is the system (demo seeding, commands).

    :raises NotFound: the membership does not exist, or the actor does not administer its organisation.
    :raises ValidationError: an unknown status, a missing or malformed HPR number, or the actor's own membership.
    """
    from django.utils import timezone

    from utvei.accounts.models import ProfessionalStatus

    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
        if membership is None or (
            actor is not None
            and not Membership.objects.active()
            .filter(user=actor, organisation_id=membership.organisation_id, role=Role.ORG_ADMIN)
            .exists()
        ):
            raise NotFound(Membership._meta.label, membership_id)
        errors: dict[str, str] = {}
        number = hpr_number.strip()
        if professional_status not in ProfessionalStatus.values:
            errors["professional_status"] = _("Unknown professional status.")
        elif professional_status == ProfessionalStatus.HEALTH_PERSONNEL:
            if not number:
                errors["hpr_number"] = _("Authorised health personnel need their HPR number.")
            elif not number.isdigit() or len(number) > 9:
                errors["hpr_number"] = _("An HPR number has at most nine digits.")
        elif number:
            errors["hpr_number"] = _("Only authorised health personnel have an HPR number.")
        if actor is not None and membership.user_id == actor.pk:
            errors["professional_status"] = _("Another administrator must confirm your own status.")
        if errors:
            raise ValidationError(errors)
        membership.professional_status = professional_status
        membership.hpr_number = number if professional_status == ProfessionalStatus.HEALTH_PERSONNEL else ""
        # The system (seeding by the operator) confirms without a user; the time is always kept.
        membership.status_confirmed_by = actor if professional_status else None
        membership.status_confirmed_at = timezone.now() if professional_status else None
        membership.save(
            update_fields=["professional_status", "hpr_number", "status_confirmed_by", "status_confirmed_at"]
        )
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=membership,
            organisation_id=membership.organisation_id,
            changed_fields=["professional_status", "hpr_number", "status_confirmed_by", "status_confirmed_at"],
        )
    return membership


def membership_end(*, actor: User | None, membership_id: int, user_id: int | None = None) -> Membership:
    """End a membership now (its last day in force is yesterday) and delete all of the user's sessions.

    Every ended membership ends every session of the user, not only the last one: a session may hold
    state worked out under the role that ended, and logging in again is cheap next to keeping it. A
    membership that began today is recorded as a one-day membership ending yesterday, so that it is out
    of force at once; the audit log keeps the real times.

    :raises NotFound: the membership does not exist, is not ``user_id``'s (when given), or the actor does not
        administer its organisation.
    :raises ValidationError: the membership has ended already, or the actor tried to end their own.
    """
    from datetime import timedelta

    from django.utils import timezone

    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
        if (
            membership is None
            or (user_id is not None and membership.user_id != user_id)
            or (
                actor is not None
                and not Membership.objects.active()
                .filter(user=actor, organisation_id=membership.organisation_id, role=Role.ORG_ADMIN)
                .exists()
            )
        ):
            raise NotFound(Membership._meta.label, membership_id)
        if actor is not None and membership.user_id == actor.pk:
            raise ValidationError(_("You cannot end your own membership."))
        yesterday = timezone.localdate() - timedelta(days=1)
        if membership.valid_to is not None and membership.valid_to <= yesterday:
            raise ValidationError(_("The membership has already ended."))
        membership.valid_to = yesterday
        membership.valid_from = min(membership.valid_from, yesterday)
        membership.save(update_fields=["valid_from", "valid_to"])
        engine.invalidate()
        sessions_end(user=membership.user)
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=membership,
            organisation_id=membership.organisation_id,
            changed_fields=["valid_to", "sessions"],
        )
    return membership


def membership_add(*, actor: User | None, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` one more role in ``organisation``.

    :raises NotFound: the actor does not administer the organisation.
    :raises ValidationError: the role is unknown or already held.
    """
    with transaction.atomic():
        if (
            actor is not None
            and not Membership.objects.active()
            .filter(user=actor, organisation=organisation, role=Role.ORG_ADMIN)
            .exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        if role not in Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
            raise ValidationError({"role": _("The user already has that role.")})
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        engine.invalidate()
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=membership,
            organisation_id=organisation.pk,
            changed_fields=["user", "organisation", "role"],
        )
    return membership


def partnership_add(*, actor: User | None, organisation: Organisation, partner: Organisation) -> Partnership:
    """Name a partner whose staff may sit on the organisation's cases (the system, or its administrator).

    :raises NotFound: a user who does not administer the organisation.
    :raises ValidationError: the partner is the organisation itself, or already a partner.
    """
    with transaction.atomic():
        if (
            actor is not None
            and not Membership.objects.active()
            .filter(user=actor, organisation=organisation, role=Role.ORG_ADMIN)
            .exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        if partner.pk == organisation.pk:
            raise ValidationError({"partner": _("An organisation cannot be its own partner.")})
        if Partnership.objects.filter(organisation=organisation, partner=partner, ended_on__isnull=True).exists():
            raise ValidationError({"partner": _("This organisation is already a partner.")})
        partnership = Partnership.objects.create(organisation=organisation, partner=partner)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=partnership,
            organisation_id=organisation.pk,
            changed_fields=["partner"],
        )
    return partnership
