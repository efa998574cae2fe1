"""Attachments: a signed consent or a document uploaded to a case, one of its conversations or a consent.

An attachment is an item of its case: it names the organisation that owns it and its category, copied from
the item it belongs to, so the access engine shows it to exactly those who see that item. Its file name and
bytes are encrypted under the person's data key; the bytes live in their own row (:class:`AttachmentContent`)
so that lists never load them.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.attachments.fields import EncryptedBytesField
from utvei.cases.models import Case
from utvei.contacts.models import Conversation
from utvei.core.crypto import EncryptedTextField, RowIdField
from utvei.sharing.models import Consent


class AttachedTo(models.TextChoices):
    """Name the kind of item an attachment belongs to."""

    CASE = "case", _("The case")
    CONVERSATION = "conversation", _("A conversation")
    CONSENT = "consent", _("A consent")


class FileType(models.TextChoices):
    """Name the file types accepted, as recognised from the file's content (never from its name)."""

    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"


class ScanResult(models.TextChoices):
    """Say whether the virus scanner (clamd) read the file; a file it finds malware in is never stored."""

    CLEAN = "clean", _("Virus scanned, nothing found")
    NOT_SCANNED = "not_scanned", _("Not virus scanned")


class Attachment(models.Model):
    """Hold one uploaded file's description; its bytes are in :class:`AttachmentContent`."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    attached_to = models.CharField(_("attached to"), max_length=16, choices=AttachedTo.choices)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("conversation")
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("consent")
    )
    category = models.CharField(max_length=32, choices=Category.choices)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    filename = EncryptedTextField(_("file name"))
    file_type = models.CharField(_("file type"), max_length=32, choices=FileType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    scan = models.CharField(_("virus scan"), max_length=16, choices=ScanResult.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(attached_to="case", conversation__isnull=True, consent__isnull=True)
                    | Q(attached_to="conversation", conversation__isnull=False, consent__isnull=True)
                    | Q(attached_to="consent", conversation__isnull=True, consent__isnull=False)
                ),
                name="attachment_names_one_item",
            )
        ]

    def __str__(self) -> str:
        return f"attachment {self.pk} on {self.case}"


class AttachmentContent(models.Model):
    """Hold the encrypted bytes of one attachment."""

    policy_exempt = "the bytes of one attachment, read only with its attachment once the attachment's rule allowed it"

    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, related_name="content")
    data = EncryptedBytesField()
    row_uid = RowIdField(data_key_owner="attachment__case__person")

    def __str__(self) -> str:
        return f"content of attachment {self.attachment_id}"
