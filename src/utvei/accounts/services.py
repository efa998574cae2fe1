"""Writes to accounts: users, memberships, second factors, and the login events."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from utvei.access import engine, policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Partnership, Role, User, UserSession
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record


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
    """Remove a user's second factors so they must enrol again at next login.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    """
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound(User._meta.label, user_id)
        policy.require(actor, Action.MANAGE, user)
        TOTPDevice.objects.filter(user=user).delete()
        record(actor=actor, event=AuditEvent.OTP_RESET, target=user)
    return user


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


def totp_device_for_enrolment(*, actor: User) -> TOTPDevice:
    """Give the actor's pending (unconfirmed) TOTP device, creating one if needed."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name="Utvei", confirmed=False)
    return device


def totp_confirm(*, actor: User, request: HttpRequest, token: str) -> bool:
    """Confirm a pending TOTP device with a code from the app and mark the session verified.

    Any earlier confirmed device of the actor is removed: one authenticator app at a time.
    """
    from django_otp import login as otp_login

    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        if device is None or not device.verify_token(token):
            record(actor=actor, event=AuditEvent.OTP_FAILED, target=actor, outcome=Outcome.DENIED)
            return False
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        record(actor=actor, event=AuditEvent.OTP_ENROLLED, target=actor)
    return True


def totp_verify(*, actor: User, request: HttpRequest, token: str) -> bool:
    """Check a code against the actor's confirmed devices and mark the session verified.

    A code is accepted once (django-otp keeps the last used time step), and repeated failures slow the
    device down (its throttling).
    """
    from django_otp import login as otp_login

    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                otp_login(request, device)
                record(actor=actor, event=AuditEvent.OTP_VERIFIED, target=actor)
                return True
        record(actor=actor, event=AuditEvent.OTP_FAILED, target=actor, outcome=Outcome.DENIED)
    return False


def organisation_create(*, actor: User | None, name: str, kind: str) -> Organisation:
    """Register an organisation; only the system (``actor=None``) may do so for now.

    :raises ValidationError: the name is taken, the kind unknown, or a user tried it.
    """
    from utvei.accounts.models import OrganisationKind

    if actor is not None:
        raise ValidationError(_("Organisations are registered by the system operator."))
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Unknown kind of organisation.")})
    with transaction.atomic():
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError({"name": _("An organisation with that name exists.")})
        organisation = Organisation.objects.create(name=name, kind=kind)
        record(
            actor=None,
            event=AuditEvent.CREATE,
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=["name", "kind"],
        )
    return organisation


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
