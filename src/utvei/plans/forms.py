"""Forms of the individual plan. They parse input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import Organisation, User
from utvei.core.forms import DesignForm
from utvei.core.limits import FREE_TEXT_MAX, LINE_MAX, TEXT_MAX
from utvei.plans.models import (
    Goal,
    GoalStatus,
    LegalReference,
    LifeDomain,
    Measure,
    MeasureKind,
    MeasureStatus,
    WishGiver,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(
    label: StrOrPromise,
    *,
    required: bool = False,
    help_text: StrOrPromise = "",
    rows: int = 4,
    max_length: int = TEXT_MAX,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _user_choices(users: Sequence[User], *, blank: StrOrPromise | None = None) -> list[tuple[Any, Any]]:
    choices: list[tuple[Any, Any]] = [("", blank)] if blank is not None else []
    return choices + [(user.pk, user.get_full_name() or user.username) for user in users]


def _pick(objects: Sequence[Any], pk: Any) -> Any:
    return next((obj for obj in objects if str(obj.pk) == str(pk)), None)


class WishForm(DesignForm):
    """Take the person's wish for an individual plan (R06)."""

    given_by = forms.ChoiceField(label=_("Who expressed the wish"), choices=WishGiver.choices)
    expressed_on = _date(_("Date"))
    persons_words = _text(_("The person's own words about the plan"))
    guardians_view = _text(_("The guardians' view"), help_text=_("For a child: required."))
    childs_view = _text(
        _("The child's own view"), help_text=_("For a child: required. The child has a right to be heard.")
    )


class WithdrawForm(DesignForm):
    """Take the date the wish for a plan was withdrawn."""

    withdrawn_on = _date(_("Withdrawn on"))


class PlanForm(DesignForm):
    """Take the plan's coordinator, period, cooperation and consents."""

    coordinator = forms.ChoiceField(
        label=_("Plan coordinator"),
        help_text=_("A municipal service provider on the team. Not the same role as the exit coordinator."),
    )
    period_start = _date(_("Plan period from"), required=False)
    period_end = _date(_("Plan period to"), required=False)
    cooperation = _text(_("Cooperation with other plans and services"))
    consents_note = _text(
        _("The person's consents for this plan"),
        help_text=_("What the person has agreed that the participants may share with each other."),
    )

    def __init__(self, *args: Any, coordinators: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coordinators = list(coordinators)
        cast(forms.ChoiceField, self.fields["coordinator"]).choices = _user_choices(
            self.coordinators, blank=_("Not appointed yet")
        )

    def coordinator_user(self) -> User | None:
        """Give the chosen coordinator."""
        return _pick(self.coordinators, self.cleaned_data.get("coordinator"))


class GoalForm(DesignForm):
    """Take one of the person's goals in their own words."""

    text = _text(_("The goal, in the person's own words"), required=True, rows=3)
    domain = forms.ChoiceField(label=_("Life domain"), choices=[("", "–"), *LifeDomain.choices], required=False)


class GoalEditForm(GoalForm):
    """Also take how far a goal has come."""

    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class DomainForm(DesignForm):
    """Take the resources and needs in one life domain."""

    domain = forms.ChoiceField(label=_("Life domain"), choices=LifeDomain.choices)
    resources = _text(_("Resources"), help_text=_("What the person has and can build on."))
    needs = _text(_("Needs"), help_text=_("What the person needs help with."))


class ParticipantForm(DesignForm):
    """Take a participating service, its legal basis and its responsibility."""

    organisation = forms.ChoiceField(label=_("Service"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=LINE_MAX, required=False)
    legal_reference = forms.ChoiceField(label=_("Legal basis"))
    responsibility = _text(_("Responsibility in the plan"), required=True, rows=3)

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        references: Sequence[LegalReference],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [("", "–")] + [
            (o.pk, o.name) for o in self.organisations
        ]
        cast(forms.ChoiceField, self.fields["legal_reference"]).choices = [("", "–")] + [
            (r.pk, f"{r.citation()} – {r.title_in(language)}") for r in references
        ]

    def organisation_object(self) -> Organisation | None:
        """Give the chosen organisation."""
        return _pick(self.organisations, self.cleaned_data.get("organisation"))


class MeasureForm(DesignForm):
    """Take a measure of the plan (R24) and the service decision it rests on (R37)."""

    kind = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    title = forms.CharField(label=_("Short description"), max_length=LINE_MAX)
    goal = forms.ChoiceField(label=_("Goal"), help_text=_("The person's goal that this measure works towards."))
    provider_organisation = forms.ChoiceField(label=_("Provided by"))
    responsible_user = forms.ChoiceField(label=_("Responsible person on the team"), required=False)
    responsible_name = forms.CharField(
        label=_("Or the name of the responsible person"), max_length=LINE_MAX, required=False
    )
    start_on = _date(_("Start"), required=False)
    end_on = _date(_("End or deadline"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    outcome = _text(_("Outcome"), rows=3)
    decision_reference = forms.CharField(
        label=_("Service decision (reference)"),
        max_length=LINE_MAX,
        required=False,
        help_text=_("The plan gives no right to a service: the service is decided separately, with its own appeal."),
    )
    decision_date = _date(_("Service decision date"), required=False)

    def __init__(
        self,
        *args: Any,
        goals: Sequence[Goal],
        organisations: Sequence[Organisation],
        team: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.team = list(team)
        cast(forms.ChoiceField, self.fields["goal"]).choices = [("", "–")] + [(g.pk, g.text[:80]) for g in goals]
        cast(forms.ChoiceField, self.fields["provider_organisation"]).choices = [("", "–")] + [
            (o.pk, o.name) for o in self.organisations
        ]
        cast(forms.ChoiceField, self.fields["responsible_user"]).choices = _user_choices(self.team, blank="–")

    def goal_id(self) -> int | None:
        """Give the chosen goal's id."""
        value = self.cleaned_data.get("goal")
        return int(value) if value else None

    def provider(self) -> Organisation | None:
        """Give the chosen provider."""
        return _pick(self.organisations, self.cleaned_data.get("provider_organisation"))

    def responsible(self) -> User | None:
        """Give the chosen responsible user."""
        return _pick(self.team, self.cleaned_data.get("responsible_user"))

    def clean_provider_organisation(self) -> str:
        value: str = self.cleaned_data["provider_organisation"]
        if not value:
            raise ValidationError(_("Choose who provides the measure."))
        return value

    def clean(self) -> dict[str, Any] | None:
        """Check what the measure needs (R24) with the other errors, as the service does again."""
        cleaned = super().clean() or {}
        checks = {
            "responsible_name": (
                not cleaned.get("responsible_user") and not str(cleaned.get("responsible_name") or "").strip(),
                _("Name the person responsible for the measure."),
            ),
            "start_on": ("start_on" in cleaned and cleaned["start_on"] is None, _("Give the start date.")),
            "goal": ("goal" in cleaned and not cleaned["goal"], _("Link the measure to one of the plan's goals.")),
        }
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            checks["end_on"] = (True, _("The measure cannot end before it starts."))
        for name, (failed, message) in checks.items():
            if failed and name not in self.errors:
                self.add_error(name, message)
        return cleaned


def measure_initial(measure: Measure) -> dict[str, Any]:
    """Give a measure's values as the form's initial data."""
    return {
        "kind": measure.kind,
        "title": measure.title,
        "goal": measure.goal_id,
        "provider_organisation": measure.provider_organisation_id,
        "responsible_user": measure.responsible_user_id,
        "responsible_name": measure.responsible_name,
        "start_on": measure.start_on,
        "end_on": measure.end_on,
        "status": measure.status,
        "outcome": measure.outcome,
        "decision_reference": measure.decision_reference,
        "decision_date": measure.decision_date,
    }


class ReviewForm(DesignForm):
    """Take a review date; it becomes a task for the coordinator (R09)."""

    plans_ahead = ("due_on",)

    due_on = _date(_("Review date"))


class MeetingForm(DesignForm):
    """Take a team meeting (ansvarsgruppemøte)."""

    held_on = _date(_("Date"))
    is_review = forms.BooleanField(
        label=_("This meeting reviews the plan"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "ds-input"}),
    )
    agenda = _text(_("Agenda"), required=True)
    attendance = _text(_("Who attended"), rows=3)
    minutes = _text(_("Minutes"), rows=6, max_length=FREE_TEXT_MAX)


class DecisionForm(DesignForm):
    """Take a decision of a meeting: a change to a measure, or a new measure."""

    plans_ahead = ("deadline",)

    text = _text(_("Decision"), required=True, rows=3)
    owner = forms.ChoiceField(label=_("Owner"))
    deadline = _date(_("Deadline"), required=False)
    measure = forms.ChoiceField(
        label=_("Measure it changes"),
        required=False,
        help_text=_("Leave empty to make a new measure from the fields below."),
    )
    kind = forms.ChoiceField(label=_("Kind of new measure"), choices=[("", "–"), *MeasureKind.choices], required=False)
    title = forms.CharField(label=_("Short description of the new measure"), max_length=LINE_MAX, required=False)
    provider_organisation = forms.ChoiceField(label=_("New measure provided by"), required=False)
    goal = forms.ChoiceField(label=_("Goal of the new measure"), required=False)

    def __init__(
        self,
        *args: Any,
        team: Sequence[User],
        measures: Sequence[Measure],
        organisations: Sequence[Organisation],
        goals: Sequence[Goal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.team = list(team)
        self.organisations = list(organisations)
        cast(forms.ChoiceField, self.fields["owner"]).choices = _user_choices(self.team, blank="–")
        cast(forms.ChoiceField, self.fields["measure"]).choices = [("", "–")] + [(m.pk, m.title) for m in measures]
        cast(forms.ChoiceField, self.fields["provider_organisation"]).choices = [("", "–")] + [
            (o.pk, o.name) for o in self.organisations
        ]
        cast(forms.ChoiceField, self.fields["goal"]).choices = [("", "–")] + [(g.pk, g.text[:80]) for g in goals]

    def clean_owner(self) -> str:
        value: str = self.cleaned_data["owner"]
        if not value:
            raise ValidationError(_("Choose who owns the decision."))
        return value

    def owner_user(self) -> User:
        """Give the chosen owner."""
        return cast(User, _pick(self.team, self.cleaned_data["owner"]))

    def measure_id(self) -> int | None:
        """Give the chosen measure's id."""
        value = self.cleaned_data.get("measure")
        return int(value) if value else None

    def goal_id(self) -> int | None:
        """Give the chosen goal's id."""
        value = self.cleaned_data.get("goal")
        return int(value) if value else None

    def provider(self) -> Organisation | None:
        """Give the chosen provider."""
        return _pick(self.organisations, self.cleaned_data.get("provider_organisation"))
