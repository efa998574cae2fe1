"""Field encryption: AES-GCM at rest, bound to its column, fails closed, and keys rotate."""

from __future__ import annotations

import base64
import os

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from utvei.accounts.models import User
from utvei.core import crypto
from utvei.core.crypto_rotation import RotationError, rotate_all
from utvei.core.models import Draft
from utvei.core.services import draft_discard, draft_load, draft_save


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM core_draft WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _set_raw(pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_draft SET text = %s WHERE id = %s", [value, pk])


def test_values_are_stored_encrypted_and_read_back(demo: dict[str, User]) -> None:
    draft = draft_save(actor=demo["nav"], form_key="k", field="notes", text="CANARY-plain-words")
    raw = _raw(draft.pk)
    assert "CANARY" not in raw and raw.startswith("v1:dev:")
    assert Draft.objects.get(pk=draft.pk).text == "CANARY-plain-words"


def test_a_flipped_byte_fails_closed(demo: dict[str, User]) -> None:
    draft = draft_save(actor=demo["nav"], form_key="k", field="notes", text="secret")
    raw = _raw(draft.pk)
    blob = bytearray(base64.b64decode(raw.split(":", 2)[2]))
    blob[-1] ^= 1
    _set_raw(draft.pk, "v1:dev:" + base64.b64encode(bytes(blob)).decode())
    with pytest.raises(crypto.DecryptionError):
        Draft.objects.get(pk=draft.pk)


def test_a_value_moved_to_another_column_does_not_decrypt(demo: dict[str, User]) -> None:
    stolen = crypto.encrypt("secret", context="cases.Case.referral_reason")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stolen, context="core.Draft.text")


def test_malformed_keyring_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring("k1:" + base64.b64encode(b"short").decode(), "k1")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring("k1:" + _key(), "k2")


def test_rotation_re_encrypts_everything_under_the_new_primary(demo: dict[str, User], settings: LazySettings) -> None:
    drafts = [draft_save(actor=demo["nav"], form_key="k", field=f"f{i}", text=f"text {i}") for i in range(5)]
    old = settings.ENCRYPTION_KEYS
    settings.ENCRYPTION_KEYS = f"{old},k2:{_key()}"
    settings.ENCRYPTION_PRIMARY = "k2"
    dry = rotate_all(apply=False)
    assert dry.total >= 5 and all(_raw(d.pk).startswith("v1:dev:") for d in drafts)
    applied = rotate_all(apply=True)
    assert applied.total == dry.total
    assert all(_raw(d.pk).startswith("v1:k2:") for d in drafts)
    assert rotate_all(apply=True).total == 0  # idempotent: nothing left under the old key
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS.split(",")[1]  # the old key can now go
    assert [Draft.objects.get(pk=d.pk).text for d in drafts] == [f"text {i}" for i in range(5)]
    call_command("rotate_keys")  # reports nothing to do, without error


def test_a_corrupt_value_stops_the_rotation_before_any_write(demo: dict[str, User], settings: LazySettings) -> None:
    good = draft_save(actor=demo["nav"], form_key="k", field="a", text="good")
    bad = draft_save(actor=demo["nav"], form_key="k", field="b", text="bad")
    _set_raw(bad.pk, "v1:dev:AAAA" + _raw(bad.pk)[11:])
    settings.ENCRYPTION_KEYS = f"{settings.ENCRYPTION_KEYS},k2:{_key()}"
    settings.ENCRYPTION_PRIMARY = "k2"
    with pytest.raises(RotationError):
        rotate_all(apply=True)
    assert _raw(good.pk).startswith("v1:dev:")
    report = rotate_all(apply=True, allow_failures=True)
    assert report.failures == 1 and _raw(good.pk).startswith("v1:k2:")


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
