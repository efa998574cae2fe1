"""Privacy operations: lawful exceptions to the person's access log, the retention schedule and its receipts,
and erasure on request with a second approver."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.core.crypto import EncryptedTextField, RowIdField


class ExceptionReason(models.TextChoices):
    """Name the lawful reasons for keeping accesses and disclosures out of the person's log for a time."""

    DUTY_TO_AVERT = "duty_to_avert", _("Police or PST matter under the duty to avert (straffeloven § 196)")
    INVESTIGATION = "investigation", _("Ongoing police investigation that telling would harm")
    PROTECT_OTHERS = "protect_others", _("Telling would harm the rights of others")


class AccessLogException(models.Model):
    """Keep one organisation's accesses and disclosures out of the person's access log until an end date.

    It rests on a lawful exception to the right of access (GDPR art. 23, personopplysningsloven § 16): the
    reason code and the end date are required, the free-text reason is for staff only. The person's log
    shows the hidden entries again once ``valid_until`` has passed. A recorded exception is never edited;
    a longer one is a new record.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation whose access is held back"),
    )
    reason_code = models.CharField(_("reason"), max_length=32, choices=ExceptionReason.choices)
    reason = EncryptedTextField(_("why telling the person now would harm the purpose"))
    row_uid = RowIdField(data_key_owner="case__person")
    valid_until = models.DateField(_("held back until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("access log exception")
        verbose_name_plural = _("access log exceptions")

    def __str__(self) -> str:
        return f"exception {self.pk} for person {self.person_id} until {self.valid_until}"

    def in_force(self, today: object = None) -> bool:
        """Tell whether the exception still holds entries back (its end date is today or later)."""
        return self.valid_until >= (today or timezone.localdate())  # type: ignore[operator]


class RecordType(models.TextChoices):
    """Name the kinds of record the retention schedule covers."""

    CONCERN = "concern", _("Concern-only records")
    CLOSED_CASE = "closed_case", _("Closed cases")
    DRAFT = "draft", _("Drafts of text fields")
    SESSION = "session", _("Login sessions")
    AUDIT_ENTRY = "audit_entry", _("Audit entries")
    ERASURE = "erasure", _("Erasure on request")


class RetentionAction(models.TextChoices):
    """Name what happens to a record when its retention period ends."""

    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise")
    KEEP = "keep", _("Keep (no deletion in this version)")


class RetentionRule(models.Model):
    """Hold the retention of one record type: how long, what happens then, and the legal source.

    ``period_days`` empty means the default from the settings (``UTVEI_CONCERN_RETENTION_DAYS`` for
    concerns, ``UTVEI_CLOSED_CASE_RETENTION_DAYS`` for closed cases), so the municipality sets its archive
    schedule without a migration. ``legal_source`` is the anchor of the rule's section in
    ``docs/retention.md``, where the law it rests on is explained.
    """

    record_type = models.CharField(_("record type"), max_length=32, choices=RecordType.choices, unique=True)
    action = models.CharField(_("action"), max_length=16, choices=RetentionAction.choices)
    period_days = models.PositiveIntegerField(_("retention in days"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["record_type"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.record_type}: {self.action} after {self.period_days} days"


class RetentionReceipt(models.Model):
    """Prove what one run of the retention job did under one rule: record type, count, time, rule.

    It holds no personal data: no ids of the records removed, only how many. Receipts are written in the
    same transaction as the deletions they describe and are never edited or deleted.
    """

    run_id = models.UUIDField(_("run"))
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="receipts")
    record_type = models.CharField(_("record type"), max_length=32, choices=RecordType.choices)
    action = models.CharField(_("action"), max_length=16, choices=RetentionAction.choices)
    count = models.PositiveIntegerField(_("number of records"))
    # The rule as it stood: the period in days and the cut-off day (records due before it were handled).
    period_days = models.PositiveIntegerField(_("retention in days"))
    cutoff = models.DateField(_("records due before"))
    legal_source = models.CharField(_("legal source"), max_length=100)
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    run_by = models.CharField(_("run by"), max_length=150)

    class Meta:
        ordering = ["-ran_at", "record_type"]
        verbose_name = _("retention receipt")
        verbose_name_plural = _("retention receipts")

    def __str__(self) -> str:
        return f"receipt {self.run_id}: {self.action} {self.count} {self.record_type}"


class ErasureGround(models.TextChoices):
    """Name the grounds for erasure in GDPR art. 17(1)."""

    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed for the purpose (art. 17(1)(a))")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn, no other legal basis (art. 17(1)(b))")
    OBJECTION = "objection", _("The person objects, no overriding legitimate grounds (art. 17(1)(c))")
    UNLAWFUL = "unlawful", _("Processed unlawfully (art. 17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", _("Erasure required by law (art. 17(1)(e))")


class ArchiveAssessment(models.TextChoices):
    """Name why the archive duty (arkivlova, GDPR art. 17(3)(b)) does not stand in the way of erasure."""

    NOT_ARCHIVAL = "not_archival", _("The records are not subject to archive duty")
    DISPOSAL_APPROVED = "disposal_approved", _("Disposal is allowed by the archive schedule (kassasjon)")
    UNLAWFUL_RECORDS = "unlawful_records", _("The records should never have been kept")


class ErasureStatus(models.TextChoices):
    """Name the stages of an erasure request."""

    PENDING = "pending", _("Awaiting approval")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Approved and erased")


class ErasureRequest(models.Model):
    """Hold one request to erase a person (GDPR art. 17), filed by one user and decided by another.

    The requester, a case worker or coordinator of the controller organisation seated on the case, records
    the ground and why the archive duty does not apply; the data protection officer of the same
    organisation, never the requester (four-eyes), approves or rejects it with a reason. Approval erases at
    once (``utvei.privacy.services.erasure_decide``). The two texts are sealed under the person's data
    key, so they are shredded with the rest; the ground, the assessment and the dates stay in clear.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.CREATE, Action.UPDATE)

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("controller organisation")
    )
    ground = models.CharField(_("ground for erasure"), max_length=32, choices=ErasureGround.choices)
    archive_assessment = models.CharField(
        _("why the archive duty does not apply"), max_length=32, choices=ArchiveAssessment.choices
    )
    judgement = EncryptedTextField(_("the judgement"))
    row_uid = RowIdField(data_key_owner="person")
    status = models.CharField(_("status"), max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    receipt = models.ForeignKey(RetentionReceipt, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"erasure request {self.pk}: {self.status}"
class GrantReason(models.TextChoices):
    """Name the reasons for break-glass access to a case one has no seat on."""

    DANGER_TO_LIFE = "danger_to_life", _("Acute danger to life or health")
    DUTY_TO_AVERT = "duty_to_avert", _("Urgent duty to avert a serious crime")
    CRISIS_CONTACT = "crisis_contact", _("The person is in crisis and in contact now")
    OTHER = "other", _("Other urgent reason (explain)")


class ReviewState(models.TextChoices):
    """Name where a grant stands in the data protection officer's review."""

    UNREVIEWED = "unreviewed", _("Not reviewed")
    REVIEWED = "reviewed", _("Reviewed")
    DEVIATION = "deviation", _("Deviation raised")


class AccessGrant(models.Model):
    """Let one user without a seat read one case for a short time, in an emergency (break-glass).

    The access engine reads a grant as a ground while ``ended_at`` is empty and ``expires_at`` lies
    ahead, so access ends by itself. The user reads the case as a seat of ``organisation`` would, and
    writes nothing. Every grant goes to the data protection officer's review queue.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE, Action.REVIEW)

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation acted for")
    )
    role = models.CharField(_("role"), max_length=32)
    reason_code = models.CharField(_("reason"), max_length=32, choices=GrantReason.choices)
    reason = EncryptedTextField(_("why the access cannot wait"))
    row_uid = RowIdField(data_key_owner="case__person")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    reauthenticated_at = models.DateTimeField(_("signed in again"))
    expires_at = models.DateTimeField(_("expires"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    review_state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.UNREVIEWED
    )
    review_note = EncryptedTextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("emergency access grant")
        verbose_name_plural = _("emergency access grants")
        indexes = [models.Index(fields=["user", "expires_at"], name="privacy_grant_user_expiry")]

    def __str__(self) -> str:
        return f"grant {self.pk} on case {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def live(self, now: object = None) -> bool:
        """Tell whether the grant still gives access (not ended, not expired)."""
        return self.ended_at is None and self.expires_at > (now or timezone.now())  # type: ignore[operator]
