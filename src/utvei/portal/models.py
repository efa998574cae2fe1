"""The person's own portal: what they send (comments, block requests) and their notice setting."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.policy import Action
from utvei.cases.models import Case, Person
from utvei.core.crypto import EncryptedTextField, RowIdField
from utvei.plans.models import Goal


class MessageKind(models.TextChoices):
    """Name what the person sends about a goal of their plan."""

    COMMENT = "comment", _("A comment")
    CHANGE = "change", _("A request for a change")


class PersonMessage(models.Model):
    """Hold a comment or change request the person sent about a goal; the coordinator is told of it."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.OWN)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    text = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"message {self.pk} on goal {self.goal_id}"


class BlockStatus(models.TextChoices):
    """Name where a block request stands."""

    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class BlockRequest(models.Model):
    """Hold the person's request that a named staff member be blocked from their case (sperring).

    The case's coordinator decides with a reason. An approved block closes the person's cases to that
    user in the access engine, whatever seat or emergency access they hold.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE, Action.OWN)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    blocked_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("why you ask for it"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=BlockStatus.choices, default=BlockStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["blocked_user", "status"], name="portal_block_user_status")]

    def __str__(self) -> str:
        return f"block request {self.pk} on case {self.case_id}"


class NoticeSetting(models.Model):
    """Hold the person's choice to be told when someone outside the follow-up team opens their case.

    Kept per person record (one per registering organisation); the portal sets them all together.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.OWN,)

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+")
    notify_outside_team = models.BooleanField(_("tell me when someone outside my team opens my case"), default=False)
    since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notice setting of person {self.person_id}"
