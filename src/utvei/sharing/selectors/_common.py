"""Shared parts of the sharing reads: legal bases, consent chains, the case as the sharing pages load it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.models import Case
from utvei.sharing.decision import (
    Giver,
    LegalReference,
)
from utvei.sharing.decision.consent import HEALTH_CATEGORIES
from utvei.sharing.decision.facts import RuleCode
from utvei.sharing.models import (
    Consent,
    Disclosure,
    LegalBasis,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The ages the law sets today, used only when the rule's version in force has no age recorded.
_MAJORITY_FALLBACK = 18
_HEALTH_AGE_FALLBACK = 16


@dataclass(frozen=True)
class AgeLimits:
    """Hold the ages of the consent rules in force on a day, and what is the young person's own from when.

    ``majority``: from this age the person decides alone and guardians have no say (the age of majority).
    ``own_from``: from this age the categories in ``own_categories`` are the young person's alone (the
    health consent age, which the health rules set for health information).
    """

    majority: int
    own_from: int
    own_categories: frozenset[str]


def age_limits(on: date) -> AgeLimits:
    """Give the age limits the versioned rules set on a day (18 and 16 when a rule has no age recorded)."""
    majority = legal_basis_reference(RuleCode.AGE_OF_MAJORITY, on)
    health = legal_basis_reference(RuleCode.HEALTH_CONSENT_AGE, on)
    return AgeLimits(
        majority=majority.age if majority is not None and majority.age is not None else _MAJORITY_FALLBACK,
        own_from=health.age if health is not None and health.age is not None else _HEALTH_AGE_FALLBACK,
        own_categories=frozenset(str(c) for c in HEALTH_CATEGORIES),
    )


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
    with reading():
        disclosures = list(
            policy.scope(actor, Action.VIEW, Disclosure.objects.filter(person_id=person_id))
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
