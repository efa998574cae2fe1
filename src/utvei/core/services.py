"""Drafts of long text fields: saved while the user types, restored after a timeout, removed on save."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from utvei.core.limits import FREE_TEXT_MAX
from utvei.core.markings import has_classification_marking
from utvei.core.models import Draft

if TYPE_CHECKING:
    from utvei.accounts.models import User

MAX_DRAFT_LENGTH = FREE_TEXT_MAX


def draft_save(*, actor: User, form_key: str, field: str, text: str) -> Draft:
    """Store the actor's current text of one form field (encrypted, the actor's alone).

    Drafts are the author's own unsaved words, not yet case data: they are not audited per keystroke, and
    nobody else can read them.

    A text carrying a security-classification marking is not kept, not even as a draft (R20).

    :raises ValueError: a key or field name that is empty or too long, text over the size limit, or a
        classification marking.
    """
    if not form_key or len(form_key) > 200 or not field or len(field) > 64 or len(text) > MAX_DRAFT_LENGTH:
        raise ValueError("invalid draft")
    if has_classification_marking(text):
        raise ValueError("classification marking")
    with transaction.atomic():
        draft, _created = Draft.objects.update_or_create(
            user=actor, form_key=form_key, field=field, defaults={"text": text, "updated_at": timezone.now()}
        )
    return draft


def draft_load(*, actor: User, form_key: str) -> dict[str, str]:
    """Give the actor's saved drafts of one form, by field name."""
    return {d.field: d.text for d in Draft.objects.filter(user=actor, form_key=form_key)}


def draft_discard(*, actor: User, form_key: str) -> None:
    """Remove the actor's drafts of one form (called when the form is saved)."""
    if form_key:
        Draft.objects.filter(user=actor, form_key=form_key).delete()


def draft_purge(*, updated_before: datetime) -> int:
    """Delete every draft last typed into before ``updated_before`` (abandoned text; the retention job).

    Returns how many were deleted. Drafts are never audited (see :func:`draft_save`), so neither is this.
    """
    with transaction.atomic():
        deleted, _by_model = Draft.objects.filter(updated_at__lt=updated_before).delete()
    return deleted


def draft_purge_containing(*, fragments: list[str]) -> int:
    """Delete every draft whose form path contains one of ``fragments`` (such as ``/cases/12/``).

    The erasure workflow uses it for the drafts typed into a person's case pages: drafts are sealed under
    the master key, not the person's, so destroying the person's key does not shred them. Not audited,
    like every draft operation. Returns how many were deleted.
    """
    query = Q(pk__in=[])
    for fragment in fragments:
        if fragment:
            query |= Q(form_key__contains=fragment)
    with transaction.atomic():
        deleted, _by_model = Draft.objects.filter(query).delete()
    return deleted
