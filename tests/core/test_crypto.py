"""Encrypted fields: sealed at rest, bound to row, column and table, opened lazily, failing soft."""

from __future__ import annotations

import base64
import logging
import os

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from utvei.accounts.models import User
from utvei.cases.models import Case, Person, Relapse, Task
from utvei.core import cipher, keystore
from utvei.core.crypto import EncryptedFieldMisuse, Sealed, UnreadableText, is_readable, row_of
from utvei.core.models import Draft
from utvei.core.services import draft_discard, draft_load, draft_save


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def raw(table: str, column: str, pk: object) -> str:
    """Read one stored value straight from the table."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def set_raw(table: str, column: str, pk: object, value: str) -> None:
    """Overwrite one stored value straight in the table, as an attacker or a disk fault would."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def flip_last_byte(stored: str) -> str:
    """Change one bit of a sealed value's tag, keeping its header."""
    head, _sep, body = stored.rpartition(":")
    blob = bytearray(base64.b64decode(body))
    blob[-1] ^= 1
    return f"{head}:{base64.b64encode(bytes(blob)).decode()}"


def _cases() -> tuple[Case, Case]:
    first, second = Case.objects.select_related("person").order_by("pk")[:2]
    return first, second


def test_values_are_sealed_under_the_persons_own_key_and_read_back(demo: dict[str, User]) -> None:
    first, second = _cases()
    stored = raw("cases_case", "referral_reason", first.pk)
    assert stored.startswith(f"v2:d.{first.person.data_key}:") and "kontakt" not in stored
    assert first.person.data_key != second.person.data_key  # one key per person
    assert Case.objects.get(pk=first.pk).referral_reason.startswith("Tok selv kontakt")


def test_rows_of_no_person_use_the_master_key(demo: dict[str, User]) -> None:
    draft = draft_save(actor=demo["nav"], form_key="k", field="notes", text="CANARY-plain-words")
    stored = raw("core_draft", "text", draft.pk)
    assert "CANARY" not in stored and stored.startswith("v2:m.dev:")
    assert Draft.objects.get(pk=draft.pk).text == "CANARY-plain-words"


def test_a_value_is_opened_only_when_it_is_read(demo: dict[str, User]) -> None:
    with keystore.key_scope(), CaptureQueriesContext(connections["keys"]) as key_queries:
        tasks = list(Task.objects.filter(kind=""))  # typed tasks: a task Utvei makes has no stored title
        assert all(isinstance(t.__dict__["title"], Sealed) for t in tasks)
        assert len(key_queries) == 0  # nothing read yet, no key loaded
        titles = [t.title for t in tasks]
    assert len({t.case.person_id for t in tasks}) >= 3 and all(titles)
    assert len(key_queries) == 1  # the keys of every person, loaded in one query


def test_a_flipped_byte_reads_as_cannot_be_shown_and_is_logged_without_the_value(
    demo: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    first, _second = _cases()
    set_raw("cases_case", "referral_reason", first.pk, flip_last_byte(raw("cases_case", "referral_reason", first.pk)))
    with caplog.at_level(logging.WARNING, logger="utvei.crypto"), translation.override("nb"):
        case = Case.objects.get(pk=first.pk)
        assert case.referral_reason == "kan ikke vises" and not is_readable(case.referral_reason)
        assert case.closure_outcome == "" and case.person.given_name == "Jonas"  # the rest reads
    message = caplog.records[-1].getMessage()
    assert "cases_case.referral_reason" in message and f"row {first.pk}" in message
    assert f"d.{first.person.data_key}" in message and "authentication_failed" in message
    assert "kontakt" not in message
    with translation.override("en"):
        assert Case.objects.get(pk=first.pk).referral_reason == "cannot be shown"


def test_an_unknown_key_reads_as_cannot_be_shown(demo: dict[str, User]) -> None:
    first, _second = _cases()
    stored = raw("cases_person", "address", first.person_id)
    set_raw("cases_person", "address", first.person_id, stored.replace(f"d.{first.person.data_key}", "d.nosuchkey", 1))
    with translation.override("nb"):
        assert Person.objects.get(pk=first.person_id).address == "kan ikke vises"
    with pytest.raises(cipher.DecryptionError) as exc:
        cipher.unseal(
            raw("cases_person", "address", first.person_id),
            key_for=keystore.key_for,
            context="cases.Person.address",
            row=row_of(first.person),
        )
    assert exc.value.reason == "unknown_key"


def test_a_value_copied_to_another_row_does_not_decrypt(demo: dict[str, User]) -> None:
    first, second = _cases()
    set_raw("cases_case", "referral_reason", second.pk, raw("cases_case", "referral_reason", first.pk))
    with translation.override("nb"):
        assert Case.objects.get(pk=second.pk).referral_reason == "kan ikke vises"
    # Also for rows under the same key: two tasks of the same person.
    tasks = list(Task.objects.filter(case=first).order_by("pk"))
    other = Task.objects.create(
        case=first,
        title="En annen oppgave",
        due_on=tasks[0].due_on,
        assignee=tasks[0].assignee,
        created_by=tasks[0].created_by,
    )
    set_raw("cases_task", "title", other.pk, raw("cases_task", "title", tasks[0].pk))
    with translation.override("nb"):
        assert Task.objects.get(pk=other.pk).title == "kan ikke vises"


def test_a_value_copied_to_another_column_or_table_does_not_decrypt(demo: dict[str, User]) -> None:
    first, _second = _cases()
    reason = raw("cases_case", "referral_reason", first.pk)
    set_raw("cases_case", "closure_outcome", first.pk, reason)
    relapse = Relapse.objects.create(
        case=first,
        occurred_on=first.referral_date,
        description="x",
        recorded_by=first.created_by,
        owner_organisation=first.responsible_organisation,
    )
    set_raw("cases_relapse", "description", relapse.pk, reason)
    with translation.override("nb"):
        assert Case.objects.get(pk=first.pk).closure_outcome == "kan ikke vises"
        assert Relapse.objects.get(pk=relapse.pk).description == "kan ikke vises"
    with pytest.raises(cipher.DecryptionError):
        cipher.unseal(reason, key_for=keystore.key_for, context="cases.Relapse.description", row=row_of(first))


def test_saving_an_unreadable_value_unchanged_keeps_its_ciphertext(demo: dict[str, User]) -> None:
    first, _second = _cases()
    broken = flip_last_byte(raw("cases_case", "referral_reason", first.pk))
    set_raw("cases_case", "referral_reason", first.pk, broken)
    with translation.override("nb"):
        case = Case.objects.get(pk=first.pk)
        assert case.referral_reason == "kan ikke vises"
        case.phase = "P7"
        case.save()  # read, unreadable, unchanged
        assert raw("cases_case", "referral_reason", first.pk) == broken
        fresh = Case.objects.get(pk=first.pk)
        fresh.referral_reason = "kan ikke vises"  # a form posting the marker back
        fresh.save()
        assert raw("cases_case", "referral_reason", first.pk) == broken
        fresh.refresh_from_db()
        fresh.save()
        assert raw("cases_case", "referral_reason", first.pk) == broken
        fresh.referral_reason = "Ny, lesbar grunn."  # an explicit new value replaces it
        fresh.save()
    assert raw("cases_case", "referral_reason", first.pk) != broken
    assert Case.objects.get(pk=first.pk).referral_reason == "Ny, lesbar grunn."


def test_the_marker_is_never_stored_as_a_value(demo: dict[str, User]) -> None:
    first, _second = _cases()
    task = Task.objects.filter(case=first).first()
    assert task is not None
    task.title = "kan ikke vises"
    with pytest.raises(ValidationError) as exc:
        task.save()
    assert "title" in exc.value.message_dict
    marker = UnreadableText("cannot be shown")
    task.title = marker
    with pytest.raises(ValidationError):
        task.save()


def test_an_unchanged_readable_value_is_not_sealed_again(demo: dict[str, User]) -> None:
    first, _second = _cases()
    before = raw("cases_case", "referral_reason", first.pk)
    case = Case.objects.get(pk=first.pk)
    case.referral_reason = case.referral_reason
    case.save()
    Case.objects.get(pk=first.pk).save()
    assert raw("cases_case", "referral_reason", first.pk) == before


def test_encrypted_values_cannot_be_searched_or_updated_in_bulk(demo: dict[str, User]) -> None:
    with pytest.raises(EncryptedFieldMisuse), transaction.atomic():
        list(Task.objects.filter(title="Avtale neste møte med personen"))
    with pytest.raises(EncryptedFieldMisuse), transaction.atomic():
        Task.objects.update(title="x")
    assert Task.objects.exclude(title="").exists()  # empty stays empty, and can be asked about


def test_malformed_keyrings_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        cipher.parse_keyring("k1:" + base64.b64encode(b"short").decode(), "k1")
    with pytest.raises(ImproperlyConfigured):
        cipher.parse_keyring("k1:" + _key(), "k2")
    with pytest.raises(ImproperlyConfigured):
        cipher.parse_keyring("k.1:" + _key(), "k.1")


def test_drafts_are_private_to_their_author_and_removed_on_save(demo: dict[str, User]) -> None:
    draft_save(actor=demo["nav"], form_key="conversation-new-1", field="notes", text="halvferdig")
    assert draft_load(actor=demo["nav"], form_key="conversation-new-1") == {"notes": "halvferdig"}
    assert draft_load(actor=demo["helse"], form_key="conversation-new-1") == {}
    draft_discard(actor=demo["nav"], form_key="conversation-new-1")
    assert draft_load(actor=demo["nav"], form_key="conversation-new-1") == {}
    with pytest.raises(ValueError):
        draft_save(actor=demo["nav"], form_key="", field="notes", text="x")


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared


def test_a_page_reads_the_key_store_once_however_many_persons_it_shows(demo: dict[str, User]) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.helpers import login_verified

    client = login_verified(Client(), demo["saksbehandler"])
    tasks = Task.objects.filter(assignee=demo["saksbehandler"], done_at__isnull=True)
    assert len({t.case.person_id for t in tasks}) == 3  # the work list shows tasks of three persons
    with CaptureQueriesContext(connections["keys"]) as key_queries:
        response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 200 and response.content.decode().count("Avtale neste møte med personen") >= 3
    assert len(key_queries) == 1
