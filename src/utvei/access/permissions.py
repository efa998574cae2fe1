"""Function-level permissions: which role may use which part of Utvei at all.

This is the coarse gate a view declares with ``@requires``. Whether a user may touch one *object* is
answered by the rules in each app's ``policy.py`` through :mod:`utvei.access.policy`.
"""

from __future__ import annotations

from enum import StrEnum

from utvei.accounts.models import Membership, Role, User


class Perm(StrEnum):
    """Name each function of the system a view can require."""

    OWN_ACCOUNT = "own_account"  # one's own profile, language, second factor
    CASE_VIEW = "case_view"  # see cases one is on the team of
    CASE_CREATE = "case_create"  # open a new case
    ACCOUNTS_MANAGE = "accounts_manage"  # manage users of one's own organisation; no case content
    AUDIT_READ = "audit_read"  # read audit and access reports; no case content
    MENTOR_REGISTER = "mentor_register"  # keep the organisation's mentor register
    MENTEES = "mentees"  # a mentor's own pages: my mentees and the mentor log


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


def user_perms(user: User) -> frozenset[Perm]:
    """Collect the permissions of every membership the user holds today."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Perm] | None = getattr(user, "_utvei_perms", None)
    if cached is not None:
        return cached
    perms: set[Perm] = set()
    for role in Membership.objects.active().filter(user=user).values_list("role", flat=True):
        perms |= ROLE_PERMS.get(role, frozenset())
    result = frozenset(perms)
    user._utvei_perms = result  # type: ignore[attr-defined]  # per-request cache on the user object
    return result


def has_perm(user: User, perm: Perm) -> bool:
    """Tell whether any of the user's roles grants the permission."""
    return perm in user_perms(user)
