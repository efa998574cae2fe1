"""Passkeys in Chromium with a virtual authenticator (CDP WebAuthn domain), CSP enforced.

Passkeys are bound to a domain, so these pages are browsed at http://localhost:<port> (the server's
relying party id is ``localhost``), not at 127.0.0.1 like the other browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import (
    ConsoleWatch,
    DocumentWatch,
    assert_accessible,
    open_enrolment_link,
    password_step,
    path_of,
)

pytestmark = pytest.mark.e2e

USER = "barnevern"  # no other browser test logs this user in (it must have no second factor yet)


def _localhost(base_url: str) -> str:
    return base_url.replace("127.0.0.1", "localhost")


@pytest.fixture
def passkey_context(browser: Any, base_url: str) -> Iterator[Any]:
    ctx = browser.new_context(base_url=_localhost(base_url), locale="nb-NO")
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


def _virtual_authenticator(context: Any, page: Any) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_register_a_passkey_and_log_in_with_it(
    passkey_context: Any, browser: Any, base_url: str, totp_book: Any
) -> None:
    page = passkey_context.new_page()
    console = ConsoleWatch().attach(page)
    documents = DocumentWatch(page)
    cdp, authenticator = _virtual_authenticator(passkey_context, page)

    # First login through the enrolment link: set up a passkey instead of an app.
    open_enrolment_link(page, USER, totp_book)
    password_step(page, USER)
    assert path_of(page) == "/login/code/setup/"
    register = page.locator("[data-passkey=register]")
    assert register.is_visible()
    with page.expect_navigation(url="**/cases/"):
        register.get_by_role("button", name="Sett opp passnøkkel").click()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost"

    # Log out, log in again: the code page offers the passkey (and no code field: no app is set up).
    with page.expect_navigation():
        page.locator("header form[action='/logout/'] button").click()
    password_step(page, USER)
    assert path_of(page) == "/login/code/"
    assert page.locator("#id_token").count() == 0
    with page.expect_navigation(url="**/cases/"):
        page.get_by_role("button", name="Bekreft med passnøkkel").click()
    assert page.locator("h1").inner_text().strip() == "Mine saker"
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert after[0]["signCount"] > credentials[0]["signCount"]

    documents.assert_csp_everywhere()
    assert console.csp_errors() == [], "CSP violations:\n" + "\n".join(console.csp_errors())
    assert console.errors == [], "console errors:\n" + console.report()

    # The code page with the passkey option passes axe-core (a CSP-bypassing context, for axe only).
    axe = browser.new_context(base_url=_localhost(base_url), locale="nb-NO", bypass_csp=True)
    try:
        axe_page = axe.new_page()
        password_step(axe_page, USER)
        assert axe_page.locator("[data-passkey=verify]").is_visible()
        assert_accessible(axe_page, "the code page with a passkey")
    finally:
        axe.close()
