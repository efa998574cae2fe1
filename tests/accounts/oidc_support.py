"""The fake provider for OIDC tests: started on a free port in a thread, and a browser walk through it."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import LazySettings
from django.test import Client

from utvei.devidp import FakeProvider, serve_in_thread
from utvei.devidp.demo import (
    DEMO_IDPORTEN_SECRET,
    DEMO_STAFF_SECRET,
    IDPORTEN_CLIENT_ID,
    demo_clients,
)

STAFF_SECRET_ENV = "UTVEI_TEST_STAFF_OIDC_SECRET"


@pytest.fixture(scope="module")
def _provider_server() -> Iterator[FakeProvider]:
    provider, server, thread = serve_in_thread(
        lambda issuer: FakeProvider(issuer=issuer, clients=demo_clients(["http://testserver"]))
    )
    yield provider
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def idp(_provider_server: FakeProvider, settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    """Give the running fake provider, with no attack, and point ID-porten's settings at it."""
    _provider_server.attack = None
    settings.UTVEI_IDPORTEN_ISSUER = _provider_server.issuer
    settings.UTVEI_IDPORTEN_CLIENT_ID = IDPORTEN_CLIENT_ID
    settings.UTVEI_IDPORTEN_CLIENT_SECRET = DEMO_IDPORTEN_SECRET
    settings.UTVEI_IDPORTEN_ACR = "idporten-loa-substantial"
    monkeypatch.setenv(STAFF_SECRET_ENV, DEMO_STAFF_SECRET)
    return _provider_server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Walk:
    """Hold what a walk through the provider saw: the authorization address and the callback address."""

    authorize_url: str
    callback: str

    @property
    def authorize_params(self) -> dict[str, str]:
        """Give the parameters the relying party sent to the provider."""
        return {k: v[0] for k, v in parse_qs(urlsplit(self.authorize_url).query).items()}


def walk_to_callback(
    client: Client, start_path: str, *, identity: str, acr: str = "idporten-loa-substantial", mfa: bool = True
) -> Walk:
    """Start a login in Utvei, pick ``identity`` on the provider's page, and give the callback address."""
    started = client.get(start_path)
    assert started.status_code == 302, started.content[:500]
    authorize_url = started["Location"]
    with urllib.request.urlopen(authorize_url, timeout=10) as page:  # the login page renders
        assert page.status == 200
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    form = params | {"identity": identity, "acr": acr}
    if mfa:
        form["mfa"] = "1"
    endpoint = authorize_url.split("?", 1)[0]
    request = urllib.request.Request(endpoint, data=urlencode(form).encode(), method="POST")
    try:
        _opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.read()[:500]
        location = exc.headers["Location"]
    else:
        raise AssertionError("the provider did not send the browser back")
    parts = urlsplit(location)
    return Walk(authorize_url=authorize_url, callback=f"{parts.path}?{parts.query}")
