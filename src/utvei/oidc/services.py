"""Login flows through OpenID Connect: the person through ID-porten, staff through their organisation.

Each flow keeps its state, nonce and PKCE verifier in the browser's session under the state value, and
the callback takes them out (once: a replayed or forged state finds nothing). Every refusal is audited
as a failed login naming the check that failed, in its own transaction, and nothing is logged in.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from utvei.accounts import selectors as account_selectors
from utvei.accounts import services as account_services
from utvei.accounts.models import OidcProvider, User
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record
from utvei.core import oidc
from utvei.core.oidc import LoginRefused, Pending
from utvei.portal.sessions import PORTAL_SESSION_KEY, end_person_session, start_person_session

FLOWS_SESSION_KEY = "utvei_oidc_flows"
# A browser may have a few logins open in tabs; older ones are dropped.
_MAX_PENDING = 3
IDPORTEN = "idporten"
# ID-porten's levels of assurance, lowest first.
IDPORTEN_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
_NATIONAL_ID = re.compile(r"\d{11}")


def _failed(*, target_type: str, target_id: object, reason: str) -> None:
    with transaction.atomic():
        record(
            actor=None,
            event=AuditEvent.LOGIN_FAILED,
            target_type=target_type,
            target_id=target_id,
            outcome=Outcome.DENIED,
            changed_fields=[f"oidc_{reason}"],
        )


def _remember(request: HttpRequest, pending: Pending, *, kind: str) -> None:
    flows: dict[str, dict[str, Any]] = dict(request.session.get(FLOWS_SESSION_KEY) or {})
    flows[pending.state] = pending.as_dict() | {"kind": kind}
    newest = sorted(flows.items(), key=lambda item: int(item[1]["started"]))[-_MAX_PENDING:]
    request.session[FLOWS_SESSION_KEY] = dict(newest)


def _take(request: HttpRequest, *, state: str, kind: str) -> Pending:
    """Take the pending login of ``state`` out of the session (it is used once).

    :raises LoginRefused: ``state``: unknown here, used already, or begun for another provider.
    """
    flows: dict[str, dict[str, Any]] = dict(request.session.get(FLOWS_SESSION_KEY) or {})
    data = flows.pop(state, None) if state else None
    request.session[FLOWS_SESSION_KEY] = flows
    if data is None or data.get("kind") != kind:
        raise LoginRefused("state")
    return Pending.from_dict(data)


def _provider_answer(params: dict[str, str]) -> str:
    # The provider sends ``error`` instead of a code when the user cancelled or it refused.
    if params.get("error"):
        raise LoginRefused("provider_error")
    return params.get("code", "")


# --- the person (ID-porten) ---------------------------------------------------------------------------


def idporten_client() -> oidc.Provider:
    """Give ID-porten's protocol settings, asking for the required level of assurance.

    :raises LoginRefused: ``not_configured`` when no issuer or client is set.
    """
    if not settings.UTVEI_IDPORTEN_ISSUER or not settings.UTVEI_IDPORTEN_CLIENT_ID:
        raise LoginRefused("not_configured")
    return oidc.Provider(
        issuer=settings.UTVEI_IDPORTEN_ISSUER,
        client_id=settings.UTVEI_IDPORTEN_CLIENT_ID,
        client_secret=settings.UTVEI_IDPORTEN_CLIENT_SECRET,
        scopes="openid profile",
        acr_values=settings.UTVEI_IDPORTEN_ACR,
    )


def person_login_begin(*, request: HttpRequest) -> str:
    """Start the person's login through ID-porten; give the address to send the browser to.

    :raises LoginRefused: not configured, or ID-porten cannot be reached (audited).
    """
    try:
        provider = idporten_client()
        url, pending = oidc.begin(provider, redirect_uri=request.build_absolute_uri(reverse("oidc:idporten_callback")))
    except LoginRefused as exc:
        _failed(target_type="oidc.idporten", target_id="", reason=exc.reason)
        raise
    _remember(request, pending, kind=IDPORTEN)
    return url


def _check_level(claims: dict[str, Any]) -> str:
    acr = claims.get("acr")
    required = IDPORTEN_LEVELS.index(settings.UTVEI_IDPORTEN_ACR)
    if acr not in IDPORTEN_LEVELS or IDPORTEN_LEVELS.index(str(acr)) < required:
        raise LoginRefused("acr")
    return str(acr)


def person_login_complete(*, request: HttpRequest, params: dict[str, str]) -> None:
    """Finish the person's login: verify ID-porten's answer and start the portal session.

    The token must carry at least the level ``UTVEI_IDPORTEN_ACR`` requires, and the national identity
    number in ``pid``; the person is found by its blind index (``start_person_session``).

    :raises LoginRefused: any check failed, or no person has that number (``no_person``); audited.
    """
    try:
        pending = _take(request, state=params.get("state", ""), kind=IDPORTEN)
        code = _provider_answer(params)
        claims = oidc.complete(idporten_client(), pending, code=code)
        acr = _check_level(claims)
        national_id = claims.get("pid")
        if not isinstance(national_id, str) or not _NATIONAL_ID.fullmatch(national_id):
            raise LoginRefused("pid")
        if not start_person_session(request, national_id=national_id, acr=acr, subject=str(claims["sub"])):
            raise LoginRefused("no_person")
    except LoginRefused as exc:
        _failed(target_type="oidc.idporten", target_id="", reason=exc.reason)
        raise


# --- staff (the organisation's provider) --------------------------------------------------------------


def _staff_provider(slug: str) -> OidcProvider:
    provider = account_selectors.login_provider_get(slug=slug)
    if provider is None:
        raise LoginRefused("unknown_provider")
    return provider


def staff_login_begin(*, request: HttpRequest, slug: str) -> str:
    """Start a staff login through the provider named ``slug``; give the address to send the browser to.

    :raises LoginRefused: no such active provider, its secret is missing, or it cannot be reached (audited).
    """
    provider: OidcProvider | None = None
    try:
        provider = _staff_provider(slug)
        callback = request.build_absolute_uri(reverse("oidc:staff_callback", kwargs={"slug": provider.slug}))
        url, pending = oidc.begin(account_services.oidc_client_for(provider), redirect_uri=callback)
    except LoginRefused as exc:
        _failed(target_type=OidcProvider._meta.label, target_id=provider.pk if provider else "", reason=exc.reason)
        raise
    _remember(request, pending, kind=f"staff:{provider.pk}")
    return url


def staff_login_complete(*, request: HttpRequest, slug: str, params: dict[str, str]) -> tuple[User, bool]:
    """Finish a staff login: verify the provider's answer and log the user in; give the user and MFA.

    A person's portal session in the same browser ends first: one session is never both.

    :raises LoginRefused: any check failed, or no user may log in through it (audited).
    """
    provider: OidcProvider | None = None
    try:
        provider = _staff_provider(slug)
        pending = _take(request, state=params.get("state", ""), kind=f"staff:{provider.pk}")
        code = _provider_answer(params)
        claims = oidc.complete(account_services.oidc_client_for(provider), pending, code=code)
        if request.session.get(PORTAL_SESSION_KEY):
            end_person_session(request)
        return account_services.oidc_staff_login(request=request, provider=provider, claims=claims)
    except LoginRefused as exc:
        _failed(target_type=OidcProvider._meta.label, target_id=provider.pk if provider else "", reason=exc.reason)
        raise
