"""Function-level permissions: which role may use which part of Utvei at all.

This is the coarse gate a view declares with ``@requires``. Which functions each role has is declared by
the accounts app (``ROLE_PERMS`` there) to the engine; whether an actor may touch one *object* is answered
by the rules in each app's ``policy.py`` through :mod:`utvei.access.policy`.
"""

from __future__ import annotations

from enum import StrEnum

from utvei.access import engine
from utvei.access.engine import Actor


class Perm(StrEnum):
    """Name each function of the system a view can require."""

    OWN_ACCOUNT = "own_account"  # one's own profile, language, second factor
    CASE_VIEW = "case_view"  # see cases one is on the team of
    CASE_CREATE = "case_create"  # open a new case
    ACCOUNTS_MANAGE = "accounts_manage"  # manage users of one's own organisation; no case content
    AUDIT_READ = "audit_read"  # read audit and access reports; no case content
    MENTOR_REGISTER = "mentor_register"  # keep the organisation's mentor register
    MENTEES = "mentees"  # a mentor's own pages: my mentees and the mentor log


def user_perms(actor: Actor) -> frozenset[Perm]:
    """Collect the permissions of every membership the actor holds today."""
    return frozenset(Perm(p) for p in engine.context_for(actor).perms if p in Perm.__members__.values())


def has_perm(actor: Actor, perm: Perm) -> bool:
    """Tell whether any of the actor's roles grants the permission."""
    return perm in engine.context_for(actor).perms
