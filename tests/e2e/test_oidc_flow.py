"""Login through the local fake OpenID provider in a real browser: the person into the portal, a staff user
into the work list, and a refusal; axe finds nothing on those pages and nothing scrolls sideways at 375 px.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import AxeReport, ConsoleWatch, path_of
from utvei.devidp.demo import demo_national_ids, person_identities

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page: Any, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide at 375 px"


def _person_login(page: Any, identity: str, *, axe: AxeReport | None = None) -> None:
    page.goto("/min/logg-inn/")
    if axe:
        axe.check(page, "the portal's login page")
    with page.expect_navigation():
        page.get_by_role("link", name="Logg inn med ID-porten").click()
    assert page.locator("h1").inner_text() == "Lokal innlogging for test"
    if axe:
        axe.check(page, "the fake provider's login page")
    page.locator(f"input[value='{identity}']").check()
    page.get_by_label("Sikkerhetsnivå").select_option("idporten-loa-substantial")
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def test_the_person_logs_in_through_the_fake_id_porten(context: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    _person_login(page, demo_national_ids()[0])
    assert path_of(page) == "/min/"
    assert page.locator("h1").inner_text().startswith("Velkommen")
    assert console.csp_errors() == [], console.report()


def test_an_unknown_person_gets_a_clear_page(context: Any) -> None:
    page = context.new_page()
    _person_login(page, person_identities()[-1].key)
    assert page.locator("h1").inner_text() == "Innloggingen mislyktes"
    assert "Vi fant deg ikke her." in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Tilbake til innloggingssiden").click()
    assert path_of(page) == "/min/logg-inn/"


def test_a_staff_user_logs_in_through_the_organisations_provider(context: Any) -> None:
    page = context.new_page()
    page.goto("/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="Logg inn med Demo kommunes innlogging (lokal test)").click()
    page.locator("input[value='koordinator']").check()
    assert page.get_by_label("Logget inn med to faktorer (MFA)").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("load")
    assert not path_of(page).startswith("/login/"), page.url  # MFA at the provider: no code asked here


def test_the_oidc_pages_pass_axe_and_fit_375_px(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(
        base_url=base_url, locale="nb-NO", bypass_csp=True, viewport={"width": 375, "height": 800}
    )
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        axe = AxeReport()
        page.goto("/min/logg-inn/")
        _no_sideways_scroll(page, "the portal's login page")
        _person_login(page, person_identities()[-1].key, axe=axe)
        axe.check(page, "the refusal page")
        _no_sideways_scroll(page, "the refusal page")
        _person_login(page, demo_national_ids()[0])
        axe.check(page, "the portal's home")
        _no_sideways_scroll(page, "the portal's home")
        page.goto("/login/")
        axe.check(page, "the staff login page with its provider")
        _no_sideways_scroll(page, "the staff login page")
        with page.expect_navigation():
            page.get_by_role("link", name="Logg inn med Demo kommunes innlogging (lokal test)").click()
        axe.check(page, "the fake provider's staff page")
        _no_sideways_scroll(page, "the fake provider's staff page")
        axe.assert_clean()
    finally:
        ctx.close()
