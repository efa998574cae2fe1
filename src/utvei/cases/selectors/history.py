"""Reads of corrected records' history: the earlier values kept as revisions, in the reader's words."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Revision


@dataclass(frozen=True)
class EarlierValue:
    """Hold one field as it read before a correction."""

    label: str
    value: str


@dataclass(frozen=True)
class RevisionRow:
    """Hold one correction: when, by whom, and what the changed fields said before."""

    changed_at: datetime
    author: str
    earlier: list[EarlierValue]


def _display(field: models.Field[object, object], raw: object) -> str:
    """Give an earlier value as the reader sees it: choice labels, local dates, Yes/No, "–" for empty."""
    if isinstance(field, models.BooleanField):
        return _("Yes") if raw else _("No")
    if raw in (None, ""):
        return "–"
    if field.choices:
        labels = {str(value): str(label) for value, label in field.flatchoices}
        return labels.get(str(raw), str(raw))
    if isinstance(field, models.DateTimeField):
        return formats.date_format(datetime.fromisoformat(str(raw)), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(date.fromisoformat(str(raw)), "SHORT_DATE_FORMAT")
    return str(raw)


def revision_history(*, actor: User, obj: models.Model, person_id: int, case_id: int | None) -> list[RevisionRow]:
    """Give the corrections of one record, newest first, and audit that its history was shown.

    Call it only after the record's own access check has allowed ``actor`` to see ``obj``: the history
    follows the record, so it is shown to exactly those who may see the record, in its category. Earlier
    values that can no longer be read (a shredded key) show as the encrypted field's placeholder.
    """
    with transaction.atomic():
        rows = list(Revision.objects.filter(target_type=obj._meta.label, target_id=obj.pk).select_related("changed_by"))
        if not rows:
            return []
        history: list[RevisionRow] = []
        for row in rows:
            try:
                previous = json.loads(row.previous) if row.previous else {}
            except ValueError:
                previous = {}
            earlier: list[EarlierValue] = []
            for name in row.changed_fields:
                field = obj._meta.get_field(name)
                assert isinstance(field, models.Field)
                label = str(field.verbose_name)
                if name not in previous:
                    earlier.append(EarlierValue(label=label[:1].upper() + label[1:], value=_("(cannot be shown)")))
                    continue
                earlier.append(EarlierValue(label=label[:1].upper() + label[1:], value=_display(field, previous[name])))
            history.append(
                RevisionRow(changed_at=row.changed_at, author=row.changed_by.display_name(), earlier=earlier)
            )
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=obj,
            case_id=case_id,
            person_id=person_id,
            changed_fields=["history"],
        )
    return history
