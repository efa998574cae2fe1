"""Two sessions edit one goal in the browser: the first save wins, the second gets the conflict page.

The conflict page keeps what the second editor typed, shows the goal's words when the form was opened and
now, passes axe-core, does not scroll sideways at 375 px, takes focus so it is read out first, and can be
worked by keyboard alone: Tab to Save and Enter saves the second editor's words on top.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.support import assert_accessible, login, open_tab, path_of, tr

pytestmark = pytest.mark.e2e


def _jonas_goal_edit_path(page: Any) -> str:
    page.goto("/cases/")
    item = page.locator("section[aria-labelledby='cases-heading'] li", has_text="Jonas Berg")
    with page.expect_navigation():
        item.locator("a").first.click()
    open_tab(page, "plan")
    with page.expect_navigation():
        page.locator("section[aria-labelledby='plans-heading'] a[href^='/plans/']").first.click()
    assert re.fullmatch(r"/plans/\d+/", path_of(page))
    href = page.locator("main a[href^='/goals/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/goals/\d+/edit/", href)
    return str(href)


def _focused(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim(),
                           cls: e.getAttribute('class') || '', type: e.getAttribute('type')}; }"""
        )
    )


def test_two_sessions_edit_one_goal_and_the_second_keeps_its_text(browser: Any, base_url: str, totp_book: Any) -> None:
    first_ctx = browser.new_context(base_url=base_url, locale="nb-NO")
    second_ctx = browser.new_context(
        base_url=base_url, locale="nb-NO", bypass_csp=True, viewport={"width": 375, "height": 800}
    )
    try:
        first, second = first_ctx.new_page(), second_ctx.new_page()
        login(first, "koordinator", totp_book)
        login(second, "saksbehandler", totp_book)
        goal_path = _jonas_goal_edit_path(first)

        # Both open the same goal.
        first.goto(goal_path)
        second.goto(goal_path)
        old_text = first.locator("#id_text").input_value()
        assert second.locator("#id_text").input_value() == old_text

        # The first saves.
        first.locator("#id_text").fill("«Jeg vil ha fast jobb innen sommeren.»")
        with first.expect_navigation():
            first.locator("main form button[type=submit]").click()
        assert re.fullmatch(r"/plans/\d+/", path_of(first))

        # The second saves what they typed on the version they opened: refused, nothing lost.
        mine = "«Jeg vil jobbe med mennesker, ikke på lager.»"
        second.locator("#id_text").fill(mine)
        with second.expect_navigation() as navigation:
            second.locator("main form button[type=submit]").click()
        assert navigation.value.status == 409
        conflict = second.locator("main .utvei-conflict")
        assert conflict.is_visible()
        assert tr(second, "Someone else saved a change while you were editing") in conflict.inner_text()
        panel = conflict.inner_text()
        assert old_text in panel and "«Jeg vil ha fast jobb innen sommeren.»" in panel and mine in panel
        assert second.locator("#id_text").input_value() == mine
        assert "utvei-conflict" in _focused(second)["cls"], "the conflict notice takes focus"
        assert_accessible(second, "the conflict page of a goal (375 px)")
        width = second.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"the conflict page scrolls sideways at 375 px ({width} px wide)"

        # By keyboard alone: Tab to Save, Enter saves the second editor's words on top of the current version.
        save = tr(second, "Save")
        for _ in range(40):
            second.keyboard.press("Tab")
            focused = _focused(second)
            if focused["tag"] == "button" and focused["text"] == save:
                break
        else:
            raise AssertionError(f"Save not reached by Tab; focus is on {_focused(second)}")
        with second.expect_navigation():
            second.keyboard.press("Enter")
        assert re.fullmatch(r"/plans/\d+/", path_of(second))
        first.goto(goal_path)
        assert first.locator("#id_text").input_value() == mine
    finally:
        first_ctx.close()
        second_ctx.close()
