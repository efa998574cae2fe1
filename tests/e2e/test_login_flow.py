"""Login end to end in a normal browser context (CSP enforced): password, two-step enrolment through the
administrator's one-time link and code, language switch, logout, and login with the keyboard only. No
console error or CSP violation may occur.

``saksbehandler`` enrols in test_full_login_flow and nowhere else, so that test meets the enrolment page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.support import (
    ConsoleWatch,
    DocumentWatch,
    open_enrolment_link,
    password_step,
    path_of,
    second_factor_step,
)
from utvei.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

SKIP_LINK_TEXTS = {"Hopp til hovedinnhold", "Skip to main content"}


def _lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def _focused(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   const r = e.getBoundingClientRect();
                   return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.innerText || '').trim(),
                           href: e.getAttribute('href'), name: e.getAttribute('name'),
                           outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                           shadow: s.boxShadow !== 'none', width: r.width, height: r.height,
                           visible: r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0
                                    && r.left < innerWidth && r.right > 0}; }"""
        )
    )


def test_full_login_flow(context: Any, totp_book: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    documents = DocumentWatch(page)

    # The password alone cannot set up two-step login: the page asks for the administrator's link.
    response = page.goto("/login/")
    assert response is not None and response.status == 200
    assert _lang(page) == "nb"
    password_step(page, "saksbehandler")
    assert path_of(page) == "/login/code/setup/"
    assert page.locator("h1").inner_text().strip() == "Registreringslenke trengs"
    assert page.locator("#id_token").count() == 0 and page.locator("main .utvei-qr").count() == 0
    assert console.failed_responses == [f"403 GET {page.url}"]
    console.errors.clear()  # the 403 above is the expected answer; nothing else may fail from here
    console.failed_responses.clear()

    # With the one-time enrolment link: enrolment of the authenticator app (the first login of this user).
    open_enrolment_link(page, "saksbehandler", totp_book)
    assert path_of(page) == "/login/code/setup/"
    assert page.locator("main .utvei-qr img").count() == 1, "the QR code is missing"
    assert page.locator("header nav").count() == 0, "the main menu must not show before the second factor"
    assert second_factor_step(page, "saksbehandler", totp_book) == "enrol"

    # The dashboard lists the three demo cases saksbehandler opened.
    assert path_of(page) == "/cases/"
    assert page.locator("h1").inner_text().strip() in {"My cases", "Mine saker"}
    references = page.locator("main table tbody a").all_inner_texts()
    assert len(references) == 3 and all(re.fullmatch(r"UTV-\d{4}-\d{4}", r) for r in references), references

    # Switch to English with the header button, then back to Norwegian.
    with page.expect_navigation():
        page.locator("header button[name=language][value=en]").click()
    assert path_of(page) == "/cases/"
    assert _lang(page) == "en"
    assert page.locator("h1").inner_text().strip() == "My cases"
    assert page.locator("a.ds-skip-link").inner_text().strip() == "Skip to main content"
    switch_back = page.locator("header button[name=language]")
    assert switch_back.get_attribute("value") == "nb" and switch_back.get_attribute("lang") == "nb"
    assert switch_back.inner_text().strip().startswith("Norsk")
    assert page.locator("header nav").get_by_role("link", name="My account").is_visible()
    with page.expect_navigation():
        page.locator("header button[name=language][value=nb]").click()
    assert _lang(page) == "nb"
    assert page.locator("header button[name=language]").inner_text().strip() == "English"

    # Log out with the header button: back on the login page, and the cases are closed again.
    with page.expect_navigation():
        page.locator("header form[action='/logout/'] button").click()
    assert path_of(page) == "/login/"
    assert page.locator("#id_username").is_visible()
    assert page.locator("header form[action='/logout/']").count() == 0
    page.goto("/cases/")
    assert path_of(page) == "/login/", "a logged-out browser must not see the dashboard"

    # Second login: password, then a code on the verify page (no new enrolment).
    password_step(page, "saksbehandler")
    assert path_of(page) == "/login/code/"
    assert second_factor_step(page, "saksbehandler", totp_book) == "verify"
    assert path_of(page) == "/cases/"
    assert len(page.locator("main table tbody a").all_inner_texts()) == 3

    documents.assert_csp_everywhere()
    assert console.csp_errors() == [], "CSP violations:\n" + "\n".join(console.csp_errors())
    assert console.errors == [], "console errors:\n" + console.report()


def test_keyboard_only_login(context: Any, totp_book: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    documents = DocumentWatch(page)
    keyboard = page.keyboard

    open_enrolment_link(page, "slt", totp_book)  # the first login of slt: the link goes first
    page.goto("/login/")
    # No autofocus: the first Tab reaches the skip link, then the header, then the username field.
    keyboard.press("Tab")
    assert _focused(page)["cls"] == "ds-skip-link"
    for _ in range(6):
        if _focused(page)["id"] == "id_username":
            break
        keyboard.press("Tab")
    assert _focused(page)["id"] == "id_username"
    keyboard.type("slt")
    keyboard.press("Tab")
    assert _focused(page)["id"] == "id_password"
    keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        keyboard.press("Enter")
    assert path_of(page) == "/login/code/setup/", "the password step should lead to the second factor"

    # The code field takes focus too; the whole login works without a mouse.
    assert _focused(page)["id"] == "id_token"
    totp_book.enrol("slt", page.locator("#totp-secret").inner_text())
    keyboard.type(totp_book.next_code("slt"))
    with page.expect_navigation():
        keyboard.press("Enter")
    assert path_of(page) == "/cases/"

    # On a page without autofocus the first Tab reaches the skip link, which is then visible and
    # moves focus to the main content.
    page.goto("/cases/")
    keyboard.press("Tab")
    first = _focused(page)
    assert first["cls"] == "ds-skip-link" and first["href"] == "#main", first
    assert first["text"] in SKIP_LINK_TEXTS, first
    assert first["visible"], "the skip link must show when focused"
    keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    documents.assert_csp_everywhere()
    assert console.errors == [], "console errors:\n" + console.report()


def test_login_page_tab_order_and_focus_indicator(context: Any) -> None:
    """Every tab stop of the login page, backwards from the username field, shows a focus indicator."""
    page = context.new_page()
    page.goto("/login/")
    page.locator("#id_username").focus()
    # Backwards from the username field: header tools, brand, then the skip link first of all.
    stops = []
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        stop = _focused(page)
        if stop["tag"] == "body":
            break
        stops.append(stop)
    assert stops, "nothing before the username field takes focus"
    assert stops[-1]["cls"] == "ds-skip-link", [s["cls"] or s["id"] or s["text"] for s in stops]
    assert stops[-1]["text"] in SKIP_LINK_TEXTS
    assert any(s["name"] == "language" for s in stops), "the language switch is not reachable by keyboard"

    # Forwards from the skip link through the form: every stop is visible and has an outline or ring.
    page.goto("/login/")
    page.keyboard.press("Tab")
    assert _focused(page)["cls"] == "ds-skip-link"
    seen = []
    for _ in range(12):
        stop = _focused(page)
        assert stop["visible"], f"focused element not visible: {stop}"
        if stop["cls"] == "ds-skip-link":
            # Hidden until focused: appearing (as a padded, underlined box) is its focus indicator.
            assert stop["width"] > 20 and stop["height"] > 20, f"the skip link does not appear on focus: {stop}"
        else:
            assert stop["outline"] or stop["shadow"], f"no visible focus indicator on {stop}"
        seen.append(stop["id"] or stop["name"] or stop["text"])
        if stop["tag"] == "button" and stop["text"] in {"Log in", "Logg inn"}:
            break
        page.keyboard.press("Tab")
    assert "id_username" in seen and "id_password" in seen, seen
    assert seen[-1] in {"Log in", "Logg inn"}, seen
