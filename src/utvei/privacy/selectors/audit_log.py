"""The data protection officer's search of the audit log, in plain words, newest first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.audit.policy import officer_organisations
from utvei.audit.services import reading, record
from utvei.cases.models import Case, Person
from utvei.cases.services.persons import national_id_indexes
from utvei.privacy import phrases

PAGE_SIZE = 50
# Counting stops here: a count over millions of rows is slow and tells the officer nothing more.
COUNT_CAP = 1000
# The CSV export holds at most this many rows; the officer narrows the search for more.
EXPORT_CAP = 50_000


# --- the data protection officer's search ---------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    """Hold the officer's search: who (person, user), where (case, organisation), what and when."""

    person: str = ""
    case: str = ""
    user: str = ""
    organisation_id: int | None = None
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None
    before: int | None = None

    def filter_names(self) -> list[str]:
        """Name the filters in use (names only: the audit row of a search never holds what was typed)."""
        used = {
            "person": self.person,
            "case": self.case,
            "user": self.user,
            "organisation": self.organisation_id,
            "event": self.event,
            "period": self.date_from or self.date_to,
        }
        return [name for name, value in used.items() if value]


@dataclass(frozen=True)
class AuditLine:
    """Hold one audit entry in plain words, with what the read showed and why it was allowed."""

    seq: int
    created_at: datetime
    sentence: str
    actor_name: str
    organisation: str
    role: str
    event: str
    action: str
    outcome: str
    denied: bool
    case_reference: str
    person_name: str
    categories: list[str]
    grounds: list[str]


@dataclass(frozen=True)
class PersonHit:
    """Name one person the search matched (the officer may see names, never case content)."""

    pk: int
    name: str
    birth_date: date


@dataclass
class AuditSearchPage:
    """Hold one page of the officer's search, newest first, with a cursor to the next page."""

    query: AuditQuery
    lines: list[AuditLine]
    persons: list[PersonHit]
    count: int
    count_capped: bool
    next_before: int | None
    problems: list[str] = field(default_factory=list)


def organisation_choices() -> list[tuple[int, str]]:
    """List every organisation by id and name, for the officer's organisation filter."""
    return list(Organisation.objects.order_by("name").values_list("pk", "name"))


def _controlled_persons(actor: User) -> QuerySet[Person]:
    organisations = officer_organisations(actor)
    return Person.objects.filter(
        Q(cases__responsible_organisation_id__in=organisations) | Q(registered_by_id__in=organisations)
    ).distinct()


def _resolve_persons(actor: User, text: str) -> list[PersonHit]:
    text = text.strip()
    persons = _controlled_persons(actor)
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) == 11:
        # The number is stored encrypted: it is found through its blind index only.
        persons = persons.filter(national_id_index__in=national_id_indexes(digits))
    else:
        for word in text.split():
            persons = persons.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return [
        PersonHit(p.pk, f"{p.given_name} {p.family_name}".strip(), p.birth_date)
        for p in persons.order_by("family_name", "given_name")[:20]
    ]


def _resolve_users(text: str) -> list[int]:
    text = text.strip()
    users = User.objects.filter(username__iexact=text)
    if not users.exists():
        users = User.objects.all()
        for word in text.split():
            users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(users.values_list("pk", flat=True)[:50])


def _period(query: AuditQuery) -> Q:
    condition = Q()
    zone = timezone.get_current_timezone()
    if query.date_from:
        condition &= Q(created_at__gte=datetime.combine(query.date_from, time.min, tzinfo=zone))
    if query.date_to:
        condition &= Q(created_at__lt=datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=zone))
    return condition


def _filtered(actor: User, query: AuditQuery) -> tuple[QuerySet[AuditEntry], list[PersonHit], list[str]]:
    """Apply the query to the entries the officer may read; say what could not be resolved."""
    from django.utils.translation import gettext as _

    entries = policy.scope(actor, Action.VIEW, AuditEntry.objects.all())
    problems: list[str] = []
    persons: list[PersonHit] = []
    if query.person.strip():
        persons = _resolve_persons(actor, query.person)
        if not persons:
            problems.append(_("No person on your organisation's cases matches that name or number."))
        entries = entries.filter(person_id__in=[p.pk for p in persons])
    if query.case.strip():
        cases = Case.objects.filter(
            Q(reference__iexact=query.case.strip()), responsible_organisation__in=officer_organisations(actor)
        )
        case_ids = list(cases.values_list("pk", flat=True))
        if not case_ids:
            problems.append(_("No case of your organisation has that reference."))
        entries = entries.filter(case_id__in=case_ids)
    if query.user.strip():
        user_ids = _resolve_users(query.user)
        if not user_ids:
            problems.append(_("No user has that username or name."))
        entries = entries.filter(actor_id__in=user_ids)
    if query.organisation_id is not None:
        entries = entries.filter(organisation_id=query.organisation_id)
    if query.event:
        entries = entries.filter(event=query.event)
    return entries.filter(_period(query)), persons, problems


def _names(ids: Iterable[int | None], rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    return {pk: name for pk, name in rows if pk in wanted}


def audit_lines(entries: Sequence[AuditEntry]) -> list[AuditLine]:
    """Turn entries into plain-word lines, with four look-ups whatever the number of entries.

    The actor's display name comes from the user row (the entry keeps the username as it was), the role
    and organisation from the entry itself: they are what the actor acted as at the time.
    """
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    users = {u.pk: u for u in User.objects.filter(pk__in=actor_ids)}
    organisations = dict(
        Organisation.objects.filter(pk__in={e.organisation_id for e in entries if e.organisation_id}).values_list(
            "pk", "name"
        )
    )
    cases = dict(Case.objects.filter(pk__in={e.case_id for e in entries if e.case_id}).values_list("pk", "reference"))
    persons = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Person.objects.filter(
            pk__in={e.person_id for e in entries if e.person_id}
        ).values_list("pk", "given_name", "family_name")
    }
    lines = []
    for e in entries:
        user = users.get(e.actor_id) if e.actor_id is not None else None
        name = user.display_name() if user is not None else (e.actor_username or str(phrases.role_labels("system")))
        organisation = organisations.get(e.organisation_id, "") if e.organisation_id else ""
        role = phrases.role_labels(e.actor_role)
        action = phrases.officer_phrase(e.event, e.target_type)
        who = ", ".join(part for part in (organisation, role.lower()) if part)
        sentence = f"{name} ({who}) {action}" if who else f"{name} {action}"
        lines.append(
            AuditLine(
                seq=e.seq,
                created_at=e.created_at,
                sentence=sentence,
                actor_name=name,
                organisation=organisation,
                role=role,
                event=e.event,
                action=action,
                outcome=str(Outcome(e.outcome).label) if e.outcome in Outcome.values else e.outcome,
                denied=e.outcome != Outcome.SUCCESS,
                case_reference=cases.get(e.case_id, "") if e.case_id else "",
                person_name=persons.get(e.person_id, "") if e.person_id else "",
                categories=phrases.category_labels(e.categories),
                grounds=phrases.ground_labels(e.grounds),
            )
        )
    return lines


def _single(values: Sequence[int]) -> int | None:
    return values[0] if len(values) == 1 else None


def audit_search(*, actor: User, query: AuditQuery, page_size: int = PAGE_SIZE) -> AuditSearchPage:
    """Search the audit entries the officer may read, newest first, one page at a time.

    A person is found by name or national identity number among the persons of the officer's controller
    and then matched by id: names are never stored in the log. Paging is by keyset (``before`` is the
    sequence number of the last line shown) and the count stops at :data:`COUNT_CAP`, so a page stays an
    index range scan at any size of the log. The search is audited as LIST, with the names of the filters
    used and, when it is about one person or case, that person or case.
    """
    with reading():
        entries, persons, problems = _filtered(actor, query)
        count = entries[: COUNT_CAP + 1].count()
        page = entries.order_by("-seq")
        if query.before is not None:
            page = page.filter(seq__lt=query.before)
        rows = list(page[: page_size + 1])
        more = len(rows) > page_size
        rows = rows[:page_size]
        case_ids = list({e.case_id for e in rows if e.case_id}) if query.case.strip() else []
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=AuditEntry._meta.label,
            target_id=len(rows),
            person_id=_single([p.pk for p in persons]),
            case_id=_single(case_ids),
            changed_fields=query.filter_names(),
        )
        lines = audit_lines(rows)
    return AuditSearchPage(
        query=query,
        lines=lines,
        persons=persons,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        next_before=rows[-1].seq if more and rows else None,
        problems=problems,
    )


@dataclass
class AuditExport:
    """Hold the rows of a CSV export of the officer's search."""

    lines: list[AuditLine]
    capped: bool


def audit_export(*, actor: User, query: AuditQuery) -> AuditExport:
    """Give every line of the officer's search (up to :data:`EXPORT_CAP`) for a CSV file.

    Audited as EXPORT with the number of rows and the names of the filters used.
    """
    with reading():
        entries, persons, _problems = _filtered(actor, query)
        rows = list(entries.order_by("-seq")[: EXPORT_CAP + 1])
        capped = len(rows) > EXPORT_CAP
        rows = rows[:EXPORT_CAP]
        record(
            actor=actor,
            event=AuditEvent.EXPORT,
            target_type=AuditEntry._meta.label,
            target_id=len(rows),
            person_id=_single([p.pk for p in persons]),
            changed_fields=query.filter_names(),
        )
        lines = []
        for start in range(0, len(rows), 2000):
            lines.extend(audit_lines(rows[start : start + 2000]))
    return AuditExport(lines=lines, capped=capped)
