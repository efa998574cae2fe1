"""Reads of the portal: what the person sees of their own case, each read audited in the same request.

Every read asks the engine with ``Action.OWN`` (the person's own rows, never the staff's police or
concern items) and records a VIEW row for each of the person's records, so the person's own reads show in
their access log. Templates receive the view models below, never a whole person, case or plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.engine import Ground
from utvei.access.persons import PersonActor
from utvei.access.policy import Action
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.audit.services import reading, record
from utvei.cases.models import Case, Person
from utvei.plans.models import Goal, Measure, Meeting
from utvei.portal.models import BlockRequest, BlockStatus, MessageKind, NoticeSetting
from utvei.privacy.phrases import category_labels
from utvei.privacy.selectors.access_log import AccessLine, DisclosureLine, person_access_log
from utvei.sharing.models import Consent, ConsentPurpose, Disclosure

PAGE_HOME = "portal.Home"
PAGE_PLAN = "portal.Plan"
PAGE_CONSENTS = "portal.Consents"
PAGE_LOG = "portal.AccessLog"
PAGE_REQUESTS = "portal.Requests"
PAGE_NETWORK = "portal.Network"
PAGE_EXPORT = "portal.Export"


def _audit_read(actor: PersonActor, page: str, categories: Iterable[str]) -> None:
    """Record one read of the portal per person record, with what it showed and the ground *own*."""
    shown = sorted(set(categories))
    for person_id in sorted(actor.person_ids):
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target_type=page,
            person_id=person_id,
            categories=shown,
            grounds=[Ground.GUARDIAN if actor.is_guardian else Ground.OWN],
        )


def _organisation_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    return dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}


def _next_meeting(actor: PersonActor, today: date) -> date | None:
    meetings = policy.scope(actor, Action.OWN, Meeting.objects.filter(held_on__gte=today))
    return meetings.order_by("held_on").values_list("held_on", flat=True).first()


# --- home ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Hold one thing that is new for the person: an opening from outside the team, or a decision."""

    at: datetime
    text: str


@dataclass(frozen=True)
class HomePage:
    """Hold the portal's front page: the person's first name, the next meeting and what is new."""

    first_name: str
    next_meeting: date | None
    notices: list[Notice]
    notify_outside_team: bool


def _outside_openings(actor: PersonActor, since: datetime | None) -> list[Notice]:
    """Give the openings of the person's case by someone outside the follow-up team (emergency access)."""
    if since is None:
        return []
    entries = (
        AuditEntry.objects.filter(
            person_id__in=sorted(actor.person_ids), created_at__gte=since, outcome=Outcome.SUCCESS
        )
        .exclude(actor__isnull=True)
        .filter(event__in=[AuditEvent.BREAK_GLASS, AuditEvent.VIEW])
        .order_by("-seq")
        .values_list("created_at", "organisation_id", "event", "grounds")[:50]
    )
    rows = [e for e in entries if e[2] == AuditEvent.BREAK_GLASS or "grant" in (e[3] or [])]
    names = _organisation_names(e[1] for e in rows)
    return [
        Notice(
            at=at,
            text=_("Someone at %(organisation)s opened your case with emergency access.")
            % {"organisation": names.get(org or 0, _("another organisation"))},
        )
        for at, org, _event, _grounds in rows
    ]


def _block_outcomes(actor: PersonActor) -> list[Notice]:
    decided = policy.scope(actor, Action.OWN, BlockRequest.objects.exclude(status=BlockStatus.PENDING))
    texts = {
        BlockStatus.APPROVED: _("Your request to block a staff member from your case was approved."),
        BlockStatus.REFUSED: _("Your request to block a staff member from your case was refused."),
    }
    return [
        Notice(at=at, text=texts[BlockStatus(status)])
        for at, status in decided.values_list("decided_at", "status")[:20]
        if at is not None
    ]


def home_page(*, actor: PersonActor, today: date | None = None) -> HomePage:
    """Give the person's front page and record the read."""
    today = today or timezone.localdate()
    with reading():
        person = policy.scope(actor, Action.OWN, Person.objects.all()).order_by("pk").first()
        setting = policy.scope(actor, Action.OWN, NoticeSetting.objects.filter(notify_outside_team=True)).first()
        notices = _outside_openings(actor, setting.since if setting else None) + _block_outcomes(actor)
        page = HomePage(
            first_name=person.given_name if person else "",
            next_meeting=_next_meeting(actor, today),
            notices=sorted(notices, key=lambda n: n.at, reverse=True),
            notify_outside_team=setting is not None,
        )
        _audit_read(actor, PAGE_HOME, [Category.IDENTITY, Category.PLAN])
    return page


# --- the plan --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureLine:
    """Hold one measure of the plan: what, who provides it, who is responsible, when, and its status."""

    title: str
    organisation: str
    responsible: str
    start_on: date | None
    end_on: date | None
    status: str


@dataclass(frozen=True)
class GoalLine:
    """Hold one goal of the plan in the person's own words, with its measures."""

    goal_id: int
    text: str
    status: str
    measures: list[MeasureLine]


@dataclass(frozen=True)
class PlanPage:
    """Hold the person's plan: the goals and measures, the measures without a goal, the next meeting."""

    goals: list[GoalLine]
    other_measures: list[MeasureLine]
    next_meeting: date | None
    message_kinds: list[tuple[str, str]]


def _measure_line(measure: Measure, names: dict[int, str]) -> MeasureLine:
    return MeasureLine(
        title=measure.title,
        organisation=names.get(measure.provider_organisation_id, ""),
        responsible=measure.responsible,
        start_on=measure.start_on,
        end_on=measure.end_on,
        status=measure.get_status_display(),
    )


def plan_page(*, actor: PersonActor, today: date | None = None) -> PlanPage:
    """Give the person's own plan (goals, measures, next meeting) and record the read."""
    today = today or timezone.localdate()
    with reading():
        goals = list(policy.scope(actor, Action.OWN, Goal.objects.all()).order_by("created_at", "pk"))
        measures = list(
            policy.scope(actor, Action.OWN, Measure.objects.select_related("responsible_user")).order_by(
                "start_on", "pk"
            )
        )
        names = _organisation_names(m.provider_organisation_id for m in measures)
        by_goal: dict[int | None, list[MeasureLine]] = {}
        for measure in measures:
            by_goal.setdefault(measure.goal_id, []).append(_measure_line(measure, names))
        goal_ids = {g.pk for g in goals}
        page = PlanPage(
            goals=[GoalLine(g.pk, g.text, g.get_status_display(), by_goal.get(g.pk, [])) for g in goals],
            other_measures=[line for key, lines in by_goal.items() if key not in goal_ids for line in lines],
            next_meeting=_next_meeting(actor, today),
            message_kinds=[(str(k.value), str(k.label)) for k in MessageKind],
        )
        _audit_read(actor, PAGE_PLAN, {Category.PLAN} | {m.category for m in measures})
    return page


def own_goal(*, actor: PersonActor, goal_id: int) -> Goal:
    """Give one goal of the person's own plan (for a comment on it).

    :raises NotFound: the goal does not exist or is not the person's.
    """
    goal = Goal.objects.filter(pk=goal_id).first()
    if goal is None:
        raise policy.NotFound(Goal._meta.label, goal_id)
    policy.require(actor, Action.OWN, goal)
    return goal


# --- consents --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentLine:
    """Hold one consent in force as the person reads it: from whom, to whom, what, why and until when."""

    consent_id: int
    version: int
    discloser: str
    recipients: list[str]
    categories: list[str]
    purpose: str
    valid_to: date


def _young_persons_own(actor: PersonActor, categories: Iterable[str]) -> bool:
    """Tell whether a record touches a category that is the young person's alone (hidden from a guardian)."""
    return actor.is_guardian and bool(set(categories) & actor.withheld)


def _category_labels(codes: Iterable[str]) -> list[str]:
    return [str(Category(c).label) for c in codes if c in Category.values]


def consent_lines(*, actor: PersonActor, today: date | None = None) -> list[ConsentLine]:
    """Give the person's consents in force and record the read."""
    today = today or timezone.localdate()
    with reading():
        consents = [
            c
            for c in policy.scope(actor, Action.OWN, Consent.objects.current(today)).order_by("valid_to", "pk")
            if not _young_persons_own(actor, c.categories)
        ]
        names = _organisation_names(
            [c.recorded_for_organisation_id for c in consents] + [int(r) for c in consents for r in c.recipients]
        )
        lines = [
            ConsentLine(
                consent_id=c.pk,
                version=c.version,
                discloser=names.get(c.recorded_for_organisation_id, ""),
                recipients=[names.get(int(r), "") for r in c.recipients],
                categories=_category_labels(c.categories),
                purpose=str(ConsentPurpose(c.purpose).label) if c.purpose in ConsentPurpose.values else "",
                valid_to=c.valid_to,
            )
            for c in consents
        ]
        _audit_read(actor, PAGE_CONSENTS, [Category.COORDINATION])
    return lines


# --- the access log and the disclosure ledger ------------------------------------------------------------


@dataclass(frozen=True)
class LogPage:
    """Hold the person's access log and disclosure ledger over all their records, oldest first."""

    accesses: list[AccessLine]
    disclosures: list[DisclosureLine]


def log_page(*, actor: PersonActor, language: str, today: date | None = None) -> LogPage:
    """Give who opened the person's information and who received it, and record the read.

    Built by the privacy app's access log, so lawful exceptions and disclosures not yet told hold back
    exactly what they hold back on paper. The read is recorded after the log is built, so it shows next
    time, like the reads before it.
    """
    today = today or timezone.localdate()
    accesses: list[AccessLine] = []
    disclosures: list[DisclosureLine] = []
    with reading():
        persons = list(policy.scope(actor, Action.OWN, Person.objects.all()).order_by("pk"))
        ledger = policy.scope(actor, Action.OWN, Disclosure.objects.select_related("legal_basis"))
        if actor.is_guardian and actor.withheld:
            # The young person's own categories stay theirs in the log too: who read or received them.
            ledger = ledger.exclude(pk__in=[d.pk for d in ledger if _young_persons_own(actor, d.categories)])
        with translation.override(language):
            hidden = set(category_labels(actor.withheld)) if actor.is_guardian else set()
        for person in persons:
            log, _held_back = person_access_log(
                person=person, disclosures=ledger.filter(person=person), today=today, language=language
            )
            accesses += [line for line in log.accesses if not hidden & set(line.categories)]
            disclosures += log.disclosures
        _audit_read(actor, PAGE_LOG, [Category.COORDINATION])
    return LogPage(
        accesses=sorted(accesses, key=lambda line: line.at, reverse=True),
        disclosures=sorted(disclosures, key=lambda line: line.day, reverse=True),
    )


# --- the person's requests (blocking a staff member) -----------------------------------------------------


@dataclass(frozen=True)
class BlockLine:
    """Hold one of the person's block requests as they read it: whom, when, and the outcome."""

    name: str
    asked_on: date
    status: str
    decision_reason: str


@dataclass(frozen=True)
class RequestsPage:
    """Hold the person's block requests and who they may name (their follow-up team), per case."""

    blocks: list[BlockLine]
    team: list[tuple[int, str]]
    case_id: int | None


def _user_names(ids: Iterable[int]) -> dict[int, str]:
    from utvei.accounts.models import User

    users = User.objects.filter(pk__in=sorted(set(ids))).only("pk", "first_name", "last_name", "username")
    return {u.pk: u.get_full_name() or u.username for u in users}


def requests_page(*, actor: PersonActor) -> RequestsPage:
    """Give the person's block requests and the staff of their follow-up team, and record the read."""
    from utvei.cases.models import TeamMember

    with reading():
        case_ids = sorted(policy.scope(actor, Action.OWN, Case.objects.all()).values_list("pk", flat=True))
        team_ids = list(
            TeamMember.objects.filter(case_id__in=case_ids, left_at__isnull=True)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        blocks = list(policy.scope(actor, Action.OWN, BlockRequest.objects.all()))
        names = _user_names(team_ids + [b.blocked_user_id for b in blocks])
        page = RequestsPage(
            blocks=[
                BlockLine(
                    name=names.get(b.blocked_user_id, ""),
                    asked_on=timezone.localdate(b.created_at),
                    status=b.get_status_display(),
                    decision_reason=b.decision_reason if b.status != BlockStatus.PENDING else "",
                )
                for b in blocks
            ],
            team=sorted({(pk, names.get(pk, "")) for pk in team_ids}, key=lambda t: t[1]),
            case_id=case_ids[-1] if case_ids else None,
        )
        _audit_read(actor, PAGE_REQUESTS, [Category.COORDINATION])
    return page


# --- staff: what the person sent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMessageLine:
    """Hold one comment of the person on a goal, for the case's workers."""

    at: datetime
    kind: str
    goal: str
    text: str


@dataclass(frozen=True)
class StaffBlockLine:
    """Hold one block request for the case's coordinators to decide."""

    request_id: int
    at: datetime
    name: str
    reason: str
    status: str
    pending: bool
    decision_reason: str


@dataclass(frozen=True)
class FromPersonPage:
    """Hold what the person sent on one case: comments (for editors) and block requests (coordinators)."""

    case_id: int
    messages: list[StaffMessageLine]
    blocks: list[StaffBlockLine]


def from_person_page(*, actor: User, case_id: int) -> FromPersonPage:
    """Give what the person sent on a case to a worker who may read it, and record the read.

    :raises NotFound: the actor reads neither the comments nor the block requests of the case.
    """
    from utvei.portal.models import PersonMessage

    with reading():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise policy.NotFound(Case._meta.label, case_id)
        messages = list(
            policy.scope(actor, Action.VIEW, PersonMessage.objects.filter(case=case).select_related("goal"))
        )
        blocks = list(policy.scope(actor, Action.VIEW, BlockRequest.objects.filter(case=case)))
        if not messages and not blocks and not policy.can(actor, Action.UPDATE, case):
            raise policy.NotFound(Case._meta.label, case_id)
        names = _user_names(b.blocked_user_id for b in blocks)
        page = FromPersonPage(
            case_id=case.pk,
            messages=[
                StaffMessageLine(at=m.created_at, kind=m.get_kind_display(), goal=m.goal.text, text=m.text)
                for m in messages
            ],
            blocks=[
                StaffBlockLine(
                    request_id=b.pk,
                    at=b.created_at,
                    name=names.get(b.blocked_user_id, ""),
                    reason=b.reason,
                    status=b.get_status_display(),
                    pending=b.status == BlockStatus.PENDING,
                    decision_reason=b.decision_reason,
                )
                for b in blocks
            ],
        )
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target_type="portal.FromPerson",
            target_id=case.pk,
            case=case,
            categories=[Category.PLAN, Category.COORDINATION],
        )
    return page


# --- the network map and the whole as PDF -----------------------------------------------------------------


@dataclass(frozen=True)
class TieLine:
    """Hold one tie of the person's network as they read it: who, the relation and how close."""

    label: str
    kind: str
    relation: str
    closeness: str


def _tie_lines(actor: PersonActor) -> list[TieLine]:
    from utvei.network.models import Closeness, NetworkNode

    order = {value: index for index, value in enumerate(Closeness.values)}
    nodes = list(policy.scope(actor, Action.OWN, NetworkNode.objects.all()))
    nodes.sort(key=lambda n: (order.get(n.closeness, 99), n.label.lower(), n.pk))
    return [TieLine(n.label, n.get_kind_display(), n.get_relation_display(), n.get_closeness_display()) for n in nodes]


def network_lines(*, actor: PersonActor) -> list[TieLine]:
    """Give the ties of the person's network in force, without risk ties, and record the read."""
    with reading():
        lines = _tie_lines(actor)
        _audit_read(actor, PAGE_NETWORK, [Category.NETWORK])
    return lines


def portal_pdf(*, actor: PersonActor, language: str) -> bytes:
    """Render everything the portal shows the person (plan, consents, network, access log) as one PDF,
    and record the export.

    It is the person's own copy, fetched by them after an ID-porten login, so it holds the words as
    recorded (as the data copy does); it holds nothing the portal pages do not show.
    """
    from django.utils import translation

    from utvei.core.pdf import render_pdf

    language = "en" if language.startswith("en") else "nb"
    with reading():
        context = {
            "plan": plan_page(actor=actor),
            "consents": consent_lines(actor=actor),
            "ties": _tie_lines(actor),
            "log": log_page(actor=actor, language=language),
            "printed_on": timezone.localdate(),
        }
        with translation.override(language):
            title = str(_("Your information in Utvei"))
        document = render_pdf("portal/portal_pdf.html", context, language=language, title=title, faithful_copy=True)
        for person_id in sorted(actor.person_ids):
            record(
                actor=actor,
                event=AuditEvent.EXPORT,
                target_type=PAGE_EXPORT,
                person_id=person_id,
                categories=sorted({Category.PLAN, Category.COORDINATION, Category.NETWORK}),
                grounds=[Ground.GUARDIAN if actor.is_guardian else Ground.OWN],
            )
    return document


@dataclass(frozen=True)
class FromPersonSection:
    """Hold the plan tab's note of what the person sent: how many comments and open block requests."""

    case_id: int
    messages: int
    pending_blocks: int


def sees_from_person(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the note is offered (the case's editors)."""
    from utvei.cases.policy import EDIT_CASE

    return EDIT_CASE.allows_case(policy.context(actor), case.pk)


def from_person_section(*, actor: User, case: Case) -> FromPersonSection | None:
    """Count what the person sent on the case, for the plan tab (the tab's read is audited by its caller)."""
    from utvei.portal.models import PersonMessage

    messages = policy.scope(actor, Action.VIEW, PersonMessage.objects.filter(case=case)).count()
    pending = policy.scope(
        actor, Action.VIEW, BlockRequest.objects.filter(case=case, status=BlockStatus.PENDING)
    ).count()
    if not messages and not pending:
        return None
    return FromPersonSection(case_id=case.pk, messages=messages, pending_blocks=pending)
