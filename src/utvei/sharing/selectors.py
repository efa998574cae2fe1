"""Reads for the sharing engine.

Legal bases are public reference data with no personal information, so those reads take no actor, check
no policy and write no audit row. Disclosures are case data: their reads check the policy and are audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from utvei.access import engine, policy
from utvei.access.categories import Category, Field
from utvei.access.engine import Ground
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case
from utvei.cases.services import acting_organisation
from utvei.sharing.decision import ConsentScope, LegalReference, Purpose, SharingDecision, SharingRequest, decide
from utvei.sharing.models import (
    Consent,
    ConsentGiver,
    ConsentNotice,
    ConsentPurpose,
    Disclosure,
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
    """List the disclosures about a person that the actor's organisations made or received, on the cases the
    actor sits on, newest first. That a disclosure exists is itself information of its categories, so other
    team members do not see it.

    The listing is audited (LIST) with the person's id and the number of rows, never their content.
    """
    with transaction.atomic(), engine.request_scope():
        disclosures = list(
            policy.scope(actor, Action.VIEW, Disclosure.objects.filter(person_id=person_id))
            .select_related("discloser", "recipient_organisation", "legal_basis", "consent", "decided_by")
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


STATUS_LABELS: dict[ConsentStatus, StrOrPromise] = {
    ConsentStatus.IN_FORCE: _("In force"),
    ConsentStatus.NOT_YET: _("Not yet in force"),
    ConsentStatus.EXPIRED: _("Expired"),
    ConsentStatus.WITHDRAWN: _("Withdrawn"),
}


def consent_status(consent: Consent, today: date) -> ConsentStatus:
    """Tell whether the latest version of a consent is in force, not yet, expired or withdrawn."""
    if consent.withdrawn_at is not None:
        return ConsentStatus.WITHDRAWN
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
                and status != ConsentStatus.WITHDRAWN,
            )
        )
    order = [ConsentStatus.IN_FORCE, ConsentStatus.NOT_YET, ConsentStatus.EXPIRED, ConsentStatus.WITHDRAWN]
    return sorted(chains, key=lambda chain: order.index(chain.status))


def _case_seen(actor: User, case_id: int, action: Action = Action.VIEW, *, needs: str | None = None) -> Case:
    """Load a case the actor may act on; with ``needs``, only when the engine shows that field category.

    :raises NotFound: the case does not exist, or the actor may not act on it or see that part of it.
    """
    case = (
        Case.objects.select_related("person", "person__registered_by", "responsible_organisation")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, action, case)
    if needs is not None and needs not in policy.fields(actor, "case", case):
        raise NotFound(Case._meta.label, case_id)
    return case


def _seat_orgs(actor: User, case: Case) -> set[int]:
    """Give the organisations the actor sits for on the case, narrow seats left out (R26)."""
    return set(policy.context(actor).acting_organisations(case.pk))


@dataclass
class ConsentPage:
    """Hold the consent page of a case: the consents of its person and what the actor may do."""

    case: CaseCard
    chains: list[ConsentChain]
    can_record: bool
    notices: list[ConsentNotice]


def consent_list_for_case(*, actor: User, case_id: int) -> ConsentPage:
    """List every consent of the case's person, with versions, for a member of the team.

    Audited as one LIST with the case, the person and the number of consents.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, needs=Field.CONSENTS)
        consents = list(
            policy.scope(actor, Action.VIEW, Consent.objects.filter(person_id=case.person_id)).order_by(
                "-created_at", "-pk"
            )
        )
        seat_orgs = _seat_orgs(actor, case)
        today = timezone.localdate()
        chains = _chains(consents, seat_orgs=seat_orgs, case_open=case.is_open, today=today)
        notices = list(
            policy.scope(actor, Action.VIEW, ConsentNotice.objects.filter(consent__person_id=case.person_id))
            .select_related("consent", "organisation")
            .order_by("-created_at")[:20]
        )
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=Consent._meta.label,
            target_id=len(consents),
            case=case,
            categories=[Field.CONSENTS],
            grounds=[Ground.SEAT],
        )
    return ConsentPage(
        case=case_card(case), chains=chains, can_record=case.is_open and bool(seat_orgs), notices=notices
    )


@dataclass
class ConsentFormData:
    """Hold what the consent form needs: the case, the discloser and the organisations to name."""

    case: CaseCard
    discloser: Organisation
    organisations: list[Organisation]
    consent: Consent | None = None


def consent_form_data(
    *, actor: User, case_id: int, consent_id: int | None = None, follow_newer: bool = False
) -> ConsentFormData:
    """Load the form to record a consent, or to change or withdraw one (then ``consent_id``).

    A new consent waives the confidentiality of the organisation the actor acts for on the case. A change
    or a withdrawal needs a seat for the consent's discloser on the case, and the consent must be this
    person's latest version; with ``follow_newer`` (a form sent from an older version's page) the latest
    version replacing it is loaded instead, so the page can show what changed. The read is audited (VIEW
    of the case, or of the consent).

    :raises NotFound: the case or consent does not exist, or the actor may not act on it.
    """
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, Action.DISCLOSE)
        consent: Consent | None = None
        if consent_id is None:
            discloser = acting_organisation(actor=actor, case=case)
        else:
            consent = Consent.objects.select_related("recorded_for_organisation").filter(pk=consent_id).first()
            # A chain of versions is short (one per change); each newer one has the same person and discloser.
            while follow_newer and consent is not None and Consent.objects.filter(previous_id=consent.pk).exists():
                consent = Consent.objects.select_related("recorded_for_organisation").get(previous_id=consent.pk)
            if (
                consent is None
                or consent.person_id != case.person_id
                or consent.recorded_for_organisation_id not in _seat_orgs(actor, case)
                or Consent.objects.filter(previous_id=consent.pk).exists()
            ):
                raise NotFound(Consent._meta.label, consent_id)
            discloser = consent.recorded_for_organisation
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        if consent is None:
            record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        else:
            record(actor=actor, event=AuditEvent.VIEW, target=consent, case=case)
    return ConsentFormData(case=case_card(case), discloser=discloser, organisations=organisations, consent=consent)


# --- the sharing decision page --------------------------------------------------------------------------


@dataclass
class SharingFormData:
    """Hold what the sharing page needs: the case, the discloser and the possible recipients."""

    case: CaseCard
    discloser: Organisation
    organisations: list[Organisation]


def sharing_form_data(*, actor: User, case_id: int) -> SharingFormData:
    """Load the sharing page for a member of the case's team (audited as a VIEW of the case).

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, Action.DISCLOSE)
        discloser = acting_organisation(actor=actor, case=case)
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case, grounds=[Ground.SEAT])
    return SharingFormData(case=case_card(case), discloser=discloser, organisations=organisations)


@dataclass(frozen=True)
class DecisionView:
    """Hold one answer of the sharing decision as the page shows it."""

    decision: SharingDecision
    consent: Consent | None
    explanation: str
    bases: list[tuple[str, str]]  # (code, "title (citation)")
    must_record: list[str]
    warnings: list[tuple[str, str]]  # (rule, text)


def consent_for_recipient(
    *, person_id: int, discloser_id: int, recipient_id: int, categories: Iterable[str] = ()
) -> Consent | None:
    """Pick the consent a sharing to one organisation would rest on (no access check).

    Of the latest versions recorded for the discloser that name the recipient, it prefers one in force
    that covers every category asked for, then one in force, then the newest: a consent that does not cover
    the sharing still lets the decision explain what is missing.
    """
    latest = Consent.objects.filter(
        person_id=person_id, recorded_for_organisation_id=discloser_id, superseded_by__isnull=True
    ).order_by("-created_at", "-pk")
    candidates = [c for c in latest if recipient_id in c.recipients]
    today = timezone.localdate()
    in_force = [c for c in candidates if consent_status(c, today) == ConsentStatus.IN_FORCE]
    wanted = set(categories)
    covering = [c for c in in_force if wanted <= set(c.categories)]
    chosen = covering or in_force or candidates
    return chosen[0] if chosen else None


def consent_scope_of(consent: Consent, recipient: Organisation) -> ConsentScope:
    """Give what a consent covers towards one recipient organisation, as the decision reads it."""
    return ConsentScope(
        recipients=frozenset({OrganisationKind(recipient.kind)}),
        categories=frozenset(Category(c) for c in consent.categories),
        purposes=frozenset({Purpose(consent.purpose)}),
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        withdrawn_at=None if consent.withdrawn_at is None else timezone.localdate(consent.withdrawn_at),
    )


def sharing_decision(
    *,
    actor: User,
    case_id: int,
    recipient_organisation: Organisation | None,
    recipient_kind: str,
    categories: Sequence[str],
    purpose: str,
    facts: Mapping[str, bool],
    child_welfare_conditions: Iterable[str] = (),
    classified: bool = False,
    language: str = "nb",
) -> DecisionView:
    """Ask the sharing decision for a member of the case's team, with the consent it would use.

    The discloser is the organisation the actor acts for on the case; whether the person is a minor comes
    from the case. The read of the consent is audited (VIEW of the case, with the field names asked).

    :raises NotFound: the case does not exist or the actor is not on its team.
    :raises ValueError: an unknown category, purpose, recipient kind, condition or fact.
    """
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, Action.DISCLOSE)
        discloser = acting_organisation(actor=actor, case=case)
        consent = None
        if recipient_organisation is not None:
            consent = consent_for_recipient(
                person_id=case.person_id,
                discloser_id=discloser.pk,
                recipient_id=recipient_organisation.pk,
                categories=categories,
            )
        request = SharingRequest(
            discloser_kind=OrganisationKind(discloser.kind),
            recipient_kind=recipient_kind,  # type: ignore[arg-type]
            categories=frozenset(categories),  # type: ignore[arg-type]
            purpose=purpose,  # type: ignore[arg-type]
            on=timezone.localdate(),
            person_is_minor=case.person.is_minor,
            consent=None
            if consent is None or recipient_organisation is None
            else consent_scope_of(consent, recipient_organisation),
            child_welfare_conditions=frozenset(child_welfare_conditions),  # type: ignore[arg-type]
            classified=classified,
            **dict(facts),
        )
        decision = decide(request, lookup=legal_basis_reference)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=case,
            case=case,
            changed_fields=["consents"] if consent is not None else [],
        )
    english = language.startswith("en")
    bases = []
    for code in decision.bases:
        reference = legal_basis_reference(code, request.on)
        if reference is not None:
            title = reference.title_en if english else reference.title_nb
            citation = reference.citation()
            bases.append((str(code), f"{title} ({citation})" if citation else title))
    return DecisionView(
        decision=decision,
        consent=consent,
        explanation=decision.explanation_en if english else decision.explanation_nb,
        bases=bases,
        must_record=[str(RECORD_LABELS.get(name, name)) for name in decision.must_record],
        warnings=[(n.rule, n.text_en if english else n.text_nb) for n in decision.warnings],
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
}


# --- disclosures and the person's view ------------------------------------------------------------------


@dataclass
class DisclosurePage:
    """Hold the disclosures about a case's person that the actor may see."""

    case: CaseCard
    disclosures: list[Disclosure]


def disclosure_list_for_case(*, actor: User, case_id: int) -> DisclosurePage:
    """List the disclosures about the case's person that the actor's organisations made or
    received, on the cases the actor may see. That a disclosure exists is itself information of its
    categories, so other team members do not see it. Audited as one LIST.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, needs=Field.DISCLOSURES)
        disclosures = disclosure_list_for_person(actor=actor, person_id=case.person_id)
    return DisclosurePage(case=case_card(case), disclosures=disclosures)


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

    case: CaseCard
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
    with transaction.atomic(), engine.request_scope():
        case = _case_seen(actor, case_id, Action.EXPORT)
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
            # The person may know of every disclosure about them, by any organisation (art. 15), so this
            # read is not narrowed to the actor's organisations; summaries are never part of it.
            for d in (
                Disclosure.objects.filter(person_id=person.pk)
                .select_related("discloser", "recipient_organisation", "legal_basis")
                .order_by("-decided_at", "-pk")
            ):
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
        case=case_card(case),
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
    """Tell, from the access context alone, whether the sharing tab is offered: not to a narrow seat (R26)."""
    return not policy.context(actor).is_narrow(case.pk)
