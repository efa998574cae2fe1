"""Crypto-shredding: destroying a person's data key makes their fields unreadable, also in old copies."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from tests.core.sites import Site
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import selectors
from utvei.cases.models import Case, Person, Task
from utvei.cases.services import person_data_key_destroy, task_create
from utvei.core.crypto_rotation import unreadable_values
from utvei.core.models import DataKey


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[list[Site]]:
    """Give a list to put throw-away installations in; their databases are dropped afterwards."""
    made: list[Site] = []
    yield made
    for site in reversed(made):
        site.drop()


def test_an_erased_person_cannot_be_read_from_a_copy_made_before_the_erasure(tmp_path: Path, sites: list[Site]) -> None:
    live = Site(tmp_path / "live").create()
    sites.append(live)
    demo = live.call("seed_demo")
    before = live.call("read_person", demo["jonas"])
    assert before["raw"] == "decrypted" and before["referral_reason"].startswith("Tok selv kontakt")
    backup = live.copy_main(tmp_path / "backup")  # yesterday's backup of the main database
    sites.append(backup)

    assert live.call("erase", demo["jonas"]) is True

    old = backup.call("read_person", demo["jonas"])
    assert old["name"] == "Jonas"  # clear fields are the erasure workflow's to remove
    for field in ("address", "national_id", "referral_reason"):
        assert old[field] == "kan ikke vises", field
    # Tasks Utvei makes store a kind and no title (their title is rendered); only written titles are sealed.
    titled = [title for title in old["tasks"] if title]
    assert titled and set(titled) == {"kan ikke vises"} and set(old["notes"]) == {"kan ikke vises"}
    assert old["goals"] and set(old["goals"]) == {"kan ikke vises"}
    assert old["raw"] == "key_destroyed"  # not even raw decryption: the key is gone
    emma = backup.call("read_person", demo["emma"])
    assert emma["raw"] == "decrypted" and emma["referral_reason"].startswith("Skolen er bekymret")
    # The old copy holds no key material that could bring the person back.
    assert backup.call("find_anywhere", demo["wrapped"]) == []
    assert backup.call("find_anywhere", demo["wrapped"][:24]) == []


def test_the_service_destroys_the_key_audits_it_and_refuses_new_data(demo: dict[str, User]) -> None:
    jonas = Person.objects.get(given_name="Jonas")
    case = Case.objects.get(person=jonas)
    key_id, number = jonas.data_key, jonas.national_id
    with pytest.raises(NotFound):
        person_data_key_destroy(actor=demo["nabo"], person_id=jonas.pk)  # not allowed to change the person
    assert DataKey.objects.get(pk=key_id).destroyed_at is None

    assert person_data_key_destroy(actor=demo["koordinator"], person_id=jonas.pk) is True
    key = DataKey.objects.get(pk=key_id)
    assert key.destroyed_at is not None and key.wrapped == "" and key.master_kid == ""
    entry = AuditEntry.objects.filter(event=AuditEvent.DELETE, target_type="core.DataKey").get()
    assert entry.target_id == key_id and entry.person_id == jonas.pk
    with translation.override("nb"):
        assert Case.objects.get(pk=case.pk).referral_reason == "kan ikke vises"
        assert Case.objects.get(person__given_name="Emma").referral_reason.startswith("Skolen")
    assert Person.objects.get(pk=jonas.pk).national_id_index == ""  # the number no longer finds them
    assert selectors.person_search(actor=demo["saksbehandler"], national_id=number) == []
    reasons = {f.reason for f in unreadable_values() if f.keyref == f"d.{key_id}"}
    assert reasons == {"key_destroyed"}
    out = io.StringIO()
    call_command("encryption_verify", stdout=out)  # erased on purpose: listed, not a failure
    assert "of erased persons" in out.getvalue() and f"d.{key_id}" in out.getvalue()
    with pytest.raises(ValidationError):
        task_create(
            actor=demo["koordinator"],
            case_id=case.pk,
            title="Ny",
            due_on=case.referral_date,
            assignee=demo["koordinator"],
        )
    assert not any(t.title == "Ny" for t in Task.objects.filter(case=case))
    assert person_data_key_destroy(actor=None, person_id=jonas.pk) is False  # already destroyed
    assert AuditEntry.objects.filter(event=AuditEvent.DELETE, target_type="core.DataKey").count() == 1


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
