"""The coordinator corrects a team seat and a conversation with the keyboard alone.

From the case page the coordinator Tabs to a team member's seat, changes the agreed task and saves with
Enter; then opens the conversations tab, the first conversation and its correction page, changes the
notes and saves with Enter. The conversation then shows the "Rettet" marker with the earlier notes, the
author and the time. axe-core finds nothing on the seat page, the correction page and the corrected
conversation, and none of them scrolls sideways at 375 px.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.support import assert_accessible, login, open_tab, path_of, tr

pytestmark = pytest.mark.e2e


def _focused(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id || '', href: e.getAttribute('href') || '',
                           text: (e.textContent || '').trim()}; }"""
        )
    )


def _tab_to(page: Any, wanted: Any, what: str, limit: int = 150) -> dict[str, Any]:
    """Press Tab until the focused element matches ``wanted``; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"{what} not reached with {limit} presses of Tab; focus is on {_focused(page)}")


def _no_sideways_scroll(page: Any, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} scrolls sideways at 375 px ({width} px wide)"


def test_the_coordinator_corrects_a_seat_and_a_conversation_by_keyboard(
    browser: Any, base_url: str, totp_book: Any
) -> None:
    ctx = browser.new_context(
        base_url=base_url, locale="nb-NO", bypass_csp=True, viewport={"width": 375, "height": 900}
    )
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        login(page, "koordinator", totp_book)
        page.goto("/cases/")
        item = page.locator("section[aria-labelledby='cases-heading'] li", has_text="Jonas Berg")
        with page.expect_navigation():
            item.locator("a").first.click()
        case_path = path_of(page)
        assert re.fullmatch(r"/cases/\d+/", case_path)

        # The team seat: Tab to the first seat's "Endre eller avslutt", Enter opens its page.
        _tab_to(page, lambda f: f["tag"] == "a" and re.fullmatch(r"/cases/team/\d+/task/", f["href"]), "a seat link")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.fullmatch(r"/cases/team/\d+/task/", path_of(page))
        assert_accessible(page, "the team seat page")
        _no_sideways_scroll(page, "the team seat page")
        _tab_to(page, lambda f: f["id"] == "id_task", "the agreed task")
        page.keyboard.press("Control+A")
        page.keyboard.type("Følger opp arbeid og bolig")
        _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == tr(page, "Save"), "Save")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert path_of(page) == case_path
        team = page.locator("section[aria-labelledby='team-heading']").inner_text()
        assert "Følger opp arbeid og bolig" in team

        # The conversation: the conversations tab, the first conversation, its correction page.
        open_tab(page, "conversations", keyboard=True)
        _tab_to(page, lambda f: f["tag"] == "a" and re.fullmatch(r"/conversations/\d+/", f["href"]), "a conversation")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        conversation_path = path_of(page)
        earlier = page.locator("main").inner_text()
        _tab_to(page, lambda f: f["href"].endswith("/correct/"), "Correct the conversation")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert path_of(page) == f"{conversation_path}correct/"
        assert_accessible(page, "the correction page of a conversation")
        _no_sideways_scroll(page, "the correction page of a conversation")
        old_notes = page.locator("#id_notes").input_value()
        assert old_notes and old_notes.splitlines()[0] in earlier
        _tab_to(page, lambda f: f["id"] == "id_notes", "the notes")
        page.keyboard.press("Control+A")
        page.keyboard.type("Rettet: Jonas vil ha arbeid først, bolig senere.")
        _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == tr(page, "Save the correction"), "Save")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert path_of(page) == conversation_path
        main = page.locator("main").inner_text()
        assert "Rettet: Jonas vil ha arbeid først, bolig senere." in main
        history = page.locator("#revision-history").inner_text()
        assert old_notes.splitlines()[0] in history
        assert re.search(r"\d{2}\.\d{2}\.\d{4}", history), "the history names the time of the correction"
        assert tr(page, "Corrected") in main
        assert_accessible(page, "a corrected conversation with its history")
        _no_sideways_scroll(page, "a corrected conversation")
    finally:
        ctx.close()
