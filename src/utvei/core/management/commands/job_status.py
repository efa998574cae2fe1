"""``manage.py job_status``: list the periodic jobs and their newest runs; exit 1 when one is stuck."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from utvei.core.jobs import job_status_list


class Command(BaseCommand):
    """Print each registered job, its period and newest run; fail when a job is stuck (for monitoring)."""

    help = "List periodic jobs with their newest run; exit non-zero if one is out of attempts or stale."

    def handle(self, *args: Any, **options: Any) -> None:
        stuck = []
        for status in job_status_list():
            state = "finished" if status.finished else f"unfinished after {status.attempts} attempt(s)"
            if status.latest_period is None:
                state = "never run"
            error = f", last error {status.last_error}" if status.last_error else ""
            mark = "ok" if status.healthy else "STUCK"
            self.stdout.write(
                f"{mark:5} {status.name:24} {status.period.value:7} {status.latest_period or '-':14} {state}{error}"
            )
            if not status.healthy:
                stuck.append(status.name)
        if stuck:
            raise CommandError(f"Periodic jobs stuck: {', '.join(stuck)} (is manage.py run_worker running?)")
