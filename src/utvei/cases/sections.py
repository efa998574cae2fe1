"""The sections other apps add to the case page, in page order.

Each entry names a template and a function ``case_section(*, actor, case)`` that returns what the
template needs, already filtered by the access policy (or None to show nothing). The case page's
selector calls them inside its audited read, so the page stays one door to the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

from utvei.accounts.models import User
from utvei.cases.models import Case

SECTIONS: list[tuple[str, str]] = [
    ("plans/_case_section.html", "utvei.plans.sections.case_section"),
    ("mentoring/_case_section.html", "utvei.mentoring.sections.case_section"),
    ("network/_case_section.html", "utvei.network.sections.case_section"),
    ("sharing/_case_section.html", "utvei.sharing.sections.case_section"),
]


@dataclass(frozen=True)
class Section:
    """Hold one section of the case page: its template and its data."""

    template: str
    data: object


def case_sections(*, actor: User, case: Case) -> list[Section]:
    """Gather the sections the actor may see on the case page."""
    sections = []
    for template, provider in SECTIONS:
        data = import_string(provider)(actor=actor, case=case)
        if data is not None:
            sections.append(Section(template, data))
    return sections
