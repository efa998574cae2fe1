"""Backups of the database and restores into a scratch copy, for the restore drill.

SQLite is copied online with ``VACUUM INTO`` (a consistent snapshot while the application runs);
PostgreSQL with ``pg_dump --format=custom`` and restored with ``pg_restore`` into a new scratch database
on the same server. A restored copy is opened under its own database alias, so the same code that checks
the live database (the audit chain) can check the copy, and it is removed afterwards.

Backups hold no key: the field encryption keys and the checkpoint signing key come from the environment
and are kept apart (docs/operations.md, Backups).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore, with argument lists, never a shell)
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from sqlite3 import connect as sqlite_open  # a plain file connection, not a signal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

DRILL_ALIAS = "restore_drill"


class BackupError(Exception):
    """Report a backup or restore step that failed, with the tool's own message."""


def _settings(using: str) -> dict[str, Any]:
    return dict(connections[using].settings_dict)


def vendor(using: str = DEFAULT_DB_ALIAS) -> str:
    """Name the database vendor of ``using`` (``sqlite`` or ``postgresql``)."""
    return connections[using].vendor


def _pg_args(conf: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup_database(*, directory: Path, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a consistent backup of the database into ``directory`` and return its path.

    :raises BackupError: the database is inside a transaction (a snapshot must see committed data only),
        the vendor is not supported, or the backup tool failed.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("a backup sees committed data only: run it outside a transaction")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if connection.vendor == "sqlite":
        target = directory / "backup.sqlite3"
        target.unlink(missing_ok=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        target.chmod(0o600)
        return target
    if connection.vendor == "postgresql":
        target = directory / "backup.dump"
        conf = _settings(using)
        args, env = _pg_args(conf)
        _run(["pg_dump", *args, "--format=custom", "--file", str(target), str(conf["NAME"])], env)
        target.chmod(0o600)
        return target
    raise BackupError(f"no backup procedure for {connection.vendor}")


@contextmanager
def restored_copy(*, backup: Path, directory: Path, using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Restore ``backup`` into a scratch database, yield its alias, and remove the copy afterwards.

    SQLite: the backup file is copied and checked with ``PRAGMA integrity_check``. PostgreSQL: a new
    database named after the live one plus ``_drill_`` and random digits is created, filled by
    ``pg_restore`` and dropped at the end.

    :raises BackupError: the backup is missing or damaged, or a restore step failed.
    """
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    conf = _settings(using)
    name = vendor(using)
    scratch_db = ""
    restored = directory / "restored.sqlite3"
    if name == "sqlite":
        restored.unlink(missing_ok=True)
        try:
            with sqlite_open(backup) as source, sqlite_open(restored) as target:
                source.backup(target)
                (check,) = target.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"the backup is not a readable SQLite database: {exc}") from exc
        if check != "ok":
            raise BackupError(f"the restored copy fails its integrity check: {check}")
        conf["NAME"] = str(restored)
    elif name == "postgresql":
        scratch_db = f"{str(conf['NAME'])[:40]}_drill_{secrets.token_hex(4)}"
        if not re.fullmatch(r"[A-Za-z0-9_]+", scratch_db):
            raise BackupError(f"the database name {conf['NAME']!r} is not a plain identifier")
        with connections[using].cursor() as cursor:
            # DDL takes no parameters; the name is generated above and checked to be a plain identifier.
            cursor.execute(f'CREATE DATABASE "{scratch_db}"')  # nosemgrep: utvei-raw-sql-string-formatting
        args, env = _pg_args(conf)
        try:
            _run(
                ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", scratch_db]
                + [str(backup)],
                env,
            )
        except BackupError:
            _drop(using, scratch_db)
            raise
        conf["NAME"] = scratch_db
    else:
        raise BackupError(f"no restore procedure for {name}")
    # The copy gets a connection of its own under an alias of its own, outside DATABASES: it exists only
    # in this thread and only for the block.
    copy = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, DRILL_ALIAS)
    connections[DRILL_ALIAS] = copy
    try:
        yield DRILL_ALIAS
    finally:
        copy.close()
        del connections[DRILL_ALIAS]
        if scratch_db:
            _drop(using, scratch_db)
        for leftover in (
            restored,
            restored.with_name(restored.name + "-wal"),
            restored.with_name(restored.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)


def _drop(using: str, scratch_db: str) -> None:
    with connections[using].cursor() as cursor:
        # DDL takes no parameters; the name is one this module generated and checked (see restored_copy).
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')  # nosemgrep
