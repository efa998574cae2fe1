"""The access engine: every visibility decision, answered from one access context per actor and request.

An :class:`AccessContext` holds what decides visibility for one actor, loaded once and then answered
from memory: the actor's memberships in force, their team seats in force, the person's consents that
name the actor's organisations, and the mentor agreements of narrow seats. Apps *declare* where those
facts come from (``provide_*``, called from their ``AppConfig.ready``) and the rules of their models
(:mod:`utvei.access.policy`); no app replaces the decision itself, which lives here:

* an item of a case (it names its case and the organisation that recorded it) is visible in a category
  to a seated actor when the item's owner is an organisation the actor sits for on that case (ground
  *seat*), or when a consent in force of the person waives the owner's confidentiality in that category
  towards such an organisation (ground *consent*);
* on a case where every seat of the actor is a narrow seat (the mentor), only what the agreement in
  force opens is visible (ground *agreement*), whoever recorded it, and nothing else (R26);
* a person's own record is visible through the seats on any of the person's cases, the same way;
* a live break-glass grant (declared by the privacy app) lets an actor without a seat read one case as
  a seat of the grant's organisation would (ground *grant*); it ends by itself at its expiry, which is
  checked here on every load, so no job has to end it. A real seat on the case always wins.

``scope`` conditions are built from the same facts as the per-object answers, so a list and a check
agree by construction; a property test holds every rule to it.

Contexts are cached for the length of a request (``request_scope``, opened by the middleware and by
selectors). A write that changes who sees what (a seat, a consent, an agreement, a membership) calls
:func:`invalidate`, so the same request sees the change.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from django.db.models import Q
from django.utils import timezone

from utvei.access.persons import PersonActor

T = TypeVar("T")


class Actor(Protocol):
    """Describe who asks: a logged-in user, or the person in their portal (:class:`PersonActor`)."""

    @property
    def pk(self) -> int: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


class Ground(StrEnum):
    """Name what an access rested on; audit rows carry these, and the person's access log shows them."""

    SEAT = "seat"  # a team seat on the case, for the organisation that recorded the item
    CONSENT = "consent"  # the person's consent opens the category to the seat's organisation
    AGREEMENT = "agreement"  # the mentor agreement opens the part to a narrow seat
    GRANT = "grant"  # a time-limited grant (break-glass)
    ROLE = "role"  # the role alone, outside any case (register keeper, data protection officer)
    OWN = "own"  # the person reads their own information in the portal
    GUARDIAN = "guardian"  # a guardian reads the portal of a child under the age of majority


@dataclass(frozen=True)
class MembershipFact:
    """Hold one membership in force: the organisation, its kind and the role."""

    organisation_id: int
    organisation_kind: str
    role: str


@dataclass(frozen=True)
class SeatFact:
    """Hold one team seat in force (seat open, the membership behind it active)."""

    seat_id: int
    case_id: int
    person_id: int
    organisation_id: int
    role: str
    case_open: bool


@dataclass(frozen=True)
class GrantFact:
    """Hold one live break-glass grant: read access to one case, as a seat of the organisation would."""

    grant_id: int
    case_id: int
    person_id: int
    organisation_id: int
    expires_at: datetime


# Where the facts come from. Each is declared once by the app that owns the data.
MembershipLoader = Callable[[Actor], Iterable[MembershipFact]]
SeatLoader = Callable[[Actor], Iterable[SeatFact]]
# (recipient organisation ids, person ids) -> (person id, discloser id, recipient id, category) in force.
ConsentLoader = Callable[[frozenset[int], frozenset[int]], Iterable[tuple[int, int, int, str]]]
# (actor, case ids of narrow seats) -> case id -> the (model label, category) pairs an agreement opens.
AgreementLoader = Callable[[Actor, frozenset[int]], Mapping[int, frozenset[tuple[str, str]]]]
# actor -> the actor's grants that have not been ended (the engine drops expired ones itself).
GrantLoader = Callable[[Actor], Iterable[GrantFact]]
# actor -> the persons whose cases an approved block (sperring) closes to the actor, seat or not.
BlockLoader = Callable[[Actor], Iterable[int]]
FieldPolicy = Callable[["AccessContext", object], frozenset[str]]


class _Providers:
    """Hold the declared fact providers; declaring one twice is an error."""

    def __init__(self) -> None:
        self.memberships: MembershipLoader | None = None
        self.seats: SeatLoader | None = None
        self.consents: ConsentLoader | None = None
        self.agreements: AgreementLoader | None = None
        self.grants: GrantLoader | None = None
        self.blocks: BlockLoader | None = None
        self.grant_roles: frozenset[str] = frozenset()
        self.narrow_roles: frozenset[str] = frozenset()
        self.role_perms: dict[str, frozenset[str]] = {}
        self.fields: dict[str, FieldPolicy] = {}
        self.facts: dict[str, Callable[[AccessContext], object]] = {}

    def set(self, name: str, value: object) -> None:
        if getattr(self, name) is not None:
            raise ValueError(f"The access engine already has a {name} provider")
        setattr(self, name, value)


_providers = _Providers()


def provide_memberships(loader: MembershipLoader) -> None:
    """Declare where the memberships in force of an actor come from (the accounts app)."""
    _providers.set("memberships", loader)


def provide_seats(loader: SeatLoader) -> None:
    """Declare where the team seats in force of an actor come from (the cases app)."""
    _providers.set("seats", loader)


def provide_consents(loader: ConsentLoader) -> None:
    """Declare where the consents in force come from, by recipient and person (the sharing app)."""
    _providers.set("consents", loader)


def provide_agreements(loader: AgreementLoader, *, narrow_roles: Iterable[str]) -> None:
    """Declare the narrow seat roles and where what their agreements open comes from (the mentoring app)."""
    _providers.set("agreements", loader)
    _providers.narrow_roles = frozenset(narrow_roles)


def provide_grants(loader: GrantLoader, *, roles: Iterable[str]) -> None:
    """Declare where an actor's break-glass grants come from (the privacy app) and the roles that may
    hold one; for an actor with none of those roles no grant is loaded (and no query made)."""
    _providers.set("grants", loader)
    _providers.grant_roles = frozenset(roles)


def provide_blocks(loader: BlockLoader) -> None:
    """Declare where the approved blocks of an actor come from (the portal app)."""
    _providers.set("blocks", loader)


def provide_role_permissions(mapping: Mapping[str, Iterable[str]]) -> None:
    """Declare which functions each role may use (the accounts app); a role not named has none."""
    if _providers.role_perms:
        raise ValueError("The access engine already has role permissions")
    _providers.role_perms = {role: frozenset(perms) for role, perms in mapping.items()}


def provide_fields(kind: str, policy: FieldPolicy) -> None:
    """Declare the field policy for one kind of record (e.g. "case"): which field categories an actor sees."""
    if kind in _providers.fields:
        raise ValueError(f"The access engine already has a field policy for {kind!r}")
    _providers.fields[kind] = policy


def provide_fact(name: str, loader: Callable[[AccessContext], T]) -> None:
    """Declare an app's own fact about the actor, loaded once per context (e.g. the plans they coordinate)."""
    if name in _providers.facts:
        raise ValueError(f"The access engine already has a fact {name!r}")
    _providers.facts[name] = loader


def missing_providers() -> list[str]:
    """Name the providers without which every answer would be "no" (checked at start-up)."""
    return [name for name in ("memberships", "seats") if getattr(_providers, name) is None] + (
        [] if _providers.role_perms else ["role permissions"]
    )


def narrow_roles() -> frozenset[str]:
    """Give the roles whose seat sees only what an agreement opens."""
    return _providers.narrow_roles


@dataclass
class _Shown:
    """Accumulate, per case, which categories a request showed and on which grounds."""

    categories: set[str]
    grounds: set[Ground]


class AccessContext:
    """Answer every visibility question for one actor from facts loaded once.

    Facts load lazily and in bulk: the memberships and seats on first use, consents for the persons of
    the actor's seats when a category is first asked about, agreements for the narrow seats likewise.
    """

    def __init__(self, actor: Actor | None) -> None:
        self.actor = actor
        self.authenticated = bool(actor is not None and actor.is_authenticated and actor.is_active)
        # The person in the portal holds no membership, seat or grant: staff rules answer no for them.
        self.is_person = isinstance(actor, PersonActor)
        self.own_person_ids = actor.person_ids if isinstance(actor, PersonActor) and self.authenticated else frozenset()
        self._blocked: frozenset[int] | None = None
        self._memberships: tuple[MembershipFact, ...] | None = None
        self._seats: tuple[SeatFact, ...] | None = None
        self._seats_by_case: dict[int, tuple[SeatFact, ...]] = {}
        self._consents: dict[int, frozenset[tuple[int, int, str]]] = {}
        self._openings: dict[int, frozenset[tuple[str, str]]] | None = None
        self._grants: dict[int, GrantFact] | None = None
        self._facts: dict[str, object] = {}
        self._shown: dict[int | None, _Shown] = defaultdict(lambda: _Shown(set(), set()))

    # --- the actor ---------------------------------------------------------------------------------

    @property
    def actor_pk(self) -> int | None:
        """Give the actor's primary key (None when not authenticated)."""
        return self.actor.pk if self.authenticated and self.actor is not None and not self.is_person else None

    @property
    def memberships(self) -> tuple[MembershipFact, ...]:
        """Give the actor's memberships in force (none for an anonymous or inactive actor)."""
        if self._memberships is None:
            loader = _providers.memberships
            if not self.authenticated or loader is None or self.actor is None or self.is_person:
                self._memberships = ()
            else:
                self._memberships = tuple(loader(self.actor))
        return self._memberships

    @property
    def organisation_ids(self) -> frozenset[int]:
        """Give the organisations the actor is a member of today."""
        return frozenset(m.organisation_id for m in self.memberships)

    @property
    def roles(self) -> frozenset[str]:
        """Give the roles the actor holds today, in any organisation."""
        return frozenset(m.role for m in self.memberships)

    def organisations_with_role(self, *roles: str) -> frozenset[int]:
        """Give the organisations where the actor holds one of the roles."""
        return frozenset(m.organisation_id for m in self.memberships if m.role in roles)

    @property
    def perms(self) -> frozenset[str]:
        """Give the functions the actor's roles allow (deny by default)."""
        found: set[str] = set()
        for role in self.roles:
            found |= _providers.role_perms.get(role, frozenset())
        return frozenset(found)

    def fact(self, name: str) -> object:
        """Give an app's own fact about the actor, loading it on first use.

        :raises KeyError: no app declared a fact of that name.
        """
        if name not in self._facts:
            self._facts[name] = _providers.facts[name](self)
        return self._facts[name]

    # --- seats ---------------------------------------------------------------------------------------

    @property
    def seats(self) -> tuple[SeatFact, ...]:
        """Give the actor's team seats in force."""
        if self._seats is None:
            loader = _providers.seats
            if not self.authenticated or loader is None or self.actor is None or not self.memberships:
                self._seats = ()
            else:
                found = tuple(loader(self.actor))
                blocked = self.blocked_person_ids if found else frozenset()
                self._seats = tuple(s for s in found if s.person_id not in blocked)
            grouped: dict[int, list[SeatFact]] = defaultdict(list)
            for seat in self._seats:
                grouped[seat.case_id].append(seat)
            self._seats_by_case = {case_id: tuple(seats) for case_id, seats in grouped.items()}
        return self._seats

    def seats_on(self, case_id: int | None) -> tuple[SeatFact, ...]:
        """Give the actor's seats in force on one case."""
        self.seats  # noqa: B018  (loads the seats and their index by case)
        return self._seats_by_case.get(case_id, ()) if case_id is not None else ()

    def case_ids(self, roles: Iterable[str] | None = None, *, open_only: bool = False) -> frozenset[int]:
        """Give the cases on which the actor holds a seat in one of ``roles`` (any role when None)."""
        wanted = None if roles is None else frozenset(roles)
        return frozenset(
            s.case_id for s in self.seats if (wanted is None or s.role in wanted) and (s.case_open or not open_only)
        )

    def person_ids(self, roles: Iterable[str] | None = None, *, open_only: bool = False) -> frozenset[int]:
        """Give the persons on one of whose cases the actor holds a qualifying seat."""
        wanted = None if roles is None else frozenset(roles)
        return frozenset(
            s.person_id for s in self.seats if (wanted is None or s.role in wanted) and (s.case_open or not open_only)
        )

    def cases_of_person(self, person_id: int) -> frozenset[int]:
        """Give the cases of a person on which the actor holds a seat."""
        return frozenset(s.case_id for s in self.seats if s.person_id == person_id)

    def person_of_case(self, case_id: int) -> int | None:
        """Give the person of a case the actor sits on (None when not seated)."""
        seats = self.seats_on(case_id)
        return seats[0].person_id if seats else None

    def is_narrow(self, case_id: int) -> bool:
        """Tell whether the actor is seated on the case and every seat of theirs there is a narrow one."""
        seats = self.seats_on(case_id)
        return bool(seats) and all(s.role in _providers.narrow_roles for s in seats)

    @property
    def narrow_case_ids(self) -> frozenset[int]:
        """Give the cases where the actor holds only narrow seats."""
        return frozenset(case_id for case_id in self.case_ids() if self.is_narrow(case_id))

    def acting_organisations(self, case_id: int) -> frozenset[int]:
        """Give the organisations the actor sits for on a case, narrow seats left out."""
        return frozenset(s.organisation_id for s in self.seats_on(case_id) if s.role not in _providers.narrow_roles)

    @property
    def blocked_person_ids(self) -> frozenset[int]:
        """Give the persons whose approved block closes their cases to the actor, seat or grant alike
        (loaded only once the actor has a seat or a grant, so other pages pay no query for it)."""
        if self._blocked is None:
            loader = _providers.blocks
            self._blocked = frozenset(loader(self.actor)) if loader and self.actor and self.actor_pk else frozenset()
        return self._blocked

    # --- break-glass grants --------------------------------------------------------------------------

    @property
    def grants(self) -> dict[int, GrantFact]:
        """Give the actor's live grants by case: not ended, not expired, and on a case without a seat."""
        if self._grants is None:
            loader = _providers.grants
            if loader is None or self.actor is None or not self.roles & _providers.grant_roles:
                self._grants = {}
            else:
                now, seated = timezone.now(), self.case_ids()
                live = [g for g in loader(self.actor) if g.expires_at > now and g.case_id not in seated]
                blocked = self.blocked_person_ids if live else frozenset()
                self._grants = {g.case_id: g for g in live if g.person_id not in blocked}
        return self._grants

    def granted_case_ids(self) -> frozenset[int]:
        """Give the cases the actor reads under a live grant (and holds no seat on)."""
        return frozenset(self.grants)

    def granted_person_ids(self) -> frozenset[int]:
        """Give the persons of the cases the actor reads under a live grant."""
        return frozenset(g.person_id for g in self.grants.values())

    def case_ground(self, case_id: int) -> Ground:
        """Name the ground a case is read on: a narrow seat's agreement, a seat, or a grant."""
        if self.seats_on(case_id):
            return Ground.AGREEMENT if self.is_narrow(case_id) else Ground.SEAT
        return Ground.GRANT if case_id in self.grants else Ground.SEAT

    def _reading_organisations(self, case_id: int) -> frozenset[int]:
        if self.seats_on(case_id):
            return self.acting_organisations(case_id)
        grant = self.grants.get(case_id)
        return frozenset({grant.organisation_id}) if grant is not None else frozenset()

    # --- what consents and agreements open ----------------------------------------------------------

    def _load_consents(self, person_ids: Iterable[int]) -> None:
        missing = frozenset(person_ids) - self._consents.keys()
        if not missing:
            return
        found: dict[int, set[tuple[int, int, str]]] = {person_id: set() for person_id in missing}
        loader = _providers.consents
        if loader is not None and self.organisation_ids:
            for person_id, discloser_id, recipient_id, category in loader(self.organisation_ids, missing):
                if person_id in found:
                    found[person_id].add((discloser_id, recipient_id, category))
        for person_id, grants in found.items():
            self._consents[person_id] = frozenset(grants)

    def consents_for(self, person_id: int) -> frozenset[tuple[int, int, str]]:
        """Give the (discloser, recipient, category) openings in force for a person towards the actor's
        organisations. The consents of every person the actor sits for load together, in one query."""
        if person_id not in self._consents:
            self._load_consents(self.person_ids() | {person_id})
        return self._consents[person_id]

    def openings(self, case_id: int) -> frozenset[tuple[str, str]]:
        """Give the (model label, category) pairs the agreements in force open on a narrow case."""
        if self._openings is None:
            narrow = self.narrow_case_ids
            loader = _providers.agreements
            loaded = loader(self.actor, narrow) if loader is not None and narrow and self.actor else {}
            self._openings = {case_id: frozenset(loaded.get(case_id, frozenset())) for case_id in narrow}
        return self._openings.get(case_id, frozenset())

    # --- decisions ------------------------------------------------------------------------------------

    def _consent_opens(self, person_id: int, owner_id: int, organisations: frozenset[int], category: str) -> bool:
        return any(
            discloser == owner_id and recipient in organisations and granted == category
            for discloser, recipient, granted in self.consents_for(person_id)
        )

    def item_ground(self, *, case_id: int, owner_id: int | None, category: str, label: str) -> Ground | None:
        """Answer whether an item of a case, in a category, is visible, and on which ground (None: not)."""
        person_id = self.person_of_case(case_id)
        if person_id is None:
            return self._granted_item_ground(case_id=case_id, owner_id=owner_id, category=category)
        if self.is_narrow(case_id):
            return Ground.AGREEMENT if (label, category) in self.openings(case_id) else None
        if owner_id is None:
            return None
        organisations = self.acting_organisations(case_id)
        if owner_id in organisations:
            return Ground.SEAT
        if self._consent_opens(person_id, owner_id, organisations, category):
            return Ground.CONSENT
        return None

    def _granted_item_ground(self, *, case_id: int, owner_id: int | None, category: str) -> Ground | None:
        grant = self.grants.get(case_id)
        if grant is None or owner_id is None:
            return None
        organisations = frozenset({grant.organisation_id})
        if owner_id in organisations or self._consent_opens(grant.person_id, owner_id, organisations, category):
            return Ground.GRANT
        return None

    def person_ground(self, *, person_id: int, owner_id: int, category: str, label: str) -> Ground | None:
        """Answer whether a person's own record is visible in a category, through the actor's seats on any
        of the person's cases (narrow when every one of them is narrow)."""
        cases = self.cases_of_person(person_id)
        if not cases:
            granted = frozenset(g.organisation_id for g in self.grants.values() if g.person_id == person_id)
            if granted and (owner_id in granted or self._consent_opens(person_id, owner_id, granted, category)):
                return Ground.GRANT
            return None
        if all(self.is_narrow(case_id) for case_id in cases):
            opened = any((label, category) in self.openings(case_id) for case_id in cases)
            return Ground.AGREEMENT if opened else None
        organisations = frozenset().union(*(self.acting_organisations(case_id) for case_id in cases))
        if owner_id in organisations:
            return Ground.SEAT
        if self._consent_opens(person_id, owner_id, organisations, category):
            return Ground.CONSENT
        return None

    def item_condition(
        self,
        *,
        label: str,
        category: str,
        case_ids: Iterable[int],
        case_field: str = "case_id",
        owner_field: str = "owner_organisation_id",
    ) -> Q:
        """Give the queryset condition matching :meth:`item_ground` for items of the given cases."""
        cases = frozenset(case_ids) & (self.case_ids() | self.granted_case_ids())
        condition = Q(pk__in=[])
        narrow = cases & self.narrow_case_ids
        opened = sorted(case_id for case_id in narrow if (label, category) in self.openings(case_id))
        if opened:
            condition |= Q(**{f"{case_field}__in": opened})
        # Group the other cases by the organisations the actor sits for there (usually one group).
        groups: dict[frozenset[int], list[int]] = defaultdict(list)
        for case_id in sorted(cases - narrow):
            groups[self._reading_organisations(case_id)].append(case_id)
        for organisations, group in groups.items():
            condition |= Q(**{f"{case_field}__in": group, f"{owner_field}__in": sorted(organisations)})
            shared: dict[int, list[int]] = defaultdict(list)
            for case_id in group:
                person_id = self.person_of_case(case_id)
                if person_id is None:
                    person_id = self.grants[case_id].person_id
                for discloser, recipient, granted in self.consents_for(person_id):
                    if granted == category and recipient in organisations:
                        shared[discloser].append(case_id)
            for discloser, shared_cases in sorted(shared.items()):
                condition |= Q(**{owner_field: discloser, f"{case_field}__in": sorted(set(shared_cases))})
        return condition

    def person_condition(self, *, label: str, category: str, owner_field: str = "registered_by_id") -> Q:
        """Give the queryset condition over persons matching :meth:`person_ground`."""
        condition = Q(pk__in=[])
        by_person: dict[int, frozenset[int]] = {}
        for seat in self.seats:
            by_person[seat.person_id] = by_person.get(seat.person_id, frozenset()) | {seat.case_id}
        for person_id, cases in sorted(by_person.items()):
            if all(self.is_narrow(case_id) for case_id in cases):
                if any((label, category) in self.openings(case_id) for case_id in cases):
                    condition |= Q(pk=person_id)
                continue
            organisations = frozenset().union(*(self.acting_organisations(case_id) for case_id in cases))
            owners = set(organisations)
            owners |= {
                discloser
                for discloser, recipient, granted in self.consents_for(person_id)
                if granted == category and recipient in organisations
            }
            condition |= Q(pk=person_id, **{f"{owner_field}__in": sorted(owners)})
        granted: dict[int, set[int]] = defaultdict(set)
        for grant in self.grants.values():
            if grant.person_id not in by_person:
                granted[grant.person_id].add(grant.organisation_id)
        for person_id, granted_orgs in sorted(granted.items()):
            granted_owners = granted_orgs | {
                discloser
                for discloser, recipient, given in self.consents_for(person_id)
                if given == category and recipient in granted_orgs
            }
            condition |= Q(pk=person_id, **{f"{owner_field}__in": sorted(granted_owners)})
        return condition

    def fields(self, kind: str, record: object) -> frozenset[str]:
        """Give the field categories of one record the actor sees, from the policy its app declared."""
        policy = _providers.fields.get(kind)
        return frozenset() if policy is None or not self.authenticated else policy(self, record)

    # --- what a request showed ---------------------------------------------------------------------

    def note(self, case_id: int | None, categories: Iterable[str], grounds: Iterable[Ground]) -> None:
        """Remember categories shown and the grounds they rested on, for the request's audit row."""
        shown = self._shown[case_id]
        shown.categories.update(categories)
        shown.grounds.update(grounds)

    def shown(self, case_id: int | None) -> tuple[list[str], list[str]]:
        """Give the categories and grounds noted for a case, sorted (for the audit row)."""
        shown = self._shown.get(case_id)
        if shown is None:
            return [], []
        return sorted(shown.categories), sorted(str(g) for g in shown.grounds)


_contexts: contextvars.ContextVar[dict[object, AccessContext] | None] = contextvars.ContextVar(
    "utvei_access_contexts", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    """Cache access contexts for the block (a request); nested scopes share the outer one."""
    if _contexts.get() is not None:
        yield
        return
    token = _contexts.set({})
    try:
        yield
    finally:
        _contexts.reset(token)


def context_for(actor: Actor | None) -> AccessContext:
    """Give the actor's access context: cached inside a request scope, fresh outside one."""
    cache = _contexts.get()
    if cache is None or actor is None:
        return AccessContext(actor)
    # A person actor has no user key; it is cached under the persons it speaks for.
    key: object = (
        ("person", actor.person_ids, actor.ground, actor.withheld) if isinstance(actor, PersonActor) else actor.pk
    )
    context = cache.get(key)
    if context is None or context.actor is not actor and not _same(context.actor, actor):
        context = cache[key] = AccessContext(actor)
    return context


def _same(a: Actor | None, b: Actor) -> bool:
    return a is not None and a.pk == b.pk and a.is_active == b.is_active


def invalidate() -> None:
    """Forget the cached contexts after a write that changes who sees what (seats, consents, agreements)."""
    cache = _contexts.get()
    if cache is not None:
        cache.clear()
