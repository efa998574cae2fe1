"""``manage.py audit_verify``: check the whole audit chain and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from utvei.audit.services import verify_chain


class Command(BaseCommand):
    """Verify the audit chain and exit non-zero on the first break."""

    help = "Verify the hash chain of the audit log and name the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.first_break is not None:
            brk = result.first_break
            raise CommandError(
                f"Audit chain BROKEN at seq={brk.seq} (row id={brk.entry_id}): {brk.reason}. "
                f"{result.checked} entries verified before it."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {result.checked} entries verified."))
