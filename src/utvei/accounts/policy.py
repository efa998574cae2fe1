"""Access facts and rules of accounts: memberships in force, what each role may use, user administration.

The engine learns an actor's memberships from here (one query per request), and which functions each
role has. An organisation's administrator manages the users of that organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from utvei.access import engine, policy
from utvei.access.engine import AccessContext, Actor, MembershipFact
from utvei.access.permissions import Perm
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User

_CASE_WORK = frozenset({Perm.OWN_ACCOUNT, Perm.CASE_VIEW})

# Deny by default: a role not listed here, or a permission not in its set, is refused.
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.CASEWORKER: _CASE_WORK | {Perm.CASE_CREATE, Perm.MENTOR_REGISTER},
    Role.EXIT_COORDINATOR: _CASE_WORK | {Perm.CASE_CREATE, Perm.MENTOR_REGISTER},
    Role.PLAN_COORDINATOR: _CASE_WORK | {Perm.CASE_CREATE, Perm.MENTOR_REGISTER},
    Role.SLT_COORDINATOR: _CASE_WORK | {Perm.CASE_CREATE},
    Role.POLICE_CONTACT: _CASE_WORK,
    Role.TEAM_MEMBER: _CASE_WORK,
    Role.MENTOR: _CASE_WORK | {Perm.MENTEES},
    Role.SUPERVISOR: _CASE_WORK,
    Role.PRIVACY_OFFICER: frozenset({Perm.OWN_ACCOUNT, Perm.AUDIT_READ}),
    Role.ORG_ADMIN: frozenset({Perm.OWN_ACCOUNT, Perm.ACCOUNTS_MANAGE}),
}


def roles_with(perm: Perm) -> list[str]:
    """List the roles that grant a permission."""
    return [role for role, perms in ROLE_PERMS.items() if perm in perms]


def memberships_in_force(actor: Actor) -> Iterable[MembershipFact]:
    """Give the engine the actor's memberships in force, with each organisation's kind (one query)."""
    rows = (
        Membership.objects.active()
        .filter(user_id=actor.pk)
        .values_list("organisation_id", "organisation__kind", "role")
    )
    return [MembershipFact(org_id, kind, role) for org_id, kind, role in rows]


class ManageUserRule:
    """Let an administrator manage a user who belongs to an organisation they administer."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether ``obj`` is a user in one of the actor's administered organisations."""
        administered = ctx.organisations_with_role(Role.ORG_ADMIN)
        if not isinstance(obj, User) or not administered:
            return False
        return Membership.objects.filter(user=obj, organisation_id__in=administered).exists()

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep users with a membership in an organisation the actor administers."""
        administered = sorted(ctx.organisations_with_role(Role.ORG_ADMIN))
        inside = Membership.objects.filter(user=OuterRef("pk"), organisation_id__in=administered)
        return qs.filter(Exists(inside))


def declare() -> None:
    """Declare the accounts facts and rules to the access engine (once, at start-up)."""
    engine.provide_memberships(memberships_in_force)
    engine.provide_role_permissions({role: {str(p) for p in perms} for role, perms in ROLE_PERMS.items()})
    policy.register(User, Action.MANAGE, ManageUserRule())
