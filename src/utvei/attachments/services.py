"""Upload an attachment: check its type from its bytes, its size and clamd's verdict, then store it encrypted.

The actor must be able to change the case and the item the file is attached to (the policy decides both);
the attachment takes its item's owner and category, so it is seen by those who see the item. The audit row
names the fields written, never the file name or its content.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.attachments import content
from utvei.attachments.models import AttachedTo, Attachment, AttachmentContent, FileType
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case
from utvei.cases.services import acting_organisation, lock_case_for_update
from utvei.contacts.models import Conversation
from utvei.core.markings import require_unmarked
from utvei.core.text import hidden_control_errors
from utvei.sharing.models import Consent

logger = logging.getLogger("utvei.attachments")

FILENAME_MAX = 200
WRITTEN_FIELDS = ("attached_to", "filename", "file_type", "size", "scan", "data")


class Upload(Protocol):
    """What the service reads of an uploaded file (Django's ``UploadedFile`` is one)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def too_large_message() -> str:
    """Say, in the active language, that a file is over the limit and what the limit is."""
    return _("The file is too large. The largest file you can attach is %(limit)s.") % {
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    }


def _target(actor: User, case: Case, target: str) -> tuple[str, Conversation | None, Consent | None, int, str]:
    """Resolve "case", "conversation:<id>" or "consent:<id>" to the item, its owner and its category.

    :raises NotFound: the item is not of this case, or the actor may not change it.
    """
    kind, _sep, raw = target.partition(":")
    if kind == AttachedTo.CASE and not raw:
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        return AttachedTo.CASE, None, None, organisation.pk, Category.COORDINATION
    item_id = int(raw) if raw.isdigit() else 0
    if kind == AttachedTo.CONVERSATION:
        conversation = Conversation.objects.filter(pk=item_id, case=case).first()
        if conversation is None:
            raise NotFound(Conversation._meta.label, item_id)
        policy.require(actor, Action.UPDATE, conversation)
        return AttachedTo.CONVERSATION, conversation, None, conversation.owner_organisation_id, Category.CONVERSATIONS
    if kind == AttachedTo.CONSENT:
        consent = Consent.objects.filter(pk=item_id, person_id=case.person_id).first()
        if consent is None:
            raise NotFound(Consent._meta.label, item_id)
        policy.require(actor, Action.UPDATE, consent)
        return AttachedTo.CONSENT, None, consent, consent.recorded_for_organisation_id, Category.COORDINATION
    raise NotFound(Attachment._meta.label, target)


def _checked(upload: Upload, filename: str) -> tuple[bytes, FileType]:
    """Read the file and check its name, size and type, naming every problem at once.

    :raises ValidationError: an empty or marked name, one with hidden controls, a file too large or empty, or
        not a PDF, PNG or JPEG.
    """
    errors: dict[str, str] = {}
    if not filename.strip() or len(filename) > FILENAME_MAX:
        errors["file"] = _("The file name must be between 1 and %(max)d characters.") % {"max": FILENAME_MAX}
    # A name such as "rapport\u202efdp.exe" shows as something it is not (core.text); Django's parser drops
    # such characters from an upload's name, this refuses a name that reaches the service another way.
    errors.update(hidden_control_errors(file=filename))
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": too_large_message()})
    data = b"".join(upload.chunks())
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": too_large_message()})
    kind = content.file_type(data[:16])
    if not data:
        errors["file"] = _("The file is empty.")
    elif kind is None:
        errors["file"] = _(
            "The file is not a PDF, PNG or JPEG file. Its content decides, not its name: save it as PDF and try again."
        )
    if errors:
        raise ValidationError(errors)
    require_unmarked(file=filename)
    assert kind is not None
    return data, kind


def attachment_upload(*, actor: User, case_id: int, target: str, upload: Upload) -> Attachment:
    """Store a file attached to the case, one of its conversations or a consent of its person.

    :raises NotFound: the case or the item does not exist, or the actor may not change it.
    :raises ValidationError: the file is too large, empty, not a PDF, PNG or JPEG, clamd finds malware in it,
        or clamd could not scan it (field errors on ``file``).
    """
    filename = (upload.name or "").strip()
    data, kind = _checked(upload, filename)
    try:
        verdict = content.scan([data])
    except content.ScannerError as exc:
        logger.warning("clamd could not scan an upload: %s", exc)
        raise ValidationError({"file": _("The virus scanner could not read the file. Try again later.")}) from exc
    if verdict.found:
        logger.warning("clamd found %s in an upload to case %s; it was not stored", verdict.found, case_id)
        raise ValidationError(
            {
                "file": _("The virus scanner found malicious code in the file (%(name)s). It was not stored.")
                % {"name": verdict.found}
            }
        )
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        attached_to, conversation, consent, owner_id, category = _target(actor, case, target)
        attachment = Attachment.objects.create(
            case=case,
            attached_to=attached_to,
            conversation=conversation,
            consent=consent,
            category=category,
            owner_organisation_id=owner_id,
            filename=filename,
            file_type=kind,
            size=len(data),
            scan=verdict.result,
            uploaded_by=actor,
            created_at=timezone.now(),
        )
        AttachmentContent.objects.create(attachment=attachment, data=data)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=attachment,
            case=case,
            organisation_id=owner_id,
            changed_fields=WRITTEN_FIELDS,
        )
    return attachment
