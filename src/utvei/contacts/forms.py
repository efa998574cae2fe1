"""Forms for the contact plan, conversations and consultations. They parse input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import User
from utvei.cases.models import TeamMember
from utvei.contacts.models import ConsultedParty, Conversation, ConversationForm, ConversationMethod, InitiationMethod
from utvei.contacts.services import PreparationItem
from utvei.core.forms import DesignForm
from utvei.core.limits import FREE_TEXT_MAX, LINE_MAX, TEXT_MAX

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text_area(
    label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = "", max_length: int = TEXT_MAX
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _checkbox(label: StrOrPromise, *, help_text: StrOrPromise = "") -> forms.BooleanField:
    # Designsystemet styles a checkbox through ds-input; DesignForm leaves checkboxes alone.
    return forms.BooleanField(
        label=label, required=False, help_text=help_text, widget=forms.CheckboxInput(attrs={"class": "ds-input"})
    )


class ContactPlanForm(DesignForm):
    """Take how first contact is to be made, and the preparation done (R35)."""

    plans_ahead = ("planned_on",)

    initiator = forms.TypedChoiceField(label=_("Who makes contact"), coerce=int)
    method = forms.ChoiceField(label=_("How contact will be made"), choices=InitiationMethod.choices)
    attendees = _text_area(
        _("Who attends"),
        help_text=_("For example parents or guardians, child welfare, a person they trust, or an interpreter."),
    )
    interpreter_needed = _checkbox(_("An interpreter is needed"))
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=64, required=False)
    checklist = forms.MultipleChoiceField(
        label=_("Preparation done"),
        required=False,
        choices=PreparationItem.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
    )
    preparation_notes = _text_area(
        _("What is known of family and network"),
        help_text=_("Only what matters for making contact safely and well."),
    )
    planned_on = _date_field(_("Planned date"), required=False)

    def __init__(
        self, data: QueryDict | None = None, *, team: Sequence[TeamMember], initial: dict[str, object] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self._users: dict[int, User] = {}
        for seat in team:
            self._users.setdefault(seat.user_id, seat.user)
        field = self.fields["initiator"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "–")] + [(pk, user.display_name()) for pk, user in self._users.items()]

    def clean(self) -> dict[str, object] | None:
        """Ask for the interpreter's language together with the other errors, as the service would."""
        cleaned = super().clean() or {}
        if cleaned.get("interpreter_needed") and not str(cleaned.get("interpreter_language") or "").strip():
            self.add_error("interpreter_language", _("Give the language the interpreter is needed for."))
        return cleaned

    def initiator_user(self) -> User:
        """Give the chosen team member (after validation)."""
        return self._users[self.cleaned_data["initiator"]]


class ConversationRecordForm(DesignForm):
    """Take the record of one conversation with the person."""

    plans_ahead = ("next_contact_on",)

    held_on = _date_field(_("Date of the conversation"))
    form = forms.ChoiceField(label=_("Form"), choices=ConversationForm.choices)
    participants = _text_area(_("Who took part"), required=True)
    method = forms.TypedChoiceField(
        label=_("Conversation method"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The guidance for each method is shown below the form."),
    )
    notes = _text_area(_("Notes"), help_text=_("Observations, not conclusions."), max_length=FREE_TEXT_MAX)
    persons_own_words = _text_area(
        _("The person's own words and goals"), help_text=_("Write them as the person put them.")
    )
    told_mandate = _checkbox(_("The person was told about my mandate"))
    told_confidentiality = _checkbox(_("The person was told about confidentiality"))
    told_reporting_duty = _checkbox(_("The person was told about my duty to report"))
    next_steps = _text_area(_("Agreed next steps"))
    next_contact_on = _date_field(_("Next contact"), required=False)
    draft_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        methods: Sequence[ConversationMethod],
        language: str,
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self._methods = {m.pk: m for m in methods}
        field = self.fields["method"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("No particular method"))] + [(m.pk, m.name_in(language)) for m in methods]

    def clean(self) -> dict[str, object] | None:
        """Check the dates as the service does, so every error shows at the first submit."""
        cleaned = super().clean() or {}
        held_on, next_on = cleaned.get("held_on"), cleaned.get("next_contact_on")
        if held_on is not None and held_on > timezone.localdate():
            self.add_error("held_on", _("The date of the conversation cannot be in the future."))
        elif held_on is not None and next_on is not None and next_on < held_on:
            self.add_error("next_contact_on", _("The next contact cannot be before the conversation."))
        return cleaned

    def method_object(self) -> ConversationMethod | None:
        """Give the chosen method (after validation), or None."""
        pk = self.cleaned_data["method"]
        return None if pk is None else self._methods[pk]


class ConsultationRecordForm(DesignForm):
    """Take the record of a consultation after a conversation (R05)."""

    conversation = forms.TypedChoiceField(
        label=_("After the conversation"), coerce=int, required=False, empty_value=None
    )
    held_on = _date_field(_("Date of the consultation"))
    consulted = forms.ChoiceField(label=_("Who was consulted"), choices=ConsultedParty.choices)
    consulted_organisation = forms.CharField(label=_("Organisation consulted"), max_length=LINE_MAX, required=False)
    anonymised = _checkbox(
        _("Anonymised consultation"),
        help_text=_("Utvei removes identifying data from every text of the consultation before it is stored."),
    )
    summary = _text_area(_("What was discussed"), required=True)
    decision = _text_area(_("Decision on how to proceed"), required=True)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        conversations: Sequence[Conversation],
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["conversation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Not linked to one conversation"))] + [
            (c.pk, f"{formats.date_format(c.held_on, 'SHORT_DATE_FORMAT')} – {c.get_form_display()}")
            for c in conversations
        ]
