"""Reads of the work list. Every filter, the sort, the page and the count are done by the database inside
the actor's scope; a page loads only the columns it shows and decrypts nothing.

The audited LIST row names the filters used (never their values) and the number of rows shown.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases import sections
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import CalendarFeed, Case, Task
from utvei.cases.selectors import CASE_LIST_FIELDS

PAGE_SIZE = 25
# The longest search text taken; a name or a case number is far shorter.
QUERY_MAX_LENGTH = 100
# The sort orders offered, by name; each ends on the primary key so a page is stable.
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-opened_at", "-pk"),
    "oldest": ("opened_at", "pk"),
    "reference": ("reference", "pk"),
    "name": ("person__family_name", "person__given_name", "pk"),
    "phase": ("phase", "-opened_at", "-pk"),
}
STATES = ("open", "closed", "all")
# How far ahead the work list shows planned contacts.
UPCOMING_DAYS = 14
UPCOMING_MAX = 10


@dataclass(frozen=True)
class WorkQuery:
    """Hold the work list's search: text, filters, sort and page (already validated by the form)."""

    text: str = ""
    phase: str = ""
    role: str = ""
    overdue: bool = False
    organisation: int | None = None
    state: str = "open"
    sort: str = "newest"
    page: int = 1

    def filter_names(self) -> list[str]:
        """Name the filters in use, for the audit row (never their values)."""
        used = [
            ("text", bool(self.text.strip())),
            ("phase", bool(self.phase)),
            ("role", bool(self.role)),
            ("overdue", self.overdue),
            ("organisation", self.organisation is not None),
        ]
        return [name for name, on in used if on]


@dataclass(frozen=True)
class WorkRow:
    """Hold one case as the work list shows it: its card, the actor's roles on it, and its next contact."""

    case: CaseCard
    roles: list[str]
    next_contact: date | None
    overdue: bool


@dataclass
class WorkPage:
    """Hold one page of the work list with the total count and the choices its filters offer."""

    query: WorkQuery
    rows: list[WorkRow]
    total: int
    page: int
    pages: int
    today: date
    organisations: list[tuple[int, str]] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        """Tell whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Tell whether there is a page after this one."""
        return self.page < self.pages

    @property
    def first_shown(self) -> int:
        """Give the number of the first row shown (0 for an empty page)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        """Give the number of the last row shown."""
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def _text_condition(text: str) -> Q:
    """Match a case number, or a person's name: every word must begin the given or the family name."""
    words = text.split()
    if not words:
        return Q()
    by_name = Q()
    for word in words[:5]:
        by_name &= Q(person__given_name__istartswith=word) | Q(person__family_name__istartswith=word)
    return Q(reference__icontains=text.strip()) | by_name


def _overdue_tasks(actor: User, today: date) -> QuerySet[Task]:
    return policy.scope(actor, Action.VIEW, Task.objects.filter(done_at__isnull=True, due_on__lt=today))


def _filtered(actor: User, query: WorkQuery, today: date) -> QuerySet[Case]:
    ctx = policy.context(actor)
    cases = policy.scope(actor, Action.VIEW, Case.objects.all())
    if query.state == "open":
        cases = cases.filter(closed_at__isnull=True)
    elif query.state == "closed":
        cases = cases.filter(closed_at__isnull=False)
    if query.text.strip():
        cases = cases.filter(_text_condition(query.text))
    if query.phase:
        cases = cases.filter(phase=query.phase)
    if query.role:
        cases = cases.filter(pk__in=sorted(ctx.case_ids([query.role])))
    if query.organisation is not None:
        cases = cases.filter(responsible_organisation_id=query.organisation)
    if query.overdue:
        cases = cases.filter(Exists(_overdue_tasks(actor, today).filter(case_id=OuterRef("pk"))))
    return cases


def role_choices(actor: User) -> list[tuple[str, str]]:
    """List the roles the actor holds on cases, for the role filter (from the access context, no query)."""
    held = {seat.role for seat in policy.context(actor).seats}
    return [(value, str(label)) for value, label in Role.choices if value in held]


def work_list(*, actor: User, query: WorkQuery) -> WorkPage:
    """Give one page of the actor's cases, searched, filtered and sorted by the database, and audit it.

    A page past the last gives the last page. The number of queries does not grow with the number of
    cases: one count, one page, one list of organisations, the dates of the page's cases and the audit row.
    """
    today = timezone.localdate()
    with reading():
        ctx = policy.context(actor)
        cases = _filtered(actor, query, today)
        total = cases.count()
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(1, query.page), pages)
        ordered = cases.order_by(*SORTS.get(query.sort, SORTS["newest"]))
        start = (page - 1) * PAGE_SIZE
        found = list(
            ordered.select_related("responsible_organisation", "person").only(*CASE_LIST_FIELDS)[
                start : start + PAGE_SIZE
            ]
        )
        ids = [c.pk for c in found]
        late = set(_overdue_tasks(actor, today).filter(case_id__in=ids).values_list("case_id", flat=True))
        dates = sections.upcoming(actor=actor, case_ids=[c.pk for c in found if c.is_open])
        organisations = list(
            policy.scope(actor, Action.VIEW, Case.objects.all())
            .order_by("responsible_organisation__name")
            .values_list("responsible_organisation_id", "responsible_organisation__name")
            .distinct()
        )
        labels = dict(Role.choices)
        rows = []
        for case in found:
            on = dates.get(case.pk)
            next_contact = on if isinstance(on, date) else None
            roles = sorted({str(labels.get(s.role, s.role)) for s in ctx.seats_on(case.pk)})
            overdue = case.pk in late or (next_contact is not None and next_contact < today)
            rows.append(WorkRow(case_card(case), roles, next_contact, overdue))
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=Case._meta.label,
            target_id=len(rows),
            changed_fields=query.filter_names(),
        )
    return WorkPage(query, rows, total, page, pages, today, organisations, role_choices(actor))


@dataclass(frozen=True)
class Upcoming:
    """Hold one planned contact: the day, and the case with its person's name (never the content)."""

    on: date
    case: CaseCard

    @property
    def is_overdue(self) -> bool:
        """Tell whether the planned day has passed."""
        return self.on < timezone.localdate()


def _upcoming(actor: User, start: date | None, end: date) -> list[Upcoming]:
    """Give the planned contacts of the actor's open cases up to ``end`` (from ``start``, or every one
    still waiting), sorted by day, with the cards of their cases."""
    # The open cases are read with their card's columns in the one query that also gives their ids, so
    # the page makes the same queries whether or not any contact is planned.
    open_cases = {
        c.pk: c
        for c in policy.scope(actor, Action.VIEW, Case.objects.filter(closed_at__isnull=True))
        .select_related("responsible_organisation", "person")
        .only(*CASE_LIST_FIELDS)
    }
    dates = {
        case_id: on
        for case_id, on in sections.upcoming(actor=actor, case_ids=sorted(open_cases)).items()
        if isinstance(on, date) and on <= end and (start is None or on >= start)
    }
    cards = {case_id: case_card(open_cases[case_id]) for case_id in dates}
    return sorted(
        (Upcoming(on, cards[case_id]) for case_id, on in dates.items()), key=lambda u: (u.on, u.case.reference)
    )


def upcoming_contacts(*, actor: User) -> list[Upcoming]:
    """List the actor's planned contacts of the next two weeks, and those past their day, and audit it."""
    today = timezone.localdate()
    with reading():
        items = _upcoming(actor, None, today + timedelta(days=UPCOMING_DAYS))[:UPCOMING_MAX]
        record(actor=actor, event=AuditEvent.LIST, target_type="cases.Upcoming", target_id=len(items))
    return items


@dataclass
class Week:
    """Hold one week of planned contacts, Monday to Sunday."""

    monday: date
    days: list[tuple[date, list[Upcoming]]]
    today: date

    @property
    def previous(self) -> date:
        """Give the Monday of the week before."""
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        """Give the Monday of the week after."""
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        """Give the last day of the week."""
        return self.monday + timedelta(days=6)


def week(*, actor: User, day: date | None = None) -> Week:
    """Give the week holding ``day`` (today by default) with the actor's planned contacts, and audit it."""
    today = timezone.localdate()
    monday = (day or today) - timedelta(days=(day or today).weekday())
    with reading():
        items = _upcoming(actor, monday, monday + timedelta(days=6))
        record(actor=actor, event=AuditEvent.LIST, target_type="cases.Upcoming", target_id=len(items))
    days = [(monday + timedelta(days=n), [u for u in items if u.on == monday + timedelta(days=n)]) for n in range(7)]
    return Week(monday, days, today)


# The calendar feed covers the planned contacts from a month back to half a year ahead.
FEED_DAYS_BACK = 31
FEED_DAYS_AHEAD = 183


@dataclass(frozen=True)
class FeedEvent:
    """Hold one event of the calendar feed: an opaque id and the day, never a name, number or content."""

    uid: str
    on: date


def calendar_feed_exists(*, actor: User) -> bool:
    """Tell whether the actor has a calendar address in force."""
    return CalendarFeed.objects.filter(user=actor).exists()


def calendar_feed(*, token_hash: str) -> list[FeedEvent]:
    """Give the planned contacts of the feed's owner as opaque all-day events, and audit the read as
    theirs (the feed is read without a login, by the secret address alone).

    :raises NotFound: no address in force has this token, or its owner is no longer active.
    """
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash).first()
    if feed is None or not feed.user.is_active:
        raise NotFound(CalendarFeed._meta.label, "feed")
    actor = feed.user
    today = timezone.localdate()
    with reading():
        items = _upcoming(actor, today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD))
        record(actor=actor, event=AuditEvent.VIEW, target=feed)
    return [
        FeedEvent(hashlib.sha256(f"{token_hash}:{u.case.pk}:{u.on.isoformat()}".encode()).hexdigest()[:32], u.on)
        for u in items
    ]
