"""The restore drill: back the database up, restore the backup into a scratch copy, verify its audit chain.

The copy is compared with the same external checkpoints as the live database, so a backup older than
the latest checkpoint is reported as behind by so many events: the events a restore from it would lose.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from utvei.audit.services import VerifyResult, verify_chain
from utvei.core.backup import backup_database, restored_copy, vendor


@dataclass(frozen=True)
class DrillReport:
    """Say what the drill backed up and restored, and how the copy's audit chain verified."""

    vendor: str
    backup: Path
    backup_bytes: int
    made_backup: bool
    kept: bool
    result: VerifyResult


def restore_drill(*, backup: Path | None = None, work_dir: Path | None = None) -> DrillReport:
    """Make a backup (or take ``backup``), restore it to a scratch copy and verify the copy's audit chain.

    The scratch copy is removed afterwards; a backup made here is kept only inside ``work_dir`` (a new
    temporary directory, removed at the end, when none is given).

    :raises BackupError: the backup or the restore failed, or the copy is damaged.
    """
    with tempfile.TemporaryDirectory(prefix="utvei-restore-drill-") as scratch:
        directory = work_dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        made = backup is None
        source = backup_database(directory=directory) if backup is None else backup
        size = source.stat().st_size
        with restored_copy(backup=source, directory=directory) as alias:
            result = verify_chain(using=alias)
    kept = not made or work_dir is not None
    return DrillReport(vendor=vendor(), backup=source, backup_bytes=size, made_backup=made, kept=kept, result=result)
