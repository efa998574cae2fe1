"""``manage.py run_worker``: the one background worker; it schedules due periodic jobs and runs the queue."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from utvei.core.jobs import schedule_due


class Command(BaseCommand):
    """Run django-tasks' database worker loop, with a scheduling pass for periodic jobs every minute."""

    help = (
        "Run the background worker: enqueue due periodic jobs (once per period) and run queued tasks. "
        "SIGTERM or Ctrl+C stops it after the task in hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Schedule once, run every ready task, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle (1).")
        parser.add_argument("--schedule-every", type=int, default=60, help="Seconds between scheduling passes (60).")
        parser.add_argument("--no-schedule", action="store_true", help="Only run tasks; schedule from cron instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        once: bool = options["once"]
        interval = max(0.0, options["interval"])
        schedule_every = max(1, options["schedule_every"])
        stop = threading.Event()
        worker_id = get_random_string(32)
        current: list[Worker] = []

        def request_stop(signum: int, frame: FrameType | None) -> None:
            # Let the task in hand finish: its transaction commits or rolls back whole either way.
            stop.set()
            for worker in current:
                worker.running = False

        previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        if not once:
            self.stdout.write(f"Worker {worker_id} running; stop it with SIGTERM or Ctrl+C.")
        try:
            self._loop(
                stop,
                current,
                worker_id,
                once=once,
                interval=interval,
                schedule_every=schedule_every,
                schedule=not options["no_schedule"],
            )
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(
        self,
        stop: threading.Event,
        current: list[Worker],
        worker_id: str,
        *,
        once: bool,
        interval: float,
        schedule_every: int,
        schedule: bool,
    ) -> None:
        next_pass = 0.0
        while not stop.is_set():
            if schedule and time.monotonic() >= next_pass:
                self._schedule()
                next_pass = time.monotonic() + schedule_every
            worker = Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            current[:] = [worker]
            worker.run()
            current.clear()
            if once:
                break
            stop.wait(interval)

    def _schedule(self) -> None:
        try:
            outcome = schedule_due()
        except OperationalError as exc:
            # A busy SQLite file or a restarting PostgreSQL: the next pass tries again.
            logging.getLogger(__name__).warning("Scheduling pass skipped: %s", exc)
            close_old_connections()
            return
        for name in outcome.enqueued:
            self.stdout.write(f"Enqueued job {name}.")
        for name in outcome.retried:
            self.stdout.write(f"Enqueued job {name} again after an unfinished attempt.")
        for name in outcome.gave_up:
            self.stderr.write(f"Job {name} is out of attempts for this period (see manage.py job_status).")

    def _configure_logging(self, verbosity: int) -> None:
        # Task starts and ends at verbosity 1; the loop's own "starting"/"no more tasks" lines, which come
        # once a second, only at 2.
        levels = {
            "django_tasks": logging.WARNING if verbosity == 0 else logging.INFO,
            "django_tasks_db": logging.DEBUG if verbosity >= 2 else logging.WARNING,
        }
        for name, level in levels.items():
            task_logger = logging.getLogger(name)
            task_logger.setLevel(level)
            if not task_logger.handlers:
                task_logger.addHandler(logging.StreamHandler(self.stdout))
                task_logger.propagate = False
