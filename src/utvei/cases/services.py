"""Writes to cases. Each checks the access policy and writes its audit row in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, TeamMember

# Administrators and data protection officers never sit on a team: they must see no case content.
TEAM_ROLES = frozenset(Role.values) - {Role.ORG_ADMIN, Role.PRIVACY_OFFICER}


def _next_reference(organisation: Organisation) -> str:
    year = timezone.localdate().year
    count = Case.objects.filter(reference__startswith=f"UTV-{year}-").count()
    return f"UTV-{year}-{count + 1:04d}"


def case_open(*, actor: User, organisation: Organisation, role: str) -> Case:
    """This function will open a case owned by ``organisation`` with the actor on its team in ``role``.

    The actor must hold ``role`` in ``organisation`` and a role that may open cases.

    :raises NotFound: the actor does not act for that organisation in that role.
    :raises ValidationError: the role may not open cases.
    """
    with transaction.atomic():
        if not Membership.objects.active().filter(user=actor, organisation=organisation, role=role).exists():
            raise NotFound(Organisation._meta.label, organisation.pk)
        if not has_perm(actor, Perm.CASE_CREATE):
            raise ValidationError(_("Your role cannot open cases."))
        case = Case.objects.create(
            reference=_next_reference(organisation), responsible_organisation=organisation, created_by=actor
        )
        seat = TeamMember.objects.create(case=case, user=actor, organisation=organisation, role=role)
        record(actor=actor, event=AuditEvent.CREATE, target=case, case_id=case.pk, organisation_id=organisation.pk)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=seat,
            case_id=case.pk,
            organisation_id=organisation.pk,
            changed_fields=["user", "organisation", "role"],
        )
    return case


def team_member_add(
    *, actor: User, case: Case, user: User, organisation: Organisation, role: str, task: str = ""
) -> TeamMember:
    """This function will seat ``user`` on the case's follow-up team, acting for ``organisation`` in ``role``.

    The actor must be allowed to change the case; the new member must hold that role in that organisation.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: the user does not hold the role in the organisation, or already has a seat.
    """
    with transaction.atomic():
        policy.require(actor, Action.UPDATE, case)
        if role not in TEAM_ROLES:
            raise ValidationError(_("That role cannot sit on a follow-up team."))
        if not Membership.objects.active().filter(user=user, organisation=organisation, role=role).exists():
            raise ValidationError(_("The person does not hold that role in that organisation."))
        if case.team.filter(user=user, organisation=organisation, left_at__isnull=True).exists():
            raise ValidationError(_("The person already has a seat on the team for that organisation."))
        seat = TeamMember.objects.create(case=case, user=user, organisation=organisation, role=role, task=task)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=seat,
            case_id=case.pk,
            changed_fields=["user", "organisation", "role", "task"],
        )
    return seat
