"""The consent gate: per-agency visibility of case information by owner organisation or consent (D17).

An item of a case is visible to a user when the user is an active member of the organisation that
recorded it (the discloser, as under :class:`~utvei.access.policy.SameOrganisationGate`), or when a
current consent of the person, recorded for that organisation, names one of the user's organisations as
recipient and covers the item's category. "Current" means the latest version, not withdrawn, and valid
today (both ends included), so a withdrawal or an expiry hides the item on the very next request.

The other bases of the sharing decision (duties, legal rights) are used per disclosure, never as
standing visibility, so they do not open items here.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.db.models import Q
from django.utils import timezone

from utvei.access.policy import M
from utvei.accounts.models import Membership, User
from utvei.cases.models import Case, Person
from utvei.sharing.models import Consent


def _organisations(user: User) -> set[int]:
    return set(Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True))


def _person_id(obj: models.Model) -> int | None:
    """Name the person an item is about: a person itself, a case's person or an item's case's."""
    if isinstance(obj, Person):
        return obj.pk
    if isinstance(obj, Case):
        return obj.person_id
    case = getattr(obj, "case", None)
    return None if case is None else case.person_id


def _covers(recipients: list[int], categories: list[str], organisations: set[int], category: str) -> bool:
    return category in categories and not organisations.isdisjoint(recipients)


class ConsentGate:
    """Show an item to its owner organisation and to recipients of a current consent (D17)."""

    def allows(self, user: User, obj: models.Model, category: str) -> bool:
        """Tell whether the user's organisation owns the item or a current consent shares it."""
        owner_id = getattr(obj, "owner_organisation_id", None)
        if owner_id is None:
            return False
        organisations = _organisations(user)
        if owner_id in organisations:
            return True
        person_id = _person_id(obj)
        if person_id is None or not organisations:
            return False
        consents = Consent.objects.current(timezone.localdate()).filter(
            person_id=person_id, recorded_for_organisation_id=owner_id
        )
        return any(
            _covers(recipients, categories, organisations, category)
            for recipients, categories in consents.values_list("recipients", "categories")
        )

    def scope(self, user: User, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]:
        """Keep the items owned by the user's organisations or shared with them by consent.

        The recipients and categories are JSON lists, which SQLite cannot search, so the current consents
        are read once and turned into (discloser, persons) conditions.
        """
        if qs.model is Person:
            owner_field, person_field = "registered_by_id", "pk"
        else:
            owner_field, person_field = "owner_organisation_id", "case__person_id"
        organisations = _organisations(user)
        shared: dict[int, set[int]] = defaultdict(set)
        if organisations:
            current = Consent.objects.current(timezone.localdate()).values_list(
                "recorded_for_organisation_id", "person_id", "recipients", "categories"
            )
            for discloser_id, person_id, recipients, categories in current:
                if _covers(recipients, categories, organisations, category):
                    shared[discloser_id].add(person_id)
        condition = Q(**{f"{owner_field}__in": organisations})
        for discloser_id, person_ids in shared.items():
            condition |= Q(**{owner_field: discloser_id, f"{person_field}__in": person_ids})
        return qs.filter(condition)
