"""Plumbing models: autosaved drafts of long text fields, periodic job runs, the one-time tokens of
submitted forms, and the persons' wrapped data keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from utvei.core.crypto import EncryptedTextField, RowIdField


class Draft(models.Model):
    """Keep the text a user is writing in one form field, so a timeout never loses it.

    A draft belongs to its author alone, is encrypted under the master key (it is tied to a user and a
    form, not to a person), and is removed when the form is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(max_length=200)
    field = models.CharField(max_length=64)
    text = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner=None)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "form_key", "field"], name="draft_one_per_field")]

    def __str__(self) -> str:
        return f"draft {self.form_key}/{self.field}"


class JobRun(models.Model):
    """Hold one run of a periodic job for one period; the database refuses a second row for the period.

    The row is created together with the task that runs it, in one transaction, and is marked finished in
    the same transaction as the job's own writes, so a run counts once or not at all.
    """

    job = models.CharField(max_length=64)
    # The period the run is for, in local time: "2026-06-01" for a daily job, "2026-06-01T09" for an hourly one.
    period = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    # The id of the task last enqueued for this run (django-tasks' database backend).
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the job reported (counts, never personal data) and the class of the last failure.
    result = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="job_run_once_per_period")]
        indexes = [models.Index(fields=["job", "-created_at"], name="job_run_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class SubmissionKey(models.Model):
    """Remember one submitted form token, so a form sent twice is saved once (``core.idempotency``).

    The token itself is never stored, only its SHA-256; the unique constraint on it is what lets exactly one
    of several concurrent requests with the same token run. ``status_code`` and ``location`` hold the first
    result (a redirect); both are empty while that request is still running. A key holds no case content
    and may be deleted after ``expires_at``: its token is refused as too old from then on.
    """

    token_hash = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token_hash"], name="submission_token_once")]

    def __str__(self) -> str:
        return f"submission key {self.pk}"


class DataKey(models.Model):
    """Hold one person's data key, wrapped under a master key, in the key store database.

    The row lives in the key store alias only (``utvei.core.routers``), never in the main database, so
    destroying it (``destroyed_at`` set, ``wrapped`` emptied) makes the person's encrypted fields unreadable
    in every copy of the main database. The tombstone stays, so an unreadable value can say why.
    """

    id = models.CharField(primary_key=True, max_length=32)
    master_kid = models.CharField(max_length=64, blank=True)
    wrapped = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key {self.id}"
