"""The mentoring section of the case page (registered in utvei.cases.sections)."""

from __future__ import annotations

from utvei.accounts.models import User
from utvei.cases.models import Case


def case_section(*, actor: User, case: Case) -> object | None:
    """Gather the mentor assignments and restorative processes the actor may see (None:
    nothing to show and nothing the actor could start)."""
    from utvei.mentoring.selectors import mentoring_for_case

    section = mentoring_for_case(actor=actor, case=case)
    if not (section.assignments or section.referrals or section.can_assign):
        return None
    return section
