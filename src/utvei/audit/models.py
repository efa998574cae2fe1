"""The audit log: append-only entries, each chained to the one before by SHA-256.

Rows carry ids, names of changed fields and codes, never free-text personal data, so that erasing a
person's data elsewhere leaves nothing readable here and the chain still verifies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    """Name every kind of event the log accepts; anything else is refused."""

    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    SHARE = "share", _("Shared")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    OTP_ENROLLED = "otp_enrolled", _("Two-step login set up")
    OTP_VERIFIED = "otp_verified", _("Two-step code accepted")
    OTP_FAILED = "otp_failed", _("Two-step code refused")
    OTP_RESET = "otp_reset", _("Two-step login reset")
    BREAK_GLASS = "break_glass", _("Emergency access")
    ACCESS_DENIED = "access_denied", _("Access denied")


class Outcome(models.TextChoices):
    """Name how an audited attempt ended."""

    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILURE = "failure", _("Failure")


class AuditEntry(models.Model):
    """Hold one audit event; rows are never updated or deleted (a trigger refuses it)."""

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    # DO_NOTHING: the log must never be changed by a cascade; users and organisations are deactivated,
    # not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=64, blank=True)
    organisation_id = models.BigIntegerField(null=True)
    event = models.CharField(max_length=32, choices=AuditEvent.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    case_id = models.BigIntegerField(null=True, db_index=True)
    person_id = models.BigIntegerField(null=True, db_index=True)
    request_id = models.CharField(max_length=32, blank=True)
    changed_fields = models.JSONField(default=list)
    # Chain version 2 adds what a read showed and why it was allowed. Nullable so that adding them never
    # rewrites the append-only table; an entry without a version is of version 1.
    chain_version = models.PositiveSmallIntegerField(null=True)
    # The categories and fields of information a read showed (names from the access engine, never values).
    categories = models.JSONField(null=True)
    # The grounds the access rested on: seat, consent, agreement, grant, duty, role or own organisation.
    grounds = models.JSONField(null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        # The data protection officer's search filters by one of these and pages newest first by ``seq``,
        # so each filter has a composite index ending in ``seq``: a page is an index range scan at any size.
        indexes = [
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["person_id", "seq"], name="audit_person_seq"),
            models.Index(fields=["case_id", "seq"], name="audit_case_seq"),
            models.Index(fields=["organisation_id", "seq"], name="audit_org_seq"),
            models.Index(fields=["actor", "seq"], name="audit_actor_seq"),
            models.Index(fields=["event", "seq"], name="audit_event_seq"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """Hold the single row naming the newest entry; writers lock it to keep the chain linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    # The number of the last signed checkpoint written to the external store, so that a store emptied or
    # cut short is noticed (utvei.audit.checkpoints).
    checkpoint_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
