"""The disclosure ledger, reports to complete, and the overview of consents and disclosures for the person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from utvei.access import policy
from utvei.access.categories import Category, Field
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import OrganisationKind, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Escalation, EscalationChange
from utvei.cases.selectors import RevisionRow, history_rows
from utvei.sharing.models import (
    Consent,
    ConsentGiver,
    ConsentPurpose,
    Disclosure,
)
from utvei.sharing.selectors._common import (
    _case_seen,
    _organisations_by_id,
    _seat_orgs,
    category_labels,
    disclosure_list_for_person,
)

if TYPE_CHECKING:
    pass


# --- disclosures and the person's view ------------------------------------------------------------------


@dataclass
class DisclosurePage:
    """Hold the disclosures about a case's person that the actor may see, and the reports it may complete."""

    case: CaseCard
    disclosures: list[Disclosure]
    reports: list[Escalation] = field(default_factory=list)


def disclosure_list_for_case(*, actor: User, case_id: int) -> DisclosurePage:
    """List the disclosures about the case's person that the actor's organisations made or
    received, on the cases the actor may see. That a disclosure exists is itself information of its
    categories, so other team members do not see it. Audited as one LIST.

    :raises NotFound: the case does not exist or the actor is not on its team.
    """
    with reading():
        case = _case_seen(actor, case_id, needs=Field.DISCLOSURES)
        disclosures = disclosure_list_for_person(actor=actor, person_id=case.person_id)
        # The reports of concern the actor's organisations made on this case, which they may complete later.
        reports = list(
            policy.scope(
                actor,
                Action.VIEW,
                Escalation.objects.filter(case=case, owner_organisation_id__in=sorted(_seat_orgs(actor, case))),
            ).order_by("-reported_at", "-pk")
        )
    return DisclosurePage(case=case_card(case), disclosures=disclosures, reports=reports)


@dataclass
class ReportPage:
    """Hold one report of concern with its history of completions, for the organisation that made it."""

    case: CaseCard
    escalation: Escalation
    changes: list[EscalationChange]
    # The same completions with what each field said before, newest first, in the reader's words.
    history: list[RevisionRow] = field(default_factory=list)


def report_for_completion(*, actor: User, case_id: int, escalation_id: int) -> ReportPage:
    """Load a report of concern for completion by a member of the organisation that made it (audited VIEW).

    :raises NotFound: the case or report does not exist, the actor is not on the team (``Case`` ``SHARE``),
        or the report was made by another organisation.
    """
    with reading():
        case = _case_seen(actor, case_id, Action.SHARE)
        escalation = Escalation.objects.filter(pk=escalation_id, case=case).first()
        if escalation is None or escalation.owner_organisation_id not in _seat_orgs(actor, case):
            raise NotFound(Escalation._meta.label, escalation_id)
        changes = list(EscalationChange.objects.filter(escalation=escalation).select_related("changed_by"))
        record(actor=actor, event=AuditEvent.VIEW, target=escalation, case=case, categories=[Category.POLICE])
    history = history_rows(escalation, reversed(changes))
    return ReportPage(case=case_card(case), escalation=escalation, changes=changes, history=history)


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
    with reading():
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
                .select_related("discloser", "recipient_organisation", "recipient_party", "legal_basis")
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
