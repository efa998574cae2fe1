"""The restore drill: a backup restores into a scratch copy whose audit chain is checked like the live one.

It runs on the database the suite runs on: SQLite (``VACUUM INTO``) or PostgreSQL (``pg_dump`` and
``pg_restore`` into a scratch database that is created and dropped). The data must be committed for a
backup to see it, hence ``transactional_db``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils.connection import ConnectionDoesNotExist

from tests.audit.helpers import build_chain
from utvei.audit.models import AuditEvent
from utvei.audit.services import checkpoint_write, record, verify_chain
from utvei.core.backup import DRILL_ALIAS, BackupError, backup_database

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _tools() -> None:
    if POSTGRES and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pg_dump and pg_restore are required in CI (postgresql-client)", pytrace=False)
        pytest.skip("pg_dump/pg_restore not installed")


def _drill(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("restore_drill", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def _append(count: int) -> None:
    for i in range(count):
        record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=3000 + i)


def _drill_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%\\_drill\\_%"])
        return [row[0] for row in cursor.fetchall()]


def test_a_fresh_backup_restores_and_its_chain_verifies(transactional_db: None, tmp_path: Path) -> None:
    build_chain(20)
    checkpoint_write()

    code, output = _drill("--work-dir", str(tmp_path))

    assert code == 0, output
    assert "Restore drill PASSED. Audit chain OK: 20 entries verified; latest checkpoint #1 (seq 20" in output
    backup = tmp_path / ("backup.dump" if POSTGRES else "backup.sqlite3")
    assert f"Backup ({connection.vendor}, made): {backup}" in output
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ConnectionDoesNotExist):
        connections[DRILL_ALIAS]
    if POSTGRES:
        assert _drill_databases() == [], "the scratch database is dropped"
    else:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite3"], "the scratch copy is removed"


def test_an_older_backup_is_reported_behind_by_the_events_it_lacks(transactional_db: None, tmp_path: Path) -> None:
    build_chain(10)
    checkpoint_write()
    old = tmp_path / "old"
    assert _drill("--work-dir", str(old))[0] == 0
    backup = next(old.glob("backup.*"))
    _append(8)
    checkpoint_write()

    code, output = _drill("--from", str(backup))

    assert code == 3
    assert "the copy restores, but is 8 events behind the latest checkpoint" in output
    assert "Audit chain BEHIND checkpoint #2 by 8 events: the log ends at seq 10" in output
    assert verify_chain().ok, "the live database is untouched"
    if POSTGRES:
        assert _drill_databases() == []


def test_a_damaged_backup_fails_the_drill(transactional_db: None, tmp_path: Path) -> None:
    build_chain(3)
    damaged = tmp_path / "backup.bin"
    damaged.write_bytes(b"this is not a database backup" * 20)

    code, output = _drill("--from", str(damaged))

    assert code == 1
    assert "Restore drill FAILED" in output
    if POSTGRES:
        assert _drill_databases() == []


@pytest.mark.skipif(POSTGRES, reason="edits the backup file directly, which SQLite allows")
def test_a_backup_with_an_edited_audit_entry_fails_the_drill(transactional_db: None, tmp_path: Path) -> None:
    build_chain(12)
    checkpoint_write()
    backup = backup_database(directory=tmp_path)
    with sqlite3.connect(backup) as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET target_id = '9999' WHERE seq = 7")

    code, output = _drill("--from", str(backup))

    assert code == 1
    assert "BROKEN at seq=7" in output and "content does not match its hash" in output


def test_a_backup_inside_a_transaction_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="outside a transaction"):
        backup_database(directory=tmp_path)
