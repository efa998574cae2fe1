"""The consent pages of a case: every consent with its versions, and the form to record or change one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from utvei.access import policy
from utvei.access.categories import Field
from utvei.access.engine import Ground
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.services import acting_organisation
from utvei.sharing.models import (
    Consent,
    ConsentNotice,
)
from utvei.sharing.selectors._common import ConsentChain, _case_seen, _chains, _seat_orgs

if TYPE_CHECKING:
    pass


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
    with reading():
        case = _case_seen(actor, case_id, needs=Field.CONSENTS)
        consents = list(
            policy.scope(
                actor, Action.VIEW, Consent.objects.filter(person_id=case.person_id).select_related("person")
            ).order_by("-created_at", "-pk")
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
    with reading():
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
                or consent.ended_at is not None
            ):
                raise NotFound(Consent._meta.label, consent_id)
            discloser = consent.recorded_for_organisation
        organisations = [org for org in Organisation.objects.order_by("name") if org.pk != discloser.pk]
        if consent is None:
            record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        else:
            record(actor=actor, event=AuditEvent.VIEW, target=consent, case=case)
    return ConsentFormData(case=case_card(case), discloser=discloser, organisations=organisations, consent=consent)
