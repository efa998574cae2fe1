"""Reads of accounts, scoped by the access policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, OidcProvider, Organisation, Partnership, Role, User
from utvei.accounts.policy import ROLE_PERMS
from utvei.accounts.sessions import REAUTH_SESSION_KEY


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


def memberships_that_may(*, actor: User, perm: str) -> list[Membership]:
    """List the actor's memberships in force whose role carries a permission (the seats they may act from)."""
    return [m for m in own_memberships(actor=actor) if perm in ROLE_PERMS.get(m.role, frozenset())]


def acting_membership(*, actor: User, value: str) -> Membership:
    """Resolve an "organisation:role" choice to one of the actor's own memberships in force.

    :raises NotFound: the value names no membership the actor holds today.
    """
    org_id, _sep, role = value.partition(":")
    membership = own_memberships(actor=actor).filter(organisation_id=int(org_id or 0), role=role).first()
    if membership is None:
        raise NotFound(Membership._meta.label, value)
    return membership


def partner_organisation_ids(*, organisation_id: int) -> frozenset[int]:
    """Give an organisation and the partners it works with today (whose staff may sit on its cases)."""
    partners = Partnership.objects.filter(organisation_id=organisation_id, ended_on__isnull=True).values_list(
        "partner_id", flat=True
    )
    return frozenset({organisation_id, *partners})


def partnerships_for(*, actor: User) -> list[Partnership]:
    """List the partnerships in force of the organisations the actor administers."""
    administered = administered_organisations(actor=actor)
    return list(
        Partnership.objects.filter(organisation__in=administered, ended_on__isnull=True).select_related(
            "organisation", "partner"
        )
    )


@dataclass(frozen=True)
class SecondFactors:
    """Say which confirmed second factors a user has."""

    totp: bool
    passkeys: int


def own_second_factors(*, actor: User) -> SecondFactors:
    """Tell which confirmed second factors the actor has (an authenticator app, passkeys)."""
    return SecondFactors(
        totp=TOTPDevice.objects.filter(user=actor, confirmed=True).exists(),
        passkeys=WebAuthnCredential.objects.filter(user=actor, confirmed=True).count(),
    )


def user_for_operator(*, username: str) -> User | None:
    """Find a user by username for the system operator's commands (no actor: the command is the operator)."""
    return User.objects.filter(username__iexact=username).first()


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


def reauthenticated_at(*, session: Mapping[str, object]) -> datetime | None:
    """Give the time the user last signed in again in this session (None when never or unreadable)."""
    value = session.get(REAUTH_SESSION_KEY)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class LoginProvider:
    """Name a staff login provider as the login page offers it: its address name and its label."""

    slug: str
    name: str


def login_providers() -> list[LoginProvider]:
    """List the active staff login providers, for the public login page (names only, no settings)."""
    return [
        LoginProvider(slug, name)
        for slug, name in OidcProvider.objects.filter(is_active=True).values_list("slug", "name")
    ]


def login_provider_get(*, slug: str) -> OidcProvider | None:
    """Find an active staff login provider by its address name (``None`` when there is none)."""
    return OidcProvider.objects.select_related("organisation").filter(slug=slug, is_active=True).first()
