"""The network map in the browser: add ties, see the drawing, take a snapshot, compare; axe-core on every
network page (errors included), and the map under the real CSP."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import AxeReport, ConsoleWatch, login, open_tab, path_of

pytestmark = pytest.mark.e2e


def _first_case(page) -> str:
    page.goto("/cases/")
    hrefs = page.locator("main a[href^='/cases/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    case_path = next(h for h in hrefs if re.fullmatch(r"/cases/\d+/", h))
    page.goto(case_path)
    return case_path


def _nodes(page) -> int:
    return page.locator("main svg[data-drawing=ecomap] g[data-node]").count()


def test_add_ties_draw_snapshot_and_compare(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    axe = AxeReport()
    login(page, "koordinator", totp_book)
    case_path = _first_case(page)
    axe.check(page, "the case page")
    open_tab(page, "network")
    assert page.locator("#network-heading").is_visible()
    axe.check(page, "the network tab")
    with page.expect_navigation():
        page.locator(f"main a[href='{case_path}network/']").click()
    assert path_of(page) == f"{case_path}network/"
    before = _nodes(page)
    assert before >= 5, "the demo network is drawn"
    assert page.locator("main svg[role=img] title").first.text_content()
    assert page.locator("main svg [data-part=legend] [data-legend]").count() == 4
    assert page.locator("main table[data-table=ties] tbody tr").count() == before
    axe.check(page, "the network map")

    # Add a tie: first an invalid one (risk without its nature), then a valid one.
    page.goto(f"{case_path}network/ties/new/")
    axe.check(page, "the new-tie form")
    page.locator("#id_label").fill("Trener (F)")
    page.locator("input[name=kind][value=person]").check()
    page.locator("input[name=formality][value=informal]").check()
    page.locator("#id_relation").select_option("club")
    page.locator("#id_closeness").select_option("effective")
    page.locator("input[name=valence][value=risk]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit][data-variant=primary]").click()
    assert page.locator(".ds-error-summary").is_visible()
    axe.check(page, "the new-tie form with errors")
    page.locator("input[name=valence][value=supportive]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit][data-variant=primary]").click()
    assert path_of(page) == f"{case_path}network/"
    assert _nodes(page) == before + 1
    assert page.locator("main table[data-table=ties] th[scope=row]").get_by_text("Trener (F)").count() == 1

    # A tie's page (its contacts and the R22 reminder).
    with page.expect_navigation():
        page.locator("main table[data-table=ties] a[href^='/network/ties/']").first.click()
    assert re.fullmatch(r"/network/ties/\d+/", path_of(page))
    axe.check(page, "a tie")

    # A snapshot, then the comparison with the first one.
    page.goto(f"{case_path}network/snapshots/new/")
    axe.check(page, "the snapshot form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    axe.check(page, "the snapshot form with errors")
    page.locator("input[name=reason][value=plan_review]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert path_of(page) == f"{case_path}network/"
    assert page.locator("main table[data-table=snapshots] tbody tr").count() >= 4

    page.goto(f"{case_path}network/compare/")
    assert page.locator("main svg[data-drawing=ecomap]").count() == 2
    changes = page.locator("main [data-list=changes] li")
    assert changes.count() >= 3
    assert page.locator("main [data-list=changes] li[data-change=added]").get_by_text("Trener (F)").count() == 1
    axe.check(page, "the comparison")

    page.goto(f"{case_path}network/")
    with page.expect_navigation():
        page.locator("main a[href^='/network/snapshots/']").first.click()
    assert re.fullmatch(r"/network/snapshots/\d+/", path_of(page))
    axe.check(page, "a snapshot")
    axe.assert_clean()


def test_the_map_renders_under_the_csp_and_nav_reads_it_by_consent(context, totp_book) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    login(page, "nav", totp_book)
    case_path = _first_case(page)
    page.goto(f"{case_path}network/")
    assert _nodes(page) >= 5
    assert page.locator("main a[href$='/network/ties/new/']").count() == 0, "a consent shows, it does not let NAV edit"
    assert console.csp_errors() == [], console.report()
