"""Giving, using and withdrawing a consent in the browser (issue 5): the coordinator gives a consent that
shares the municipality's conversations with NAV, NAV's team member sees them, the coordinator withdraws
it and NAV no longer sees them, at once. axe-core runs on every sharing page, errors included."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.support import AxeReport, login, open_tab, path_of, tr

pytestmark = pytest.mark.e2e

CASE_PATH = re.compile(r"/cases/\d+/")


def _case(page: Any, name: str) -> str:
    page.goto("/cases/")
    item = page.locator("section[aria-labelledby='cases-heading'] li", has_text=name)
    href = item.locator("a").first.get_attribute("href")
    assert href and CASE_PATH.fullmatch(href), f"no case for {name} on the dashboard"
    return str(href)


def _conversation_links(page: Any, case_path: str) -> int:
    """Count the conversations a user can open from the case's conversations tab (reached from the case page)."""
    page.goto(case_path)
    open_tab(page, "conversations")
    return int(page.locator("main a[href^='/conversations/']").count())


def test_give_use_and_withdraw_a_consent(axe_context: Any, context: Any, totp_book: Any) -> None:
    axe = AxeReport()
    coordinator = axe_context.new_page()
    login(coordinator, "koordinator", totp_book)
    jonas = _case(coordinator, "Jonas Berg")
    nav = context.new_page()
    login(nav, "nav", totp_book)
    assert _conversation_links(nav, jonas) == 0, "NAV must not see the municipality's conversations yet"

    # The sharing tab leads to the consent page; the demo consents are listed there.
    coordinator.goto(jonas)
    open_tab(coordinator, "sharing")
    section = coordinator.locator("section[aria-labelledby='sharing-heading']")
    assert "Nav Demo" in section.inner_text()
    axe.check(coordinator, "the sharing tab")
    with coordinator.expect_navigation():
        section.get_by_role("link", name=tr(coordinator, "Consents"), exact=True).click()
    assert path_of(coordinator) == f"{jonas}consents/"
    axe.check(coordinator, "the consent list")

    with coordinator.expect_navigation():
        coordinator.locator("main a[href$='/consents/new/']").click()
    axe.check(coordinator, "the consent form")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    assert coordinator.locator(".ds-error-summary").is_visible()
    axe.check(coordinator, "the consent form with errors")

    form = coordinator.locator("main form")
    form.get_by_label("Nav Demo", exact=True).check()
    form.get_by_label(tr(coordinator, "Conversations"), exact=True).check()
    coordinator.locator("#id_purpose").select_option("coordination")
    form.get_by_label(tr(coordinator, "Written"), exact=True).check()
    coordinator.locator("#id_evidence_note").fill("Signert skjema i arkivet.")
    coordinator.locator("#id_how_informed").fill("Gikk gjennom hva som deles og med hvem.")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    assert path_of(coordinator) == f"{jonas}consents/"
    assert tr(coordinator, "The consent is recorded.") in coordinator.locator("body").inner_text()

    # NAV now sees the conversations, on the very next page.
    assert _conversation_links(nav, jonas) >= 1

    # The sharing decision, the disclosure list and the person's overview are accessible too.
    coordinator.goto(f"{jonas}share/")
    axe.check(coordinator, "the sharing page")
    share = coordinator.locator("main form")
    coordinator.locator("#id_recipient").select_option(label="Nav Demo")
    share.get_by_label(tr(coordinator, "Conversations"), exact=True).check()
    coordinator.locator("#id_purpose").select_option("coordination")
    share.get_by_label(tr(coordinator, "No: the recipient needs to know who it is"), exact=True).check()
    # What the page knows from the records is shown, not asked.
    assert coordinator.locator("[data-derived]").is_visible()
    with coordinator.expect_navigation():
        coordinator.locator("main form button[value=check]").click()
    assert coordinator.locator("[data-allowed=yes]").is_visible()
    axe.check(coordinator, "the sharing page with an allowed decision")
    coordinator.locator("#id_content_summary").fill("Kort om samtalene.")
    coordinator.locator("#id_person_informed").check()
    with coordinator.expect_navigation():
        coordinator.locator("main form button[value=record]").click()
    assert path_of(coordinator) == f"{jonas}disclosures/"
    assert "Kort om samtalene." in coordinator.locator("main").inner_text()
    axe.check(coordinator, "the disclosure list")
    coordinator.goto(f"{jonas}overview-for-the-person/")
    axe.check(coordinator, "the overview for the person")

    # Withdraw: a confirmation page, then the consent stops applying at once.
    coordinator.goto(f"{jonas}consents/")
    card = coordinator.locator("main article", has_text=tr(coordinator, "Conversations")).filter(
        has=coordinator.locator("[data-status=in_force]")
    )
    with coordinator.expect_navigation():
        card.locator("a[href$='/withdraw/']").first.click()
    axe.check(coordinator, "the withdrawal confirmation")
    coordinator.locator("#id_confirm").check()
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    assert path_of(coordinator) == f"{jonas}consents/"
    assert _conversation_links(nav, jonas) == 0, "after withdrawal NAV must no longer see the conversations"
    nav.goto(jonas)
    open_tab(nav, "sharing")
    assert nav.locator("[data-notice=withdrawn]").count() >= 1

    # A report of concern about a minor asks which child-welfare conditions a–d apply.
    emma = _case(coordinator, "Emma Lie")
    coordinator.goto(f"{emma}escalate/")
    assert coordinator.locator("input[name=child_welfare_conditions]").count() == 4
    axe.check(coordinator, "the report of concern for a minor")
    # Made in haste and completed later, with its history.
    coordinator.locator("input[name=level]").first.check()
    coordinator.locator("#id_recipient").select_option("pst")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    coordinator.goto(f"{emma}disclosures/")
    with coordinator.expect_navigation():
        coordinator.locator("main a[href*='/reports/']").first.click()
    axe.check(coordinator, "the completion of a report")
    coordinator.locator("#id_reference").fill("PST-1")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").click()
    assert path_of(coordinator) == f"{emma}disclosures/"
    axe.assert_clean()
