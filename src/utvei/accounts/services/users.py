"""Users: creating and administering them, their passwords, second-factor resets and language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from utvei.access import engine, policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import EnrolmentLink, Membership, Organisation, Role, User
from utvei.accounts.services._common import _managed_user_for_update, sessions_end
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.core.text import require_plain


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


def user_set_language(*, actor: User, language: str) -> User:
    """Store the actor's preferred interface language.

    :raises ValidationError: the language is not offered.
    """

    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("That language is not available.")})
    with transaction.atomic():
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        record(actor=actor, event=AuditEvent.UPDATE, target=actor, changed_fields=["preferred_language"])
    return actor
