"""Key rotation and the check of unreadable values: every failure counted, no false "0 under old keys"."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command

from tests.core.test_crypto import flip_last_byte, raw, set_raw
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry
from utvei.cases import selectors
from utvei.cases.models import Case, Concern, Person
from utvei.core.crypto_rotation import RotationError, rotate_all, unreadable_values
from utvei.core.models import DataKey
from utvei.mentoring.models import Mentor


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _new_keys(settings: LazySettings) -> None:
    settings.ENCRYPTION_KEYS = f"{settings.ENCRYPTION_KEYS},k2:{_key()}"
    settings.ENCRYPTION_PRIMARY = "k2"
    settings.BLIND_INDEX_KEY = f"i2:{_key()},{settings.BLIND_INDEX_KEY}"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_everything_to_the_new_keys_and_then_the_old_ones_can_go(
    demo: dict[str, User], settings: LazySettings
) -> None:
    concern = Concern.objects.get()
    before = raw("cases_concern", "subject", concern.pk)
    _new_keys(settings)
    dry = rotate_all(apply=False)
    assert dry.by_column["cases.Concern.subject"] == 1 and dry.by_column["mentoring.Mentor.name"] >= 1
    assert dry.data_keys >= 3 and dry.indexes == 3 and dry.failures == []
    assert dry.remaining_total == dry.total  # nothing written by a dry run
    assert raw("cases_concern", "subject", concern.pk) == before
    assert "values under old keys" in _run() and "0 values under old keys" not in _run()
    output = _run("--apply")
    assert "cases.Concern.subject: 1 re-encrypted" in output
    # The rotation is audited in the same transaction, naming columns and the new primary, never values.
    entry = AuditEntry.objects.filter(target_type="core.EncryptionKeys").get()
    assert entry.target_id == "k2" and "cases.Concern.subject" in entry.changed_fields
    assert "0 values under old keys" in output
    assert raw("cases_concern", "subject", concern.pk).startswith("v2:m.k2:")
    assert set(DataKey.objects.filter(destroyed_at__isnull=True).values_list("master_kid", flat=True)) == {"k2"}
    assert rotate_all(apply=True).total == 0  # idempotent
    # The old keys can now go: every value still reads, and numbers are still found.
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS.split(",")[1]
    settings.BLIND_INDEX_KEY = settings.BLIND_INDEX_KEY.split(",")[0]
    assert unreadable_values() == []
    assert Concern.objects.get().subject == "Elev, 15 år (initialer K.T.)"
    assert Case.objects.get(person__given_name="Jonas").referral_reason.startswith("Tok selv kontakt")
    jonas = Person.objects.get(given_name="Jonas")
    hits = selectors.person_search(actor=demo["saksbehandler"], national_id=jonas.national_id)
    assert [h.person.pk for h in hits] == [jonas.pk]


def test_the_dry_run_counts_every_failure_per_column(demo: dict[str, User], settings: LazySettings) -> None:
    concern = Concern.objects.get()
    mentor = Mentor.objects.exclude(name="").order_by("pk").first()
    assert mentor is not None
    set_raw("cases_concern", "subject", concern.pk, flip_last_byte(raw("cases_concern", "subject", concern.pk)))
    set_raw("mentoring_mentor", "name", mentor.pk, flip_last_byte(raw("mentoring_mentor", "name", mentor.pk)))
    _new_keys(settings)
    report = rotate_all(apply=False)
    assert report.failures_by_column() == {"cases.Concern.subject": 1, "mentoring.Mentor.name": 1}
    assert report.by_column["cases.Concern.description"] == 1  # the rest is still counted
    output = _run()
    assert "cases.Concern.subject: 1 cannot be decrypted" in output
    assert "mentoring.Mentor.name: 1 cannot be decrypted" in output
    assert f"row {concern.pk}" in output and "Elev" not in output


def test_a_real_run_with_failures_writes_nothing_unless_told_and_never_claims_the_old_key_is_free(
    demo: dict[str, User], settings: LazySettings
) -> None:
    concern = Concern.objects.get()
    set_raw("cases_concern", "subject", concern.pk, flip_last_byte(raw("cases_concern", "subject", concern.pk)))
    description = raw("cases_concern", "description", concern.pk)
    _new_keys(settings)
    with pytest.raises(RotationError) as exc:
        rotate_all(apply=True)
    assert len(exc.value.report.failures) == 1
    assert raw("cases_concern", "description", concern.pk) == description  # nothing written
    with pytest.raises(CommandError):
        _run("--apply")
    output = _run("--apply", "--allow-failures")
    assert raw("cases_concern", "description", concern.pk).startswith("v2:m.k2:")
    assert "1 values under old keys (cases.Concern.subject 1): keep the old keys." in output
    assert "0 values under old keys" not in output
    assert rotate_all(apply=True, allow_failures=True).remaining_total == 1


def test_encryption_verify_lists_every_unreadable_value_and_fails(demo: dict[str, User]) -> None:
    out = io.StringIO()
    call_command("encryption_verify", stdout=out)
    assert "Every encrypted value can be read." in out.getvalue()
    case = Case.objects.get(person__given_name="Jonas")
    set_raw("cases_case", "referral_reason", case.pk, flip_last_byte(raw("cases_case", "referral_reason", case.pk)))
    set_raw("cases_person", "address", case.person_id, raw("cases_person", "address", case.person_id)[:-8])
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("encryption_verify", stdout=out)
    assert "2 encrypted value(s)" in str(exc.value)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith(f"cases.Case.referral_reason row {case.pk} key d.{case.person.data_key}") for line in lines
    )
    assert any(line.startswith(f"cases.Person.address row {case.person_id}") for line in lines)
    assert "Tok selv" not in out.getvalue()


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
