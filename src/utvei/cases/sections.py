"""The case as a workspace: tabs that other apps fill by registering sections, and facts for the warnings.

A case app registers, from its ``AppConfig.ready``, a section for a tab (a template and a provider
``provider(*, actor, case)`` that returns the section's data, already filtered by the access policy, or
None to show nothing) and may contribute facts to the overview's rule warnings (``facts(*, actor,
case)`` returning a mapping of fact names to values). The cases app never imports them: the registry
is filled by the apps themselves. A tab the actor would see nothing on is not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import User
from utvei.cases.models import Case

SectionProvider = Callable[..., object | None]
FactsProvider = Callable[..., Mapping[str, object]]
# Whether the actor could see anything of a section, answered from the access context alone (no query).
VisibleCheck = Callable[..., bool]


@dataclass(frozen=True)
class Tab:
    """Name one tab of the case workspace: its slug in the URL and its label."""

    slug: str
    label: str | Promise


OVERVIEW = Tab("overview", _("Overview"))
TABS: tuple[Tab, ...] = (
    OVERVIEW,
    Tab("conversations", _("Conversations")),
    Tab("plan", _("Plan")),
    Tab("network", _("Network")),
    Tab("sharing", _("Sharing")),
    Tab("attachments", _("Attachments")),
)


@dataclass(frozen=True)
class SectionEntry:
    """Hold one registered section: the tab it belongs to, its place there, its template and provider."""

    tab: str
    order: int
    template: str
    provider: SectionProvider
    visible: VisibleCheck


@dataclass(frozen=True)
class Section:
    """Hold one section of a tab as rendered: its template and its data."""

    template: str
    data: object


_sections: list[SectionEntry] = []
_facts: list[FactsProvider] = []


def _always(*, actor: User, case: Case) -> bool:
    return True


def register_section(
    *, tab: str, order: int, template: str, provider: SectionProvider, visible: VisibleCheck = _always
) -> None:
    """Add a section to a tab of the case workspace (called once by the app that owns it).

    ``visible(actor=, case=)`` says, without a query, whether the tab should be offered to the actor.

    :raises ValueError: the tab does not exist, or the template is already registered.
    """
    if tab not in {t.slug for t in TABS}:
        raise ValueError(f"Unknown case tab {tab!r}")
    if any(entry.template == template for entry in _sections):
        raise ValueError(f"The section {template} is already registered")
    _sections.append(SectionEntry(tab, order, template, provider, visible))
    _sections.sort(key=lambda entry: (entry.tab, entry.order))


def register_facts(provider: FactsProvider) -> None:
    """Contribute facts to the case overview's rule warnings (e.g. how many conversations there are)."""
    _facts.append(provider)


def tab(slug: str) -> Tab | None:
    """Give the tab with this slug, or None."""
    return next((t for t in TABS if t.slug == slug), None)


def tabs_for(*, actor: User, case: Case) -> list[Tab]:
    """List the tabs offered to the actor on a case: the overview, and each tab with a visible section."""
    used = {entry.tab for entry in _sections if entry.visible(actor=actor, case=case)}
    return [t for t in TABS if t is OVERVIEW or t.slug in used]


def sections_for(*, actor: User, case: Case, tab: str) -> list[Section]:
    """Gather the sections of one tab that the actor may see (inside the tab's audited read)."""
    sections = []
    for entry in _sections:
        if entry.tab != tab or not entry.visible(actor=actor, case=case):
            continue
        data = entry.provider(actor=actor, case=case)
        if data is not None:
            sections.append(Section(entry.template, data))
    return sections


def case_facts(*, actor: User, case: Case) -> dict[str, object]:
    """Collect the facts the apps contribute to the overview's warnings, as far as the actor may see."""
    found: dict[str, object] = {}
    for provider in _facts:
        found.update(provider(actor=actor, case=case))
    return found


# Dates only, never content: ``upcoming(*, actor, case_ids)`` gives the next planned contact of each case
# that the actor may see (scoped by the policy of the app that holds the dates).
UpcomingProvider = Callable[..., Mapping[int, object]]
_upcoming: list[UpcomingProvider] = []


def register_upcoming(provider: UpcomingProvider) -> None:
    """Contribute planned dates to the work list (e.g. the next agreed contact of a case)."""
    _upcoming.append(provider)


def upcoming(*, actor: User, case_ids: list[int]) -> dict[int, object]:
    """Give the earliest planned date per case from every contributor, as far as the actor may see."""
    found: dict[int, object] = {}
    for provider in _upcoming:
        for case_id, on in provider(actor=actor, case_ids=case_ids).items():
            if case_id not in found or on < found[case_id]:  # type: ignore[operator]
                found[case_id] = on
    return found


@dataclass(frozen=True)
class PhaseEvidence:
    """Name work recorded on a case that belongs to a phase: the phase, the day it was recorded, and what."""

    phase: str
    on: date
    what: str


# ``latest(*, actor)`` gives a subquery for the case row (``OuterRef("pk")``): when the work of
# this kind was last recorded on the case, counted over what the actor may see, or None. Every source
# becomes one column of a single query, so the overview's cost does not grow with the sources.
LatestExpression = Callable[..., Subquery]


@dataclass(frozen=True)
class EvidenceSource:
    """Name one kind of recorded work that points to a phase, and how to find when it was last recorded."""

    phase: str
    what: str | Promise
    latest: LatestExpression


_evidence: list[EvidenceSource] = []


def register_phase_evidence(*, phase: str, what: str | Promise, latest: LatestExpression) -> None:
    """Contribute a kind of recorded work to the overview's phase suggestion (e.g. a conversation, P3)."""
    _evidence.append(EvidenceSource(phase, what, latest))


def evidence_sources() -> list[EvidenceSource]:
    """List the registered kinds of recorded work that point to a phase."""
    return list(_evidence)
