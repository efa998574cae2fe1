"""Done means (issue 13 item 4, G18): an erased person's fields cannot be read in a database copy made
before the erasure. The copy is a real backup made and restored with ``core/backup.py`` (VACUUM INTO on
SQLite, pg_dump and pg_restore on PostgreSQL when ``UTVEI_DATABASE_URL`` points there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.sites import Site


@pytest.fixture
def sites() -> Iterator[list[Site]]:
    """Give a list to put throw-away installations in; their databases are dropped afterwards."""
    made: list[Site] = []
    yield made
    for site in reversed(made):
        site.drop()


def test_an_erased_person_cannot_be_read_in_a_backup_restored_after_the_erasure(
    tmp_path: Path, sites: list[Site]
) -> None:
    live = Site(tmp_path / "live").create()
    sites.append(live)
    demo = live.call("seed_demo")
    backup = live.call("backup", str(tmp_path / "backup"))  # yesterday's backup, before the erasure
    before = live.call("read_restored", backup, str(tmp_path / "drill-before"), demo["jonas"])
    assert before["name"] == "Jonas" and before["referral_reason"].startswith("Tok selv kontakt")
    assert before["national_id"] not in ("", "kan ikke vises")

    erased = live.call("erase_on_request", demo["jonas"])
    assert erased["status"] == "done" and erased["receipt"]
    assert erased["name"] == "Anonymisert" and erased["key_live"] is False
    old = live.call("read_restored", backup, str(tmp_path / "drill-after"), demo["jonas"])
    assert old["vendor"] == ("postgresql" if live.pg else "sqlite")
    assert old["name"] == "Jonas"  # the old copy still has the clear name: it ages out with the backups
    for field in ("address", "national_id", "referral_reason"):
        assert old[field] == "kan ikke vises", field
    assert old["notes"] and set(old["notes"]) == {"kan ikke vises"}
    emma = live.call("read_restored", backup, str(tmp_path / "drill-emma"), demo["emma"])
    assert emma["referral_reason"].startswith("Skolen er bekymret")  # another person's key is untouched
