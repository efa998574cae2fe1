"""The person's portal in a browser: Jonas Berg sees his plan, withdraws the NAV consent, and NAV loses access
at once; his access log shows that NAV had looked. Axe finds nothing on any portal page, and no page
scrolls sideways at 375 px.

The ID-porten login belongs to the OIDC app; here the portal session is started through the shared
contract (``start_person_session``) against the server's own database, and its cookie handed to the browser.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.conftest import PROJECT_DIR, SERVER_ENV
from tests.e2e.support import TotpBook, assert_accessible, login, tr

pytestmark = pytest.mark.e2e

START_SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from utvei.cases.models import Case
from utvei.core.keystore import key_scope
from utvei.portal.sessions import start_person_session
with key_scope():
    case = Case.objects.order_by("pk").select_related("person").first()
    person = case.person
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    assert start_person_session(request, national_id=person.national_id, acr="idporten-loa-high", subject="e2e")
    request.session.save()
    print(settings.SESSION_COOKIE_NAME + "\\t" + request.session.session_key + "\\t" + str(case.pk))
"""

PORTAL_PAGES = [
    "/min/",
    "/min/plan/",
    "/min/samtykker/",
    "/min/nettverk/",
    "/min/logg/",
    "/min/sperring/",
    "/min/varsler/",
]


def _portal_session(base_url: str) -> tuple[dict[str, str], int]:
    """Start Jonas's portal session in the server's database; give its cookie and his case's id."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", START_SESSION],
        cwd=PROJECT_DIR,
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    name, value, case_id = done.stdout.strip().splitlines()[-1].split("\t")
    return {"name": name, "value": value, "url": base_url}, int(case_id)


def _no_sideways_scroll(page: Any, what: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"{what} is {wide} px wide at 375 px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_person_withdraws_the_nav_consent_and_sees_that_nav_looked(
    axe_context: Any, browser: Any, base_url: str, totp_book: TotpBook
) -> None:
    cookie, case_id = _portal_session(base_url)
    # NAV opens Jonas's case first: the network tab is open to NAV only through his consent.
    nav_ctx = browser.new_context(base_url=base_url, locale="nb-NO")
    nav = nav_ctx.new_page()
    login(nav, "nav", totp_book)
    network_tab = f"/cases/{case_id}/tab/network/"
    assert nav.goto(network_tab).status == 200

    axe_context.add_cookies([cookie])
    page = axe_context.new_page()
    for path in PORTAL_PAGES:
        assert page.goto(path).status == 200, path
        assert_accessible(page, path)
        _no_sideways_scroll(page, path)

    page.goto("/min/plan/")
    assert page.get_by_role("heading", level=1).inner_text() == tr(page, "My plan")

    page.goto("/min/samtykker/")
    cards = page.locator("div.ds-card", has_text="NAV Demo")
    assert cards.count() > 0
    while cards.count():  # every consent towards NAV, each withdrawn at once
        cards.first.get_by_role("button").click()
        page.wait_for_url("**/min/samtykker/")
        assert page.get_by_role("status").is_visible()
    assert_accessible(page, "the consents after a withdrawal")

    # NAV's next request: the network tab (open to NAV only through the consent) is gone.
    assert nav.goto(network_tab).status == 404

    page.goto("/min/logg/")
    log = page.locator("main").inner_text()
    assert "NAV Demo" in log
    nav_ctx.close()
