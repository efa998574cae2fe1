"""The person's portal in a browser: Jonas Berg sees his plan, withdraws the NAV consent, and NAV loses access
at once; his access log shows that NAV had looked. Axe finds nothing on any portal page, and no page
scrolls sideways at 375 px.

The person logs in through the demo's local fake ID-porten, as a newcomer would.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.conftest import PROJECT_DIR, SERVER_ENV
from tests.e2e.support import TotpBook, assert_accessible, login, tr
from tests.e2e.test_oidc_flow import _person_login
from utvei.devidp.demo import demo_national_ids

pytestmark = pytest.mark.e2e

CASE_OF_JONAS = """
from utvei.cases.models import Case
print(Case.objects.order_by("pk").values_list("pk", flat=True).first())
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


def _case_of_jonas() -> int:
    """Give the id of Jonas Berg's case in the server's database."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CASE_OF_JONAS],
        cwd=PROJECT_DIR,
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def _no_sideways_scroll(page: Any, what: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"{what} is {wide} px wide at 375 px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_person_withdraws_the_nav_consent_and_sees_that_nav_looked(
    axe_context: Any, browser: Any, base_url: str, totp_book: TotpBook
) -> None:
    case_id = _case_of_jonas()
    # NAV opens Jonas's case first: the network tab is open to NAV only through his consent.
    nav_ctx = browser.new_context(base_url=base_url, locale="nb-NO")
    nav = nav_ctx.new_page()
    login(nav, "nav", totp_book)
    network_tab = f"/cases/{case_id}/tab/network/"
    assert nav.goto(network_tab).status == 200

    page = axe_context.new_page()
    _person_login(page, demo_national_ids()[0])  # through the local fake ID-porten
    for path in PORTAL_PAGES:
        assert page.goto(path).status == 200, path
        assert_accessible(page, path)
        _no_sideways_scroll(page, path)

    page.goto("/min/plan/")
    assert page.get_by_role("heading", level=1).inner_text() == tr(page, "My plan")

    page.goto("/min/samtykker/")
    cards = page.locator("div.ds-card", has_text="Nav Demo")
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
    assert "Nav Demo" in log
    nav_ctx.close()
