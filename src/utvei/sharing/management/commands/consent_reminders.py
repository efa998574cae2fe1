"""``manage.py consent_reminders``: remind about consents that end soon, by hand (the worker runs it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from utvei.sharing.services import REMINDER_DAYS, consent_reminders_send


class Command(BaseCommand):
    """Write expiring notices and coordinator tasks for consents that end soon, once each."""

    help = "Remind recipients and coordinators about consents that end within the given number of days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REMINDER_DAYS, help="How far ahead to look (default 30).")

    def handle(self, *args: Any, **options: Any) -> None:
        result = consent_reminders_send(days=options["days"])
        self.stdout.write(f"Consents reminded: {result.consents}; notices: {result.notices}; tasks: {result.tasks}.")
