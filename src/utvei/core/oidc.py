"""The OpenID Connect relying party: the authorization code flow with PKCE, state and nonce.

Plumbing only: it knows providers, codes and tokens, never users or persons. ``begin`` gives the
address to send the browser to and what the session must keep; ``complete`` swaps the code for tokens
and gives the ID token's claims after checking them:

- the signature, against the provider's published keys (JWKS), with RS256 or ES256 only, so an
  unsigned token (``alg=none``) and an HMAC one (HS*, keyed with something the client knows) are refused
  before any key is looked at;
- ``iss`` equal to the configured issuer (and to the issuer the discovery document names), ``aud``
  naming this client (and ``azp`` when there are several audiences), ``exp`` and ``iat`` within a small
  leeway, ``sub`` present, and ``nonce`` equal to the one this session sent.

Every refusal is a :class:`LoginRefused` with a short reason name that the caller audits and maps to a
page; the reason names a check, never a value from the token.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

ALLOWED_ALGORITHMS = ("RS256", "ES256")
_MAX_RESPONSE_BYTES = 256 * 1024


class LoginRefused(Exception):
    """Signal that a login through a provider failed; ``reason`` names the check that failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """Name one provider and this system's client at it."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid"
    # Asked of the provider (ID-porten: the level of assurance); the answer is checked by the caller.
    acr_values: str = ""


@dataclass(frozen=True)
class Pending:
    """Hold what the session keeps between the redirect to the provider and the callback."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    started: int

    def as_dict(self) -> dict[str, str | int]:
        """Give the pending login as session data."""
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "redirect_uri": self.redirect_uri,
            "started": self.started,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pending:
        """Read a pending login back from session data."""
        return cls(
            state=str(data["state"]),
            nonce=str(data["nonce"]),
            code_verifier=str(data["code_verifier"]),
            redirect_uri=str(data["redirect_uri"]),
            started=int(data["started"]),
        )


def _check_url(url: str) -> str:
    # Plain HTTP only outside production (the local fake provider); never file: or other schemes.
    scheme = urlsplit(url).scheme
    if scheme == "https" or (scheme == "http" and not settings.IS_PRODUCTION):
        return url
    raise LoginRefused("provider_url")


def _fetch(url: str, *, data: dict[str, str] | None = None, basic: tuple[str, str] | None = None) -> dict[str, Any]:
    """GET (or POST a form to) ``url`` and give the JSON object it answers."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(_check_url(url), data=body, method="POST" if body is not None else "GET")  # noqa: S310
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if basic is not None:
        pair = f"{_form_escape(basic[0])}:{_form_escape(basic[1])}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
    try:
        # The scheme was checked above (https, or http outside production).
        with urllib.request.urlopen(request, timeout=settings.OIDC_HTTP_TIMEOUT) as response:  # noqa: S310  # nosec B310
            raw = response.read(_MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise LoginRefused("provider_refused") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LoginRefused("provider_unreachable") from exc
    if len(raw) > _MAX_RESPONSE_BYTES:
        raise LoginRefused("provider_answer")
    try:
        answer = json.loads(raw)
    except ValueError as exc:
        raise LoginRefused("provider_answer") from exc
    if not isinstance(answer, dict):
        raise LoginRefused("provider_answer")
    return answer


def _form_escape(value: str) -> str:
    # RFC 6749 2.3.1: the client id and secret are form-encoded before they are joined for Basic.
    return urlencode({"": value})[1:]


def metadata(provider: Provider) -> dict[str, Any]:
    """Fetch the provider's discovery document and check that it names the configured issuer.

    :raises LoginRefused: unreachable, malformed, or another issuer (a mix-up).
    """
    issuer = provider.issuer.rstrip("/")
    document = _fetch(f"{issuer}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise LoginRefused("provider_issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise LoginRefused("provider_answer")
    return document


def begin(provider: Provider, *, redirect_uri: str) -> tuple[str, Pending]:
    """Give the provider's authorization address for a new login and what the session must keep.

    The state, nonce and PKCE verifier are fresh random values of 256 bits or more; the challenge is
    S256, never plain.

    :raises LoginRefused: the provider's discovery document cannot be used.
    """
    document = metadata(provider)
    pending = Pending(
        state=generate_token(43),
        nonce=generate_token(43),
        code_verifier=generate_token(64),
        redirect_uri=redirect_uri,
        started=int(time.time()),
    )
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": provider.scopes,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": create_s256_code_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
    }
    if provider.acr_values:
        params["acr_values"] = provider.acr_values
    endpoint = _check_url(document["authorization_endpoint"])
    separator = "&" if urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}{urlencode(params)}", pending


def complete(provider: Provider, pending: Pending, *, code: str) -> dict[str, Any]:
    """Swap the code for tokens and give the verified claims of the ID token.

    :raises LoginRefused: the flow is too old, the token endpoint refuses the code (``code``), or any
        check of the ID token fails (see the module docstring for the checks and the reason names).
    """
    if time.time() - pending.started > settings.OIDC_FLOW_SECONDS:
        raise LoginRefused("flow_expired")
    if not code:
        raise LoginRefused("no_code")
    document = metadata(provider)
    try:
        answer = _fetch(
            document["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": pending.redirect_uri,
                "code_verifier": pending.code_verifier,
                "client_id": provider.client_id,
            },
            basic=(provider.client_id, provider.client_secret),
        )
    except LoginRefused as exc:
        # The token endpoint refuses a used, expired or foreign code, or a verifier that does not match.
        raise LoginRefused("code" if exc.reason == "provider_refused" else exc.reason) from exc
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise LoginRefused("no_id_token")
    jwks = _fetch(document["jwks_uri"])
    return verify_id_token(id_token, jwks=jwks, provider=provider, nonce=pending.nonce)


def _header(token: str) -> dict[str, Any]:
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise LoginRefused("malformed") from exc
    if not isinstance(header, dict):
        raise LoginRefused("malformed")
    return header


def verify_id_token(token: str, *, jwks: dict[str, Any], provider: Provider, nonce: str) -> dict[str, Any]:
    """Check an ID token's signature and claims and give its claims.

    :raises LoginRefused: ``alg`` (not RS256 or ES256), ``signature``, ``expired``, ``iss``, ``aud``,
        ``azp``, ``iat``, ``nonce``, ``sub`` or ``malformed``.
    """
    if token.count(".") != 2:
        raise LoginRefused("malformed")
    if _header(token).get("alg") not in ALLOWED_ALGORITHMS:
        raise LoginRefused("alg")
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # checked by joserfc
        decoded = jwt.decode(token, keys, algorithms=list(ALLOWED_ALGORITHMS))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise LoginRefused("signature") from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=settings.OIDC_LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer.rstrip("/")},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise LoginRefused("expired") from exc
    except ClaimError as exc:
        name = exc.claim if exc.claim in {"iss", "aud", "sub", "exp", "iat", "nonce"} else "claims"
        raise LoginRefused(name) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise LoginRefused("azp")
    return claims
