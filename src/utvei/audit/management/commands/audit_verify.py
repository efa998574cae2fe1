"""``manage.py audit_verify``: check the audit chain against itself and the signed checkpoints."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from utvei.audit.services import VerifyResult, verify_chain

# Exit codes: 1 for a break (tampering or damage), 3 for a log behind the latest checkpoint (a rewound
# tail, or a restore of an older backup: the operator decides which).
EXIT_BROKEN = 1
EXIT_BEHIND = 3


def describe(result: VerifyResult) -> tuple[int, str]:
    """Give the exit code and the one-paragraph report for a verification result."""
    latest = result.checkpoint
    brk = result.first_break
    if brk is not None:
        where = f"at seq={brk.seq} (row id={brk.entry_id})" if brk.seq is not None else "in the checkpoints"
        named = f" [checkpoint #{brk.checkpoint}]" if brk.checkpoint is not None else ""
        return EXIT_BROKEN, (
            f"Audit chain BROKEN {where}: {brk.reason}{named}. {result.checked} entries verified before it."
        )
    if latest is not None and result.behind:
        return EXIT_BEHIND, (
            f"Audit chain BEHIND checkpoint #{latest.number} by {result.behind} events: the log ends at "
            f"seq {result.checked}, the checkpoint signed seq {latest.seq} at {latest.time}. Either the "
            "tail was removed, or this database is a restore of a backup older than that checkpoint "
            "(docs/operations.md, Backups)."
        )
    if latest is None:
        anchor = "no signed checkpoint yet"
    else:
        anchor = f"latest checkpoint #{latest.number} (seq {latest.seq}, {latest.time}) matches"
    restores = "".join(
        f" Restore acknowledged at {r.time}: the chain restarted from seq {r.seq} (checkpoint #{r.number})."
        for r in result.restores
    )
    return 0, f"Audit chain OK: {result.checked} entries verified; {anchor}.{restores}"


class Command(BaseCommand):
    """Verify the audit chain; exit 1 naming the first break, 3 when the log is behind a checkpoint."""

    help = (
        "Verify the hash chain of the audit log and compare it with the signed checkpoints outside the "
        "database. Exit 1 names the first broken event or checkpoint; exit 3 means the log is behind the "
        "latest checkpoint (tail removed, or a restore of an older backup)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to verify.")

    def handle(self, *args: Any, **options: Any) -> None:
        code, message = describe(verify_chain(using=options["database"]))
        if code:
            raise CommandError(message, returncode=code)
        self.stdout.write(self.style.SUCCESS(message))
