"""The police contact's answer to a report received. It parses input; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.cases.models import EscalationOutcome
from utvei.core.forms import DesignForm


class ReceiptForm(DesignForm):
    """Take what the police did with a report: the outcome, the police reference and a short note."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=EscalationOutcome.choices)
    police_reference = forms.CharField(
        label=_("Police reference"),
        max_length=100,
        required=False,
        help_text=_("The police's own case or log number, so the team can refer to it."),
    )
    note = forms.CharField(
        label=_("Note for the team"),
        max_length=2000,
        required=False,
        help_text=_("Only what the team may know. Police register content stays in police systems."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
