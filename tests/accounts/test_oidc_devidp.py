"""The local fake provider itself: it refuses production, insists on PKCE, and uses a code once."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from utvei.devidp import FakeProvider, serve_in_thread
from utvei.devidp.__main__ import main
from utvei.devidp.demo import IDPORTEN_CLIENT_ID, demo_clients
from utvei.devidp.server import RefusedEnvironment

CALLBACK = "http://testserver/oidc/idporten/callback/"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _post(url: str, data: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urlencode(data).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_fake_provider_refuses_to_run_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UTVEI_ENV", "production")
    with pytest.raises(RefusedEnvironment):
        FakeProvider(issuer="http://127.0.0.1:1", clients={})
    with pytest.raises(RefusedEnvironment):
        serve_in_thread(lambda issuer: FakeProvider(issuer=issuer, clients={}))
    assert main(["--port", "0"]) == 2


def test_the_discovery_document_names_the_endpoints_and_only_asymmetric_signatures(idp: FakeProvider) -> None:
    status, body = _get(f"{idp.issuer}/.well-known/openid-configuration")
    document = json.loads(body)
    assert status == 200 and document["issuer"] == idp.issuer
    assert document["code_challenge_methods_supported"] == ["S256"]
    status, body = _get(document["jwks_uri"])
    keys = json.loads(body)["keys"]
    assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0]  # never the private part


def test_the_login_page_refuses_a_request_without_pkce(idp: FakeProvider) -> None:
    query = urlencode({"client_id": IDPORTEN_CLIENT_ID, "redirect_uri": CALLBACK, "state": "s", "nonce": "n"})
    status, body = _get(f"{idp.issuer}/authorize?{query}")
    assert status == 400 and "PKCE med S256 er påkrevd." in body


def test_the_login_page_refuses_an_unregistered_return_address(idp: FakeProvider) -> None:
    query = urlencode(
        {
            "client_id": IDPORTEN_CLIENT_ID,
            "redirect_uri": "https://evil.example.invalid/cb",
            "state": "s",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        }
    )
    status, _body = _get(f"{idp.issuer}/authorize?{query}")
    assert status == 400


def test_the_login_page_is_labelled_for_assistive_technology(idp: FakeProvider) -> None:
    query = urlencode(
        {
            "client_id": IDPORTEN_CLIENT_ID,
            "redirect_uri": CALLBACK,
            "state": "s",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        }
    )
    status, body = _get(f"{idp.issuer}/authorize?{query}")
    assert status == 200
    assert '<html lang="nb">' in body and "<h1>" in body and "<legend>Logg inn som</legend>" in body
    assert body.count('<input type="radio"') == body.count('<label for="id-') == 4
    assert '<label for="acr">' in body


def test_the_token_endpoint_wants_the_pkce_verifier_and_the_secret(idp: FakeProvider) -> None:
    client = demo_clients(["http://testserver"])[IDPORTEN_CLIENT_ID]
    status, body = _post(
        f"{idp.issuer}/token",
        {
            "grant_type": "authorization_code",
            "code": "unknown",
            "client_id": client.client_id,
            "client_secret": "wrong",
        },
    )
    assert status == 401 and json.loads(body)["error"] == "invalid_client"
    status, body = _post(
        f"{idp.issuer}/token",
        {
            "grant_type": "authorization_code",
            "code": "unknown",
            "client_id": client.client_id,
            "client_secret": client.secret,
        },
    )
    assert status == 400 and json.loads(body)["error"] == "invalid_grant"
