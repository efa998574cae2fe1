"""The upgrade of an existing database to row-bound values: all or nothing, resumable after kill -9."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.sites import OLD_VALUES, Site


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """Give a throw-away installation in its own processes and databases."""
    created = Site(tmp_path / "site").create()
    yield created
    created.drop()


def test_an_old_database_upgrades_and_a_killed_upgrade_changes_nothing_and_resumes(site: Site) -> None:
    ids = site.call("make_old_database", 6)
    site.call("migrate_to_before_upgrade")
    before = site.call("raw_values")
    assert before[f"cases_task.title.{ids['task'][0]}"] == OLD_VALUES["task"]  # clear text until now
    assert before[f"cases_case.referral_reason.{ids['case'][0]}"].startswith("v1:site:")

    killed = site.call("upgrade", 4, check=False)
    assert killed.returncode == -9  # killed halfway, inside the transaction
    assert site.call("raw_values") == before  # all or nothing: nothing was written

    site.manage("migrate", "--verbosity", "0")  # the real migration, resumed from the start
    after = site.call("raw_values")
    assert all(v == "" or v.startswith("v2:") for v in after.values()), after
    assert after[f"cases_person.national_id.{ids['person'][0]}"].startswith("v2:d.")
    assert after[f"cases_concern.subject.{ids['concern']}"].startswith("v2:m.site:")
    read = site.call("read_upgraded", ids)
    assert {k: read[k] for k in OLD_VALUES} == OLD_VALUES  # everything reads, decrypted exactly once
    assert read["found_by_number"] == [ids["person"][0]] and read["data_keys"] == 6
    assert "cannot be read" not in site.manage("encryption_verify").stdout

    again = site.call("upgrade", 0)  # a further run finds everything done
    assert again["upgraded"] == 0 and again["failed"] == [] and again["already"] > 0
    assert site.call("raw_values") == after  # nothing encrypted twice
