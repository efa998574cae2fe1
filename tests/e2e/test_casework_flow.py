"""Case work end to end: from a referral to a report of serious concern, in both languages, by keyboard, and
axe-core on every case-work page in the states a user meets them (errors included).

The server and its database are shared by the whole session, so each test finds its own case by the
person's name and asserts only on what it created itself or on the seeded demo cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.e2e.support import (
    AxeReport,
    ConsoleWatch,
    DocumentWatch,
    login,
    open_tab,
    page_language,
    path_of,
    tab_path,
    tr,
)
from utvei.accounts.models import Role
from utvei.cases.models import EscalationLevel, EscalationRecipient, Phase

pytestmark = pytest.mark.e2e

CASE_PATH = re.compile(r"/cases/(\d+)/")
TAB_SLUGS = ("overview", "conversations", "plan", "network", "sharing", "attachments")
OSLO = ZoneInfo("Europe/Oslo")


def _today() -> str:
    return datetime.now(OSLO).date().isoformat()


def _label(page: Any, choice: Any) -> str:
    """Give a model choice's label in the page's language."""
    with translation.override(page_language(page)):
        return str(choice.label)


@contextmanager
def _logged_in(browser: Any, base_url: str, username: str, totp_book: Any, *, axe: bool) -> Iterator[Any]:
    """Give a page logged in as ``username`` in a context of its own (closed afterwards)."""
    ctx = browser.new_context(base_url=base_url, locale="nb-NO", bypass_csp=axe)
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        login(page, username, totp_book)
        yield page
    finally:
        ctx.close()


def _submit(page: Any, selector: str = "main form[method=post] button[type=submit]") -> Any:
    """Click a submit button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(selector).last.click()
    return navigation.value


def _case_path(page: Any, person_name: str) -> str:
    """Find a case on the dashboard by the person's name."""
    page.goto("/cases/")
    item = page.locator("section[aria-labelledby='cases-heading'] li", has_text=person_name)
    assert item.count() >= 1, f"no case for {person_name} on the dashboard"
    href = item.locator("a").first.get_attribute("href")
    assert href and CASE_PATH.fullmatch(href), f"no case for {person_name} on the dashboard"
    return href


def _warning_rules(page: Any) -> set[str]:
    return set(page.locator("main li[data-rule]").evaluate_all("items => items.map(li => li.dataset.rule)"))


def _messages(page: Any) -> str:
    box = page.locator("main .utvei-messages")
    return box.inner_text() if box.count() else ""


def _escalation_rows(page: Any) -> list[str]:
    return page.locator("section[aria-labelledby='escalations-heading'] table tbody tr").all_inner_texts()


# ---------------------------------------------------------------------------------------------------------------
# 1. From the referral to the report of serious concern (normal context: CSP enforced)
# ---------------------------------------------------------------------------------------------------------------


def test_referral_to_escalation_flow(context: Any, browser: Any, base_url: str, totp_book: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    documents = DocumentWatch(page)
    given, family, born = "Mari", "Fjelltest", "1996-04-12"

    login(page, "saksbehandler", totp_book)
    assert path_of(page) == "/cases/"
    assert page.locator("h1").inner_text().strip() == tr(page, "My cases")

    # New referral: search before create. The invented person is not found.
    new_referral = page.locator("main a[href='/cases/referrals/new/']")
    assert new_referral.inner_text().strip() == tr(page, "New referral")
    with page.expect_navigation():
        new_referral.click()
    assert path_of(page) == "/cases/referrals/new/"
    page.locator("#id_given_name").fill(given)
    page.locator("#id_family_name").fill(family)
    page.locator("#id_birth_date").fill(born)
    response = _submit(page)
    assert response.status == 200
    no_match = tr(page, "No matching person found. Register the person and the referral below.")
    assert page.locator("main p[role=status]:not([data-autosave-status])").inner_text().strip() == no_match
    assert page.locator("main .ds-alert[role=status]").count() == 0, "an invented person must not match anyone"

    # The full form carries what was searched for; register the person and the referral.
    assert page.locator("#id_given_name").input_value() == given
    assert page.locator("#id_family_name").input_value() == family
    assert page.locator("#id_birth_date").input_value() == born
    assert page.locator("#id_acting_as").input_value(), "the acting-as select should default to a membership"
    assert page.locator("#id_national_id").input_value() == ""
    page.locator("#id_referral_source").select_option("school")
    page.locator("#id_referral_date").fill(_today())
    page.locator("#id_referral_reason").fill("Skolen melder om endret atferd og kontakt med et voldelig miljø.")
    page.locator("input[name=security_assessment][value=not_yet]").check()
    response = _submit(page)
    assert response.status == 200
    match = CASE_PATH.fullmatch(path_of(page))
    assert match, f"expected the new case page, got {page.url}"
    case_path = path_of(page)
    heading = page.locator("main h1").inner_text()
    assert f"{given} {family}" in heading
    reference = page.locator("main h1 .utvei-muted-inline").inner_text().strip()
    assert re.fullmatch(r"UTV-\d{4}-\d{4}", reference), reference
    assert reference in _messages(page)
    assert {"R01", "R03", "R35"} <= _warning_rules(page), _warning_rules(page)
    assert _label(page, Phase.P0) in page.locator("main .utvei-case-head p").inner_text()

    # Seat koordinator as exit coordinator, with a task: R01 is met.
    with page.expect_navigation():
        page.locator(f"section[aria-labelledby='team-heading'] a[href='{case_path}team/add/']").click()
    assert path_of(page) == f"{case_path}team/add/"
    exit_role = _label(page, Role.EXIT_COORDINATOR)
    options = page.locator("#id_membership option").all_inner_texts()
    wanted = [o for o in options if "Koordinator" in o and o.strip().endswith(exit_role)]
    assert len(wanted) == 1, options
    page.locator("#id_membership").select_option(label=wanted[0])
    page.locator("#id_task").fill("Koordinerer exit-arbeidet")
    _submit(page)
    assert path_of(page) == case_path
    assert "R01" not in _warning_rules(page)
    team = page.locator("section[aria-labelledby='team-heading'] tbody").inner_text()
    assert "Kari Koordinator" in team and exit_role in team and "Koordinerer exit-arbeidet" in team

    # Phases one step at a time, with the phase form: P0 → P1 → P2 → P3 (P3 needs the exit coordinator).
    for phase in (Phase.P1, Phase.P2, Phase.P3):
        page.locator("#to_phase").select_option(phase.value)
        button = page.locator(f"main form[action='{case_path}phase/'] button[type=submit]")
        assert button.inner_text().strip() == tr(page, "Change phase")
        with page.expect_navigation():
            button.click()
        assert path_of(page) == case_path
        assert _label(page, phase) in page.locator("main .utvei-case-head p").inner_text(), phase

    # A contact plan: R35 is met.
    with page.expect_navigation():
        page.locator(f"main li[data-rule=R35] a[href='{case_path}contact-plan/']").click()
    assert path_of(page) == f"{case_path}contact-plan/"
    page.locator("#id_initiator").select_option(label="Kari Koordinator")
    page.locator("#id_method").select_option("meeting")
    page.locator("#id_attendees").fill("Mari, koordinator og en lærer hun stoler på.")
    for item in ("attendees", "trusted_person", "interpreter", "meeting_place"):
        page.locator(f"input[name=checklist][value={item}]").check()
    _submit(page)
    # Saved, the plan is shown on the conversations tab; the overview no longer warns about R35.
    conversations_tab = tab_path(case_path, "conversations")
    assert path_of(page) == conversations_tab
    assert page.locator("nav.utvei-tabs a[aria-current=page]").get_attribute("href") == conversations_tab
    assert tr(page, "The contact plan is saved.") in _messages(page)
    plan = page.locator("section[aria-labelledby='contacts-heading'] dl").inner_text()
    assert "Kari Koordinator" in plan
    open_tab(page, "overview")
    assert "R35" not in _warning_rules(page)

    # The first conversation, from the conversations tab; the notes are saved as a draft while typing.
    open_tab(page, "conversations")
    with page.expect_navigation():
        page.locator(f"main a[href='{case_path}conversations/new/']").click()
    assert path_of(page) == f"{case_path}conversations/new/"
    assert page.locator("#id_held_on").input_value() == _today()
    page.locator("#id_form").select_option("meeting")
    page.locator("#id_participants").fill("Mari og koordinator")
    for name in ("told_mandate", "told_confidentiality", "told_reporting_duty"):
        page.locator(f"#id_{name}").check()
    status = page.locator("[data-autosave-status]")
    saved_text = tr(page, "Draft saved at {time}")
    page.locator("#id_notes").press_sequentially("Mari var åpen om hvorfor hun vil ut, og vil ha hjelp med skolen.")
    saved = re.compile(re.escape(saved_text).replace(re.escape("{time}"), r"\d\d:\d\d"))
    page.wait_for_function(
        "pattern => new RegExp(pattern).test(document.querySelector('[data-autosave-status]').textContent)",
        arg=saved.pattern,
        timeout=8000,
    )
    assert saved.fullmatch(status.inner_text().strip()), status.inner_text()
    response = _submit(page)
    assert response.status == 200

    # R05: sent on to the consultation, linked to the conversation, with the prompt.
    assert path_of(page) == f"{case_path}consultations/new/"
    conversation_id = re.search(r"[?&]conversation=(\d+)", page.url)
    assert conversation_id, page.url
    assert page.locator("#id_conversation").input_value() == conversation_id.group(1)
    prompt = _messages(page)
    assert tr(page, "The conversation is recorded.") in prompt
    assert (
        tr(
            page,
            "This was the first conversation. Discuss the next steps with your supervisor or a partner agency, and "
            "record the consultation below. Without consent, make it anonymised.",
        )
        in prompt
    )
    assert "R05" not in prompt
    assert page.locator("main .utvei-messages .ds-alert[data-color=warning]").count() == 0, (
        "mandate, confidentiality and duty to report were all told: no R35/utveier warning"
    )

    # An anonymised consultation: the name and birth date are removed before the summary is stored.
    page.locator("#id_consulted").select_option("supervisor")
    page.locator("#id_anonymised").check()
    page.locator("#id_summary").fill(
        f"Drøftet {given} {family} (født 12.04.1996) med veileder. {given} ønsker hjelp med skolen."
    )
    page.locator("#id_decision").fill("Fortsette samtalene hver uke.")
    _submit(page, "main form button[type=submit][value=save]")
    assert path_of(page) == conversations_tab
    assert tr(page, "The consultation is recorded.") in _messages(page)
    consultations = page.locator(
        "section[aria-labelledby='contacts-heading'] table", has_text=tr(page, "Decision")
    ).locator("tbody")
    summary = consultations.inner_text()
    assert "med veileder" in summary, summary
    assert family not in summary and given not in summary and "12.04.1996" not in summary, summary
    assert "[fjernet]" in summary
    open_tab(page, "overview")
    assert "R05" not in _warning_rules(page)

    # Report a serious concern: the red button on the case page, the 112 guidance, level and recipient only.
    escalate = page.locator(f"main .utvei-case-head a[href='{case_path}escalate/']")
    assert escalate.get_attribute("data-color") == "danger"
    assert escalate.inner_text().strip() == tr(page, "Report a serious concern")
    with page.expect_navigation():
        escalate.click()
    assert path_of(page) == f"{case_path}escalate/"
    assert page.locator("main h1").inner_text().strip() == tr(page, "Report a serious concern")
    acute = page.locator("main .ds-alert[data-color=danger]")
    assert acute.locator("h2").inner_text().strip() == tr(page, "Acute danger to life or health: call 112 now.")
    assert "112" in acute.inner_text()
    assert page.locator("main .ds-alert", has_text="13-2").count() == 0, "the child-welfare duty is for minors"
    page.locator("input[name=level][value=serious]").check()
    page.locator("#id_recipient").select_option("police_contact")
    _submit(page)
    assert path_of(page) == case_path
    assert tr(page, "The report is recorded.") in _messages(page)
    rows = _escalation_rows(page)
    assert len(rows) == 1, rows
    assert _label(page, EscalationLevel.SERIOUS) in rows[0]
    assert _label(page, EscalationRecipient.POLICE_CONTACT) in rows[0]

    documents.assert_csp_everywhere()
    assert console.csp_errors() == [], "CSP violations:\n" + "\n".join(console.csp_errors())
    assert console.errors == [], "console errors:\n" + console.report()
    assert console.failed_responses == [], console.report()

    # The minor's case (Emma Lie, as koordinator): the escalation page adds the child-welfare duty.
    other = browser.new_context(base_url=base_url, locale="nb-NO")
    try:
        minor_page = other.new_page()
        minor_console = ConsoleWatch().attach(minor_page)
        login(minor_page, "koordinator", totp_book)
        emma = _case_path(minor_page, "Emma Lie")
        minor_page.goto(emma)
        with minor_page.expect_navigation():
            minor_page.locator(f"main .utvei-case-head a[href='{emma}escalate/']").click()
        assert path_of(minor_page) == f"{emma}escalate/"
        child_welfare = minor_page.locator("main .ds-alert[data-color=warning]")
        assert child_welfare.locator("h2").inner_text().strip() == tr(
            minor_page, "The person is under 18: the duty to inform child welfare"
        )
        assert "§ 13-2" in child_welfare.inner_text()
        assert minor_page.locator("main .ds-alert[data-color=danger] h2").inner_text().strip() == tr(
            minor_page, "Acute danger to life or health: call 112 now."
        )
        assert minor_console.errors == [], minor_console.report()
    finally:
        other.close()


# ---------------------------------------------------------------------------------------------------------------
# 2. The case pages in English
# ---------------------------------------------------------------------------------------------------------------


def test_casework_in_english(context: Any, totp_book: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    login(page, "koordinator", totp_book)
    assert page_language(page) == "nb"
    switch = page.locator("header button[name=language][value=en]")
    assert switch.inner_text().strip() == "English"
    with page.expect_navigation():
        switch.click()
    assert page_language(page) == "en"
    assert path_of(page) == "/cases/"

    page.goto("/cases/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text().strip() == "My cases"
    assert page.locator("#cases-heading").inner_text().strip() == "Cases"
    assert page.locator("#tasks-heading").inner_text().strip().startswith("My tasks")

    jonas = _case_path(page, "Jonas Berg")
    page.goto(jonas)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Jonas Berg" in page.locator("main h1").inner_text()
    assert page.locator("#facts-heading").inner_text().strip() == "The case"
    assert page.locator("#team-heading").inner_text().strip() == "Follow-up team"
    assert page.locator("#escalations-heading").inner_text().strip() == "Reports of serious concern"
    assert "P6 Implementation and follow-up" in page.locator("main .utvei-case-head p").inner_text()
    assert "Exit coordinator" in page.locator("section[aria-labelledby='team-heading'] tbody").inner_text()

    with page.expect_navigation():
        page.locator(f"main .utvei-case-head a[href='{jonas}escalate/']").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text().strip() == "Report a serious concern"
    assert page.locator("main h2", has_text="Acute danger to life or health: call 112 now.").count() == 1
    assert page.locator("main label[for=id_recipient]").inner_text().strip() == "Reported to"
    assert page.locator("main button[type=submit]").last.inner_text().strip() == "Record the report"

    page.goto(f"{jonas}conversations/new/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text().strip().startswith("Record a conversation")
    assert page.locator("main label[for=id_held_on]").inner_text().strip() == "Date of the conversation"
    assert page.locator("main fieldset legend").first.inner_text().strip() == "What the person was told"
    assert page.locator("main button[type=submit]").inner_text().strip() == "Save conversation"
    assert page.locator("[data-autosave-status]").inner_text().strip() == (
        "Drafts are saved automatically while you write."
    )
    assert console.errors == [], console.report()


# ---------------------------------------------------------------------------------------------------------------
# 3. axe-core on the case-work pages
# ---------------------------------------------------------------------------------------------------------------


def test_casework_pages_are_accessible(browser: Any, base_url: str, axe_context: Any, totp_book: Any) -> None:
    axe = AxeReport()

    # The referral pages and the concerns page, as the case worker.
    with _logged_in(browser, base_url, "saksbehandler", totp_book, axe=True) as page:
        axe.check(page, "the dashboard (case worker)")
        page.goto("/cases/referrals/new/")
        axe.check(page, "the referral search page")

        page.locator("#id_given_name").fill("Ingen")
        page.locator("#id_family_name").fill("Treffesen")
        page.locator("#id_birth_date").fill("1990-01-01")
        assert _submit(page).status == 200
        assert page.locator("main p[role=status]:not([data-autosave-status])").count() == 1
        axe.check(page, "the referral form without matches")

        for selector in ("#id_given_name", "#id_family_name", "#id_birth_date"):
            page.locator(selector).fill("")
        response = _submit(page)
        assert response.status == 422
        assert page.locator(".ds-error-summary").is_visible()
        assert page.locator("#id_referral_reason").get_attribute("aria-invalid") == "true"
        # Every link of the error summary leads to a field on the page (the radio group: its first radio).
        targets = page.locator(".ds-error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert "#id_security_assessment_0" in targets, targets
        for target in targets:
            assert re.fullmatch(r"#id_\w+", target) and page.locator(target).count() == 1, target
        axe.check(page, "the referral form with errors")

        page.goto("/cases/referrals/new/")
        page.locator("#id_given_name").fill("Jonas")
        page.locator("#id_family_name").fill("Berg")
        page.locator("#id_birth_date").fill("2001-03-14")
        assert _submit(page).status == 200
        assert page.locator("main .ds-alert[role=status] li", has_text="Jonas Berg").count() == 1
        axe.check(page, "the referral form with a match")

        page.goto("/cases/concerns/")
        axe.check(page, "the concerns page")
        assert _submit(page).status == 422
        assert page.locator(".ds-error-summary").is_visible()
        axe.check(page, "the concerns page with errors")

    # The case pages and forms, as the exit coordinator.
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    axe.check(page, "the dashboard (coordinator)")
    jonas = _case_path(page, "Jonas Berg")
    emma = _case_path(page, "Emma Lie")

    page.goto(jonas)
    assert page.locator("main section h2").count() >= 5
    assert page.locator("section[aria-labelledby='team-heading'] tbody tr").count() >= 6
    axe.check(page, "Jonas's case page (coordinator)")

    page.goto(emma)
    assert page.locator("main li[data-rule=R19]").count() == 1  # under 18
    protected = tr(page, "Protected address – never shown")
    assert page.locator("section[aria-labelledby='person-heading'] dd", has_text=protected).count() == 1
    assert "Eksempelveien" not in page.locator("main").inner_text()
    axe.check(page, "Emma's case page (minor, protected address)")

    page.goto(f"{jonas}close/")
    axe.check(page, "the close-case form")
    assert _submit(page).status == 422
    assert page.locator(".ds-error-summary").is_visible()
    assert page.locator("#id_outcome").get_attribute("aria-invalid") == "true"
    axe.check(page, "the close-case form with errors")
    # Reason and outcome, but no hand-over: the service refuses, and says so at the hand-over fields too.
    page.locator("#id_reason").select_option("goals_met")
    page.locator("#id_outcome").fill("Målene er i stor grad nådd.")
    assert _submit(page).status == 422
    assert page.locator("#id_recipient_1").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_recipient_1_error").inner_text().strip() != ""
    axe.check(page, "the close-case form with a hand-over error")

    page.goto(f"{jonas}team/add/")
    assert page.locator("#id_membership option").count() >= 1
    axe.check(page, "the team form")

    page.goto(f"{jonas}tasks/new/")
    axe.check(page, "the task form")

    page.goto(f"{jonas}relapse/")
    axe.check(page, "the relapse form")

    page.goto(f"{emma}escalate/")
    assert page.locator("main .ds-alert[data-color=warning]").count() == 1  # the § 13-2 guidance
    axe.check(page, "the escalation page (minor)")
    assert _submit(page).status == 422  # no level chosen: nothing is recorded
    assert page.locator(".ds-error-summary a").get_attribute("href") == "#id_level_0"
    page.locator(".ds-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "id_level_0"
    axe.check(page, "the escalation page with errors")

    page.goto(f"{emma}contact-plan/")
    axe.check(page, "the contact plan form (minor)")

    page.goto(f"{jonas}conversations/new/")
    axe.check(page, "the conversation form")

    page.goto(f"{jonas}consultations/new/")
    axe.check(page, "the consultation form")

    # Every tab of Jonas's workspace, switched in place from the tab bar as a user does.
    page.goto(jonas)
    tabs = page.locator("nav.utvei-tabs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert tabs == [tab_path(jonas, slug) for slug in TAB_SLUGS], tabs
    for slug in TAB_SLUGS[1:]:
        open_tab(page, slug)
        axe.check(page, f"Jonas's {slug} tab (coordinator)")
    # At 375 px no tab scrolls sideways: the tab bar wraps, and a wide table scrolls inside its own box.
    viewport = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    for slug in TAB_SLUGS:
        page.goto(tab_path(jonas, slug))
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"the {slug} tab scrolls sideways at 375 px ({width} px wide)"
    page.set_viewport_size(viewport)
    open_tab(page, "conversations")
    with page.expect_navigation():
        page.locator("main a[href^='/conversations/']").first.click()
    assert re.fullmatch(r"/conversations/\d+/", path_of(page))
    axe.check(page, "a conversation")

    page.goto("/methods/")
    axe.check(page, "the conversation methods")

    # The restricted view: a team member from another organisation does not see contact details.
    with _logged_in(browser, base_url, "nav", totp_book, axe=True) as nav_page:
        nav_page.goto(jonas)
        person = nav_page.locator("section[aria-labelledby='person-heading']").inner_text()
        held_by = tr(nav_page, "Held by %(org)s. Ask the case's coordinator if you need them.", org="Demo kommune")
        assert held_by in person, person
        assert "+47" not in person and "Eksempelveien" not in person
        assert tr(nav_page, "National identity number") not in person
        facts = nav_page.locator("section[aria-labelledby='facts-heading']").inner_text()
        assert tr(nav_page, "Reason for the referral") not in facts
        assert nav_page.locator(f"main a[href='{jonas}team/add/']").count() == 0  # reads only
        axe.check(nav_page, "Jonas's case page (NAV, restricted)")
        nav_tabs = nav_page.locator("nav.utvei-tabs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for href in nav_tabs[1:]:
            slug = href.rstrip("/").rsplit("/", 1)[-1]
            open_tab(nav_page, slug)
            axe.check(nav_page, f"Jonas's {slug} tab (NAV, restricted)")

    # The SLT coordinator: why the police contact is not involved (R03), and advice on coordination.
    with _logged_in(browser, base_url, "slt", totp_book, axe=True) as slt_page:
        sander = _case_path(slt_page, "Sander Nilsen")
        slt_page.goto(sander)
        axe.check(slt_page, "Sander's case page (SLT)")
        slt_page.goto(f"{sander}police-contact/")
        assert slt_page.locator("#id_reason").count() == 1
        axe.check(slt_page, "the police-contact reason form")
        slt_page.goto(f"{sander}advice/")
        assert slt_page.locator("#id_advice").count() == 1
        axe.check(slt_page, "the SLT advice form")

    axe.assert_clean()


# ---------------------------------------------------------------------------------------------------------------
# 4. Reporting a serious concern with the keyboard only
# ---------------------------------------------------------------------------------------------------------------


def _focused(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
                           type: e.getAttribute('type'), value: e.value, href: e.getAttribute('href'),
                           checked: !!e.checked}; }"""
        )
    )


def _tab_to(page: Any, wanted: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)`` holds, and give the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {_focused(page)}")


def test_keyboard_escalation(context: Any, totp_book: Any) -> None:
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    login(page, "koordinator", totp_book)
    jonas = _case_path(page, "Jonas Berg")
    page.goto(jonas)
    before = len(_escalation_rows(page))
    reference = f"KB-{datetime.now(OSLO):%H%M%S%f}"
    keyboard = page.keyboard

    # From the top of the case page to the red button, then open it with Enter.
    _tab_to(page, lambda f: f["href"] == f"{jonas}escalate/")
    with page.expect_navigation():
        keyboard.press("Enter")
    assert path_of(page) == f"{jonas}escalate/"

    # The level: Tab into the radio group, arrow to "serious" (arrows check the radio they move to).
    first = _tab_to(page, lambda f: f["name"] == "level")
    for _ in range(3):
        if _focused(page)["value"] == "serious":
            break
        keyboard.press("ArrowDown")
    level = _focused(page)
    assert level["value"] == "serious" and level["checked"], f"from {first}: {level}"

    # The recipient: a closed select changes with the arrow keys.
    _tab_to(page, lambda f: f["id"] == "id_recipient")
    for _ in range(6):
        if _focused(page)["value"] == "pst":
            break
        keyboard.press("ArrowDown")
    assert page.locator("#id_recipient").input_value() == "pst"

    # A reference number, typed, to recognise the report; then Tab to the submit button and press Enter.
    _tab_to(page, lambda f: f["id"] == "id_reference")
    keyboard.type(reference)
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    with page.expect_navigation():
        keyboard.press("Enter")

    assert path_of(page) == jonas
    assert tr(page, "The report is recorded.") in _messages(page)
    rows = _escalation_rows(page)
    assert len(rows) == before + 1, rows
    mine = [r for r in rows if reference in r]
    assert len(mine) == 1, rows
    assert _label(page, EscalationLevel.SERIOUS) in mine[0]
    assert _label(page, EscalationRecipient.PST) in mine[0]

    # On to the conversations tab by keyboard: Tab to its link, Enter; focus lands on the new panel, so the
    # next Tab goes into the conversations, not back to the top of the page.
    open_tab(page, "conversations", keyboard=True)
    assert page.locator("#case-panel #contacts-heading").is_visible()
    keyboard.press("Tab")
    assert page.evaluate("document.getElementById('case-panel').contains(document.activeElement)"), _focused(page)
    assert console.errors == [], console.report()
