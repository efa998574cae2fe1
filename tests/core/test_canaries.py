"""Nothing sensitive is in clear at rest: every table of a fresh demo is searched for canaries."""

from __future__ import annotations

import pytest
from django.db import connections

from utvei.accounts.models import User
from utvei.cases.models import Person
from utvei.core.crypto import encrypted_fields
from utvei.core.crypto_rotation import encrypted_models
from utvei.mentoring.models import Mentor
from utvei.network.models import NetworkNode, NetworkSnapshot
from utvei.plans.models import Measure

# Demo values of fields that were found in clear before; each is checked to be in the demo first.
CANARIES = [
    "Samtaler hos psykolog",  # Measure.title
    "Avtale neste møte med personen",  # Task.title
    "Per Politikontakt, politiet",  # Case.security_assessed_by
    "Elev, 15 år (initialer K.T.)",  # Concern.subject
    "Kamerat (K.)",  # NetworkNode.label, and the snapshots' nodes
    "Lukket chattegruppe",
    "Lager Demo AS v/ Lise Lagerleder",  # NetworkNode.full_name
    "Ola Eksempel",  # Mentor.name
    "+47 400 00 100",  # Mentor.contact
    "Eksempelveien 1",  # Person.address
    "Tok selv kontakt etter løslatelse",  # Case.referral_reason
]


def _every_value(alias: str) -> list[tuple[str, str]]:
    """Read every column of every table of a database, as text, with the table it came from."""
    connection = connections[alias]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                found.extend((table, str(value)) for value in row if value is not None)
    return found


def test_no_demo_national_id_or_canary_is_stored_in_clear(demo: dict[str, User]) -> None:
    numbers = [p.national_id for p in Person.objects.all()]
    assert len(numbers) == 3 and all(len(n) == 11 and n.isdigit() for n in numbers)
    shown = {m.title for m in Measure.objects.all()} | {n.label for n in NetworkNode.objects.all()}
    shown |= {n.full_name for n in NetworkNode.objects.all()} | {m.name for m in Mentor.objects.all()}
    shown |= {m.contact for m in Mentor.objects.all()}
    shown |= {str(s.nodes) for s in NetworkSnapshot.objects.all()}
    assert {"Samtaler hos psykolog", "Kamerat (K.)", "Ola Eksempel", "+47 400 00 100"} <= shown
    assert any("Lukket chattegruppe" in text for text in shown)  # in a snapshot too
    for alias in ("default", "keys"):
        leaks = [
            (table, canary)
            for table, value in _every_value(alias)
            for canary in (*numbers, *CANARIES)
            if canary in value
        ]
        assert leaks == [], alias


def test_the_key_store_holds_wrapped_keys_only(demo: dict[str, User]) -> None:
    connection = connections["keys"]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert tables - {"django_migrations"} == {"core_datakey"}
    assert {"cases_person", "cases_case", "audit_auditentry"}.isdisjoint(tables)
    with connections["default"].cursor() as cursor:
        assert "core_datakey" not in connections["default"].introspection.table_names(cursor)


def test_a_person_s_values_are_under_their_own_key(demo: dict[str, User]) -> None:
    keys = {p.data_key for p in Person.objects.all()}
    assert len(keys) == 3 and "" not in keys
    for table, value in _every_value("default"):
        if value.startswith("v2:d."):
            assert value.split(":")[1][2:] in keys, table


def test_free_text_and_new_fields_of_every_encrypted_model_are_sealed(demo: dict[str, User]) -> None:
    with connections["default"].cursor() as cursor:
        for model in encrypted_models():
            for field in encrypted_fields(model):
                cursor.execute(
                    f"SELECT {field.column} FROM {model._meta.db_table} WHERE {field.column} <> ''"  # noqa: S608
                )
                values = [row[0] for row in cursor.fetchall() if row[0] is not None]
                assert all(str(v).startswith("v2:") for v in values), field.context


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
