"""Reads for the sharing engine.

Legal bases are public reference data with no personal information, so those reads take no actor, check
no policy and write no audit row. Disclosures are case data: their reads check the policy and are audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, OrganisationKind, ProfessionalStatus, Role, Sector, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, Escalation, EscalationChange, TeamMember
from utvei.cases.policy import CASE_EDITOR_ROLES, CaseRule, active_seats
from utvei.cases.services import acting_organisation
from utvei.sharing.decision import (
    ConsentScope,
    Giver,
    LegalReference,
    Purpose,
    SharingDecision,
    SharingRequest,
    decide,
    wording,
)
from utvei.sharing.models import (
    Consent,
    ConsentGiver,
    ConsentNotice,
    ConsentPurpose,
    Disclosure,
    ExternalRecipient,
    LegalBasis,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def legal_basis_reference(code: str, on: date) -> LegalReference | None:
    """Give the version of a basis's legal reference in force on a date, or None.

    It has the shape of :data:`utvei.sharing.decision.ReferenceLookup`, so it can be passed straight to
    ``decide``. Should two versions overlap by mistake, the one that started last wins.
    """
    version = LegalBasis.objects.in_force(on).filter(code=code).order_by("-valid_from").first()
    return None if version is None else version.as_reference()


def disclosure_list_for_person(*, actor: User, person_id: int) -> list[Disclosure]:
    """List the disclosures about a person on the cases the actor may see, newest first.

    The listing is audited (LIST) with the person's id and the number of rows, never their content.
    """
    with transaction.atomic():
        cases = policy.scope(actor, Action.VIEW, Case.objects.filter(person_id=person_id))
        disclosures = list(
            Disclosure.objects.filter(case__in=cases)
            .select_related(
                "discloser", "recipient_organisation", "recipient_party", "legal_basis", "consent", "decided_by"
            )
            .order_by("-decided_at", "-pk")
        )
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=Disclosure._meta.label,
            target_id=len(disclosures),
            person_id=person_id,
        )
    return disclosures


# --- pages of the sharing engine ------------------------------------------------------------------------


class ConsentStatus(StrEnum):
    """Name where a consent chain stands today."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"


STATUS_LABELS: dict[ConsentStatus, StrOrPromise] = {
    ConsentStatus.IN_FORCE: _("In force"),
    ConsentStatus.NOT_YET: _("Not yet in force"),
    ConsentStatus.EXPIRED: _("Expired"),
    ConsentStatus.WITHDRAWN: _("Withdrawn"),
    ConsentStatus.REPLACED: _("Replaced by a newer consent"),
}


def consent_status(consent: Consent, today: date) -> ConsentStatus:
    """Tell whether the latest version of a consent is in force, not yet, expired or withdrawn."""
    if consent.withdrawn_at is not None:
        return ConsentStatus.WITHDRAWN
    if consent.ended_at is not None:
        return ConsentStatus.REPLACED
    # The guardians' consent alone ends when the person comes of age (R19).
    if consent.given_by == Giver.GUARDIANS and consent.person.age_on(today) >= 18:
        return ConsentStatus.EXPIRED
    if consent.valid_from > today:
        return ConsentStatus.NOT_YET
    if consent.valid_to < today:
        return ConsentStatus.EXPIRED
    return ConsentStatus.IN_FORCE


@dataclass
class ConsentChain:
    """Hold one consent with every version: the latest first, what it names, and the actor's rights."""

    latest: Consent
    earlier: list[Consent]
    status: ConsentStatus
    discloser: Organisation
    recipients: list[Organisation]
    category_labels: list[str]
    can_change: bool

    @property
    def status_label(self) -> StrOrPromise:
        """Give the status in the interface language."""
        return STATUS_LABELS[self.status]


def category_labels(values: Iterable[str]) -> list[str]:
    """Give the labels of categories, in the catalogue's order."""
    wanted = set(values)
    return [str(category.label) for category in Category if category.value in wanted]


def _organisations_by_id() -> dict[int, Organisation]:
    return {org.pk: org for org in Organisation.objects.order_by("name")}


def _chains(consents: list[Consent], *, seat_orgs: set[int], case_open: bool, today: date) -> list[ConsentChain]:
    by_id = {c.pk: c for c in consents}
    superseded = {c.previous_id for c in consents if c.previous_id is not None}
    organisations = _organisations_by_id()
    chains = []
    for consent in consents:
        if consent.pk in superseded:
            continue
        earlier, cursor = [], consent.previous_id
        while cursor is not None and cursor in by_id:
            earlier.append(by_id[cursor])
            cursor = by_id[cursor].previous_id
        status = consent_status(consent, today)
        chains.append(
            ConsentChain(
                latest=consent,
                earlier=earlier,
                status=status,
                discloser=organisations[consent.recorded_for_organisation_id],
                recipients=[organisations[pk] for pk in consent.recipients if pk in organisations],
                category_labels=category_labels(consent.categories),
                can_change=case_open
                and consent.recorded_for_organisation_id in seat_orgs
                and status not in {ConsentStatus.WITHDRAWN, ConsentStatus.REPLACED},
            )
        )
    order = [
        ConsentStatus.IN_FORCE,
        ConsentStatus.NOT_YET,
        ConsentStatus.EXPIRED,
        ConsentStatus.WITHDRAWN,
        ConsentStatus.REPLACED,
    ]
    return sorted(chains, key=lambda chain: order.index(chain.status))


def _case_seen(actor: User, case_id: int, action: Action = Action.VIEW) -> Case:
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, action, case)
    return case


def consent_seats(user: User) -> QuerySet[TeamMember]:
    """Give the seats in force from which a user may record, change or withdraw consents.

    A mentor's seat does not count: the mentor's view is narrow (R26), and consents are handled by the
    case's workers and the other team members, each for their own organisation.
    """
    return active_seats(user).exclude(role=Role.MENTOR)


def _seat_orgs(actor: User, case: Case) -> set[int]:
    return set(consent_seats(actor).filter(case=case).values_list("organisation_id", flat=True))


# Who may put together the person's overview: the case's workers and coordinators, open or closed case.
OVERVIEW_RULE = CaseRule(CASE_EDITOR_ROLES)


@dataclass
class ConsentPage:
    """Hold the consent page of a case: the consents of its person and what the actor may do."""

    case: Case
    chains: list[ConsentChain]
    can_record: bool
    notices: list[ConsentNotice]


def consent_list_for_case(*, actor: User, case_id: int) -> ConsentPage:
    """List every consent of the case's person, with versions, for a member of the team.

    Audited as one LIST with the case, the person and the number of consents.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id)
        consents = list(
            Consent.objects.filter(person_id=case.person_id).select_related("person").order_by("-created_at", "-pk")
        )
        seat_orgs = _seat_orgs(actor, case)
        today = timezone.localdate()
        chains = _chains(consents, seat_orgs=seat_orgs, case_open=case.is_open, today=today)
        notices = list(
            ConsentNotice.objects.filter(consent__person_id=case.person_id, organisation_id__in=_member_orgs(actor))
            .select_related("consent", "organisation")
            .order_by("-created_at")[:20]
        )
        record(actor=actor, event=AuditEvent.LIST, target_type=Consent._meta.label, target_id=len(consents), case=case)
    return ConsentPage(case=case, chains=chains, can_record=case.is_open and bool(seat_orgs), notices=notices)


def _member_orgs(actor: User) -> set[int]:
    return set(Membership.objects.active().filter(user=actor).values_list("organisation_id", flat=True))


@dataclass
class ConsentFormData:
    """Hold what the consent form needs: the case, the discloser and the organisations to name."""

    case: Case
    discloser: Organisation
    organisations: list[Organisation]
    consent: Consent | None = None


def consent_form_data(*, actor: User, case_id: int, consent_id: int | None = None) -> ConsentFormData:
    """Load the form to record a consent, or to change or withdraw one (then ``consent_id``).

    A new consent waives the confidentiality of the organisation the actor acts for on the case. A change
    or a withdrawal needs a seat for the consent's discloser on the case, and the consent must be this
    person's latest version. The read is audited (VIEW of the case, or of the consent).

    :raises NotFound: the case or consent does not exist, or the actor may not act on it.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id, Action.SHARE)
        consent: Consent | None = None
        if consent_id is None:
            seat = consent_seats(actor).filter(case=case).select_related("organisation").order_by("added_at").first()
            if seat is None:
                raise NotFound(Case._meta.label, case.pk)
            discloser = seat.organisation
        else:
            consent = Consent.objects.select_related("recorded_for_organisation").filter(pk=consent_id).first()
            if (
                consent is None
                or consent.person_id != case.person_id
                or consent.recorded_for_organisation_id not in _seat_orgs(actor, case)
                or Consent.objects.filter(previous_id=consent.pk).exists()
                or consent.ended_at is not None
            ):
                raise NotFound(Consent._meta.label, consent_id)
            discloser = consent.recorded_for_organisation
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        if consent is None:
            record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        else:
            record(actor=actor, event=AuditEvent.VIEW, target=consent, case=case)
    return ConsentFormData(case=case, discloser=discloser, organisations=organisations, consent=consent)


# --- the sharing decision page ---------------------------------------------------------------------------


@dataclass
class SharingFormData:
    """Hold what the sharing page needs: the case, the discloser, the recipients and what the records say."""

    case: Case
    discloser: Organisation
    organisations: list[Organisation]
    external: list[ExternalRecipient]
    derived: list[DerivedFact]
    is_health_personnel: bool
    is_police: bool


@dataclass(frozen=True)
class DerivedFact:
    """Hold one fact the decision takes from the records, with where it comes from (shown on the page)."""

    label: StrOrPromise
    value: str
    source: StrOrPromise


@dataclass(frozen=True)
class KnownFacts:
    """Hold what the records say about who shares and about the person, as the decision reads it."""

    discloser_kind: OrganisationKind
    discloser_sector: Sector
    discloser_status: ProfessionalStatus
    discloser_body: int
    recipient_body: int | None
    person_age: int


def request_facts(
    *, actor: User, case: Case, discloser: Organisation, recipient: Organisation | None, on: date
) -> tuple[KnownFacts, list[DerivedFact]]:
    """Work out what the decision takes from the records, never from a tick (no access check; callers have one).

    The discloser's sector and public body come from the organisation register, the professional status
    from the membership the administrator confirmed, the person's age on the day from the birth date, and
    the recipient's public body from the register. Returned as ``SharingRequest`` keywords and as facts
    with their sources for the page.
    """
    from utvei.accounts.selectors import confirmed_status

    membership = confirmed_status(user=actor, organisation_id=discloser.pk)
    status = membership.professional_status if membership is not None else ProfessionalStatus.NONE
    age = case.person.age_on(on)
    seat = (
        TeamMember.objects.filter(case=case, user=actor, organisation=discloser, left_at__isnull=True)
        .order_by("added_at")
        .first()
    )
    body = discloser.parent or discloser
    facts = KnownFacts(
        discloser_kind=OrganisationKind(discloser.kind),
        discloser_sector=Sector(discloser.sector),
        discloser_status=ProfessionalStatus(status),
        discloser_body=discloser.public_body_id,
        recipient_body=None if recipient is None else recipient.public_body_id,
        person_age=age,
    )
    with_status = str(_("None confirmed"))
    if membership is not None:
        confirmed_on = membership.status_confirmed_at
        with_status = str(membership.get_professional_status_display())
        if membership.hpr_number:
            with_status += f" (HPR {membership.hpr_number})"
        if confirmed_on is not None:
            with_status += ", " + str(
                _("confirmed %(day)s")
                % {"day": formats.date_format(timezone.localdate(confirmed_on), "SHORT_DATE_FORMAT")}
            )
    derived = [
        DerivedFact(_("You share for"), discloser.name, _("the seat you hold on this case")),
        DerivedFact(
            _("Public body and sector"),
            f"{body.name} – {Sector(discloser.sector).label}",
            _("the organisation register"),
        ),
        DerivedFact(
            _("Your professional status"), str(with_status), _("confirmed by your organisation's administrator")
        ),
        DerivedFact(
            _("The person's age on that day"),
            str(age),
            _("the birth date in the person register, on %(day)s")
            % {"day": formats.date_format(on, "SHORT_DATE_FORMAT")},
        ),
    ]
    if seat is not None:
        derived.append(DerivedFact(_("Your seat"), str(Role(seat.role).label), _("the case's follow-up team")))
    return facts, derived


def sharing_form_data(*, actor: User, case_id: int) -> SharingFormData:
    """Load the sharing page for a member of the case's team (audited as a VIEW of the case).

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id, Action.SHARE)
        discloser = acting_organisation(actor=actor, case=case)
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        facts, derived = request_facts(
            actor=actor, case=case, discloser=discloser, recipient=None, on=timezone.localdate()
        )
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return SharingFormData(
        case=case,
        discloser=discloser,
        organisations=organisations,
        external=list(ExternalRecipient.objects.filter(is_active=True).order_by("name_nb")),
        derived=derived,
        is_health_personnel=facts.discloser_status == ProfessionalStatus.HEALTH_PERSONNEL,
        is_police=facts.discloser_status == ProfessionalStatus.POLICE,
    )


@dataclass(frozen=True)
class DecisionView:
    """Hold one answer of the sharing decision as the page shows it."""

    decision: SharingDecision
    consent: Consent | None
    explanation: str
    bases: list[tuple[str, str]]  # (code, "title (citation)")
    must_record: list[str]
    warnings: list[tuple[str, str]]  # (rule, text)
    derived: list[DerivedFact]


def consent_for_recipient(
    *, person_id: int, discloser_id: int, recipient_id: int, categories: Iterable[str] = ()
) -> Consent | None:
    """Pick the consent a sharing to one organisation would rest on (no access check).

    Of the latest versions recorded for the discloser that name the recipient, it prefers one in force
    that covers every category asked for, then one out of force that covers them, then one in force, then
    the newest: a consent that does not cover the sharing still lets the decision explain what is missing.
    """
    latest = (
        Consent.objects.select_related("person")
        .filter(
            person_id=person_id,
            recorded_for_organisation_id=discloser_id,
            superseded_by__isnull=True,
            ended_at__isnull=True,
        )
        .order_by("-created_at", "-pk")
    )
    candidates = [c for c in latest if recipient_id in c.recipients]
    today = timezone.localdate()
    in_force = [c for c in candidates if consent_status(c, today) == ConsentStatus.IN_FORCE]
    wanted = set(categories)
    covering = [c for c in in_force if wanted <= set(c.categories)]
    # Out of force, the one that would cover the categories explains best why it no longer does.
    chosen = covering or [c for c in candidates if wanted <= set(c.categories)] or in_force or candidates
    return chosen[0] if chosen else None


def consent_scope_of(consent: Consent, recipient: Organisation) -> ConsentScope:
    """Give what a consent covers towards one recipient organisation, with who gave it, as the decision reads it.

    A version that a newer consent or a changed version replaced ends on the day it was replaced.
    """
    ends = [timezone.localdate(moment) for moment in (consent.withdrawn_at, consent.ended_at) if moment is not None]
    age = consent.person_age if consent.person_age is not None else consent.person.age_on(consent.valid_from)
    return ConsentScope(
        recipients=frozenset({OrganisationKind(recipient.kind)}),
        categories=frozenset(Category(c) for c in consent.categories),
        purposes=frozenset({Purpose(consent.purpose)}),
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        withdrawn_at=min(ends) if ends else None,
        given_by=Giver(consent.given_by),
        giver_age=age,
        child_heard=bool(consent.child_view.strip()),
    )


def sharing_decision(
    *,
    actor: User,
    case_id: int,
    recipient_organisation: Organisation | None,
    recipient_kind: str,
    categories: Sequence[str],
    purpose: str,
    facts: Mapping[str, object],
    child_welfare_conditions: Iterable[str] = (),
    classified: bool = False,
    language: str = "nb",
) -> DecisionView:
    """Ask the sharing decision for a member of the case's team, with the consent it would use.

    The discloser is the organisation the actor acts for on the case. What the records know (sector, public
    bodies, the confirmed professional status, the person's age today) is worked out by
    :func:`request_facts`; ``facts`` holds only what the user assessed (``ASSESSED_FACTS``). The read of the
    consent is audited (VIEW of the case, with the field names asked).

    :raises NotFound: the case does not exist or the actor is not on its team.
    :raises ValueError: an unknown category, purpose, recipient kind, condition or fact.
    """
    unknown = set(facts) - ASSESSED_FACTS
    if unknown:
        raise ValueError(f"Not a fact a user assesses: {sorted(unknown)}")
    with transaction.atomic():
        case = _case_seen(actor, case_id, Action.SHARE)
        discloser = acting_organisation(actor=actor, case=case)
        today = timezone.localdate()
        known, derived = request_facts(
            actor=actor, case=case, discloser=discloser, recipient=recipient_organisation, on=today
        )
        consent = None
        if recipient_organisation is not None:
            consent = consent_for_recipient(
                person_id=case.person_id,
                discloser_id=discloser.pk,
                recipient_id=recipient_organisation.pk,
                categories=categories,
            )
        request = SharingRequest(
            recipient_kind=recipient_kind,  # type: ignore[arg-type]
            categories=frozenset(categories),  # type: ignore[arg-type]
            purpose=purpose,  # type: ignore[arg-type]
            on=today,
            consent=None
            if consent is None or recipient_organisation is None
            else consent_scope_of(consent, recipient_organisation),
            child_welfare_conditions=frozenset(child_welfare_conditions),  # type: ignore[arg-type]
            classified=classified,
            discloser_kind=known.discloser_kind,
            discloser_sector=known.discloser_sector,
            discloser_status=known.discloser_status,
            discloser_body=known.discloser_body,
            recipient_body=known.recipient_body,
            person_age=known.person_age,
            **dict(facts),  # type: ignore[arg-type]
        )
        decision = decide(request, lookup=legal_basis_reference)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=case,
            case=case,
            changed_fields=["consents"] if consent is not None else [],
        )
    bases = []
    with translation.override(language):
        for code in decision.bases:
            reference = legal_basis_reference(code, request.on)
            if reference is not None:
                bases.append((str(code), wording.title(reference)))
        must_record = [str(RECORD_LABELS.get(name, name)) for name in decision.must_record]
    return DecisionView(
        decision=decision,
        consent=consent,
        explanation=decision.explanation(language),
        bases=bases,
        must_record=must_record,
        warnings=[(n.rule, n.text(language)) for n in decision.warnings],
        derived=derived,
    )


# The facts a user assesses (R34): what the records cannot know. Everything else the decision reads is
# worked out from the records by ``request_facts``, so no tick can widen what the law allows.
ASSESSED_FACTS = frozenset(
    {
        "anonymised",
        "offence_concern",
        "danger_to_life_or_health",
        "imminent_danger_to_life",
        "avert_listed_offence_most_likely",
        "necessary_for_own_tasks",
        "police_shared_under_own_rules",
        "weighty_interests",
        "why_not_anonymised",
    }
)


RECORD_LABELS: dict[str, StrOrPromise] = {
    "basis": _("the basis"),
    "recipient": _("the recipient"),
    "categories": _("the categories"),
    "content_summary": _("a summary of what is shared"),
    "decided_by": _("who decided"),
    "decided_at": _("when"),
    "person_informed": _("whether the person was told, and if not why and until when"),
    "consent_version": _("the consent version used"),
    "why_necessary": _("why it is necessary for your own tasks"),
    "offence": _("which offence it concerns"),
    "danger_assessment": _("the assessment of the danger"),
    "why_not_anonymised": _("why anonymised information was not enough"),
    "regulation": _("the regulation used"),
    "facts": _("the facts the decision rests on"),
    "likelihood_assessment": _("why the offence is certain or most likely"),
    "offence_category": _("the kind of offence"),
    "known_at": _("when it became known"),
    "action_taken": _("what was done"),
    "conditions": _("which conditions a–d apply"),
    "parents_informed": _("whether the parents were told"),
    "channel": _("the channel"),
    "reference": _("the recipient's reference"),
    "reassess_on": _("when to reassess"),
    "weighty_interests": _("the interests weighed and the reasons for your judgement"),
}


# --- disclosures and the person's view ------------------------------------------------------------------


@dataclass
class DisclosurePage:
    """Hold the disclosures about a case's person that the actor may see, and the reports it may complete."""

    case: Case
    disclosures: list[Disclosure]
    reports: list[Escalation] = field(default_factory=list)


def disclosure_list_for_case(*, actor: User, case_id: int) -> DisclosurePage:
    """List the disclosures about the case's person that the actor's organisations made or
    received, on the cases the actor may see. That a disclosure exists is itself information of its
    categories, so other team members do not see it. Audited as one LIST.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id)
        orgs = _member_orgs(actor)
        disclosures = [
            d
            for d in disclosure_list_for_person(actor=actor, person_id=case.person_id)
            if d.discloser_id in orgs or d.recipient_organisation_id in orgs
        ]
        # The reports of concern the actor's organisations made on this case, which they may complete later.
        reports = list(
            Escalation.objects.filter(case=case, owner_organisation_id__in=orgs).order_by("-reported_at", "-pk")
        )
    return DisclosurePage(case=case, disclosures=disclosures, reports=reports)


@dataclass
class ReportPage:
    """Hold one report of concern with its history of completions, for the organisation that made it."""

    case: Case
    escalation: Escalation
    changes: list[EscalationChange]


def report_for_completion(*, actor: User, case_id: int, escalation_id: int) -> ReportPage:
    """Load a report of concern for completion by a member of the organisation that made it (audited VIEW).

    :raises NotFound: the case or report does not exist, the actor is not on the team (``Case`` ``SHARE``),
        or the report was made by another organisation.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id, Action.SHARE)
        escalation = Escalation.objects.filter(pk=escalation_id, case=case).first()
        if escalation is None or escalation.owner_organisation_id not in _member_orgs(actor):
            raise NotFound(Escalation._meta.label, escalation_id)
        changes = list(EscalationChange.objects.filter(escalation=escalation).select_related("changed_by"))
        record(actor=actor, event=AuditEvent.VIEW, target=escalation, case=case)
    return ReportPage(case=case, escalation=escalation, changes=changes)


@dataclass(frozen=True)
class PersonConsentLine:
    """Hold one consent in force as the person reads it."""

    discloser: str
    recipients: list[str]
    categories: list[str]
    purpose: str
    valid_from: date
    valid_to: date
    given_by: str


@dataclass(frozen=True)
class PersonDisclosureLine:
    """Hold one disclosure as the person reads it (no summary: the person asks for that)."""

    day: date
    discloser: str
    recipient: str
    categories: list[str]
    basis: str
    person_informed: bool


@dataclass(frozen=True)
class PersonView:
    """Hold the person's own overview: consents in force and disclosures made about them."""

    case: Case
    name: str
    consents: list[PersonConsentLine]
    disclosures: list[PersonDisclosureLine]
    withheld: int
    printed_on: date


def person_view(*, actor: User, case_id: int, language: str, export: bool = False) -> PersonView:
    """Put together, in plain words and the language asked for, what the person may read:
    the consents in force and the disclosures made about them.

    Names of recipients come from the organisation or its kind, never from free text, so nothing written
    for colleagues reaches the person. Disclosures the person has not been told about yet (R11, until the
    date set) are left out and counted. Audited as VIEW, or EXPORT for the PDF.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic():
        case = _case_seen(actor, case_id)
        if not OVERVIEW_RULE.allows(actor, case):
            raise NotFound(Case._meta.label, case.pk)
        person = case.person
        today = timezone.localdate()
        organisations = _organisations_by_id()
        with translation.override(language):
            consents = [
                PersonConsentLine(
                    discloser=organisations[c.recorded_for_organisation_id].name,
                    recipients=[organisations[pk].name for pk in c.recipients if pk in organisations],
                    categories=category_labels(c.categories),
                    purpose=str(ConsentPurpose(c.purpose).label),
                    valid_from=c.valid_from,
                    valid_to=c.valid_to,
                    given_by=str(ConsentGiver(c.given_by).label),
                )
                for c in Consent.objects.current(today).filter(person_id=person.pk).order_by("valid_to", "pk")
            ]
            lines, withheld = [], 0
            for d in disclosure_list_for_person(actor=actor, person_id=person.pk):
                if not d.person_informed and (d.not_informed_until is None or d.not_informed_until >= today):
                    withheld += 1
                    continue
                recipient = (
                    d.recipient_organisation.name
                    if d.recipient_organisation is not None
                    else _kind_label(d.recipient_kind)
                )
                lines.append(
                    PersonDisclosureLine(
                        day=timezone.localdate(d.decided_at),
                        discloser=d.discloser.name,
                        recipient=recipient,
                        categories=category_labels(d.categories),
                        basis=d.legal_basis.title_in(language),
                        person_informed=d.person_informed,
                    )
                )
        record(
            actor=actor,
            event=AuditEvent.EXPORT if export else AuditEvent.VIEW,
            target=person,
            case=case,
            changed_fields=["consents", "disclosures"],
        )
    return PersonView(
        case=case,
        name=f"{person.given_name} {person.family_name}",
        consents=consents,
        disclosures=lines,
        withheld=withheld,
        printed_on=today,
    )


def _kind_label(kind: str) -> str:
    if kind in OrganisationKind.values:
        return str(OrganisationKind(kind).label)
    return str(_("Another recipient"))


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

    in_force: list[ConsentChain]
    withheld: list[Withheld]
    notices: list[ConsentNotice]
    disclosure_count: int
    can_share: bool
    can_overview: bool


def _case_item_models() -> list[tuple[type[models.Model], str]]:
    """List the models of case items with the category their view rule names."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if not {"case", "owner_organisation"} <= names:
            continue
        # Read only to learn the category a registered rule filters by; the rule itself is used through scope.
        rule = policy._rules.get((model, Action.VIEW))  # noqa: SLF001
        category = getattr(rule, "category", None)
        if isinstance(category, str):
            found.append((model, category))
    return found


def withheld_items(*, actor: User, case: Case) -> list[Withheld]:
    """Count, per category and owner, the items of the case the gate does not show the actor.

    Only counts, categories and owners: never an item's content ("ask the owner").
    """
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for model, category in _case_item_models():
        qs = model._default_manager.filter(case=case)
        visible = set(policy.scope(actor, Action.VIEW, qs).values_list("pk", flat=True))
        for pk, owner_id in qs.values_list("pk", "owner_organisation_id"):
            if pk not in visible:
                counts[(category, owner_id)] += 1
    organisations = _organisations_by_id()
    labels = dict(Category.choices)
    return [
        Withheld(category=str(labels.get(category, category)), owner=organisations[owner].name, count=count)
        for (category, owner), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1]))
        if owner in organisations
    ]


def sharing_section(*, actor: User, case: Case) -> SharingSection:
    """Gather the case page's sharing section (called inside the page's audited read)."""
    today = timezone.localdate()
    current = list(Consent.objects.current(today).filter(person_id=case.person_id).order_by("valid_to", "pk"))
    chains = _chains(current, seat_orgs=_seat_orgs(actor, case), case_open=case.is_open, today=today)
    notices = list(
        ConsentNotice.objects.filter(
            consent__person_id=case.person_id,
            organisation_id__in=_member_orgs(actor),
            created_at__gte=timezone.now() - timedelta(days=60),
        )
        .select_related("consent", "organisation")
        .order_by("-created_at")[:10]
    )
    cases = policy.scope(actor, Action.VIEW, Case.objects.filter(person_id=case.person_id))
    orgs = _member_orgs(actor)
    disclosures = Disclosure.objects.filter(case__in=cases).filter(
        Q(discloser_id__in=orgs) | Q(recipient_organisation_id__in=orgs)
    )
    return SharingSection(
        in_force=chains,
        withheld=withheld_items(actor=actor, case=case),
        notices=notices,
        disclosure_count=disclosures.count(),
        can_overview=OVERVIEW_RULE.allows(actor, case),
        can_share=policy.can(actor, Action.SHARE, case),
    )
