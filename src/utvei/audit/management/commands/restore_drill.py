"""``manage.py restore_drill``: back up, restore to a scratch copy, run audit_verify on the copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from utvei.audit.management.commands.audit_verify import describe
from utvei.audit.restore import restore_drill
from utvei.core.backup import BackupError


class Command(BaseCommand):
    """Prove that a backup restores and that the restored audit chain verifies against the checkpoints."""

    help = (
        "Back up the database (SQLite: VACUUM INTO; PostgreSQL: pg_dump), restore it into a scratch copy "
        "(removed afterwards) and verify the copy's audit chain against the external checkpoints. "
        "Exit 0: the copy verifies; 3: the copy is behind the latest checkpoint (an older backup); "
        "1: the backup, the restore or the verification failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="backup", type=Path, help="Restore this backup instead of making one.")
        parser.add_argument("--work-dir", type=Path, help="Keep the backup made here in this directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_drill(backup=options["backup"], work_dir=options["work_dir"])
        except BackupError as exc:
            raise CommandError(f"Restore drill FAILED: {exc}") from exc
        made = "made" if report.made_backup else "taken from --from"
        where = str(report.backup) if report.kept else "in a temporary directory, now removed"
        self.stdout.write(f"Backup ({report.vendor}, {made}): {where}, {report.backup_bytes} bytes.")
        self.stdout.write("Restored into a scratch copy, verified, and removed.")
        code, message = describe(report.result)
        if code == 0:
            self.stdout.write(self.style.SUCCESS(f"Restore drill PASSED. {message}"))
            return
        if report.result.behind:
            raise CommandError(
                f"Restore drill: the copy restores, but is {report.result.behind} events behind the latest "
                f"checkpoint; restoring this backup loses them. {message}",
                returncode=code,
            )
        raise CommandError(f"Restore drill FAILED. {message}", returncode=code)
