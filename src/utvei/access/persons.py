"""The person as an actor: the data subject, logged in to their own portal, never a staff user.

A :class:`PersonActor` carries the persons it speaks for (one per organisation that registered the same
identity number). Its access context has no memberships, seats, grants or role permissions, so every
staff rule answers no for it by construction; what the person may see of their own case is decided by
the rules apps register for :attr:`~utvei.access.policy.Action.OWN`, and the categories that stay with
the staff (police items, concern and security notes) by :func:`person_sees`.

A guardian of a minor logs in to the same portal as a person actor *for the child*, with the ground
:data:`GUARDIAN`: it speaks for the child's records, and ``withheld`` also names the categories that are
the young person's alone at the child's age that day (worked out by the portal on every request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

# Categories of information that never reach the person's portal: the police's items and the staff's
# concern and security assessments. Withheld, not hidden behind a flag: no rule hands them out.
WITHHELD_CATEGORIES = frozenset({"police", "concern"})

# Who the person actor is: the person themselves, or a guardian (foresatt) of a minor acting for the child.
OWN = "own"
GUARDIAN = "guardian"


@dataclass(frozen=True)
class PersonActor:
    """Describe the person logged in to the portal: the persons they are, and how they logged in."""

    person_ids: frozenset[int]
    acr: str = ""
    ground: str = OWN
    withheld: frozenset[str] = WITHHELD_CATEGORIES
    kind: ClassVar[str] = "person"

    @property
    def is_guardian(self) -> bool:
        """Tell whether a guardian acts for the child rather than the person themselves."""
        return self.ground == GUARDIAN

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


def person_sees(category: str, withheld: frozenset[str] = WITHHELD_CATEGORIES) -> bool:
    """Tell whether a category of the person's own information may be shown to them (or their guardian)."""
    return category not in WITHHELD_CATEGORIES and category not in withheld


def withheld_for(actor: object) -> frozenset[str]:
    """Give the categories the portal never shows this actor (the staff's, and for a guardian the child's own)."""
    return WITHHELD_CATEGORIES | actor.withheld if isinstance(actor, PersonActor) else WITHHELD_CATEGORIES
