"""Forms for persons, referrals, phases, closure, team, tasks and escalations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.cases import rules
from utvei.cases.models import (
    ClosureReason,
    Person,
    ProtectedAddress,
    ReferralSource,
    SecurityAssessment,
)
from utvei.cases.services.persons import national_id_matches, normalise_national_id
from utvei.core.forms import DesignForm
from utvei.core.limits import LINE_MAX, PHONE_MAX, TEXT_MAX, normalise_phone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _phone(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PHONE_MAX,
        required=False,
        help_text=_("A Norwegian number, or an international one beginning with + and the country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


def _add_missing(form: DesignForm, errors: dict[str, str]) -> None:
    # The service checks the same rules again; here they join the field errors, so one submit shows all.
    for name, message in errors.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, message)


def referral_errors(data: dict[str, Any]) -> dict[str, str]:
    """Check what the service would refuse in a referral, from the cleaned fields the form has (R04)."""
    errors: dict[str, str] = {}
    if "security_assessment" in data:
        errors |= rules.security_assessment_errors(
            data["security_assessment"], data.get("security_assessed_by") or "", data.get("security_assessed_on")
        )
    referral_date = data.get("referral_date")
    if referral_date is not None and referral_date > timezone.localdate():
        errors["referral_date"] = str(_("The referral date cannot be in the future."))
    return errors


class PersonSearchForm(DesignForm):
    """Take what is known of a person, to search before creating them."""

    given_name = forms.CharField(label=_("Given name"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    national_id = forms.CharField(
        label=_("National identity number or D-number"),
        max_length=11,
        required=False,
        help_text=_("11 digits. Leave empty if not known."),
    )
    phone = _phone(_("Phone"))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone") or "")

    def clean_national_id(self) -> str:
        try:
            return normalise_national_id(self.cleaned_data.get("national_id") or "")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["national_id"]) from exc

    def clean(self) -> dict[str, Any] | None:
        """Refuse a birth date in the future and a number that does not match the birth date."""
        cleaned = super().clean() or {}
        born = cleaned.get("birth_date")
        if born is not None and born > timezone.localdate():
            self.add_error("birth_date", _("The birth date cannot be in the future."))
        elif born is not None and cleaned.get("national_id") and not national_id_matches(cleaned["national_id"], born):
            self.add_error("national_id", _("The number does not match the birth date."))
        return cleaned


class ReferralForm(PersonSearchForm):
    """Take a new person and the referral that opens their case."""

    acting_as = forms.ChoiceField(label=_("Open the case as"))
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=LINE_MAX * 2, widget=_text(2), required=False)
    protected_address = forms.ChoiceField(
        label=_("Protected address"),
        choices=ProtectedAddress.choices,
        required=False,
        help_text=_("A protected address is never shown, exported or printed."),
    )
    language = forms.CharField(label=_("Language"), max_length=64, required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    guardian_name = forms.CharField(
        label=_("Guardian's name"), max_length=200, required=False, help_text=_("Required when the person is under 18.")
    )
    guardian_relation = forms.CharField(label=_("Guardian's relation"), max_length=64, required=False)
    guardian_phone = _phone(_("Guardian's phone"))
    guardian_national_id = forms.CharField(
        label=_("Guardian's national identity number or D-number"),
        max_length=11,
        required=False,
        help_text=_("11 digits. Lets the guardian log in to the young person's page while the law allows it."),
    )
    referral_source = forms.ChoiceField(label=_("Referred by"), choices=ReferralSource.choices)
    referral_date = forms.DateField(label=_("Referral date"), widget=DATE)
    referral_reason = forms.CharField(label=_("Reason for the referral"), max_length=TEXT_MAX, widget=_text())
    security_assessment = forms.ChoiceField(
        label=_("Has it been assessed whether the person may be a security threat?"),
        choices=SecurityAssessment.choices,
        widget=forms.RadioSelect,
    )
    security_assessed_by = forms.CharField(label=_("Assessed by (name and role)"), max_length=200, required=False)
    security_assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, required=False)

    def clean_guardian_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("guardian_phone") or "")

    def clean_guardian_national_id(self) -> str:
        try:
            return normalise_national_id(self.cleaned_data.get("guardian_national_id") or "")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["national_id"]) from exc

    def clean(self) -> dict[str, Any] | None:
        """Also check the referral and that a person under 18 has a guardian, so every error shows at once."""
        cleaned = super().clean() or {}
        errors = referral_errors(cleaned)
        born = cleaned.get("birth_date")
        if born is not None and Person(birth_date=born).is_minor and not cleaned.get("guardian_name"):
            errors["guardian_name"] = str(_("Record at least one guardian for a person under 18."))
        _add_missing(self, errors)
        return cleaned


class CaseOpenForm(DesignForm):
    """Take the referral that opens a case for a person already registered."""

    acting_as = forms.ChoiceField(label=_("Open the case as"))
    referral_source = forms.ChoiceField(label=_("Referred by"), choices=ReferralSource.choices)
    referral_date = forms.DateField(label=_("Referral date"), widget=DATE)
    referral_reason = forms.CharField(label=_("Reason for the referral"), max_length=TEXT_MAX, widget=_text())
    security_assessment = forms.ChoiceField(
        label=_("Has it been assessed whether the person may be a security threat?"),
        choices=SecurityAssessment.choices,
        widget=forms.RadioSelect,
    )
    security_assessed_by = forms.CharField(label=_("Assessed by (name and role)"), max_length=200, required=False)
    security_assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any] | None:
        """Also check the referral (R04), so every error shows at once."""
        cleaned = super().clean() or {}
        _add_missing(self, referral_errors(cleaned))
        return cleaned


class PhaseForm(DesignForm):
    """Take the phase to move a case to, and the phase the page showed it in."""

    to_phase = forms.CharField(max_length=2)
    # Optional here so a page without it still reaches the service's policy check; the service refuses it.
    from_phase = forms.CharField(max_length=2, required=False)
    # Required by the service when the move spans more than one phase.
    reason = forms.CharField(max_length=1000, required=False)


class CloseForm(DesignForm):
    """Take the closure of a case: reason, outcome and up to three hand-over lines (R28)."""

    reason = forms.ChoiceField(label=_("Why is the case closed?"), choices=ClosureReason.choices)
    outcome = forms.CharField(label=_("Outcome"), max_length=TEXT_MAX, widget=_text())
    recipient_1 = forms.CharField(label=_("Handed over to (service)"), max_length=200, required=False)
    shared_1 = forms.CharField(
        label=_("What was shared, and on which basis"), max_length=TEXT_MAX, widget=_text(2), required=False
    )
    recipient_2 = forms.CharField(label=_("Also handed over to"), max_length=200, required=False)
    shared_2 = forms.CharField(
        label=_("What was shared, and on which basis"), max_length=TEXT_MAX, widget=_text(2), required=False
    )


class TeamAddForm(DesignForm):
    """Take a membership to seat on the team, with the agreed task (R02)."""

    membership = forms.TypedChoiceField(label=_("Person, organisation and role"), coerce=int)
    task = forms.CharField(
        label=_("Agreed task"),
        max_length=300,
        required=False,
        help_text=_("What this member has agreed to do in the follow-up."),
    )


class TeamTaskForm(DesignForm):
    """Take a team member's agreed task (R02)."""

    task = forms.CharField(
        label=_("Agreed task"),
        max_length=300,
        required=False,
        help_text=_("What this member has agreed to do in the follow-up."),
    )


class TeamSeatForm(TeamTaskForm):
    """Take a team member's agreed task and the role they sit in (one they hold in the seat's organisation)."""

    role = forms.ChoiceField(label=_("Role on the team"), required=False)


class SeatEndForm(DesignForm):
    """Take why a team seat ends; the holder loses access to the case."""

    reason = forms.CharField(
        label=_("Why does the seat end?"),
        max_length=1000,
        widget=_text(3),
        help_text=_("For example: the measure is finished, or the member has changed jobs."),
    )


class TaskCorrectForm(DesignForm):
    """Take the corrected text and due date of a task."""

    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DATE)


class ContactCorrectForm(DesignForm):
    """Take the corrected contact details of the person."""

    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), widget=_text(2), required=False, max_length=500)
    language = forms.CharField(label=_("Language"), max_length=64, required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)


class TaskForm(DesignForm):
    """Take a task with a due date for a team member."""

    plans_ahead = ("due_on",)

    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    assignee = forms.TypedChoiceField(label=_("Responsible"), coerce=int)


class ReasonForm(DesignForm):
    """Take one free-text reason or note."""

    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_text())


class AdviceForm(DesignForm):
    """Take the SLT coordinator's advice on who coordinates."""

    advice = forms.CharField(label=_("Advice on who should coordinate the case"), max_length=TEXT_MAX, widget=_text())


class RelapseForm(DesignForm):
    """Take a relapse event."""

    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("What happened"), max_length=TEXT_MAX, widget=_text())


class ConcernForm(DesignForm):
    """Take a concern-only record."""

    acting_as = forms.ChoiceField(label=_("Recorded for"))
    subject = forms.CharField(
        label=_("About (initials or a short description)"),
        max_length=100,
        help_text=_("No name or identity number: this record is not a case."),
    )
    description = forms.CharField(label=_("The concern"), max_length=TEXT_MAX, widget=_text())
    outcome = forms.CharField(label=_("What was done"), max_length=TEXT_MAX, widget=_text(2), required=False)
