"""Form plumbing: Designsystemet classes on every widget."""

from __future__ import annotations

from typing import Any

from django import forms


class DesignForm(forms.Form):
    """This form will give every widget Designsystemet's input class (checkboxes and radios too).

    Django links help text and errors to the field itself (``aria-describedby`` to ``<id>_helptext`` and
    ``<id>_error``, ``aria-invalid`` on errors); the field template uses those ids.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "ds-input" not in css:
                field.widget.attrs["class"] = f"{css} ds-input".strip()
