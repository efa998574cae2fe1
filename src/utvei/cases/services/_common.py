"""Shared parts of the case services: who may act for which organisation, and locking a case for a write."""

from __future__ import annotations

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.cases.models import (
    Case,
)

# Administrators and data protection officers never sit on a team: they must see no case content.
TEAM_ROLES = frozenset(Role.values) - {Role.ORG_ADMIN, Role.PRIVACY_OFFICER}


def _acting_membership(actor: User, organisation: Organisation, role: str) -> None:
    if not Membership.objects.active().filter(user=actor, organisation=organisation, role=role).exists():
        raise NotFound(Organisation._meta.label, organisation.pk)


def lock_case_for_update(actor: User, case_id: int) -> Case:
    """Lock a case row for a write and check that the actor may change it.

    Other apps' services use it to write items on a case (one door: the same policy as case writes).

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    case = Case.objects.select_for_update().filter(pk=case_id).select_related("person").first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, Action.UPDATE, case)
    return case


def acting_organisation(*, actor: User, case: Case, editing: bool = False) -> Organisation:
    """Name the organisation the actor acts for on the case (it owns what they record).

    With ``editing``, only a seat that lets the actor change the case counts. The seat must be in force
    (open, and the membership behind it active).

    :raises NotFound: the actor has no such seat on the case.
    """
    from utvei.cases.policy import CASE_EDITOR_ROLES, active_seats

    seats = active_seats(actor).filter(case=case)
    if editing:
        seats = seats.filter(role__in=CASE_EDITOR_ROLES)
    seat = seats.select_related("organisation").order_by("added_at").first()
    if seat is None:
        raise NotFound(Case._meta.label, case.pk)
    return seat.organisation
