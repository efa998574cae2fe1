"""The network section of the case page (registered in utvei.cases.sections)."""

from __future__ import annotations

from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.network.selectors import section_for_case


def case_section(*, actor: User, case: Case) -> object | None:
    """Gather what the case page shows of the network for the actor (None: nothing)."""
    return section_for_case(actor=actor, case=case)
