"""The person's own access log: who accessed their information, who received it, and the exceptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.audit.services import reading, record
from utvei.cases.models import Case, Person
from utvei.privacy import phrases
from utvei.privacy.models import AccessGrant, AccessLogException, GrantReason
from utvei.sharing.models import Disclosure
from utvei.sharing.selectors import disclosure_list_for_person

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
    # The reason code's label of the emergency access the line rested on (empty for other lines).
    reason: str = ""


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


def _grant_reason(
    grants: list[tuple[int, datetime, datetime, datetime | None, str]], actor_id: int | None, at: datetime
) -> str:
    """Give the reason label of the grant a user's access at a time rested on (empty when none matches)."""
    for user_id, granted_at, expires_at, ended_at, code in grants:
        if user_id == actor_id and granted_at <= at <= (ended_at or expires_at):
            return str(GrantReason(code).label) if code in GrantReason.values else ""
    return ""


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
            "created_at",
            "organisation_id",
            "actor_id",
            "actor_role",
            "event",
            "target_type",
            "target_id",
            "categories",
            "grounds",
        )
    )
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    grants = list(
        AccessGrant.objects.filter(case__person=person).values_list(
            "user_id", "granted_at", "expires_at", "ended_at", "reason_code"
        )
    )
    held_back = 0
    accesses: list[AccessLine] = []
    shown: list[DisclosureLine] = []
    with translation.override(language):
        for e in entries:
            exception_record = e.target_type == AccessLogException._meta.label and e.target_id in hidden_exception_ids
            if e.organisation_id in hidden_orgs or exception_record:
                held_back += 1
                continue
            emergency = e.event == AuditEvent.BREAK_GLASS or bool({"grant", "break_glass"} & set(e.grounds or []))
            accesses.append(
                AccessLine(
                    at=e.created_at,
                    organisation=organisations.get(e.organisation_id, "") if e.organisation_id else "",
                    role=phrases.role_labels(e.actor_role, for_person=True),
                    action=phrases.person_phrase(e.event),
                    categories=phrases.category_labels(e.categories),
                    grounds=phrases.ground_labels(e.grounds),
                    emergency=emergency,
                    reason=_grant_reason(grants, e.actor_id, e.created_at) if emergency else "",
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
    # The person's request is answered by the case's workers, open or closed case (the EXPORT rule).
    policy.require(actor, Action.EXPORT, case)
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
    with reading():
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
    with reading():
        case = request_case(actor, case_id)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case, grounds=["seat"])
    return case, list(Organisation.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))
