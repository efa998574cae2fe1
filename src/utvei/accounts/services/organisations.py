"""Organisations, the memberships that carry roles and professional status, and partnerships."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine
from utvei.access.policy import NotFound
from utvei.accounts.models import Membership, Organisation, Partnership, Role, User
from utvei.accounts.services._common import sessions_end
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.core.text import require_plain


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
