"""Periodic jobs: one run per (job, period), run by the real database worker, retried after a failure.

The worker tests use ``transactional_db``: the worker commits as it does in production, and its loop
closes a connection that it finds inside a transaction (which would end a wrapping test transaction).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from utvei.accounts.models import Organisation
from utvei.core import jobs
from utvei.core.jobs import Job, Period, job_task, periodic, register, registered_jobs, schedule_due
from utvei.core.models import JobRun
from utvei.sharing.models import ConsentNotice

# Calls of the test jobs, counted in this process (the worker runs in-process, in the test's transaction).
CALLS: dict[str, int] = {}
# Names of jobs that should fail at their next call, after they have written.
FAIL_NEXT: set[str] = set()


def _work(name: str) -> str:
    CALLS[name] = CALLS.get(name, 0) + 1
    Organisation.objects.create(name=f"{name} run {CALLS[name]}", kind="other")
    if name in FAIL_NEXT:
        FAIL_NEXT.discard(name)
        raise RuntimeError("the job fell over halfway, after writing")
    return f"call {CALLS[name]}"


def daily_job() -> str:
    return _work("daily")


def hourly_job() -> str:
    return _work("hourly")


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Job]]:
    """Swap the registry for one holding only the two test jobs."""
    CALLS.clear()
    FAIL_NEXT.clear()
    only: dict[str, Job] = {}
    monkeypatch.setattr(jobs, "_registry", only)
    monkeypatch.setattr(jobs, "_discovered", True)
    register(Job(name="daily", period=Period.DAILY, run=daily_job, max_attempts=3))
    register(Job(name="hourly", period=Period.HOURLY, run=hourly_job))
    yield only


def _db_worker() -> str:
    """Run django-tasks-db's own worker loop until the queue is empty."""
    out = StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", stdout=out)
    return out.getvalue()


def _run_worker() -> str:
    """Run Utvei's worker command once: one scheduling pass, then every ready task."""
    out = StringIO()
    call_command("run_worker", "--once", stdout=out, stderr=out)
    return out.getvalue()


def _made(name: str) -> int:
    return Organisation.objects.filter(name__startswith=f"{name} run").count()


MORNING = dt.datetime(2026, 6, 1, 9, 15, tzinfo=dt.UTC)


@time_machine.travel(MORNING, tick=False)
def test_the_database_worker_runs_each_scheduled_job_once(transactional_db: None, registry: dict[str, Job]) -> None:
    outcome = schedule_due()

    assert sorted(outcome.enqueued) == ["daily", "hourly"]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2
    assert CALLS == {}, "nothing runs before a worker takes the task"

    _db_worker()

    assert CALLS == {"daily": 1, "hourly": 1}
    assert (_made("daily"), _made("hourly")) == (1, 1)
    runs = {r.job: r for r in JobRun.objects.all()}
    assert {(r.job, r.period) for r in runs.values()} == {("daily", "2026-06-01"), ("hourly", "2026-06-01T11")}
    assert all(r.finished_at is not None and r.attempts == 1 for r in runs.values())
    assert runs["daily"].result == "call 1"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


@time_machine.travel(MORNING, tick=False)
def test_scheduling_twice_or_three_times_runs_a_job_once_per_period(
    transactional_db: None, registry: dict[str, Job]
) -> None:
    schedule_due()
    second = schedule_due()
    call_command("schedule_jobs", stdout=StringIO())
    _run_worker()
    third = schedule_due()

    assert second.enqueued == second.retried == third.enqueued == third.retried == []
    assert CALLS == {"daily": 1, "hourly": 1}
    assert JobRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_the_database_refuses_a_second_run_row_for_one_period(db: None) -> None:
    JobRun.objects.create(job="daily", period="2026-06-01")

    with pytest.raises(IntegrityError), transaction.atomic():
        JobRun.objects.create(job="daily", period="2026-06-01")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@time_machine.travel(MORNING, tick=False)
def test_concurrent_schedulers_create_one_run_and_one_task_per_period(
    transactional_db: None, registry: dict[str, Job]
) -> None:
    start = threading.Barrier(4)
    enqueued: list[str] = []
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            start.wait()
            enqueued.extend(schedule_due().enqueued)
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(enqueued) == ["daily", "hourly"]
    assert JobRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@time_machine.travel(MORNING, tick=False)
def test_two_tasks_for_one_run_run_the_job_once(transactional_db: None, registry: dict[str, Job]) -> None:
    schedule_due()
    run = JobRun.objects.get(job="daily")
    job_task.enqueue(run.pk)  # a retry racing the first attempt

    _db_worker()

    assert CALLS["daily"] == 1
    assert _made("daily") == 1
    results = sorted(r.return_value for r in DBTaskResult.objects.filter(args_kwargs__args=[run.pk]))
    assert results == ["already finished", "call 1"]


@time_machine.travel(MORNING, tick=False)
def test_a_failed_run_is_rolled_back_and_run_again_at_the_next_pass(
    transactional_db: None, registry: dict[str, Job]
) -> None:
    FAIL_NEXT.add("daily")

    _run_worker()

    run = JobRun.objects.get(job="daily")
    assert (run.finished_at, run.attempts, run.last_error) == (None, 1, "RuntimeError")
    assert _made("daily") == 0, "the half-done work was rolled back with the run"
    assert DBTaskResult.objects.get(pk=run.task_id).status == TaskResultStatus.FAILED

    output = _run_worker()

    assert "Enqueued job daily again" in output
    run.refresh_from_db()
    assert run.finished_at is not None
    assert (run.attempts, run.last_error, run.result) == (2, "", "call 2")
    assert _made("daily") == 1
    assert CALLS == {"daily": 2, "hourly": 1}


@time_machine.travel(MORNING, tick=False)
def test_a_run_whose_worker_was_killed_is_run_again(transactional_db: None, registry: dict[str, Job]) -> None:
    schedule_due()
    run = JobRun.objects.get(job="daily")
    # What kill -9 halfway leaves behind: the task claimed by a worker that is gone, the attempt counted,
    # and the job's own transaction rolled back by the database, so no work and no finished mark.
    DBTaskResult.objects.get(pk=run.task_id).claim("worker-killed-by-sigkill")
    JobRun.objects.filter(pk=run.pk).update(attempts=1)
    stale_task = run.task_id

    outcome = schedule_due()
    _db_worker()

    assert outcome.retried == ["daily"]
    run.refresh_from_db()
    assert run.task_id != stale_task
    assert run.finished_at is not None and run.attempts == 2
    assert CALLS["daily"] == 1
    assert _made("daily") == 1


@time_machine.travel(MORNING, tick=False)
def test_a_queued_task_is_not_enqueued_again(transactional_db: None, registry: dict[str, Job]) -> None:
    schedule_due()

    outcome = schedule_due()

    assert outcome.retried == []
    assert DBTaskResult.objects.count() == 2


@time_machine.travel(MORNING, tick=False)
def test_a_job_out_of_attempts_stops_and_job_status_fails(transactional_db: None, registry: dict[str, Job]) -> None:
    for _ in range(3):
        FAIL_NEXT.add("daily")
        _run_worker()
    run = JobRun.objects.get(job="daily")
    assert (run.attempts, run.finished_at) == (3, None)

    output = _run_worker()

    assert "daily is out of attempts" in output
    assert CALLS["daily"] == 3
    out = StringIO()
    with pytest.raises(CommandError, match="Periodic jobs stuck: daily"):
        call_command("job_status", stdout=out)
    assert "STUCK daily" in out.getvalue()
    assert "ok    hourly" in out.getvalue()


def test_each_new_period_gets_its_own_run(transactional_db: None, registry: dict[str, Job]) -> None:
    with time_machine.travel(MORNING, tick=False):
        _run_worker()
    with time_machine.travel(MORNING + dt.timedelta(minutes=40), tick=False):
        _run_worker()
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        _run_worker()
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        _run_worker()

    assert CALLS == {"daily": 2, "hourly": 3}
    assert list(JobRun.objects.filter(job="daily").order_by("period").values_list("period", flat=True)) == [
        "2026-06-01",
        "2026-06-02",
    ]


def test_periods_are_norwegian_days_and_hours() -> None:
    late_evening_utc = dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 on 2 June in Oslo (CEST)

    assert Period.DAILY.key(late_evening_utc) == "2026-06-02"
    assert Period.HOURLY.key(late_evening_utc) == "2026-06-02T00"
    winter = dt.datetime(2026, 1, 15, 23, 5, tzinfo=dt.UTC)  # 00:05 on 16 January (CET)
    assert Period.DAILY.key(winter) == "2026-01-16"


def test_apps_declare_their_jobs_without_a_central_list() -> None:
    found = {job.name: job for job in registered_jobs()}

    assert {"consent_reminders", "audit_checkpoint", "job_history_prune"} <= set(found)
    assert found["consent_reminders"].period is Period.DAILY
    assert found["audit_checkpoint"].period is Period.HOURLY
    assert found["consent_reminders"].run.__module__ == "utvei.sharing.jobs"


def test_a_second_job_under_a_taken_name_is_refused(registry: dict[str, Job]) -> None:
    with pytest.raises(ImproperlyConfigured, match="Two jobs are registered as 'daily'"):

        @periodic("daily", period=Period.DAILY)
        def another() -> str:
            return ""

    with pytest.raises(ImproperlyConfigured, match="1-64 characters"):
        register(Job(name="", period=Period.DAILY, run=daily_job))


def test_the_consent_reminders_job_runs_through_the_worker(
    demo: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo needs the legal bases that migrations load, which a transactional test's flush removes, so
    # this test keeps the wrapping transaction and only stops the worker's connection housekeeping from
    # closing it; the loop, the task and the job are the real ones.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    real = {job.name: job for job in registered_jobs()}
    monkeypatch.setattr(jobs, "_registry", {"consent_reminders": real["consent_reminders"]})
    before = ConsentNotice.objects.count()

    _run_worker()
    first = ConsentNotice.objects.count()
    _run_worker()

    assert first > before, "the demo has a consent that ends within 30 days"
    assert ConsentNotice.objects.count() == first
    run = JobRun.objects.get(job="consent_reminders")
    assert run.finished_at is not None
    assert run.result.startswith("consents=")


def test_old_finished_runs_are_pruned(transactional_db: None, registry: dict[str, Job]) -> None:
    with time_machine.travel(MORNING, tick=False):
        _run_worker()
    with time_machine.travel(MORNING + dt.timedelta(days=jobs.HISTORY_DAYS + 1), tick=False):
        _run_worker()
        deleted = jobs.job_history_prune()

    assert deleted == 2
    assert set(JobRun.objects.values_list("period", flat=True)) == {"2026-08-31", "2026-08-31T11"}
    assert DBTaskResult.objects.count() == 2
