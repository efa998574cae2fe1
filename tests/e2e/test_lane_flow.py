"""The whole team works in Utvei, in the browser (the done-means of the team issue), in one flow:

1. NAV reports progress on its measure with the keyboard alone;
2. the coordinator finds it in the inbox;
3. the police contact opens the report it received and records the outcome and the police reference;
4. the coordinator corrects a team seat;
5. the coordinator finds the case by the person's name from the work list;
6. the coordinator attaches the signed consent.

axe-core runs on every new page and state."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import assert_accessible, login, open_tab, path_of, tr

pytestmark = pytest.mark.e2e

OSLO = ZoneInfo("Europe/Oslo")
CASE_PATH = re.compile(r"/cases/\d+/")


def _new_page(browser: Any, base_url: str) -> Any:
    # A context of its own per user (separate cookies), CSP bypassed so axe-core can be injected.
    context = browser.new_context(base_url=base_url, locale="nb-NO", bypass_csp=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def _case_path(page: Any, person_name: str) -> str:
    page.goto("/cases/")
    item = page.locator("section[aria-labelledby='cases-heading'] li", has_text=person_name)
    href = item.locator("a").first.get_attribute("href")
    assert href and CASE_PATH.fullmatch(href), f"no case for {person_name} on the work list"
    return href


def _focused(page: Any) -> dict[str, Any]:
    script = """() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'), type: e.getAttribute('type'),
                value: e.value, inForm: !!e.closest('main form')}; }"""
    return dict(page.evaluate(script))


def _tab_to(page: Any, wanted: Any, limit: int = 80) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {_focused(page)}")


def _fits_375(page: Any, what: str) -> None:
    """Check the page does not scroll sideways on a 375 px wide screen, then give it its width back."""
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{what} scrolls sideways at 375 px ({width} px wide)"
    page.set_viewport_size(size)


def _enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _submit_by_keyboard(page: Any) -> None:
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit" and f["inForm"])
    _enter_and_wait(page)


def test_done_the_whole_team_flow_from_nav_to_the_signed_consent(browser: Any, base_url: str, totp_book: Any) -> None:
    note = f"Møtt hver dag denne uka ({datetime.now(OSLO):%H%M%S%f})."

    # 1. NAV, keyboard only: the plan tab, its own measure, an invalid report, then a status and a note.
    nav = _new_page(browser, base_url)
    login(nav, "nav", totp_book)
    jonas = _case_path(nav, "Jonas Berg")
    nav.goto(jonas)
    open_tab(nav, "plan", keyboard=True)
    link = nav.locator("#provided-measures a", has_text="Arbeidstrening")
    progress_path = link.get_attribute("href")
    assert progress_path and re.fullmatch(r"/measures/\d+/progress/", progress_path)
    assert_accessible(nav, "the plan tab with the measures NAV provides")
    _tab_to(nav, lambda f: f["href"] == progress_path)
    _enter_and_wait(nav)
    assert path_of(nav) == progress_path
    assert_accessible(nav, "the measure's progress page")
    status_before = nav.locator("#id_status").input_value()

    _submit_by_keyboard(nav)  # the status unchanged and no note: refused, every error shown
    assert nav.locator(".ds-error-summary").is_visible()
    assert tr(nav, "Change the status or write a progress note.") in nav.locator("main").inner_text()
    assert_accessible(nav, "the progress form with errors")

    _tab_to(nav, lambda f: f["id"] == "id_status")
    nav.keyboard.press("ArrowDown")
    status_now = nav.locator("#id_status").input_value()
    assert status_now != status_before
    _tab_to(nav, lambda f: f["id"] == "id_note")
    nav.keyboard.type(note)
    _submit_by_keyboard(nav)
    assert path_of(nav) == progress_path
    assert (
        tr(nav, "The progress report is saved. The plan coordinator has been told.") in nav.locator("main").inner_text()
    )
    history = nav.locator("#progress-history li").first.inner_text()
    assert note in history and "Nina Nav" in history
    assert_accessible(nav, "the progress page after a report")
    _fits_375(nav, "the progress page")

    # NAV also records a conversation of its own on the case; it shows on the conversations tab.
    nav.goto(jonas)
    open_tab(nav, "conversations")
    with nav.expect_navigation():
        nav.locator(f"#case-panel a[href='{jonas}notes/new/']").click()
    assert_accessible(nav, "the new-note page")
    nav.locator("#id_text").fill(f"Samtale om oppmøte ({note[-12:]})")
    with nav.expect_navigation():
        nav.locator("main form button[type=submit]").click()
    assert note[-12:] in nav.locator("#case-notes").inner_text()
    assert_accessible(nav, "the conversations tab with NAV's note")

    # 2. The coordinator finds it in the inbox.
    coordinator = _new_page(browser, base_url)
    login(coordinator, "koordinator", totp_book)
    coordinator.goto("/notifications/")
    told = coordinator.locator(
        "main ul.utvei-log li", has_text=tr(coordinator, "A partner reported progress on a measure")
    )
    assert told.count() >= 1
    assert told.first.locator(".ds-tag").count() == 1  # unread
    assert_accessible(coordinator, "the coordinator's inbox with the progress notification")

    # The coordinator reports a serious concern to the police contact on the team.
    coordinator.goto(f"{jonas}escalate/")
    coordinator.locator("input[name=level][value=serious]").check()
    coordinator.locator("#id_recipient").select_option("police_contact")
    coordinator.locator("#id_summary").fill(f"Tidligere venn fra miljøet har tatt kontakt ({note[-12:]})")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").last.click()
    assert path_of(coordinator) == jonas

    # 3. The police contact: the task on the work list, the report on the case, the outcome and the reference.
    police = _new_page(browser, base_url)
    login(police, "politikontakt", totp_book)
    police.goto("/cases/")
    task_title = tr(police, "Answer the report of serious concern: record the outcome and the police reference")
    assert task_title in police.locator("section[aria-labelledby='tasks-heading']").inner_text()
    police.goto(jonas)
    reports = police.locator("section[aria-labelledby='escalations-heading'] a[href^='/cases/reports/']")
    report_link = reports.first  # the newest report comes first
    report_path = report_link.get_attribute("href")
    with police.expect_navigation():
        report_link.click()
    assert path_of(police) == report_path
    assert note[-12:] in police.locator("#report-facts").inner_text()
    assert_accessible(police, "the report page for the police contact")
    reference = f"PO-{datetime.now(OSLO):%H%M%S}"
    police.locator("#id_outcome").select_option("followed_up")
    police.locator("#id_police_reference").fill(reference)
    with police.expect_navigation():
        police.locator("main form button[type=submit]").click()
    assert path_of(police) == report_path
    answer = police.locator("#report-receipts li").first.inner_text()
    assert reference in answer and tr(police, "Followed up by the police") in answer
    assert_accessible(police, "the report page with the police's answer")
    _fits_375(police, "the report page")

    # The reporting municipality sees the answer, without the form.
    coordinator.goto(report_path)
    assert reference in coordinator.locator("#report-receipts").inner_text()
    assert coordinator.locator("#id_outcome").count() == 0

    # 4. The coordinator corrects a team seat: a new agreed task for the first seat, kept with its history.
    coordinator.goto(jonas)
    seat_link = coordinator.locator("section[aria-labelledby='team-heading'] a[href^='/cases/team/'][href$='/task/']")
    seat_path = seat_link.first.get_attribute("href")
    with coordinator.expect_navigation():
        seat_link.first.click()
    assert path_of(coordinator) == seat_path
    assert_accessible(coordinator, "the team seat page")
    task = f"Følger opp skole og arbeid ({note[-12:]})"
    coordinator.locator("#id_task").fill(task)
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]", has_text=tr(coordinator, "Save")).first.click()
    assert path_of(coordinator) == jonas
    assert task in coordinator.locator("section[aria-labelledby='team-heading']").inner_text()

    # 5. The coordinator finds the case by the person's name from the work list.
    coordinator.goto("/cases/")
    coordinator.locator("#id_q").fill("Berg")
    with coordinator.expect_navigation():
        coordinator.locator("#id_q").press("Enter")
    assert "q=Berg" in coordinator.url
    hits = coordinator.locator("section[aria-labelledby='cases-heading'] li", has_text="Jonas Berg")
    assert hits.count() == 1
    assert_accessible(coordinator, "the work list with a search by name")
    with coordinator.expect_navigation():
        hits.first.locator("a").first.click()
    assert path_of(coordinator) == jonas

    # 6. The coordinator attaches the signed consent to the consent it belongs to.
    coordinator.goto(f"{jonas}attachments/new/")
    assert_accessible(coordinator, "the attachment page")
    consent_option = coordinator.locator("#id_target option[value^='consent:']").first
    coordinator.locator("#id_target").select_option(consent_option.get_attribute("value"))
    signed = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    file_name = f"signert-samtykke-{note[-8:-1]}.pdf"
    upload = {"name": file_name, "mimeType": "application/pdf", "buffer": signed}
    coordinator.locator("#id_file").set_input_files(upload)
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    coordinator.goto(f"{jonas}tab/attachments/")
    listed = coordinator.locator("section[aria-labelledby='attachments-heading']").inner_text()
    assert file_name in listed
    assert_accessible(coordinator, "the attachments tab with the signed consent")
