"""``manage.py retention_run``: delete or anonymise what the retention schedule says is due (run daily)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from utvei.privacy.services import retention_run


class Command(BaseCommand):
    """Run the retention schedule once, as the system, and print what each rule did."""

    help = "Delete or anonymise the records that are due under the retention schedule, with a receipt per rule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); today by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        result = retention_run(actor=None, today=today)
        for outcome in result.outcomes:
            self.stdout.write(f"{outcome.record_type}: {outcome.action} {outcome.count}")
        self.stdout.write(f"Run {result.run_id} done.")
