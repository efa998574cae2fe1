"""axe-core on every page of Utvei, in the states a user meets them (errors included): zero violations.

These run in a context with ``bypass_csp=True`` so axe-core can be injected; the CSP itself is checked
in test_login_flow.py with a normal context.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.support import (
    assert_accessible,
    login,
    open_enrolment_link,
    password_step,
    path_of,
    second_factor_step,
)

pytestmark = pytest.mark.e2e


def _lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_login_page_norwegian_and_english(axe_context) -> None:
    page = axe_context.new_page()
    page.goto("/login/")
    assert _lang(page) == "nb"
    assert_accessible(page, "the login page (nb)")

    with page.expect_navigation():
        page.locator("header button[name=language][value=en]").click()
    assert path_of(page) == "/login/"
    assert _lang(page) == "en"
    assert page.locator("h1").inner_text() == "Log in to Utvei"
    assert_accessible(page, "the login page (en)")


def test_login_page_with_errors(axe_context) -> None:
    page = axe_context.new_page()
    # Empty form: the error summary and the field messages.
    page.goto("/login/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "the login page with empty fields")

    # Wrong password: the one generic failure message (never says which part was wrong).
    password_step(page, "nabo", "not-the-password")
    assert path_of(page) == "/login/"
    assert page.locator("#login-error").is_visible()
    assert_accessible(page, "the login page after a wrong password")


def test_enrolment_page(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    password_step(page, "mentor")
    assert path_of(page) == "/login/code/setup/"
    assert_accessible(page, "the page asking for an enrolment link")
    open_enrolment_link(page, "mentor", totp_book)
    assert path_of(page) == "/login/code/setup/"
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", page.locator("#totp-secret").inner_text().strip())
    assert page.locator("main .utvei-qr img").count() == 1  # the QR code
    assert page.locator("[data-passkey=register]").is_visible()  # passkey.js shows the passkey option
    assert_accessible(page, "the two-step enrolment page")

    page.locator("#id_token").fill("12345")  # five digits: a form error
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the enrolment page with a form error")

    # A malformed code never reaches the device, so it is not throttled: the right code passes at once.
    assert second_factor_step(page, "mentor", totp_book) == "enrol"
    assert path_of(page) == "/cases/"


def test_code_page(browser, base_url, axe_context, totp_book) -> None:
    first = axe_context.new_page()
    login(first, "skole", totp_book)  # enrols the first time
    first.close()

    other = browser.new_context(base_url=base_url, locale="nb-NO", bypass_csp=True)
    try:
        page = other.new_page()
        password_step(page, "skole")
        assert path_of(page) == "/login/code/"
        assert_accessible(page, "the second-factor code page")

        page.locator("#id_token").fill("000000")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert path_of(page) == "/login/code/"
        assert page.locator(".ds-error-summary").is_visible()
        assert_accessible(page, "the code page after a wrong code")

        time.sleep(1.1)  # a failed code throttles the device for a second
        assert second_factor_step(page, "skole", totp_book) == "verify"
        assert path_of(page) == "/cases/"
    finally:
        other.close()


def test_case_worker_pages(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    assert path_of(page) == "/cases/"
    case_links = page.locator("main ul.utvei-worklist a[href^='/cases/']")
    assert case_links.count() >= 1
    assert_accessible(page, "the dashboard (my cases)")

    page.goto("/cases/?q=berg&phase=P6&sort=name")
    assert page.locator("main ul.utvei-worklist li").count() == 1
    assert_accessible(page, "the work list searched and filtered")
    page.goto("/cases/?phase=P99")
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the work list with a refused filter")
    page.goto("/cases/week/")
    assert page.locator("main ol.utvei-week > li").count() == 7
    assert_accessible(page, "the week view")
    page.goto("/cases/calendar/")
    with page.expect_navigation():
        page.locator("main button[name=action][value=create]").click()
    assert page.locator("main .utvei-secret code").is_visible()
    assert_accessible(page, "the calendar address")
    page.goto("/cases/")

    with page.expect_navigation():
        case_links.first.click()
    assert re.fullmatch(r"/cases/\d+/", path_of(page))
    assert page.locator("main table tbody tr").count() >= 2  # the follow-up team
    assert_accessible(page, "a case page")

    page.goto("/account/")
    assert page.locator("#id_language").is_visible()
    assert_accessible(page, "my account")
    page.locator("#id_current_password").fill("not the password")
    page.locator("#id_new_password").fill("kort")
    with page.expect_navigation():
        page.locator("main button[name=action][value=password]").click()
    assert page.locator(".ds-error-summary li").count() == 2
    assert_accessible(page, "my account with a refused password change")

    response = page.goto("/cases/999999/")
    assert response is not None and response.status == 404
    assert_accessible(page, "the 404 page")

    # The dashboard again in English: both languages must pass.
    with page.expect_navigation():
        page.locator("header button[name=language][value=en]").click()
    page.goto("/cases/")
    assert _lang(page) == "en"
    assert_accessible(page, "the dashboard in English")


def test_administrator_pages(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "admin", totp_book)
    assert path_of(page) == "/admin/users/"
    usernames = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert "mentor" in usernames and "admin" in usernames
    assert "nabo" not in usernames and "politikontakt" not in usernames  # other organisations
    assert_accessible(page, "the user list")

    page.goto("/admin/users/new/")
    assert_accessible(page, "the new-user form")

    page.locator("#id_username").fill("Not Valid!")
    page.locator("#id_email").fill("not-an-address")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert path_of(page) == "/admin/users/new/"
    assert page.locator(".ds-error-summary li").count() >= 3
    assert_accessible(page, "the new-user form with errors")

    page.goto("/admin/users/")
    with page.expect_navigation():
        page.locator("main table a", has_text="mentor").click()
    assert re.fullmatch(r"/admin/users/\d+/", path_of(page))
    assert_accessible(page, "a user's page")

    page.locator("#id_new_password").fill("kort")
    with page.expect_navigation():
        page.locator("main button[name=action][value=set_password]").click()
    assert page.locator(".ds-error-summary li").count() == 1
    assert_accessible(page, "a user's page with a refused password")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the user's page scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 800})

    response = page.goto("/cases/")
    assert response is not None and response.status == 403
    assert_accessible(page, "the 403 page")


def _no_sideways_scroll(page, what: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{what} scrolls sideways at 375 px ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_audit_log_page(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "personvern", totp_book)
    assert path_of(page) == "/audit/"
    assert page.locator("main ol.utvei-log > li").count() >= 5
    assert_accessible(page, "the audit log")

    # The search by keyboard only: type the person's name, Enter submits the form.
    page.locator("#id_person").focus()
    page.keyboard.type("Jonas Berg")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sentences = page.locator("main ol.utvei-log > li strong").all_inner_texts()
    for organisation in ("Nav Demo", "Demo politidistrikt", "Demo videregående skole", "Demo helsetjeneste"):
        assert any(organisation in s and s.endswith("åpnet saken") for s in sentences), organisation
    assert_accessible(page, "the audit log searched by person")
    _no_sideways_scroll(page, "the audit log")

    page.goto("/audit/?date_from=2026-02-01&date_to=2026-01-01")
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the audit search with an error")

    with page.expect_navigation():
        page.locator("header button[name=language][value=en]").click()
    page.goto("/audit/?person=Jonas+Berg")
    assert _lang(page) == "en"
    assert page.locator("main ol.utvei-log > li strong", has_text="opened the case").count() >= 5
    assert_accessible(page, "the audit log in English")


def test_access_log_pages(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    page.goto("/cases/")
    case_link = page.locator("main li", has_text="Jonas Berg").locator("a[href^='/cases/']").first
    href = case_link.get_attribute("href")
    assert href is not None
    page.goto(href + "overview-for-the-person/")
    with page.expect_navigation():
        page.locator("main a", has_text="Tilgangslogg for personen").click()
    assert re.fullmatch(r"/cases/\d+/access-log/", path_of(page))
    assert page.locator("main ol.utvei-log > li", has_text="Nav Demo").count() >= 1
    assert_accessible(page, "the access log for the person")
    _no_sideways_scroll(page, "the access log for the person")

    with page.expect_navigation():
        page.locator("main a", has_text="Registrer et unntak").click()
    assert_accessible(page, "the exception form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary li").count() >= 3
    assert_accessible(page, "the exception form with errors")
    _no_sideways_scroll(page, "the exception form")
