"""The network section of the case page (registered in utvei.cases.sections)."""

from __future__ import annotations

from utvei.accounts.models import User
from utvei.cases.models import Case


def case_section(*, actor: User, case: Case) -> object | None:
    """This function will gather what the case page shows of this app for the actor (None: nothing)."""
    return None
