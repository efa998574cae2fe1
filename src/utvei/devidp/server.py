"""The fake provider: discovery, authorize (a page to pick who logs in), token and JWKS endpoints."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

ALLOWED_ENVIRONMENTS = frozenset({"development", "test", "demo"})

# What the provider can be told to do wrong; each is one attack test of the relying party.
ATTACKS = (
    "wrong_aud",
    "wrong_iss",
    "wrong_nonce",
    "expired",
    "alg_none",
    "bad_signature",
    "hs256",
    "lower_acr",
    "no_nonce",
)

ACR_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class RefusedEnvironment(RuntimeError):
    """Signal that the fake provider was asked to run where it must not (production)."""


def _check_environment() -> None:
    env = os.environ.get("UTVEI_ENV", "production")
    if env not in ALLOWED_ENVIRONMENTS:
        raise RefusedEnvironment(
            f"The fake OpenID provider runs only with UTVEI_ENV development, test or demo, not {env!r}."
        )


@dataclass(frozen=True)
class Identity:
    """Describe one synthetic account the login page offers, with the claims its tokens carry."""

    key: str
    label: str
    claims: dict[str, Any]


@dataclass(frozen=True)
class Client:
    """Describe one registered relying party: its secret, where it may be sent back, whom it logs in."""

    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]
    identities: tuple[Identity, ...]
    # Whether the page offers a level of assurance (ID-porten) or the staff provider's MFA choice.
    person_login: bool = False


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    claims: dict[str, Any]
    issued: float


@dataclass
class FakeProvider:
    """Hold the provider's keys, clients, pending codes and the attack it is told to carry out."""

    issuer: str
    clients: dict[str, Client]
    attack: str | None = None
    code_seconds: int = 60
    token_seconds: int = 300
    _key: RSAKey = field(init=False)
    _other_key: RSAKey = field(init=False)
    _codes: dict[str, _Grant] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        _check_environment()
        kid = secrets.token_hex(8)
        self._key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
        # A key of the same id that the JWKS never shows: a token signed with it has a bad signature.
        self._other_key = RSAKey.generate_key(2048, parameters={"kid": kid})
        self.issuer = self.issuer.rstrip("/")

    # --- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Answer one HTTP request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        routes: dict[tuple[str, str], Callable[[Environ], tuple[str, list[tuple[str, str]], bytes]]] = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize_page,
            ("POST", "/authorize"): self._authorize_answer,
            ("POST", "/token"): self._token,
        }
        handler = routes.get((method, path))
        if handler is None:
            status, headers, body = _text("404 Not Found", "Not found")
        else:
            status, headers, body = handler(environ)
        headers.append(("Cache-Control", "no-store"))
        start_response(status, headers)
        return [body]

    def _discovery(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        return _json(
            "200 OK",
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "acr_values_supported": list(ACR_LEVELS[1:]),
            },
        )

    def _jwks(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        return _json("200 OK", {"keys": [self._key.as_dict(private=False)]})

    def _authorize_page(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        client, problem = self._check_authorize(params)
        if client is None:
            return _page("400 Bad Request", "Innloggingen kan ikke starte", f"<p>{html.escape(problem)}</p>")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k in {"client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method"}
        )
        people = "".join(
            f'<div><input type="radio" name="identity" id="id-{html.escape(i.key)}" value="{html.escape(i.key)}"'
            f"{' checked' if n == 0 else ''}>"
            f' <label for="id-{html.escape(i.key)}">{html.escape(i.label)}</label></div>'
            for n, i in enumerate(client.identities)
        )
        if client.person_login:
            wanted = params.get("acr_values", ACR_LEVELS[1])
            options = "".join(
                f'<option value="{level}"{" selected" if level == wanted else ""}>{level}</option>'
                for level in ACR_LEVELS
            )
            level = f'<p><label for="acr">Sikkerhetsnivå</label><br><select id="acr" name="acr">{options}</select></p>'
        else:
            level = (
                '<p><input type="checkbox" id="mfa" name="mfa" value="1" checked>'
                ' <label for="mfa">Logget inn med to faktorer (MFA)</label></p>'
            )
        body = (
            "<p>Dette er en lokal testtjeneste for innlogging. Den brukes bare i utvikling, test og demo, "
            "og alle personene er oppdiktet.</p>"
            f'<form method="post" action="{self.issuer}/authorize">{hidden}'
            f"<fieldset><legend>Logg inn som</legend>{people}</fieldset>{level}"
            '<p><button type="submit">Logg inn</button></p></form>'
        )
        return _page("200 OK", "Lokal innlogging for test", body)

    def _check_authorize(self, params: dict[str, str]) -> tuple[Client | None, str]:
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            return None, "Ukjent klient."
        if params.get("redirect_uri") not in client.redirect_uris:
            return None, "Adressen å sende tilbake til er ikke registrert for klienten."
        if params.get("response_type", "code") != "code":
            return None, "Bare autorisasjonskode støttes."
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return None, "PKCE med S256 er påkrevd."
        if not params.get("state"):
            return None, "State mangler."
        return client, ""

    def _authorize_answer(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        form = _form(environ)
        client, problem = self._check_authorize(form)
        if client is None:
            return _page("400 Bad Request", "Innloggingen kan ikke fullføres", f"<p>{html.escape(problem)}</p>")
        identity = next((i for i in client.identities if i.key == form.get("identity")), None)
        if identity is None:
            return _page("400 Bad Request", "Velg hvem som logger inn", "<p>Ingen gyldig person er valgt.</p>")
        claims = dict(identity.claims)
        if client.person_login:
            acr = form.get("acr", ACR_LEVELS[1])
            claims["acr"] = acr if acr in ACR_LEVELS else ACR_LEVELS[1]
            claims["amr"] = ["TestID"]
        else:
            claims["amr"] = ["pwd", "mfa"] if form.get("mfa") else ["pwd"]
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Grant(
                client_id=client.client_id,
                redirect_uri=form["redirect_uri"],
                code_challenge=form["code_challenge"],
                nonce=form.get("nonce") or None,
                claims=claims,
                issued=time.time(),
            )
        target = f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form['state']})}"
        return "302 Found", [("Location", target), ("Content-Length", "0")], b""

    def _token(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        form = _form(environ)
        client_id, secret = _client_credentials(environ, form)
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return _json("401 Unauthorized", {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code":
            return _json("400 Bad Request", {"error": "unsupported_grant_type"})
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or grant.client_id != client_id or time.time() - grant.issued > self.code_seconds:
            return _json("400 Bad Request", {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant.redirect_uri:
            return _json("400 Bad Request", {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or not secrets.compare_digest(challenge, grant.code_challenge):
            return _json("400 Bad Request", {"error": "invalid_grant", "error_description": "PKCE"})
        id_token = self._id_token(client, grant)
        return _json(
            "200 OK",
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": self.token_seconds,
                "id_token": id_token,
            },
        )

    # --- tokens ----------------------------------------------------------------------------------
    def _id_token(self, client: Client, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client.client_id,
            "iat": now,
            "exp": now + self.token_seconds,
            "auth_time": now,
            **grant.claims,
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        attack = self.attack
        if attack == "wrong_aud":
            claims["aud"] = "another-client"
        elif attack == "wrong_iss":
            claims["iss"] = "https://evil.example.invalid"
        elif attack == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif attack == "no_nonce":
            claims.pop("nonce", None)
        elif attack == "expired":
            claims["iat"] = now - 3600
            claims["exp"] = now - 1800
        elif attack == "lower_acr":
            claims["acr"] = ACR_LEVELS[0]
        if attack == "alg_none":
            return _unsigned(claims)
        if attack == "hs256":
            # The classic confusion: an HMAC signature keyed with something the attacker knows.
            return jwt.encode({"alg": "HS256", "kid": self._key.kid}, claims, OctKey.import_key(client.secret))
        key = self._other_key if attack == "bad_signature" else self._key
        return jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, key)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _form(environ: Environ) -> dict[str, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(min(length, 64 * 1024)).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw).items()}


def _client_credentials(environ: Environ, form: dict[str, str]) -> tuple[str, str]:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return "", ""
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _json(status: str, data: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(data).encode()


def _text(status: str, text: str) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")], text.encode()


def _page(status: str, title: str, body: str) -> tuple[str, list[tuple[str, str]], bytes]:
    document = (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Security-Policy", "default-src 'none'; form-action *; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    return status, headers, document.encode()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the base class's name)
        if os.environ.get("UTVEI_DEVIDP_LOG") == "1":
            super().log_message(format, *args)


def make_wsgi_server(provider: FakeProvider, host: str, port: int) -> WSGIServer:
    """Bind a WSGI server for ``provider`` (port 0 picks a free port)."""
    _check_environment()
    return make_server(host, port, provider, handler_class=_QuietHandler)


def serve_in_thread(
    make_provider: Callable[[str], FakeProvider], host: str = "127.0.0.1"
) -> tuple[FakeProvider, WSGIServer, threading.Thread]:
    """Start a provider on a free port in a daemon thread; ``make_provider`` gets its issuer URL.

    The server is bound first, so the issuer names the port it really listens on.
    """
    _check_environment()
    server = make_server(host, 0, _Placeholder(), handler_class=_QuietHandler)
    provider = make_provider(f"http://{host}:{server.server_port}")
    server.set_app(provider)
    thread = threading.Thread(target=server.serve_forever, name="fake-oidc-provider", daemon=True)
    thread.start()
    return provider, server, thread


class _Placeholder:
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"starting"]
