"""Writes to accounts: users, memberships, second factors, and the login events."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
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
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=user,
            organisation_id=organisation.pk,
            changed_fields=["username", "first_name", "last_name", "email", "role"],
        )
    return user


def user_deactivate(*, actor: User, user_id: int) -> User:
    """Deactivate a user; every live session of theirs ends at its next request.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    :raises ValidationError: the actor tried to deactivate themselves.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound(User._meta.label, user_id)
        policy.require(actor, Action.MANAGE, user)
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(actor=actor, event=AuditEvent.UPDATE, target=user, changed_fields=["is_active"])
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
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=membership,
            organisation_id=organisation.pk,
            changed_fields=["user", "organisation", "role"],
        )
    return membership
