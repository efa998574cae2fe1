"""Reads of the privacy app: the officer's audit search and the person's own access log.

Both read the audit log, which holds ids and codes only; names of users, organisations, persons and case
references are looked up once per page, so a page costs the same few queries at any size of the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.audit.policy import officer_organisations
from utvei.audit.services import record
from utvei.cases.models import Case, Person
from utvei.privacy import phrases
from utvei.privacy.models import AccessLogException
from utvei.privacy.policy import REQUEST_RULE
from utvei.sharing.models import Disclosure
from utvei.sharing.selectors import disclosure_list_for_person

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
        persons = persons.filter(national_id=digits)
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
    with transaction.atomic():
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
    with transaction.atomic():
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


# --- the person's own access log ------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessLine:
    """Hold one access to the person's information as the person reads it: when, who (organisation and
    role, not the staff member's name), what was done, what it showed and on what grounds."""

    at: datetime
    organisation: str
    role: str
    action: str
    categories: list[str]
    grounds: list[str]
    emergency: bool


@dataclass(frozen=True)
class DisclosureLine:
    """Hold one disclosure of the person's information as the person reads it."""

    day: date
    discloser: str
    recipient: str
    categories: list[str]
    basis: str


@dataclass(frozen=True)
class PersonAccessLog:
    """Hold the person's access log: who accessed their information and who received it.

    This is what the person sees, on paper now and in the person's portal later; it holds nothing that
    is held back by a lawful exception or not yet told (R11).
    """

    name: str
    accesses: list[AccessLine]
    disclosures: list[DisclosureLine]
    printed_on: date


def _kind_label(kind: str) -> str:
    from django.utils.translation import gettext as _

    from utvei.accounts.models import OrganisationKind

    return str(OrganisationKind(kind).label) if kind in OrganisationKind.values else _("Another recipient")


def person_access_log(
    *, person: Person, disclosures: Iterable[Disclosure], today: date, language: str
) -> tuple[PersonAccessLog, int]:
    """Build the person's access log in the language asked for, and count what it holds back.

    Accesses are the successful reads and writes about the person in the audit log, oldest first.
    Entries by an organisation under an exception in force (and the records of those exceptions) are
    held back until the exception's end date, and so are disclosures to or from that organisation and
    disclosures the person has not been told about yet. The count of what was held back is for staff,
    never part of the person's log. The caller checks access and writes the audit row.
    """
    exceptions = list(AccessLogException.objects.filter(person=person, valid_until__gte=today))
    hidden_orgs = {x.organisation_id for x in exceptions}
    hidden_exception_ids = {str(x.pk) for x in exceptions}
    entries = list(
        AuditEntry.objects.filter(person_id=person.pk, event__in=phrases.PERSON_EVENTS, outcome=Outcome.SUCCESS)
        .order_by("seq")
        .only(
            "created_at", "organisation_id", "actor_role", "event", "target_type", "target_id", "categories", "grounds"
        )
    )
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    held_back = 0
    accesses: list[AccessLine] = []
    shown: list[DisclosureLine] = []
    with translation.override(language):
        for e in entries:
            exception_record = e.target_type == AccessLogException._meta.label and e.target_id in hidden_exception_ids
            if e.organisation_id in hidden_orgs or exception_record:
                held_back += 1
                continue
            accesses.append(
                AccessLine(
                    at=e.created_at,
                    organisation=organisations.get(e.organisation_id, "") if e.organisation_id else "",
                    role=phrases.role_labels(e.actor_role, for_person=True),
                    action=phrases.person_phrase(e.event),
                    categories=phrases.category_labels(e.categories),
                    grounds=phrases.ground_labels(e.grounds),
                    emergency=e.event == AuditEvent.BREAK_GLASS or "break_glass" in (e.grounds or []),
                )
            )
        for d in disclosures:
            not_told = not d.person_informed and (d.not_informed_until is None or d.not_informed_until >= today)
            if not_told or d.discloser_id in hidden_orgs or d.recipient_organisation_id in hidden_orgs:
                held_back += 1
                continue
            recipient = (
                organisations.get(d.recipient_organisation_id, "")
                if d.recipient_organisation_id
                else _kind_label(d.recipient_kind)
            )
            shown.append(
                DisclosureLine(
                    day=timezone.localdate(d.decided_at),
                    discloser=organisations.get(d.discloser_id, ""),
                    recipient=recipient,
                    categories=phrases.category_labels(d.categories),
                    basis=d.legal_basis.title_in(language),
                )
            )
    log = PersonAccessLog(
        name=f"{person.given_name} {person.family_name}".strip(),
        accesses=accesses,
        disclosures=sorted(shown, key=lambda line: line.day),
        printed_on=today,
    )
    return log, held_back


@dataclass(frozen=True)
class ExceptionLine:
    """Hold one exception to the person's log as staff see it (never shown to the person)."""

    organisation: str
    reason_code: str
    reason_label: str
    reason: str
    valid_until: date
    in_force: bool
    recorded_by: str
    recorded_at: datetime


@dataclass
class AccessLogPage:
    """Hold the staff page around the person's access log: the log, what it holds back and why."""

    case: Case
    log: PersonAccessLog
    held_back: int
    exceptions: list[ExceptionLine]


def request_case(actor: User, case_id: int) -> Case:
    """Fetch a case whose person's request the actor may answer (an editor seat, open or closed case).

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    """
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, Action.VIEW, case)
    if not REQUEST_RULE.allows(actor, case):
        raise NotFound(Case._meta.label, case.pk)
    return case


def exception_lines(*, actor: User, person: Person, today: date) -> list[ExceptionLine]:
    """List the exceptions to the person's log that the actor may see, newest first."""
    from utvei.privacy.models import ExceptionReason

    scoped = policy.scope(actor, Action.VIEW, AccessLogException.objects.filter(person=person))
    return [
        ExceptionLine(
            organisation=x.organisation.name,
            reason_code=x.reason_code,
            reason_label=str(ExceptionReason(x.reason_code).label),
            reason=x.reason,
            valid_until=x.valid_until,
            in_force=x.in_force(today),
            recorded_by=x.recorded_by.display_name(),
            recorded_at=x.recorded_at,
        )
        for x in scoped.select_related("organisation", "recorded_by")
    ]


def access_log_page(*, actor: User, case_id: int, language: str, export: bool = False) -> AccessLogPage:
    """Put together the person's access log for a case editor who answers the person's request.

    Audited as VIEW of the access log (EXPORT for the PDF), with the person and the case.

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    """
    with transaction.atomic():
        case = request_case(actor, case_id)
        today = timezone.localdate()
        disclosures = disclosure_list_for_person(actor=actor, person_id=case.person_id)
        log, held_back = person_access_log(person=case.person, disclosures=disclosures, today=today, language=language)
        exceptions = exception_lines(actor=actor, person=case.person, today=today)
        record(
            actor=actor,
            event=AuditEvent.EXPORT if export else AuditEvent.VIEW,
            target_type=phrases.ACCESS_LOG_TARGET,
            target_id=case.person_id,
            case=case,
            changed_fields=["accesses", "disclosures"],
        )
    return AccessLogPage(case=case, log=log, held_back=held_back, exceptions=exceptions)


def exception_form_data(*, actor: User, case_id: int) -> tuple[Case, list[tuple[int, str]]]:
    """Give the case and the organisations an exception may name, for the exception form.

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    """
    case = request_case(actor, case_id)
    return case, list(Organisation.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))


# --- the copy of everything about the person -------------------------------------------------------------


@dataclass(frozen=True)
class CopySection:
    """Hold the rows of one kind of record in the person's copy, as JSON values and as display pairs."""

    label: str
    title: str
    rows: list[dict[str, object]]
    display: list[list[tuple[str, str]]]


@dataclass(frozen=True)
class HeldElsewhere:
    """Say that another organisation holds records of one kind about the person (ask them for a copy)."""

    title: str
    organisation: str
    count: int


@dataclass(frozen=True)
class RetentionLine:
    """Say how long one kind of record is kept, for the person's copy (GDPR art. 15(1)(d))."""

    record_type: str
    action: str
    days: int | None


@dataclass
class PersonDataCopy:
    """Hold the copy of everything the actor's organisations hold about the person, with the access log,
    the disclosures and the retention schedule, and what other organisations hold."""

    case: Case
    name: str
    produced_on: date
    sections: list[CopySection]
    held_elsewhere: list[HeldElsewhere]
    access_log: PersonAccessLog
    retention: list[RetentionLine]


def _plain(value: object, field_: object, organisations: dict[int, str]) -> tuple[object, str]:
    from django.db import models as dj

    assert isinstance(field_, dj.Field)
    if isinstance(field_, dj.ForeignKey | dj.OneToOneField):
        if field_.related_model is Organisation:
            name = organisations.get(value, "") if isinstance(value, int) else ""
            return name, name
        return value, "" if value is None else str(value)
    if isinstance(value, datetime):
        return value.isoformat(), timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.isoformat(), value.strftime("%d.%m.%Y")
    if field_.choices and value not in (None, ""):
        labels = {str(k): str(v) for k, v in field_.flatchoices}
        return value, labels.get(str(value), str(value))
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return value, _("Yes") if value else _("No")
    if isinstance(value, list):
        if field_.name == "recipients":
            names = [organisations.get(v, str(v)) for v in value if isinstance(v, int)]
            return names, ", ".join(names)
        return value, ", ".join(str(v) for v in value)
    return value, "" if value is None else str(value)


def _copy_sections(person: Person, organisations_of_actor: set[int]) -> tuple[list[CopySection], list[HeldElsewhere]]:
    from django.apps import apps
    from django.db.models import Count

    from utvei.privacy.inventory import EXPORTED, SKIPPED_RELATED_MODELS

    organisations = dict(Organisation.objects.values_list("pk", "name"))
    sections: list[CopySection] = []
    elsewhere: list[HeldElsewhere] = []
    for spec in EXPORTED:
        model = apps.get_model(spec.label)
        about = model.objects.filter(**{spec.person_path: person.pk})
        owner = f"{spec.owner_path}__in"
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (
                f.is_relation and f.related_model is not None and f.related_model._meta.label in SKIPPED_RELATED_MODELS
            )
        ]
        rows, display = [], []
        for obj in about.filter(**{owner: organisations_of_actor}).order_by("pk"):
            row: dict[str, object] = {}
            pairs: list[tuple[str, str]] = []
            for f in fields:
                raw, shown = _plain(f.value_from_object(obj), f, organisations)
                row[f.name] = raw
                if shown:
                    pairs.append((str(f.verbose_name), shown))
            rows.append(row)
            display.append(pairs)
        title = str(model._meta.verbose_name_plural)
        if rows:
            sections.append(CopySection(spec.label, title, rows, display))
        others = about.exclude(**{owner: organisations_of_actor}).values(spec.owner_path).annotate(n=Count("pk"))
        for other in others.order_by(spec.owner_path):
            elsewhere.append(HeldElsewhere(title, organisations.get(other[spec.owner_path], ""), other["n"]))
    return sections, elsewhere


def person_data_copy(*, actor: User, case_id: int, language: str) -> PersonDataCopy:
    """Put together a copy of everything the actor's organisations hold about the case's person.

    It covers every model of :data:`utvei.privacy.inventory.EXPORTED`: rows owned by one of the actor's
    organisations in full, rows owned by another organisation as a count with the owner's name (each
    organisation answers for its own records under its own confidentiality). It adds the person's access
    log, the disclosures and the retention schedule. Staff identities are left out. Audited as EXPORT.

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    """
    from utvei.accounts.models import Membership
    from utvei.privacy.models import RecordType, RetentionAction, RetentionRule

    with transaction.atomic():
        case = request_case(actor, case_id)
        person = case.person
        today = timezone.localdate()
        mine = set(Membership.objects.active().filter(user=actor).values_list("organisation_id", flat=True))
        with translation.override(language):
            sections, elsewhere = _copy_sections(person, mine)
            disclosures = disclosure_list_for_person(actor=actor, person_id=person.pk)
            log, _held_back = person_access_log(person=person, disclosures=disclosures, today=today, language=language)
            retention = [
                RetentionLine(
                    str(RecordType(rule.record_type).label),
                    str(RetentionAction(rule.action).label),
                    _effective_days(rule),
                )
                for rule in RetentionRule.objects.filter(is_active=True).order_by("pk")
            ]
        record(
            actor=actor,
            event=AuditEvent.EXPORT,
            target_type=phrases.DATA_COPY_TARGET,
            target_id=person.pk,
            case=case,
            changed_fields=[s.label for s in sections],
        )
    return PersonDataCopy(
        case=case,
        name=f"{person.given_name} {person.family_name}".strip(),
        produced_on=today,
        sections=sections,
        held_elsewhere=elsewhere,
        access_log=log,
        retention=retention,
    )


def _effective_days(rule: object) -> int | None:
    from django.conf import settings

    from utvei.privacy.models import RecordType, RetentionRule

    assert isinstance(rule, RetentionRule)
    if rule.period_days is not None:
        return rule.period_days
    if rule.record_type == RecordType.CONCERN:
        return int(settings.CONCERN_RETENTION_DAYS)
    if rule.record_type == RecordType.CLOSED_CASE:
        return int(settings.CLOSED_CASE_RETENTION_DAYS)
    return None


def data_copy_json(copy: PersonDataCopy) -> dict[str, object]:
    """Turn a copy of the person's data into a JSON document (machine-readable, GDPR art. 20)."""
    return {
        "format": "utvei-person-data-copy/1",
        "produced_on": copy.produced_on.isoformat(),
        "person": copy.name,
        "records": {s.label: s.rows for s in copy.sections},
        "held_by_other_organisations": [
            {"records": h.title, "organisation": h.organisation, "count": h.count} for h in copy.held_elsewhere
        ],
        "access_log": [
            {
                "at": a.at.isoformat(),
                "organisation": a.organisation,
                "role": a.role,
                "action": a.action,
                "categories": a.categories,
                "grounds": a.grounds,
                "emergency": a.emergency,
            }
            for a in copy.access_log.accesses
        ],
        "disclosures": [
            {
                "day": d.day.isoformat(),
                "from": d.discloser,
                "to": d.recipient,
                "categories": d.categories,
                "basis": d.basis,
            }
            for d in copy.access_log.disclosures
        ],
        "retention": [{"records": r.record_type, "action": r.action, "days": r.days} for r in copy.retention],
    }
