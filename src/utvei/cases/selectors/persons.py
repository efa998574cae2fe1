"""The search before a new case: persons found by name, birth date, number or phone within the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Value
from django.db.models.functions import Lower

from utvei.access import policy
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.models import (
    Case,
    Person,
)
from utvei.cases.services.persons import national_id_indexes


@dataclass
class PersonMatch:
    """Hold one search hit shown before a new person is created."""

    person: Person
    open_case: Case | None
    on_my_team: bool


# The most hits one criterion of the person search collects, and the most it shows.
SEARCH_MAX = 200
SEARCH_SHOWN = 20


def _search_scope(actor: User) -> Q:
    """Give the persons a search may find: those registered by the actor's organisations, and those on the
    actor's cases. Nothing registered by another organisation is ever found (each keeps its own record)."""
    ctx = policy.context(actor)
    return Q(registered_by_id__in=sorted(ctx.organisation_ids)) | Q(pk__in=sorted(ctx.person_ids()))


def _lower(value: str) -> Lower:
    # Folded by the database on both sides, so the indexed expression and the value agree on every backend.
    return Lower(Value(value))


def _search_criteria(
    *, given_name: str, family_name: str, birth_date: date | None, national_id: str, phone: str
) -> list[tuple[list[str], Q]]:
    """Give each way a search may match, with the names of the criteria it uses. Each is an equality on
    an indexed column or expression (models.Person's indexes), so the database finds it without a scan."""
    given, family, number, phone = given_name.strip(), family_name.strip(), national_id.strip(), phone.strip()
    found: list[tuple[list[str], Q]] = []
    if number:
        found.append((["national_id"], Q(national_id_index__in=national_id_indexes(number))))
    if phone:
        found.append((["phone"], Q(phone=phone)))
    if family and given:
        found.append((["family_name", "given_name"], Q(family_key=_lower(family), given_key=_lower(given))))
    if family and birth_date:
        found.append((["family_name", "birth_date"], Q(family_key=_lower(family), birth_date=birth_date)))
    if given and birth_date:
        found.append((["given_name", "birth_date"], Q(given_key=_lower(given), birth_date=birth_date)))
    return found


def person_search(
    *,
    actor: User,
    given_name: str = "",
    family_name: str = "",
    birth_date: date | None = None,
    national_id: str = "",
    phone: str = "",
) -> list[PersonMatch]:
    """Find possible duplicates before a person is created (search before create).

    It searches persons registered by the actor's organisations and persons on the actor's cases, by
    name, birth date, number and phone. Each criterion is one indexed lookup narrowed to the scope (at
    most five queries, whatever the number of persons); the hits are then read in one query. The search
    itself is audited with the kinds of criteria used (never their values) and the number of hits; every
    hit shown is audited as a read of that person.
    """
    criteria = _search_criteria(
        given_name=given_name, family_name=family_name, birth_date=birth_date, national_id=national_id, phone=phone
    )
    used = [name for names, _match in criteria for name in names]
    with reading():
        mine = policy.context(actor).person_ids()
        keyed = Person.objects.alias(family_key=Lower("family_name"), given_key=Lower("given_name"))
        ids: set[int] = set()
        for _names, match in criteria:
            ids.update(keyed.filter(match).filter(_search_scope(actor)).values_list("pk", flat=True)[:SEARCH_MAX])
        hits = list(
            Person.objects.filter(pk__in=sorted(ids))
            .only("pk", "given_name", "family_name", "birth_date", "registered_by_id")
            .order_by("family_name", "given_name", "pk")[:SEARCH_SHOWN]
        )
        open_cases = {
            c.person_id: c
            for c in Case.objects.filter(person__in=hits, closed_at__isnull=True).only("pk", "person_id", "reference")
        }
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=Person._meta.label,
            target_id=len(hits),
            changed_fields=used,
        )
        result = []
        for person in hits:
            record(actor=actor, event=AuditEvent.VIEW, target=person, person_id=person.pk, categories=["name"])
            result.append(PersonMatch(person, open_cases.get(person.pk), person.pk in mine))
    return result


def person_for_new_case(*, actor: User, person_id: int) -> Person:
    """Fetch a person found by the search, to open a new case for them.

    :raises NotFound: the person is outside the actor's search scope.
    """
    with reading():
        person = (
            Person.objects.filter(_search_scope(actor))
            .filter(pk=person_id)
            .only("pk", "given_name", "family_name", "birth_date", "registered_by_id")
            .first()
        )
        if person is None:
            raise NotFound(Person._meta.label, person_id)
        record(actor=actor, event=AuditEvent.VIEW, target=person, person_id=person.pk, categories=["name"])
    return person
