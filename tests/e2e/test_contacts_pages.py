"""axe-core on the contacts pages (contact plan, conversation, consultation, methods), errors included, and
the conversation form's autosave under the real CSP."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import ConsoleWatch, assert_accessible, login, open_tab, path_of

pytestmark = pytest.mark.e2e


def _first_case(page) -> str:
    page.goto("/cases/")
    hrefs = page.locator("main a[href^='/cases/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    case_path = next(h for h in hrefs if re.fullmatch(r"/cases/\d+/", h))
    page.goto(case_path)
    return case_path


def test_contacts_pages_are_accessible(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    case_path = _first_case(page)

    page.goto(f"{case_path}contact-plan/")
    assert page.locator("main fieldset legend").count() >= 1
    assert_accessible(page, "the contact plan form")
    page.locator("#id_initiator").select_option(index=0)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the contact plan form with errors")

    page.goto(f"{case_path}conversations/new/")
    assert page.locator("main details").count() >= 3  # the method guidance
    assert_accessible(page, "the new-conversation form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the new-conversation form with errors")

    page.locator("#id_participants").fill("Koordinator og personen")
    page.locator("#id_notes").fill("Rolig samtale om skole og venner.")
    with page.expect_navigation():
        page.locator("main form button[type=submit][data-variant=primary]").click()
    if path_of(page).endswith("/consultations/new/"):  # the first conversation of the case (R05)
        assert_accessible(page, "the consultation form after the first conversation")
    page.goto(f"{case_path}consultations/new/")
    assert_accessible(page, "the new-consultation form")
    page.locator("#id_anonymised").check()
    page.locator("#id_summary").fill("Drøftet en ung person med tvil om miljøet.")
    page.locator("#id_decision").fill("Fortsette samtalene.")
    with page.expect_navigation():
        page.locator("main form button[value=preview]").click()
    assert "tvil om miljøet" in page.locator("main").inner_text()
    assert_accessible(page, "the consultation preview")

    page.goto(case_path)
    assert_accessible(page, "a case page with conversations")
    open_tab(page, "conversations")
    assert page.locator("#contacts-heading").is_visible()
    assert_accessible(page, "the conversations tab")
    with page.expect_navigation():
        page.locator("main a[href^='/conversations/']").first.click()
    assert re.fullmatch(r"/conversations/\d+/", path_of(page))
    assert_accessible(page, "a conversation")

    page.goto("/methods/")
    assert page.locator("main h2").count() >= 3
    assert_accessible(page, "the conversation methods")


def test_conversation_form_autosaves_under_the_csp(context, totp_book) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    login(page, "koordinator", totp_book)
    case_path = _first_case(page)
    page.goto(f"{case_path}conversations/new/")
    page.locator("#id_notes").fill("Et utkast som ikke må gå tapt.")
    page.wait_for_function(
        "() => /\\d\\d:\\d\\d/.test(document.querySelector('[data-autosave-status]').textContent)", timeout=8000
    )
    page.reload()
    page.wait_for_function("() => document.querySelector('#id_notes').value.length > 0", timeout=8000)
    assert page.locator("#id_notes").input_value() == "Et utkast som ikke må gå tapt."
    assert console.csp_errors() == [], console.report()
