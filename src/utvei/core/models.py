"""Plumbing models: autosaved drafts of long text fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from utvei.core.crypto import EncryptedTextField


class Draft(models.Model):
    """Keep the text a user is writing in one form field, so a timeout never loses it.

    A draft belongs to its author alone, is encrypted like the field it shadows, and is removed when the
    form is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(max_length=200)
    field = models.CharField(max_length=64)
    text = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "form_key", "field"], name="draft_one_per_field")]

    def __str__(self) -> str:
        return f"draft {self.form_key}/{self.field}"
