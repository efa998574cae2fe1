"""The sharing tab of the case: consents in force, notices, and what exists but is not shown (ask the owner)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from utvei.access import policy
from utvei.access.categories import Category, Field
from utvei.access.engine import Ground
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case
from utvei.sharing.models import (
    Consent,
    ConsentNotice,
    Disclosure,
)
from utvei.sharing.selectors._common import ConsentChain, _chains, _organisations_by_id, _seat_orgs

if TYPE_CHECKING:
    pass


# --- the case section -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withheld:
    """Say that items of one category, owned by one organisation, exist but are not shown."""

    category: str
    owner: str
    count: int


@dataclass
class SharingSection:
    """Hold the sharing section of the case page."""

    case: CaseCard
    in_force: list[ConsentChain]
    withheld: list[Withheld]
    notices: list[ConsentNotice]
    disclosure_count: int
    can_share: bool
    can_overview: bool


def withheld_items(*, actor: User, case: Case) -> list[Withheld]:
    """Count, per category and owner, the items of the case the engine does not show the actor.

    Only counts, categories and owners, never an item's content ("ask the owner"). One query over every
    model whose rows are items of a case, grouped by owner and category; whether a group is shown is the
    engine's category decision, so it cannot disagree with what the pages show.
    """
    ctx = policy.context(actor)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for label, owner_id, category, count in policy.case_item_counts(case.pk):
        if ctx.item_ground(case_id=case.pk, owner_id=owner_id, category=category, label=label) is None:
            counts[(category, owner_id)] += count
    organisations = _organisations_by_id()
    labels = dict(Category.choices)
    return [
        Withheld(category=str(labels.get(category, category)), owner=organisations[owner].name, count=count)
        for (category, owner), count in sorted(counts.items())
        if owner in organisations
    ]


def sharing_section(*, actor: User, case: Case) -> SharingSection | None:
    """Gather the case's sharing tab (inside the tab's audited read); None for a narrow seat (R26)."""
    if Field.CONSENTS not in policy.fields(actor, "case", case):
        return None
    today = timezone.localdate()
    current = list(
        policy.scope(actor, Action.VIEW, Consent.objects.current(today).filter(person_id=case.person_id)).order_by(
            "valid_to", "pk"
        )
    )
    chains = _chains(current, seat_orgs=_seat_orgs(actor, case), case_open=case.is_open, today=today)
    notices = list(
        policy.scope(
            actor,
            Action.VIEW,
            ConsentNotice.objects.filter(
                consent__person_id=case.person_id, created_at__gte=timezone.now() - timedelta(days=60)
            ),
        )
        .select_related("consent", "organisation")
        .order_by("-created_at")[:10]
    )
    disclosures = policy.scope(actor, Action.VIEW, Disclosure.objects.filter(person_id=case.person_id))
    policy.context(actor).note(case.pk, [Field.CONSENTS, Field.DISCLOSURES], [Ground.SEAT])
    return SharingSection(
        case=case_card(case),
        in_force=chains,
        withheld=withheld_items(actor=actor, case=case),
        notices=notices,
        disclosure_count=disclosures.count(),
        can_overview=policy.can(actor, Action.EXPORT, case),
        can_share=policy.can(actor, Action.DISCLOSE, case),
    )


def sees_sharing(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the sharing tab is offered: not to a narrow seat (R26),
    nor to a break-glass reader (consents are acted on by seats only)."""
    return policy.context(actor).case_ground(case.pk) == Ground.SEAT
