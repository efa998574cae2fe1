"""Access facts and rules of the sharing engine: consents in force, notices and the disclosure ledger.

The engine learns from here which consents in force open which categories to which organisations
(:class:`ConsentGrant` rows, indexed by recipient and person). "In force" means the latest version, not
withdrawn, valid today (both ends included), so a withdrawal or an expiry hides the items on the very
next request. The other bases of the sharing decision (duties, legal rights) are used per disclosure,
never as standing visibility.

Consents and disclosures are seen from seats that are not narrow (a mentor sees neither, R26); a
disclosure only by the organisations that made or received it; a consent is changed or withdrawn only
from a seat for the organisation whose confidentiality it waives, on an open case.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.sharing.models import Consent, ConsentGrant, ConsentNotice, Disclosure


def consents_in_force(
    organisation_ids: frozenset[int], person_ids: frozenset[int]
) -> Iterable[tuple[int, int, int, str]]:
    """Give the engine (person, discloser, recipient, category) for consents in force naming the organisations."""
    today = timezone.localdate()
    return (
        ConsentGrant.objects.filter(
            recipient_id__in=sorted(organisation_ids),
            person_id__in=sorted(person_ids),
            # One definition of "in force" (latest, not withdrawn or replaced, within its period, and a
            # guardians' consent alone not past the person's coming of age).
            consent__in=Consent.objects.current(today).filter(person_id__in=sorted(person_ids)).values("pk"),
        )
        .values_list("person_id", "discloser_id", "recipient_id", "category")
        .distinct()
    )


def _person_cases(ctx: AccessContext, person_id: int, *, open_only: bool = False) -> list[int]:
    return [
        s.case_id
        for s in ctx.seats
        if s.person_id == person_id and (s.case_open or not open_only) and not ctx.is_narrow(s.case_id)
    ]


def _acting_for_person(ctx: AccessContext, person_id: int, *, open_only: bool = False) -> frozenset[int]:
    return frozenset().union(*(ctx.acting_organisations(c) for c in _person_cases(ctx, person_id, open_only=open_only)))


def _persons(ctx: AccessContext) -> list[int]:
    return sorted({s.person_id for s in ctx.seats if not ctx.is_narrow(s.case_id)})


class ConsentViewRule:
    """Show a person's consents to actors seated, not narrowly, on one of the person's cases."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds a seat that is not narrow on a case of the consent's person."""
        return isinstance(obj, Consent) and bool(_person_cases(ctx, obj.person_id))

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the consents of persons on whose cases the actor holds a seat that is not narrow."""
        return qs.filter(person_id__in=_persons(ctx))


class ConsentChangeRule:
    """Let a seat for the consent's discloser, on an open case of the person, change or withdraw it."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits for the disclosing organisation on an open case of the person."""
        if not isinstance(obj, Consent):
            return False
        return obj.recorded_for_organisation_id in _acting_for_person(ctx, obj.person_id, open_only=True)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the consents the actor may change."""
        condition = Q(pk__in=[])
        for person_id in _persons(ctx):
            organisations = _acting_for_person(ctx, person_id, open_only=True)
            if organisations:
                condition |= Q(person_id=person_id, recorded_for_organisation_id__in=sorted(organisations))
        return qs.filter(condition)


class NoticeRule:
    """Show a notice about a consent to its recipient organisation's seats on a case of the person."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits for the notified organisation on a case of the consent's person."""
        if not isinstance(obj, ConsentNotice):
            return False
        return obj.organisation_id in _acting_for_person(ctx, obj.consent.person_id)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the notices to the actor's organisations about persons they sit for."""
        condition = Q(pk__in=[])
        for person_id in _persons(ctx):
            condition |= Q(consent__person_id=person_id, organisation_id__in=sorted(_acting_for_person(ctx, person_id)))
        return qs.filter(condition)


class DisclosureRule:
    """Show a disclosure to the organisations that made or received it, from a seat on its case.

    That a disclosure exists is itself information of its categories, so other team members do not see it.
    """

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits, not narrowly, for the discloser or the recipient on its case."""
        if not isinstance(obj, Disclosure) or ctx.is_narrow(obj.case_id):
            return False
        organisations = ctx.acting_organisations(obj.case_id)
        return obj.discloser_id in organisations or obj.recipient_organisation_id in organisations

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the disclosures made or received by an organisation the actor sits for on their case."""
        groups: dict[frozenset[int], list[int]] = {}
        for case_id in sorted(ctx.case_ids() - ctx.narrow_case_ids):
            groups.setdefault(ctx.acting_organisations(case_id), []).append(case_id)
        condition = Q(pk__in=[])
        for organisations, cases in groups.items():
            orgs = sorted(organisations)
            condition |= Q(case_id__in=cases) & (Q(discloser_id__in=orgs) | Q(recipient_organisation_id__in=orgs))
        return qs.filter(condition)


def declare() -> None:
    """Declare the consents in force and the sharing rules to the access engine."""
    engine.provide_consents(consents_in_force)
    policy.register(Consent, Action.VIEW, ConsentViewRule())
    policy.register(Consent, Action.UPDATE, ConsentChangeRule())
    policy.register(ConsentNotice, Action.VIEW, NoticeRule())
    policy.register(Disclosure, Action.VIEW, DisclosureRule())
    # The person sees and withdraws their own consents and reads their own disclosure ledger.
    policy.register(Consent, Action.OWN, policy.OwnRule("person_id", category=Category.COORDINATION))
    policy.register(Disclosure, Action.OWN, policy.OwnRule("person_id", category=Category.COORDINATION))
