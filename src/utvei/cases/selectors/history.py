"""Reads of corrected records' history: the earlier values kept as revisions, in the reader's words."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
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


class _Kept(Protocol):
    """Name what a kept change holds: when, by whom, which fields, and their earlier values as JSON."""

    changed_at: datetime
    changed_fields: list[str]
    previous: str

    @property
    def changed_by(self) -> User: ...


def history_rows(obj: models.Model, kept: Iterable[_Kept]) -> list[RevisionRow]:
    """Turn kept changes of ``obj`` (revisions, or a report's completions) into rows the reader can read.

    Earlier values that can no longer be read (a shredded key) show as "(cannot be shown)".
    """
    history: list[RevisionRow] = []
    for row in kept:
        try:
            previous = json.loads(row.previous) if row.previous else {}
        except ValueError:
            previous = {}
        earlier: list[EarlierValue] = []
        for name in row.changed_fields:
            field = obj._meta.get_field(name)
            assert isinstance(field, models.Field)
            label = str(field.verbose_name)
            label = label[:1].upper() + label[1:]
            shown = _display(field, previous[name]) if name in previous else _("(cannot be shown)")
            earlier.append(EarlierValue(label=label, value=shown))
        history.append(RevisionRow(changed_at=row.changed_at, author=row.changed_by.display_name(), earlier=earlier))
    return history


def revision_history(*, actor: User, obj: models.Model, person_id: int, case_id: int | None) -> list[RevisionRow]:
    """Give the corrections of one record, newest first, and audit that its history was shown.

    Call it only after the record's own access check has allowed ``actor`` to see ``obj``: the history
    follows the record, so it is shown to exactly those who may see the record, in its category.
    """
    with reading():
        rows = list(Revision.objects.filter(target_type=obj._meta.label, target_id=obj.pk).select_related("changed_by"))
        if not rows:
            return []
        history = history_rows(obj, rows)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=obj,
            case_id=case_id,
            person_id=person_id,
            changed_fields=["history"],
        )
    return history
