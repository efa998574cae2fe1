"""The national identity number is stored encrypted, found by its blind index, unique per organisation."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from utvei.accounts.models import Organisation, User
from utvei.cases import selectors, services
from utvei.cases.models import Person
from utvei.core import cipher
from utvei.core.fnr import synthetic_fodselsnummer

BIRTH = date(1993, 4, 7)


def _register(actor: User, organisation: str, number: str, given_name: str = "Indeks") -> Person:
    return services.person_create(
        actor=actor,
        organisation=Organisation.objects.get(name=organisation),
        given_name=given_name,
        family_name="Testesen",
        birth_date=BIRTH,
        national_id=number,
    )


def test_the_number_is_never_stored_and_is_found_through_its_index(demo: dict[str, User]) -> None:
    number = synthetic_fodselsnummer(BIRTH)
    person = _register(demo["saksbehandler"], "Demo kommune", number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, national_id_index FROM cases_person WHERE id = %s", [person.pk])
        stored, index = cursor.fetchone()
    assert number not in stored and number not in index
    assert index == cipher.blind_index(number, purpose=cipher.NATIONAL_ID_INDEX) and index.startswith("dev:")
    assert Person.objects.get(pk=person.pk).national_id == number
    hits = selectors.person_search(actor=demo["koordinator"], national_id=number)
    assert [h.person.pk for h in hits] == [person.pk]


def test_another_organisation_may_register_the_same_number_and_sees_only_its_own(demo: dict[str, User]) -> None:
    number = synthetic_fodselsnummer(BIRTH)
    ours = _register(demo["saksbehandler"], "Demo kommune", number)
    assert selectors.person_search(actor=demo["nabo"], national_id=number) == []  # theirs reveals nothing
    theirs = _register(demo["nabo"], "Nabo kommune", number, given_name="Annen")
    assert [h.person.pk for h in selectors.person_search(actor=demo["nabo"], national_id=number)] == [theirs.pk]
    assert [h.person.pk for h in selectors.person_search(actor=demo["saksbehandler"], national_id=number)] == [ours.pk]


def test_the_same_organisation_cannot_register_a_number_twice(demo: dict[str, User]) -> None:
    number = synthetic_fodselsnummer(BIRTH)
    first = _register(demo["saksbehandler"], "Demo kommune", number)
    with pytest.raises(ValidationError) as exc:
        _register(demo["koordinator"], "Demo kommune", number, given_name="Igjen")
    assert "national_id" in exc.value.message_dict
    # The database refuses it too, even past the service.
    copy = Person(
        given_name="Rå",
        family_name="Kopi",
        birth_date=BIRTH,
        national_id=number,
        national_id_index=first.national_id_index,
        registered_by=first.registered_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_number_found_under_an_old_index_key_while_re_indexing(demo: dict[str, User], settings: object) -> None:
    number = synthetic_fodselsnummer(BIRTH)
    person = _register(demo["saksbehandler"], "Demo kommune", number)
    new_key = "new:" + "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M="
    settings.BLIND_INDEX_KEY = f"{new_key},{settings.BLIND_INDEX_KEY}"  # type: ignore[attr-defined]
    assert [h.person.pk for h in selectors.person_search(actor=demo["koordinator"], national_id=number)] == [person.pk]
    with pytest.raises(ValidationError):
        _register(demo["koordinator"], "Demo kommune", number, given_name="Igjen")


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
