"""Notifications and each user's choice of what also reaches them by e-mail.

A notification holds no case content: its kind, the case it is about and when it was read. The words are
rendered at display time, and the case reference only where the policy still shows the case.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.policy import Action


class NotificationKind(models.TextChoices):
    """Name what a notification tells its recipient."""

    TASK_ASSIGNED = "task_assigned", _("A task was assigned to you")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("A consent was withdrawn")
    REVIEW_DUE = "review_due", _("A plan review is due")
    REPORT_RECEIVED = "report_received", _("A report to the police was made")
    SEAT_ADDED = "seat_added", _("You were given a seat on a follow-up team")
    SEAT_ENDED = "seat_ended", _("Your seat on a follow-up team ended")
    MEASURE_UPDATED = "measure_updated", _("A partner reported progress on a measure")
    PERSON_MESSAGE = "person_message", _("The person sent a comment on their plan")
    BLOCK_REQUESTED = "block_requested", _("The person asked for a staff member to be blocked")


class Notification(models.Model):
    """Tell one user that something happened on a case; seen by that user alone."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # What the notification is about, e.g. "task:12": a second notify() for the same event is a no-op.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"notification {self.pk} ({self.kind}) for {self.recipient_id}"


class EmailChoice(models.Model):
    """Hold that a user wants notifications of one kind by e-mail too (no row: in the inbox only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_choice_once")]

    def __str__(self) -> str:
        return f"{self.user_id} wants {self.kind} by e-mail"
