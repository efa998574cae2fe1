"""Form plumbing: Designsystemet classes on every widget, no hidden control characters in typed text,
the classification check on every text, and a stated limit on every long text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass

from utvei.core.limits import limit_help, refuse_past, too_long_message
from utvei.core.markings import marking_errors
from utvei.core.text import refuse_hidden_controls


def guard_text_fields(fields: Iterable[forms.Field]) -> None:
    """Give every text field (not passwords) the hidden-control validator, once."""
    for field in fields:
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput)
            and refuse_hidden_controls not in field.validators
        ):
            field.validators.append(refuse_hidden_controls)


class _TooLong(str):
    """Format Django's max-length parameters into Utvei's own message (in the language of the request)."""

    def __mod__(self, params: object) -> str:
        values = params if isinstance(params, dict) else {}
        return too_long_message(int(values.get("limit_value", 0)), int(values.get("show_value", 0)))


def state_limit(field: forms.CharField) -> None:
    """Give a text field a clear message when it is too long and, for a text area, the limit in its help.

    The help text states the limit, so it is known without JavaScript; the counter script reads the
    ``maxlength`` attribute Django renders and counts down as the user types.
    """
    assert field.max_length is not None
    field.error_messages["max_length"] = _TooLong("max_length")
    if isinstance(field.widget, forms.Textarea) and "data-counter" not in field.widget.attrs:
        field.widget.attrs["data-counter"] = "true"
        limit = limit_help(field.max_length)
        field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


class _GuardedFields(DeclarativeFieldsMetaclass):
    """Guard the declared text fields of every form class as the class is made."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:  # noqa: N804
        new_class = super().__new__(mcs, name, bases, attrs)
        guard_text_fields(new_class.base_fields.values())  # type: ignore[attr-defined]
        return new_class


class DesignForm(forms.Form, metaclass=_GuardedFields):
    """Give every widget Designsystemet's input class (checkboxes and radios too).

    Django links help text and errors to the field itself (``aria-describedby`` to ``<id>_helptext`` and
    ``<id>_error``, ``aria-invalid`` on errors); the field template uses those ids. Every text field
    refuses bidirectional and zero-width control characters (``core.text``); passwords are left as typed.

    ``plans_ahead`` names the date fields that plan ahead (a next contact, a review, a deadline): a date
    before today is refused, unless it is the date the form was loaded with, so an older record can still
    be edited without moving a date that has passed.
    """

    plans_ahead: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Views may add fields after construction; they are guarded again in full_clean.
        guard_text_fields(self.fields.values())
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "ds-input" not in css:
                field.widget.attrs["class"] = f"{css} ds-input".strip()
            if isinstance(field, forms.CharField) and field.max_length is not None:
                state_limit(field)

    def full_clean(self) -> None:
        guard_text_fields(self.fields.values())
        super().full_clean()

    def clean(self) -> dict[str, Any] | None:
        """Refuse every text field that carries a security-classification marking (R20).

        Passwords are not case data and are left alone; every other typed text is checked, so no form can
        store a marked text by forgetting to ask.
        """
        cleaned = super().clean()
        data = cleaned if cleaned is not None else self.cleaned_data
        texts = {
            name: value
            for name, value in data.items()
            if isinstance(value, str)
            and isinstance(self.fields[name], forms.CharField)
            and not isinstance(self.fields[name].widget, forms.PasswordInput)
        }
        for name, message in marking_errors(texts).items():
            self.add_error(name, message)
        for name in self.plans_ahead:
            value = data.get(name)
            if value is None or value == self.initial.get(name):
                continue
            try:
                refuse_past(value)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form, by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_status(*forms_: forms.Form | None) -> int:
    """Give the page status: 422 when a submitted form has errors, else 200."""
    return 422 if any(f is not None and f.is_bound and f.errors for f in forms_) else 200
