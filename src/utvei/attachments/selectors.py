"""Reads of attachments: the case's attachments tab, the upload page and a download, each through the policy.

A list holds descriptions only (the bytes are never loaded); a download opens one file and is audited as a
read of that attachment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.attachments.models import AttachedTo, Attachment, AttachmentContent, ScanResult
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case
from utvei.contacts.models import Conversation
from utvei.core.crypto import is_readable
from utvei.sharing.models import Consent


@dataclass(frozen=True)
class AttachmentRow:
    """Describe one attachment the actor may see (never its bytes)."""

    pk: int
    filename: str
    attached_to: str
    file_type: str
    size: int
    scanned: bool
    scan_label: str
    created_at: datetime


@dataclass(frozen=True)
class AttachmentSection:
    """Hold the attachments tab of a case: what the actor sees, and whether they may upload."""

    rows: list[AttachmentRow]
    can_upload: bool


def _item_label(attachment: Attachment) -> str:
    if attachment.attached_to == AttachedTo.CONVERSATION and attachment.conversation is not None:
        held_on = formats.date_format(attachment.conversation.held_on, "SHORT_DATE_FORMAT")
        return _("Conversation of %(date)s") % {"date": held_on}
    if attachment.attached_to == AttachedTo.CONSENT and attachment.consent is not None:
        return _("Consent, version %(version)d") % {"version": attachment.consent.version}
    return _("The case")


def sees_attachments(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the tab is offered: not to a narrow seat (R26)."""
    return not policy.context(actor).is_narrow(case.pk)


def section_for_case(*, actor: User, case: Case) -> AttachmentSection:
    """Gather the attachments of a case the actor may see (the tab's read is audited by its caller)."""
    found = list(
        policy.scope(actor, Action.VIEW, Attachment.objects.filter(case=case))
        .select_related("conversation", "consent")
        .only(
            "pk",
            "case_id",
            "owner_organisation_id",
            "category",
            "attached_to",
            "filename",
            "file_type",
            "size",
            "scan",
            "created_at",
            "row_uid",
            "conversation__held_on",
            "consent__version",
        )
    )
    ctx = policy.context(actor)
    grounds = {policy.category_ground(ctx, a, a.category) for a in found if a.attached_to != AttachedTo.CONSENT}
    ctx.note(case.pk, sorted({a.category for a in found}), {g for g in grounds if g is not None})
    rows = [
        AttachmentRow(
            pk=a.pk,
            filename=a.filename,
            attached_to=_item_label(a),
            file_type=a.get_file_type_display(),
            size=a.size,
            scanned=a.scan == ScanResult.CLEAN,
            scan_label=a.get_scan_display(),
            created_at=a.created_at,
        )
        for a in found
    ]
    return AttachmentSection(rows=rows, can_upload=case.is_open and policy.can(actor, Action.UPDATE, case))


@dataclass(frozen=True)
class UploadFormData:
    """Hold what the upload page needs: the case and the items the actor may attach a file to."""

    case: CaseCard
    targets: list[tuple[str, str]]


def upload_form_data(*, actor: User, case_id: int) -> UploadFormData:
    """Load the upload page for an actor who may change the case, auditing the read.

    The items offered are the case itself, its conversations and its person's consents in force that the
    actor may change.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = Case.objects.select_related("person", "responsible_organisation").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.UPDATE, case)
        conversations = policy.scope(
            actor, Action.UPDATE, Conversation.objects.filter(case=case).only("pk", "case_id", "held_on")
        )
        consents = policy.scope(
            actor, Action.UPDATE, Consent.objects.current(timezone.localdate()).filter(person_id=case.person_id)
        ).only("pk", "person_id", "version", "recorded_for_organisation_id", "valid_from", "valid_to")
        targets = [(AttachedTo.CASE.value, _("The case"))]
        targets += [
            (
                f"conversation:{c.pk}",
                _("Conversation of %(date)s") % {"date": formats.date_format(c.held_on, "SHORT_DATE_FORMAT")},
            )
            for c in conversations
        ]
        targets += [
            (
                f"consent:{c.pk}",
                _("Consent valid %(start)s–%(end)s")
                % {
                    "start": formats.date_format(c.valid_from, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(c.valid_to, "SHORT_DATE_FORMAT"),
                },
            )
            for c in consents
        ]
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return UploadFormData(case=case_card(case), targets=targets)


@dataclass(frozen=True)
class Download:
    """Hold one opened attachment: its name, type and bytes (``readable`` False once its key is destroyed)."""

    filename: str
    content_type: str
    data: bytes
    readable: bool


def attachment_download(*, actor: User, attachment_id: int) -> Download:
    """Open one attachment the actor may see and audit the read.

    :raises NotFound: the attachment does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        attachment = Attachment.objects.select_related("case").filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound(Attachment._meta.label, attachment_id)
        policy.require(actor, Action.VIEW, attachment)
        stored = AttachmentContent.objects.filter(attachment=attachment).first()
        data = stored.data if stored is not None else b""
        readable = stored is not None and is_readable(data) and is_readable(attachment.filename)
        ctx = policy.context(actor)
        ground = (
            None
            if attachment.attached_to == AttachedTo.CONSENT
            else policy.category_ground(ctx, attachment, attachment.category)
        )
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=attachment,
            case_id=attachment.case_id,
            person_id=attachment.case.person_id,
            organisation_id=attachment.owner_organisation_id,
            categories=[attachment.category],
            grounds=[] if ground is None else [ground],
        )
    return Download(
        filename=attachment.filename if readable else "",
        content_type=attachment.file_type,
        data=bytes(data) if readable else b"",
        readable=readable,
    )
