"""The sharing section of the case page (registered in utvei.cases.sections)."""

from __future__ import annotations

from utvei.accounts.models import Role, User
from utvei.cases.models import Case
from utvei.sharing.selectors import SharingSection, sharing_section


def case_section(*, actor: User, case: Case) -> SharingSection | None:
    """Gather the consents in force, what is withheld from the actor, and notices to them.

    It runs inside the case page's audited read, for an actor already allowed to see the case.
    """
    if set(case.team.filter(user=actor, left_at__isnull=True).values_list("role", flat=True)) == {Role.MENTOR}:
        return None  # a mentor sees only what the mentor agreement opens, not the person's consents (R26)
    return sharing_section(actor=actor, case=case)
