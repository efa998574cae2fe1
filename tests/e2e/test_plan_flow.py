"""The individual plan in the browser: wish → plan → coordinator, goal, participant, measure, review date →
active → review meeting with a decision that adds a measure → PDF for the person, with axe-core on every
plan page (errors included); and the demo plan's pages for the coordinator."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.support import assert_accessible, login, open_tab, path_of, tr

pytestmark = pytest.mark.e2e


def _case_paths(page) -> list[str]:
    page.goto("/cases/")
    hrefs = page.locator("main a[href^='/cases/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if re.fullmatch(r"/cases/\d+/", h)))


def _submit(page, selector: str = "main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).last.click()


def _adult_case_without_plan(page) -> str:
    """Find a case the user edits whose adult person has no plan and no wish yet (case 3 in the demo)."""
    for case_path in _case_paths(page):
        response = page.goto(f"{case_path}plan/wish/")
        if response is None or response.status != 200:
            continue
        if page.locator("main .ds-alert").count() == 0:  # no minor notice, no existing plan
            return case_path
    raise AssertionError("no adult case without a plan")


def test_from_wish_to_an_active_plan_reviewed_and_handed_over_as_pdf(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "saksbehandler", totp_book)
    case_path = _adult_case_without_plan(page)
    today = timezone.localdate().isoformat()

    # The wish (R06): an empty form shows errors, then the wish is recorded.
    page.locator("#id_expressed_on").fill("")
    _submit(page)
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the wish form with errors")
    page.locator("#id_expressed_on").fill(today)
    page.locator("#id_persons_words").fill("«Ja, jeg vil ha en plan.»")
    _submit(page)
    assert path_of(page) == f"{case_path}plan/start/"
    assert_accessible(page, "the plan start page")
    _submit(page)
    plan_path = path_of(page)
    assert re.fullmatch(r"/plans/\d+/", plan_path)
    assert page.locator("main .ds-alert[data-color=warning] li").count() >= 5  # R08: what is missing
    assert_accessible(page, "a plan being prepared")

    # Coordinator (R10), period and cooperation.
    page.goto(f"{plan_path}edit/")
    assert_accessible(page, "the plan's coordinator form")
    page.locator("#id_coordinator").select_option(label="Stian Slt")
    page.locator("#id_period_start").fill(today)
    page.locator("#id_period_end").fill(f"{timezone.localdate().year + 1}-12-31")
    page.locator("#id_cooperation").fill("Samordnes med NAV.")
    _submit(page)

    page.goto(f"{plan_path}goals/new/")
    _submit(page)
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page, "the goal form with errors")
    page.locator("#id_text").fill("«Jeg vil fullføre skolen.»")
    _submit(page)

    page.goto(f"{plan_path}domains/")
    assert_accessible(page, "the resources and needs form")
    page.locator("#id_domain").select_option("education")
    page.locator("#id_needs").fill("Hjelp med lekser.")
    _submit(page)

    page.goto(f"{plan_path}participants/new/")
    assert_accessible(page, "the participant form")
    page.locator("#id_organisation").select_option(label="Demo kommune")
    page.locator("#id_legal_reference").select_option(index=1)
    page.locator("#id_responsibility").fill("Koordinering og oppfølging.")
    _submit(page)

    page.goto(f"{plan_path}measures/new/")
    assert_accessible(page, "the measure form")
    page.locator("#id_kind").select_option("education")
    page.locator("#id_title").fill("Leksehjelp")
    page.locator("#id_goal").select_option(index=1)
    page.locator("#id_provider_organisation").select_option(label="Demo kommune")
    page.locator("#id_responsible_name").fill("Leksehjelpen")
    _submit(page)

    page.goto(f"{plan_path}reviews/new/")
    assert_accessible(page, "the review date form")
    page.locator("#id_due_on").fill(today)
    _submit(page)

    _submit(page, "main form[action$='/activate/'] button")
    assert page.locator("main .ds-alert[data-color=warning] h2").count() == 0  # nothing missing any more
    assert tr(page, "Active") in page.locator("main dl").first.inner_text()
    assert_accessible(page, "an active plan")

    # A review meeting whose decision becomes a new measure.
    page.goto(f"{plan_path}meetings/new/")
    assert_accessible(page, "the team meeting form")
    page.locator("#id_held_on").fill(today)
    page.locator("#id_is_review").check()
    page.locator("#id_agenda").fill("Evaluering av planen")
    page.locator("#id_minutes").fill("Går bra på skolen.")
    _submit(page)
    assert re.fullmatch(r"/meetings/\d+/", path_of(page))
    assert_accessible(page, "a team meeting")
    page.locator("#id_text").fill("Starter med fotball.")
    page.locator("#id_owner").select_option(label="Sara Saksbehandler")
    page.locator("#id_kind").select_option("leisure")
    page.locator("#id_title").fill("Fotballag")
    page.locator("#id_provider_organisation").select_option(label="Demo kommune")
    page.locator("#id_goal").select_option(index=1)
    _submit(page)
    assert "Fotballag" in page.locator("main table").inner_text()

    page.goto(plan_path)
    assert "Fotballag" in page.locator("main").inner_text()
    page.goto(f"{plan_path}history/")
    assert page.locator("main table tbody tr").count() >= 8
    assert_accessible(page, "the plan's history")

    # The PDF for the person, in Bokmål.
    page.goto(plan_path)
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{plan_path}pdf/']").click()
    data = Path(download_info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "fullføre skolen" in text and "Fotballag" in text
    assert "Går bra på skolen" not in text  # meeting minutes stay internal


def test_the_demo_plan_pages_for_its_coordinator(axe_context, totp_book) -> None:
    page = axe_context.new_page()
    login(page, "koordinator", totp_book)
    for case_path in _case_paths(page):
        page.goto(case_path)
        if page.locator(f"nav.utvei-tabs a[href='{case_path}tab/plan/']").count() == 0:
            continue
        open_tab(page, "plan")
        link = page.locator("#plans-heading ~ p a[href^='/plans/']")
        if link.count():
            assert_accessible(page, "a plan tab with a plan")
            with page.expect_navigation():
                link.first.click()
            break
    plan_path = path_of(page)
    assert re.fullmatch(r"/plans/\d+/", plan_path)
    assert_accessible(page, "the demo plan")
    page.locator("main a[href^='/meetings/']").first.click()
    page.wait_for_load_state()
    assert page.locator("main table tbody tr").count() == 2  # the review meeting's two decisions
    assert_accessible(page, "the demo review meeting with its decisions")
    page.goto(f"{plan_path}withdraw/")
    assert_accessible(page, "the withdraw form")
    page.goto(plan_path)
    page.locator("main a[href^='/measures/']").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "the measure edit form")
    page.goto(plan_path)
    page.locator("main a[href^='/goals/']").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "the goal edit form")
    page.goto(f"{plan_path}history/?x=1")
    assert_accessible(page, "the demo plan's history")
