"""The page *Kan jeg dele?*: what the records know, the consent a sharing would rest on, and the decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.engine import Ground
from utvei.access.policy import Action
from utvei.accounts.models import Organisation, OrganisationKind, ProfessionalStatus, Role, Sector, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case, TeamMember
from utvei.cases.services import acting_organisation
from utvei.sharing.decision import (
    ConsentScope,
    Giver,
    Purpose,
    SharingDecision,
    SharingRequest,
    decide,
    wording,
)
from utvei.sharing.models import (
    Consent,
    ExternalRecipient,
)
from utvei.sharing.selectors._common import ConsentStatus, _case_seen, consent_status, legal_basis_reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- the sharing decision page ---------------------------------------------------------------------------


@dataclass
class SharingFormData:
    """Hold what the sharing page needs: the case, the discloser, the recipients and what the records say."""

    case: CaseCard
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
    with reading():
        case = _case_seen(actor, case_id, Action.DISCLOSE)
        discloser = acting_organisation(actor=actor, case=case)
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        facts, derived = request_facts(
            actor=actor, case=case, discloser=discloser, recipient=None, on=timezone.localdate()
        )
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case, grounds=[Ground.SEAT])
    return SharingFormData(
        case=case_card(case),
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
    with reading():
        case = _case_seen(actor, case_id, Action.DISCLOSE)
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
