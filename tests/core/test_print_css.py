"""The print stylesheet: linked on every page for print only, and its rules for the case, plan and network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.plans.models import Plan

PRINT_CSS = Path(__file__).resolve().parents[2] / "src" / "utvei" / "core" / "static" / "utvei" / "print.css"


def _print_rules() -> str:
    css = re.sub(r"/\*.*?\*/", "", PRINT_CSS.read_text(encoding="utf-8"), flags=re.S)
    match = re.search(r"@media print\s*\{(.*)\}\s*$", css, re.S)
    assert match, "the print rules sit in @media print"
    return match.group(1)


@pytest.mark.django_db
def test_the_case_plan_and_network_pages_link_the_print_stylesheet(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["koordinator"])
    case = Case.objects.get(person__given_name="Jonas")
    pages = [
        reverse("cases:detail", kwargs={"case_id": case.pk}),
        reverse("plans:detail", kwargs={"plan_id": Plan.objects.get(case=case).pk}),
        reverse("network:map", kwargs={"case_id": case.pk}),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert re.search(r'<link rel="stylesheet" href="/static/utvei/print\.css" media="print">', body), url


def test_print_hides_navigation_tabs_and_controls() -> None:
    rules = _print_rules()
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none\s*!important;\s*\}", rules)
    assert hidden is not None
    selectors = {s.strip() for s in hidden.group(1).split(",")}
    assert {".utvei-header", "nav", ".utvei-tabs", "button", ".ds-button", "form", ".ds-skip-link"} <= selectors


def test_print_is_black_on_white_and_shows_what_scrolls_on_screen() -> None:
    rules = _print_rules()
    assert re.search(r"color:\s*#000\s*!important", rules) and re.search(r"background:\s*#fff\s*!important", rules)
    assert re.search(r"\.utvei-table-scroll\s*\{\s*overflow:\s*visible", rules)


def test_print_names_the_address_of_outside_links_only() -> None:
    rules = _print_rules()
    assert re.search(r'a\[href\^="/"\]::after[^{]*\{\s*content:\s*none', rules)
    assert re.search(r'a\[href\^="http"\]::after\s*\{\s*content:\s*" \(" attr\(href\) "\)"', rules)
