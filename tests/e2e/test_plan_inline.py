"""The plan built inline in the browser: 3 goals and 3 measures on one page load, with the keyboard.

Each "add" opens its form in place (htmx), focus moves into it, a save puts the new item in the list and
focus on it, a cancel puts focus back on the "add" button, and an empty save shows its errors in place.
The figure this test holds: building 3 goals and 3 measures takes 1 full page load (it took about 14
with a page per form). axe-core finds nothing in each state, nothing scrolls sideways at 375 px, and
printing hides the navigation, the tabs and the buttons.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import assert_accessible, login, open_tab, path_of

pytestmark = pytest.mark.e2e

GOALS = ("«Jeg vil ha en fast jobb.»", "«Jeg vil bo for meg selv.»", "«Jeg vil trene med andre.»")
MEASURES = ("Arbeidstrening", "Boligveiledning", "Treningsgruppe")


def _focused_id(page) -> str:
    return str(page.evaluate("() => document.activeElement ? document.activeElement.id : ''"))


def _wait_focus(page, pattern: str) -> str:
    page.wait_for_function(
        "(p) => document.activeElement && new RegExp(p).test(document.activeElement.id)", arg=pattern
    )
    return _focused_id(page)


def _no_sideways_scroll(page, what: str) -> None:
    viewport = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 376)"
        ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"
    )
    page.set_viewport_size(viewport)
    assert width <= 375, f"{what} scrolls sideways at 375 px ({width} px wide): {wide}"


def _plan_path(page) -> str:
    page.goto("/cases/")
    hrefs = page.locator("main a[href^='/cases/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for case_path in dict.fromkeys(h for h in hrefs if re.fullmatch(r"/cases/\d+/", h)):
        page.goto(case_path)
        if page.locator(f"nav.utvei-tabs a[href='{case_path}tab/plan/']").count() == 0:
            continue
        open_tab(page, "plan")
        link = page.locator("#plans-heading ~ p a[href^='/plans/']")
        if link.count():
            return str(link.first.get_attribute("href"))
    raise AssertionError("no case with a plan for the coordinator")


def test_three_goals_and_three_measures_on_one_page_load_with_the_keyboard(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    plan_path = _plan_path(page)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(plan_path)
    assert_accessible(page, "the plan page before inline work")

    # An empty save shows its errors in place, focus on the summary; a cancel gives focus back to "add".
    page.locator("#goal-add").focus()
    page.keyboard.press("Enter")
    _wait_focus(page, "^goal-new-heading$")
    page.locator("#goal-form-slot button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.locator("#goal-form-slot .ds-error-summary").wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('ds-error-summary')")
    assert_accessible(page, "an inline goal form with errors")
    _no_sideways_scroll(page, "the plan page with an inline form")
    page.locator("#goal-form-slot a[hx-get]").focus()
    page.keyboard.press("Enter")
    assert _wait_focus(page, "^goal-add$") == "goal-add"
    assert page.locator("#goal-form-slot form").count() == 0

    # Three goals, with the keyboard alone: Enter on "add", Tab to the field, type, Tab to save, Enter.
    for text in GOALS:
        page.locator("#goal-add").focus()
        page.keyboard.press("Enter")
        _wait_focus(page, "^goal-new-heading$")
        page.keyboard.press("Tab")
        assert _focused_id(page) == "id_goal-new-text"
        page.keyboard.type(text)
        page.locator("#goal-form-slot button[type=submit]").focus()
        page.keyboard.press("Enter")
        new_id = _wait_focus(page, r"^goal-\d+$")
        assert text in page.locator(f"#{new_id}").inner_text()
    assert_accessible(page, "the plan page after three inline goals")

    # Three measures, each linked to one of the new goals.
    for index, title in enumerate(MEASURES):
        page.locator("#measure-add").focus()
        page.keyboard.press("Enter")
        _wait_focus(page, "^measure-new-heading$")
        page.locator("#id_measure-new-kind").select_option("work" if index == 0 else "leisure")
        page.locator("#id_measure-new-title").fill(title)
        goal_label = GOALS[index][:80]
        page.locator("#id_measure-new-goal").select_option(label=goal_label)
        page.locator("#id_measure-new-provider_organisation").select_option(label="Demo kommune")
        page.locator("#id_measure-new-responsible_name").fill("Kontaktperson")
        if index == 0:
            assert_accessible(page, "an inline measure form")
        page.locator("#measure-form-slot button[type=submit]").focus()
        page.keyboard.press("Enter")
        new_id = _wait_focus(page, r"^measure-\d+$")
        assert title in page.locator(f"#{new_id}").inner_text()

    # Changing a goal inline: the form opens in the goal's place, a save gives focus back to it.
    first_goal = page.locator("#plan-goals li", has_text="fast jobb").first
    goal_id = str(first_goal.get_attribute("id"))
    first_goal.locator("a").focus()
    page.keyboard.press("Enter")
    _wait_focus(page, f"^{goal_id}-heading$")
    page.locator(f"#id_{goal_id}-status").select_option("reached")
    page.locator(f"#{goal_id} button[type=submit]").focus()
    page.keyboard.press("Enter")
    assert _wait_focus(page, f"^{goal_id}$") == goal_id
    assert_accessible(page, "the plan page after inline work")
    _no_sideways_scroll(page, "the plan page after inline work")

    assert path_of(page) == plan_path
    assert len(loads) == 1, f"building 3 goals and 3 measures took {len(loads)} page loads: {loads}"
    print(f"\nfull page loads for 3 goals and 3 measures: {len(loads)} (about 14 before)")

    page.reload()
    body = page.locator("main").inner_text()
    assert all(text in body for text in GOALS) and all(title in body for title in MEASURES)


def test_printing_the_case_and_the_plan_hides_navigation_tabs_and_buttons(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    plan_path = _plan_path(page)
    case_path = re.sub(r"tab/plan/$", "", path_of(page))
    page.emulate_media(media="print")
    page.goto(case_path)
    assert page.locator("main h1").is_visible()
    for selector in ("header.utvei-header", "nav.utvei-tabs", "main .utvei-actions"):
        assert page.locator(selector).first.is_hidden(), f"{selector} is printed"
    page.goto(plan_path)
    assert page.locator("header.utvei-header").is_hidden() and page.locator("#goal-add").is_hidden()
    assert page.locator("#plan-goals li").first.is_visible() and page.locator("#plan-measures").is_visible()
    color = page.evaluate("() => getComputedStyle(document.querySelector('main h1')).color")
    assert color == "rgb(0, 0, 0)"
    page.emulate_media(media="screen")
    assert page.locator("header.utvei-header").is_visible()
