"""Staff login through an organisation's OpenID Connect provider, and the providers themselves."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from utvei.accounts.models import Membership, OidcIdentity, OidcMfaDevice, OidcProvider, Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.core.oidc import LoginRefused, Provider

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def oidc_provider_create(
    *,
    actor: User | None,
    organisation: Organisation,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    passwords_allowed: bool = True,
    mfa_amr_values: str = "mfa",
    mfa_acr_values: str = "",
) -> OidcProvider:
    """Register an organisation's staff login provider; ``None`` as actor is the system operator.

    The secret itself is never given here, only the name of the environment variable that holds it.
    """
    with transaction.atomic():
        provider = OidcProvider.objects.create(
            organisation=organisation,
            slug=slug,
            name=name,
            issuer=issuer.rstrip("/"),
            client_id=client_id,
            client_secret_env=client_secret_env,
            passwords_allowed=passwords_allowed,
            mfa_amr_values=mfa_amr_values,
            mfa_acr_values=mfa_acr_values,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=provider,
            organisation_id=organisation.pk,
            changed_fields=["issuer", "client_id", "client_secret_env", "passwords_allowed", "mfa_amr_values"],
        )
    return provider


def _client_secret(env_name: str) -> str:
    # The same convention as every other secret: NAME, or a file named by NAME_FILE.
    path = os.environ.get(f"{env_name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(env_name, "")


def oidc_client_for(provider: OidcProvider) -> Provider:
    """Give the protocol settings of ``provider``, with its secret read from the environment.

    :raises LoginRefused: ``provider_secret`` when the named variable is empty.
    """
    secret = _client_secret(provider.client_secret_env)
    if not secret:
        raise LoginRefused("provider_secret")
    return Provider(issuer=provider.issuer, client_id=provider.client_id, client_secret=secret, scopes=provider.scopes)


def _user_for(provider: OidcProvider, claims: dict[str, Any]) -> User:
    """Find the user the provider vouches for: by (provider, subject), or on a first login by e-mail.

    :raises LoginRefused: ``no_user`` (no single active user with a membership in force in the
        provider's organisation and that address), ``subject_changed`` (the user is bound to another
        subject of this provider).
    """
    subject = str(claims["sub"])
    identity = OidcIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    if identity is not None:
        return identity.user
    email = claims.get(provider.email_claim)
    if not isinstance(email, str) or not email or claims.get("email_verified") is False:
        raise LoginRefused("no_user")
    members = Membership.objects.active().filter(organisation=provider.organisation).values("user_id")
    candidates = list(User.objects.filter(email__iexact=email, is_active=True, pk__in=members)[:2])
    if len(candidates) != 1:
        raise LoginRefused("no_user")
    user = candidates[0]
    if OidcIdentity.objects.filter(provider=provider, user=user).exists():
        raise LoginRefused("subject_changed")
    identity = OidcIdentity.objects.create(provider=provider, subject=subject, user=user)
    record(actor=user, event=AuditEvent.CREATE, target=identity, changed_fields=["provider", "subject", "user"])
    return user


def oidc_staff_login(*, request: HttpRequest, provider: OidcProvider, claims: dict[str, Any]) -> tuple[User, bool]:
    """Log in the staff user whose verified ID token ``claims`` came from ``provider``; give it and MFA.

    The roles come from the user's memberships in Utvei, never from claims (D99): the user must be
    active and hold a membership in force in the provider's organisation. The login counts as two-factor
    only when the token's ``amr``/``acr`` says the provider checked a second factor (D100); then the
    session is verified through the provider's factor, else the usual second factor follows. The session
    key and CSRF token are new, and the login is audited.

    :raises LoginRefused: ``no_user``, ``subject_changed`` or ``no_membership``.
    """
    with transaction.atomic():
        user = _user_for(provider, claims)
        in_force = Membership.objects.active().filter(user=user, organisation=provider.organisation).exists()
        if not user.is_active or not in_force:
            raise LoginRefused("no_membership")
        amr = claims.get("amr")
        mfa = provider.mfa_claimed(
            amr=[str(a) for a in amr] if isinstance(amr, list) else [], acr=str(claims.get("acr", ""))
        )
        login(request, user, backend=_MODEL_BACKEND)  # a new session key (no session fixation)
        if mfa:
            device, _created = OidcMfaDevice.objects.get_or_create(
                user=user, provider=provider, defaults={"name": _("Login provider"), "confirmed": True}
            )
            otp_login(request, device)
        request.session.cycle_key()
        rotate_token(request)
        record(
            actor=user,
            event=AuditEvent.LOGIN,
            target=user,
            organisation_id=provider.organisation_id,
            changed_fields=["oidc", "mfa"] if mfa else ["oidc"],
        )
    return user, mfa


def password_login_allowed(*, user: User) -> bool:
    """Tell whether ``user`` may log in with a password.

    Not when any organisation the user has a membership in force in has replaced passwords with its
    login provider: the organisation's choice covers all of its staff.
    """
    organisations = Membership.objects.active().filter(user=user).values("organisation_id")
    return not OidcProvider.objects.filter(
        organisation_id__in=organisations, is_active=True, passwords_allowed=False
    ).exists()
