"""The upload form: which item the file belongs to, and the file. The service checks the file itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.attachments.services import too_large_message
from utvei.core.forms import DesignForm


class AttachmentUploadForm(DesignForm):
    """Take the item to attach to and one file (PDF, PNG or JPEG)."""

    target = forms.ChoiceField(label=_("Attach to"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, PNG or JPEG file, for example a scanned signed consent."),
        error_messages={"required": _("Choose a file to attach."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], oversize: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = targets
        self._oversize = oversize

    def clean(self) -> dict[str, Any] | None:
        if "file" in self._oversize:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message())
        return super().clean()
