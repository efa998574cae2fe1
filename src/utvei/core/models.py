"""Plumbing models: autosaved drafts of long text fields, and the persons' wrapped data keys."""

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
