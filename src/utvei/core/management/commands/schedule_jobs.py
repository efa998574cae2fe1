"""``manage.py schedule_jobs``: enqueue the periodic jobs that are due, once per period (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from utvei.core.jobs import schedule_due


class Command(BaseCommand):
    """Run one scheduling pass; safe to run as often as wanted, from several hosts at once."""

    help = "Enqueue every periodic job whose current period has no finished run (idempotent per period)."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = schedule_due()
        self.stdout.write(
            f"Enqueued: {', '.join(outcome.enqueued) or '-'}; "
            f"again: {', '.join(outcome.retried) or '-'}; "
            f"out of attempts: {', '.join(outcome.gave_up) or '-'}."
        )
