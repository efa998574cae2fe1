"""Corrections with history: a record's earlier values are kept as a ``Revision`` before it changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime

from django.db import models

from utvei.accounts.models import User
from utvei.cases.models import Revision


def _plain(value: object) -> object:
    """Give a stored value as plain JSON: dates as ISO text, everything else as it is."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def revision_apply(
    *,
    actor: User,
    obj: models.Model,
    changes: Mapping[str, object],
    person_id: int,
    case_id: int | None,
    owner_organisation_id: int,
) -> list[str]:
    """Set the changed values on ``obj`` and keep what they were before as one revision.

    Call it inside the correcting service's transaction, after its access check and validation and while it
    holds the row lock; the caller saves ``obj`` with the returned field names and audits them (names
    only). Text is stripped before it is compared, so a change in whitespace alone is no correction. It
    returns the names of the fields that changed, and writes nothing when none did.
    """
    earlier: dict[str, object] = {}
    for name, value in changes.items():
        cleaned = value.strip() if isinstance(value, str) else value
        if getattr(obj, name) != cleaned:
            earlier[name] = _plain(getattr(obj, name))
            setattr(obj, name, cleaned)
    if earlier:
        Revision.objects.create(
            person_id=person_id,
            case_id=case_id,
            target_type=obj._meta.label,
            target_id=obj.pk,
            record_owner_id=owner_organisation_id,
            changed_by=actor,
            changed_fields=sorted(earlier),
            previous=json.dumps(earlier, default=str, ensure_ascii=False),
        )
    return sorted(earlier)


def revisions_erase(*, person_id: int) -> int:
    """Delete every kept earlier value about the person (anonymisation and erasure); return how many."""
    deleted, _ = Revision.objects.filter(person_id=person_id).delete()
    return deleted
