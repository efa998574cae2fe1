"""Forms of the privacy app: the officer's audit search, the exception to the person's log, erasure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from utvei.audit.models import AuditEvent
from utvei.core.forms import DesignForm
from utvei.privacy.models import ArchiveAssessment, ErasureGround, ExceptionReason, GrantReason, ReviewState
from utvei.privacy.selectors import AuditQuery


class AuditSearchForm(DesignForm):
    """Parse the officer's search: person, case, user, organisation, event, period and page cursor."""

    person = forms.CharField(label=_("Person (name or national identity number)"), required=False, max_length=100)
    case = forms.CharField(label=_("Case reference"), required=False, max_length=32)
    user = forms.CharField(label=_("User (username or name)"), required=False, max_length=150)
    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    event = forms.ChoiceField(label=_("Event"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation, event = self.fields["organisation"], self.fields["event"]
        assert isinstance(organisation, forms.ChoiceField) and isinstance(event, forms.ChoiceField)
        organisation.choices = [("", _("All organisations")), *organisations]
        event.choices = [("", _("All events")), *AuditEvent.choices]

    def clean(self) -> dict[str, Any]:
        """Check that the period runs forwards."""
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned

    def query(self) -> AuditQuery:
        """Give the search as the selector takes it (call after ``is_valid``)."""
        data = self.cleaned_data
        return AuditQuery(
            person=data.get("person") or "",
            case=data.get("case") or "",
            user=data.get("user") or "",
            organisation_id=data.get("organisation"),
            event=data.get("event") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            before=data.get("before"),
        )


class ExceptionForm(DesignForm):
    """Parse a lawful exception to the person's access log: organisation, reason and end date."""

    organisation = forms.TypedChoiceField(label=_("Organisation whose access is held back"), coerce=int)
    reason_code = forms.ChoiceField(label=_("Lawful reason"), choices=ExceptionReason.choices)
    reason = forms.CharField(
        label=_("Why telling the person now would harm the purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("For staff only. The person never sees this text."),
    )
    valid_until = forms.DateField(
        label=_("Held back until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most a year from today. The entries are shown to the person after this date."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose")), *organisations]


class ErasureRequestForm(DesignForm):
    """Parse a request to erase the person: the ground, the archive assessment and the judgement."""

    ground = forms.ChoiceField(label=_("Ground for erasure (GDPR art. 17)"), choices=ErasureGround.choices)
    archive_assessment = forms.ChoiceField(
        label=_("Why the archive duty does not stand in the way"), choices=ArchiveAssessment.choices
    )
    judgement = forms.CharField(
        label=_("Your judgement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_(
            "Why erasure applies to this person's records, and how you checked the archive duty. "
            "It is erased with the person's data."
        ),
    )


class ErasureDecisionForm(DesignForm):
    """Parse the officer's decision on an erasure request: approve or reject, with the reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and erase now")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
class GrantRequestForm(DesignForm):
    """Parse a request for emergency access: the case reference, the reason and how long."""

    case_reference = forms.CharField(label=_("Case reference"), max_length=32)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose")), *GrantReason.choices])
    reason = forms.CharField(
        label=_("Why the access cannot wait"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text=_("The data protection officer reviews every emergency access and reads this text."),
    )
    hours = forms.TypedChoiceField(label=_("Access for"), coerce=int, initial=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hours"]
        assert isinstance(field, forms.ChoiceField)
        # Labelled per request, in the language of the page.
        field.choices = [(h, gettext("%(hours)s hours") % {"hours": h}) for h in (1, 2, 4, 8, 24)]


class GrantReviewForm(DesignForm):
    """Parse the officer's review of a grant: reviewed or a deviation, with a note."""

    decision = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(ReviewState.REVIEWED, _("Reviewed, no deviation")), (ReviewState.DEVIATION, _("Raise a deviation"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note, or a description of the deviation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
