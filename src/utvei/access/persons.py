"""The person as an actor: the data subject, logged in to their own portal, never a staff user.

A :class:`PersonActor` carries the persons it speaks for (one per organisation that registered the same
identity number). Its access context has no memberships, seats, grants or role permissions, so every
staff rule answers no for it by construction; what the person may see of their own case is decided by
the rules apps register for :attr:`~utvei.access.policy.Action.OWN`, and the categories that stay with
the staff (police items, concern and security notes) by :func:`person_sees`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

# Categories of information that never reach the person's portal: the police's items and the staff's
# concern and security assessments. Withheld, not hidden behind a flag: no rule hands them out.
WITHHELD_CATEGORIES = frozenset({"police", "concern"})


@dataclass(frozen=True)
class PersonActor:
    """Describe the person logged in to the portal: the persons they are, and how they logged in."""

    person_ids: frozenset[int]
    acr: str = ""
    kind: ClassVar[str] = "person"

    @property
    def pk(self) -> int:
        """Give 0: a person actor has no user key, and no staff rule may match it by one."""
        return 0

    @property
    def is_authenticated(self) -> bool:
        """Tell whether the actor speaks for at least one person."""
        return bool(self.person_ids)

    @property
    def is_active(self) -> bool:
        """Say yes: a portal session that exists is in force (it ends by its own expiry)."""
        return True


def is_person(actor: object) -> bool:
    """Tell whether the actor is the person rather than a staff user."""
    return isinstance(actor, PersonActor)


def person_sees(category: str) -> bool:
    """Tell whether a category of the person's own information may be shown to them."""
    return category not in WITHHELD_CATEGORIES
