"""Optimistic concurrency for edit forms: the version a form was loaded with, and the conflict page.

A service that changes a row takes ``expected_version`` and compares it, under the row lock it already
holds, with the row's version; a save over a version the user never saw is refused with
:class:`EditConflict` and changes nothing. The view keeps the form as the user typed it and shows, field by
field, what changed since the form was loaded (old → current), so nothing is lost and the user can save
again on top of the current version.

The form carries two hidden inputs, rendered by ``{% edit_fields edit %}``: the version and the values it
was loaded with, signed for this user, form and version (the values are the form's own, already on the
page; the signature only stops a forged "what it was" column). Neither is trusted for anything but the
comparison shown to the user who posted it; the refusal itself rests on the version alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

from utvei.core.forms import form_status

VERSION_FIELD = "edit_version"
BASE_FIELD = "edit_base"
# A base older than the longest session is of no use: the session has ended before it could be posted.
BASE_MAX_AGE_SECONDS = 24 * 60 * 60


class EditConflict(ValidationError):
    """Say a save was refused because the object changed after the form was loaded.

    ``current_version`` is the version the object has now; ``detail`` (optional ``message``) says in the
    user's language what changed when a field-by-field view does not fit (a case that moved to another
    phase).
    It is a ``ValidationError``, so a page that does not show the conflict still refuses with a message
    and never saves; edit views catch it first and show what changed.
    """

    def __init__(self, *, target: str, target_id: int, current_version: int, message: str = "") -> None:
        super().__init__(
            message
            or _("Someone else saved this after you opened the form, so your change was not saved. Open it again.")
        )
        self.target = target
        self.target_id = target_id
        self.current_version = current_version
        self.detail = message


def refuse_stale(*, target: str, target_id: int, current_version: int, expected_version: int) -> None:
    """Refuse a save made on a version other than the current one.

    Call it while holding the row lock (``select_for_update``), so no other save can slip in between the
    comparison and the write.

    :raises EditConflict: the versions differ.
    """
    if current_version != expected_version:
        raise EditConflict(target=target, target_id=target_id, current_version=current_version)


@dataclass(frozen=True)
class ConflictRow:
    """Hold one field of a conflict: its value when the form was loaded, now, and as the user typed it."""

    name: str
    label: str
    loaded: str
    current: str
    yours: str | None
    loaded_known: bool


@dataclass(frozen=True)
class Conflict:
    """Hold what the conflict page shows: the fields that changed since the form was loaded."""

    rows: list[ConflictRow]
    message: str = ""


def _flat_choices(field: forms.ChoiceField) -> dict[str, str]:
    labels: dict[str, str] = {}
    choices = field.choices
    if not isinstance(choices, Iterable):
        return labels
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            labels.update({str(v): str(lab) for v, lab in label})
        else:
            labels[str(value)] = str(label)
    return labels


def _python(field: forms.Field, value: object) -> object:
    """Give a value (an initial value, a stored one, or raw input) in one comparable form."""
    if isinstance(field, forms.MultipleChoiceField):
        items = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
        return sorted(str(item) for item in items)
    if isinstance(field, forms.BooleanField):
        return value not in (None, "", False, "False", "false", "0", "off")
    if value is None:
        return ""
    if isinstance(field, forms.DateField):
        if isinstance(value, date):
            return value.isoformat()
        try:
            parsed = field.to_python(str(value))
        except forms.ValidationError:
            return str(value).strip()
        return parsed.isoformat() if parsed else ""
    # Browsers send line breaks as CRLF; the stored text has LF.
    return str(value).replace("\r\n", "\n").strip()


def _display(field: forms.Field, value: object) -> str:
    """Give a value as the user reads it: choice labels, local dates, Yes/No."""
    python = _python(field, value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = _flat_choices(field)
        assert isinstance(python, list)
        return ", ".join(labels.get(item, _("(not shown)")) for item in python) or "–"
    if isinstance(field, forms.BooleanField):
        return _("Yes") if python else _("No")
    if python == "":
        return "–"
    if isinstance(field, forms.ChoiceField):
        return _flat_choices(field).get(str(python), _("(not shown)"))
    if isinstance(field, forms.DateField):
        try:
            return formats.date_format(date.fromisoformat(str(python)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(python)
    return str(python)


def _plain(values: Mapping[str, object]) -> dict[str, Any]:
    """Give values as plain JSON types (dates as ISO text), as they travel in the signed base."""
    loaded: dict[str, Any] = json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))
    return loaded


class EditGuard:
    """Carry one edit form's version and loaded values, and build its conflict page.

    ``version`` and ``values`` describe the object as this request read it (the form's initial values).
    A GET, and a conflict, render them into the form; a POST that fails only validation passes back what
    it was loaded with, so fixing a typo never moves the form onto a version the user has not seen.
    """

    def __init__(self, request: HttpRequest, *, version: int, values: Mapping[str, object]) -> None:
        self.request = request
        self.version = version
        self.values = _plain(values)
        self.conflict: Conflict | None = None

    def _salt(self, version: int) -> str:
        return f"utvei.core.editing:{self.request.user.pk}:{self.request.path}:{version}"

    @property
    def is_post(self) -> bool:
        """Tell whether the request submits the form."""
        return self.request.method == "POST"

    @property
    def posted_version(self) -> int:
        """Give the version the submitted form was loaded with (-1, which never matches, when missing)."""
        raw = self.request.POST.get(VERSION_FIELD, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 else -1

    def _posted_base(self) -> dict[str, Any] | None:
        raw = self.request.POST.get(BASE_FIELD, "")
        if not raw:
            return None
        try:
            loaded = signing.loads(raw, salt=self._salt(self.posted_version), max_age=BASE_MAX_AGE_SECONDS)
        except signing.BadSignature:
            return None
        return loaded if isinstance(loaded, dict) else None

    def hidden_version(self) -> int:
        """Give the version the rendered form carries."""
        return self.posted_version if self.is_post and self.conflict is None else self.version

    def hidden_base(self) -> str:
        """Give the signed loaded values the rendered form carries."""
        if self.is_post and self.conflict is None:
            return self.request.POST.get(BASE_FIELD, "")
        return signing.dumps(self.values, salt=self._salt(self.version), compress=True)

    def refuse(self, form: forms.Form, exc: EditConflict, *, described_by: forms.Form | None = None) -> None:
        """Turn a refused save into the conflict page: what changed since the form was loaded.

        ``described_by`` is a form whose fields label and display the values, when the submitted form
        does not hold them itself (a confirmation page); the user's version is then not shown.
        """
        loaded = self._posted_base()
        fields_form = described_by or form
        rows: list[ConflictRow] = []
        for name, current in self.values.items():
            if name not in fields_form.fields:
                continue
            field = fields_form.fields[name]
            in_form = name in form.fields
            yours = form[name].value() if in_form else None
            known = loaded is not None and name in loaded
            if known:
                assert loaded is not None
                changed = _python(field, loaded[name]) != _python(field, current)
            else:
                changed = in_form and _python(field, yours) != _python(field, current)
            if changed:
                rows.append(
                    ConflictRow(
                        name=name,
                        label=str(field.label or name),
                        loaded=_display(field, loaded[name]) if known and loaded is not None else "",
                        current=_display(field, current),
                        yours=_display(field, yours) if in_form else None,
                        loaded_known=known,
                    )
                )
        self.conflict = Conflict(rows=rows, message=exc.detail)

    def status(self, *forms_: forms.Form | None) -> int:
        """Give the page status: 409 for a conflict, 422 for a form with errors, else 200."""
        return 409 if self.conflict is not None else form_status(*forms_)
