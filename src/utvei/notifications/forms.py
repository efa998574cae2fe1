"""The form for choosing which notifications also reach the user by e-mail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.core.forms import DesignForm
from utvei.notifications.models import NotificationKind


class EmailChoiceForm(DesignForm):
    """Parse the kinds of notification the user wants by e-mail; none is a valid answer."""

    kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail for"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The e-mail says only that you have a new message in Utvei, never what it is about."),
    )
