"""Forms for the mentor register, assignments, the mentor log and restorative referrals.

They parse input; the services decide. Choices of objects are limited to what the selectors returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import User
from utvei.core.forms import DesignForm
from utvei.mentoring.models import (
    LOG_NOTE_MAX,
    ActivityKind,
    AssignmentEnd,
    DurationBand,
    Frequency,
    Mentor,
    MentorScheme,
    MentorTraining,
    NotHeldReason,
    RestorativeStatus,
)
from utvei.plans.models import Measure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _checkbox(label: StrOrPromise) -> forms.BooleanField:
    # No help text: the shared checkbox template shows none, so guidance goes in the page around it.
    return forms.BooleanField(label=label, required=False, widget=forms.CheckboxInput(attrs={"class": "ds-input"}))


def _choice(label: StrOrPromise, choices: object, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "–"), *choices], required=required)  # type: ignore[misc]


def _object_choice(label: StrOrPromise, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=required, empty_value=None)


class MentorForm(DesignForm):
    """Take one entry of the mentor register (a user account, or an external mentor)."""

    user = _object_choice(_("User account"), required=False)
    name = forms.CharField(
        label=_("Name (external mentor)"),
        max_length=200,
        required=False,
        help_text=_("Only for a mentor without a user account in Utvei."),
    )
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=200, required=False)
    scheme = _choice(_("Scheme"), MentorScheme.choices)
    training = _choice(_("Training"), MentorTraining.choices)
    trained_on = _date_field(_("Training completed"), required=False)
    is_active = _checkbox(_("Active in the register"))

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        candidates: Sequence[User] = (),
        editing: bool = False,
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self._users = {u.pk: u for u in candidates}
        if editing:
            del self.fields["user"]
        else:
            del self.fields["is_active"]
            field = self.fields["user"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", _("External mentor (no user account)"))] + [
                (u.pk, u.display_name()) for u in candidates
            ]
            field.help_text = _("Users holding the mentor role in your organisation.")

    def chosen_user(self) -> User | None:
        """Give the chosen user account (after validation), or None."""
        pk = self.cleaned_data.get("user")
        return None if pk is None else self._users[pk]


class AssignmentForm(DesignForm):
    """Take the matching of a mentor and the agreement the person made (R26)."""

    mentor = _object_choice(_("Mentor"))
    starts_on = _date_field(_("Agreement starts"))
    ends_on = _date_field(_("Agreement ends"), required=False)
    frequency = _choice(_("How often they meet"), Frequency.choices)
    share_contact = _checkbox(_("The mentor may see the person's contact details"))
    share_goals = _checkbox(_("The mentor may see the goals of the plan"))
    share_measures = _checkbox(_("The mentor may see the measures of the plan"))
    measure = _object_choice(_("The plan's mentor measure"), required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        mentors: Sequence[Mentor],
        measures: Sequence[Measure],
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        mentor = self.fields["mentor"]
        assert isinstance(mentor, forms.TypedChoiceField)
        mentor.choices = [("", "–")] + [(m.pk, f"{m.display_name()} ({m.get_scheme_display()})") for m in mentors]
        measure = self.fields["measure"]
        assert isinstance(measure, forms.TypedChoiceField)
        if measures:
            measure.choices = [("", _("Not linked"))] + [(m.pk, m.title) for m in measures]
        else:
            del self.fields["measure"]


class AssignmentEndForm(DesignForm):
    """Take why a mentor assignment ends."""

    reason = _choice(_("Why the assignment ends"), AssignmentEnd.choices)


class LogEntryForm(DesignForm):
    """Take one mentor meeting at a coarse level (no sensitive details)."""

    met_on = _date_field(_("Date"))
    duration = _choice(_("Duration"), DurationBand.choices)
    activity = _choice(_("Kind of activity"), ActivityKind.choices)
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=LOG_NOTE_MAX,
        help_text=_("At most 200 characters. A reminder only: no health, police, family or other sensitive details."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": LOG_NOTE_MAX}),
    )


class RestorativeReferralForm(DesignForm):
    """Take a referral to the konfliktråd with the consent of all parties (R25)."""

    referred_on = _date_field(_("Referral date"))
    konfliktraad = forms.CharField(label=_("Konfliktråd office"), max_length=200)
    person_consented = _checkbox(_("The person has consented"))
    parties_consented = _checkbox(_("Every other party has consented"))
    guardians_consented = _checkbox(_("The guardians have consented"))
    consent_recorded_on = _date_field(_("Consents recorded on"))
    measure = _object_choice(_("The plan's restorative measure"), required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        measures: Sequence[Measure],
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        measure = self.fields["measure"]
        assert isinstance(measure, forms.TypedChoiceField)
        if measures:
            measure.choices = [("", _("Not linked"))] + [(m.pk, m.title) for m in measures]
        else:
            del self.fields["measure"]


class RestorativeStatusForm(DesignForm):
    """Take the status of a restorative process; there is deliberately no field for content."""

    status = _choice(
        _("Status"), [(v, label) for v, label in RestorativeStatus.choices if v != RestorativeStatus.REFERRED]
    )
    status_on = _date_field(_("Date"))
    not_held_reason = _choice(_("Why it was not held"), NotHeldReason.choices, required=False)
