"""Reads of accounts, scoped by the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User


def managed_user_list(*, actor: User) -> QuerySet[User]:
    """List the users the actor administers (nobody unless they are an administrator)."""
    return (
        policy.scope(actor, Action.MANAGE, User.objects.all())
        .order_by("username")
        .prefetch_related("memberships__organisation")
    )


def managed_user_get(*, actor: User, user_id: int) -> User:
    """Fetch one user the actor administers.

    :raises NotFound: the user does not exist or is outside the actor's organisations.
    """
    user = User.objects.filter(pk=user_id).prefetch_related("memberships__organisation").first()
    if user is None:
        raise NotFound(User._meta.label, user_id)
    policy.require(actor, Action.MANAGE, user)
    return user


def administered_organisations(*, actor: User) -> QuerySet[Organisation]:
    """List the organisations the actor administers."""
    ids = Membership.objects.active().filter(user=actor, role=Role.ORG_ADMIN).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids)


def own_memberships(*, actor: User) -> QuerySet[Membership]:
    """List the actor's own memberships in force."""
    return Membership.objects.active().filter(user=actor).select_related("organisation")


def confirmed_status(*, user: User, organisation_id: int) -> Membership | None:
    """Give the user's membership in force for the organisation that carries a confirmed professional status.

    Read by the sharing decision: only a status the administrator confirmed gives the bases of that status.
    Should several memberships carry one, the most recently confirmed wins.
    """
    return (
        Membership.objects.active()
        .filter(user=user, organisation_id=organisation_id)
        .exclude(professional_status="")
        .select_related("status_confirmed_by")
        .order_by("-status_confirmed_at", "-pk")
        .first()
    )
