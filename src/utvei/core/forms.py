"""Form plumbing: Designsystemet classes on every widget."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DesignForm(forms.Form):
    """Give every widget Designsystemet's input class (checkboxes and radios too).

    Django links help text and errors to the field itself (``aria-describedby`` to ``<id>_helptext`` and
    ``<id>_error``, ``aria-invalid`` on errors); the field template uses those ids.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "ds-input" not in css:
                field.widget.attrs["class"] = f"{css} ds-input".strip()


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
