"""The mentoring flow in the browser, with axe-core on every mentoring page: register a mentor, assign one
with an agreement, the mentor logs in and sees only the agreed parts (R26), a konfliktråd referral with
consent that moves to "held" (R25)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import assert_accessible, login, open_tab, path_of, tab_path

pytestmark = pytest.mark.e2e


def _case_of(page, family_name: str) -> str:
    page.goto("/cases/")
    link = page.locator("main li", has_text=family_name).locator("a[href^='/cases/']").first
    return str(link.get_attribute("href"))


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_register_assign_refer_and_the_mentors_narrow_view(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)

    # The register: an external mentor is added (an empty form first shows the error summary).
    page.goto("/mentors/")
    assert "Mona Mentor" in page.locator("main table").inner_text()
    assert_accessible(page, "the mentor register")
    page.goto("/mentors/new/")
    assert_accessible(page, "the add-mentor form")
    _submit(page)
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the add-mentor form with errors")
    page.locator("#id_name").fill("Eva Ekstern")
    page.locator("#id_scheme").select_option("correctional")
    page.locator("#id_training").select_option("rvts")
    page.locator("#id_trained_on").fill("2025-05-02")
    _submit(page)
    assert path_of(page) == "/mentors/" and "Eva Ekstern" in page.locator("main table").inner_text()
    page.locator("main a[href$='/edit/']").first.click()
    page.wait_for_url(re.compile(r"/mentors/\d+/edit/$"))
    assert_accessible(page, "the edit-mentor form")

    # Matching: the external mentor on case 1, with an agreement on goals only.
    case_path = _case_of(page, "Berg")
    page.goto(case_path)
    open_tab(page, "plan")
    assert page.locator("#mentoring-heading").is_visible()
    assert_accessible(page, "the plan tab with the mentoring section")
    page.goto(f"{case_path}mentor/")
    assert_accessible(page, "the assign-mentor form")
    eva = page.locator("#id_mentor option", has_text="Eva Ekstern").get_attribute("value")
    page.locator("#id_mentor").select_option(str(eva))
    page.locator("#id_frequency").select_option("monthly")
    page.locator("#id_share_goals").check()
    _submit(page)
    assert re.fullmatch(r"/mentor-assignments/\d+/", path_of(page))
    assert_accessible(page, "a mentor assignment")
    page.locator("main a[href$='/end/']").click()
    page.wait_for_url(re.compile(r"/end/$"))
    assert_accessible(page, "the end-assignment form")

    # The konfliktråd: refused without every party's consent, then referred and held.
    page.goto(f"{case_path}konfliktrad/")
    assert_accessible(page, "the konfliktråd referral form")
    page.locator("#id_konfliktraad").fill("Konfliktrådet i Demo")
    page.locator("#id_person_consented").check()
    _submit(page)
    assert page.locator(".ds-error-summary").is_visible()
    assert "Alle andre parter må samtykke" in page.locator(".ds-error-summary").inner_text()
    assert_accessible(page, "the konfliktråd referral form with errors")
    page.locator("#id_person_consented").check()
    page.locator("#id_parties_consented").check()
    _submit(page)
    plan_tab = tab_path(case_path, "plan")
    assert path_of(page) == plan_tab
    page.locator("main a[href*='/konfliktrad/'][href$='/status/']").last.click()
    page.wait_for_url(re.compile(r"/status/$"))
    assert_accessible(page, "the restorative status form")
    page.locator("#id_status").select_option("held")
    _submit(page)
    assert path_of(page) == plan_tab
    assert "Møtet er holdt" in page.locator("#mentoring-heading").locator("xpath=..").inner_text()
    open_tab(page, "conversations")
    conversation_links = page.locator("main a[href^='/conversations/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert conversation_links, "the coordinator sees the demo conversation"

    # The mentor (demo agreement: contact details and goals) sees exactly that, and no conversation.
    with page.expect_navigation():
        page.locator("header form[action='/logout/'] button").click()
    mentor_page = page
    login(mentor_page, "mentor", totp_book)
    mentor_page.goto("/mentees/")
    assert_accessible(mentor_page, "my mentees")
    mentor_page.locator("main a[href^='/mentees/']").first.click()
    mentor_page.wait_for_url(re.compile(r"/mentees/\d+/$"))
    main = mentor_page.locator("main").inner_text()
    assert "+47 90 00 00 00" in main
    assert "Ikke delt med mentoren." in main  # the measures
    assert_accessible(mentor_page, "the mentee page")
    mentor_page.locator("main a[href$='/log/new/']").click()
    mentor_page.wait_for_url(re.compile(r"/log/new/$"))
    assert_accessible(mentor_page, "the mentor log form")
    mentor_page.locator("#id_duration").select_option("short")
    mentor_page.locator("#id_activity").select_option("talk")
    mentor_page.locator("#id_note").fill("Kaffe.")
    _submit(mentor_page)
    assert re.fullmatch(r"/mentees/\d+/", path_of(mentor_page))
    assert "Kaffe." in mentor_page.locator("main table").inner_text()
    # On the case itself the mentor is offered the overview and the plan tab only, and finds no conversation;
    # the other tabs, typed in, are not found.
    mentor_page.goto(case_path)
    offered = mentor_page.locator("nav.utvei-tabs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert offered == [case_path, tab_path(case_path, "plan")], offered
    assert mentor_page.locator("main a[href^='/conversations/']").count() == 0
    open_tab(mentor_page, "plan")
    assert mentor_page.locator("main a[href^='/conversations/']").count() == 0
    assert_accessible(mentor_page, "the plan tab (mentor)")
    for slug in ("conversations", "network", "sharing", "attachments"):
        response = mentor_page.goto(tab_path(case_path, slug))
        assert response is not None and response.status == 404, slug
    response = mentor_page.goto(conversation_links[0])
    assert response is not None and response.status == 404
