"""Periodic jobs: apps declare them, one scheduler enqueues each once per period, one worker runs them.

An app declares a job in its own ``jobs.py`` with :func:`periodic`; the registry imports every installed
app's ``jobs`` module the first time it is asked, so no central list needs editing::

    from utvei.core.jobs import Period, periodic

    @periodic("retention_run", period=Period.DAILY)
    def retention_run() -> str:
        receipt = retention_services.retention_run()
        return f"deleted={receipt.deleted}"

:func:`schedule_due` (called by ``manage.py run_worker`` every minute, or by ``manage.py schedule_jobs``
from cron) creates one :class:`~utvei.core.models.JobRun` per (job, period) and enqueues a django-tasks
task for it in the same transaction. The unique constraint on (job, period) makes a second scheduler,
or a second pass, a no-op. The task runs the job in one transaction that locks its run row and marks it
finished, so the job's database writes count once or, if the run is killed or fails, not at all; the
next pass enqueues it again, up to ``max_attempts`` times.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from utvei.core.models import JobRun

logger = logging.getLogger(__name__)

JobFunction = Callable[[], str]

# Finished runs and task results are kept this long, then pruned by the ``job_history_prune`` job.
HISTORY_DAYS = 90


class Period(enum.StrEnum):
    """Name how often a job runs; each period has a key in local time."""

    HOURLY = "hourly"
    DAILY = "daily"

    def key(self, moment: datetime) -> str:
        """Give the key of the period that contains ``moment`` (local time, so a day is a Norwegian day)."""
        local = timezone.localtime(moment)
        if self is Period.HOURLY:
            return local.strftime("%Y-%m-%dT%H")
        return local.date().isoformat()

    @property
    def length(self) -> timedelta:
        """Give the length of one period."""
        return timedelta(hours=1) if self is Period.HOURLY else timedelta(days=1)


@dataclass(frozen=True)
class Job:
    """Describe one periodic job: its unique name, how often it runs and the function that does it.

    The function takes no arguments, does its work in the caller's transaction and returns a short
    summary (counts, never personal data). A job with effects outside the database (a file, an e-mail)
    must make them safe to repeat, since a run whose transaction fails is run again.
    """

    name: str
    period: Period
    run: JobFunction
    max_attempts: int = 5


_registry: dict[str, Job] = {}
_discovered = False


def register(job: Job) -> Job:
    """Add a job to the registry.

    :raises ImproperlyConfigured: another function is registered under the same name, the name is empty or
        too long for a run row, or ``max_attempts`` is below one.
    """
    if not job.name or len(job.name) > 64:
        raise ImproperlyConfigured(f"Job name {job.name!r} must be 1-64 characters.")
    if job.max_attempts < 1:
        raise ImproperlyConfigured(f"Job {job.name!r} needs max_attempts of at least 1.")
    existing = _registry.get(job.name)
    if existing is not None and existing.run is not job.run:
        raise ImproperlyConfigured(f"Two jobs are registered as {job.name!r}.")
    _registry[job.name] = job
    return job


def periodic(name: str, *, period: Period, max_attempts: int = 5) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the periodic job ``name``."""

    def decorate(function: JobFunction) -> JobFunction:
        register(Job(name=name, period=period, run=function, max_attempts=max_attempts))
        return function

    return decorate


def registered_jobs() -> list[Job]:
    """Return every registered job by name, importing each installed app's ``jobs`` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return [_registry[name] for name in sorted(_registry)]


def get_job(name: str) -> Job:
    """Return the registered job called ``name``.

    :raises KeyError: no such job is registered (it was renamed or its app removed).
    """
    registered_jobs()
    return _registry[name]


@dataclass
class ScheduleResult:
    """Say what one scheduling pass did, job by job."""

    enqueued: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)


def _enqueue(run: JobRun) -> None:
    result = job_task.enqueue(run.pk)
    run.task_id = str(result.id)
    run.save(update_fields=["task_id"])


def _task_waiting(task_id: str) -> bool:
    # A task still READY will run; RUNNING without the run row locked means its worker died (the
    # job's transaction holds that lock while it works), FAILED and SUCCESSFUL are over.
    return bool(task_id) and DBTaskResult.objects.ready().filter(pk=task_id).exists()


def schedule_due(*, now: datetime | None = None) -> ScheduleResult:
    """Enqueue every job whose current period has no finished run, once per (job, period).

    A new period gets a run row and a task in one transaction; the unique (job, period) constraint turns
    a concurrent or repeated pass into a no-op. A run left unfinished (its task failed, or its worker was
    killed) is enqueued again while it has attempts left. Only the current period is scheduled: a job
    works from "now" (what is due today), so a period the worker slept through needs no catching up.
    """
    moment = now or timezone.now()
    outcome = ScheduleResult()
    for job in registered_jobs():
        period = job.period.key(moment)
        with transaction.atomic():
            run, created = JobRun.objects.get_or_create(job=job.name, period=period)
            if created:
                _enqueue(run)
                outcome.enqueued.append(job.name)
                continue
            if run.finished_at is not None:
                continue
            if run.attempts >= job.max_attempts:
                outcome.gave_up.append(job.name)
                continue
            # skip_locked: on PostgreSQL a worker running this job holds the row; leave it alone. On
            # SQLite this transaction waited for the write lock, so no job transaction is open now.
            locked = JobRun.objects.select_for_update(skip_locked=True).filter(pk=run.pk).first()
            if locked is None or locked.finished_at is not None or _task_waiting(locked.task_id):
                continue
            _enqueue(locked)
            outcome.retried.append(job.name)
    if outcome.gave_up:
        logger.error("Periodic jobs out of attempts for this period: %s", ", ".join(outcome.gave_up))
    return outcome


def job_run_execute(run_id: int) -> str:
    """Run the job of one run row, unless it is finished already; count the attempt first.

    The job's writes and the finished mark commit together while the run row is locked, so two tasks for
    one run (a retry racing a slow first attempt) run the job once. A failure rolls the job back, keeps
    the exception's class name on the row and is raised again, so the task is marked failed.

    :raises KeyError: the run names a job that is no longer registered.
    """
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None:
            return "already finished"
        job = get_job(run.job)
        if run.attempts >= job.max_attempts:
            return "out of attempts"
        run.attempts += 1
        run.save(update_fields=["attempts"])
    try:
        with transaction.atomic():
            run = JobRun.objects.select_for_update().get(pk=run_id)
            if run.finished_at is not None:
                return "already finished"
            summary = job.run()[:200]
            run.finished_at = timezone.now()
            run.result = summary
            run.last_error = ""
            run.save(update_fields=["finished_at", "result", "last_error"])
    except Exception as exc:
        with transaction.atomic():
            JobRun.objects.filter(pk=run_id).update(last_error=type(exc).__qualname__[:200])
        logger.exception("Periodic job %s (%s) failed", run.job, run.period)
        raise
    return summary


@task()
def job_task(run_id: int) -> str:
    """Run one scheduled job run (the single django-tasks task behind every periodic job)."""
    return job_run_execute(run_id)


@dataclass(frozen=True)
class JobStatus:
    """Describe a job and its newest run, for ``manage.py job_status``."""

    name: str
    period: Period
    latest_period: str | None
    finished: bool
    attempts: int
    last_error: str
    healthy: bool


def job_status_list(*, now: datetime | None = None) -> list[JobStatus]:
    """Return every registered job with its newest run, marking a job unhealthy when it is stuck.

    Stuck means: its newest run is out of attempts, or no run has finished for two periods.
    """
    moment = now or timezone.now()
    statuses = []
    for job in registered_jobs():
        latest = JobRun.objects.filter(job=job.name).order_by("-created_at", "-pk").first()
        finished = JobRun.objects.filter(job=job.name, finished_at__isnull=False).order_by("-finished_at").first()
        recent = (
            finished is not None
            and finished.finished_at is not None
            and (moment - finished.finished_at <= 2 * job.period.length)
        )
        out_of_attempts = latest is not None and latest.finished_at is None and latest.attempts >= job.max_attempts
        statuses.append(
            JobStatus(
                name=job.name,
                period=job.period,
                latest_period=latest.period if latest else None,
                finished=latest is not None and latest.finished_at is not None,
                attempts=latest.attempts if latest else 0,
                last_error=latest.last_error if latest else "",
                healthy=recent and not out_of_attempts,
            )
        )
    return statuses


def job_history_prune(*, now: datetime | None = None, days: int = HISTORY_DAYS) -> int:
    """Delete finished runs and finished task results older than ``days``; return how many runs went.

    Only the current period's row guards against a double run, so old rows carry no duty.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        deleted, _ = JobRun.objects.filter(finished_at__lt=cutoff).delete()
        DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@periodic("job_history_prune", period=Period.DAILY)
def _prune_job() -> str:
    return f"runs deleted={job_history_prune()}"


# SQLite samples about this many rows of each index when it refreshes its statistics: enough for the
# planner to tell a column that narrows to one case from one every row shares, in about a second at 20
# million audit events (https://sqlite.org/lang_analyze.html, "approximate ANALYZE").
SQLITE_ANALYSIS_LIMIT = "PRAGMA analysis_limit=1000"


def database_statistics_refresh(using: str = DEFAULT_DB_ALIAS) -> str:
    """Refresh the query planner's statistics of the main database; give its vendor.

    SQLite keeps no statistics unless ``ANALYZE`` is run. Without them it guesses, and at 2 million
    conversations it read a case's next contact through the index of the owning organisation (the same
    for every row) instead of the case's: half a second instead of a millisecond. PostgreSQL's autovacuum
    analyses on its own; running it here as well keeps both databases planned from fresh numbers.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_ANALYSIS_LIMIT)
        cursor.execute("ANALYZE")
    return connection.vendor


@periodic("database_statistics", period=Period.DAILY)
def _statistics_job() -> str:
    return f"analysed={database_statistics_refresh()}"
