"""Forms for consents, the sharing decision and disclosures. They parse input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.accounts.models import Organisation
from utvei.cases.models import EscalationBasis, EscalationChannel, EscalationLevel, EscalationRecipient
from utvei.core.forms import DesignForm
from utvei.core.limits import LINE_MAX, TEXT_MAX
from utvei.sharing.decision import ChildWelfareCondition, WeightyInterest, WeightyInterests
from utvei.sharing.models import ConsentForm as ConsentFormChoice
from utvei.sharing.models import ConsentGiver, ConsentPurpose, DisclosureChannel, ExternalRecipient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "", rows: int = 3
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _checkboxes(
    label: StrOrPromise, choices: Sequence[tuple[str, StrOrPromise]], *, required: bool = True
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


CATEGORY_CHOICES = Category.choices

CONDITION_CHOICES = [
    (ChildWelfareCondition.MALTREATMENT.value, _("a) maltreated or seriously neglected at home")),
    (
        ChildWelfareCondition.UNTREATED_ILLNESS_OR_NEEDS.value,
        _("b) a serious illness or injury left untreated, or a disabled child's special needs not met"),
    ),
    (
        ChildWelfareCondition.SERIOUS_BEHAVIOURAL_PROBLEMS.value,
        _("c) serious behavioural problems (serious or repeated crime, substance use, other norm-breaking)"),
    ),
    (ChildWelfareCondition.TRAFFICKING.value, _("d) exploited for human trafficking")),
]

# The escalation form (utvei.cases.forms) asks for the same conditions; its strings live in this catalogue.
CONDITIONS_LABEL = _("Duty to inform child welfare: which conditions apply")
CONDITIONS_HELP = _(
    "For a person under 18 reported to child welfare: tick each condition you have reason to believe holds."
)


class ConsentRecordForm(DesignForm):
    """Take a consent: recipients, categories, purpose, period, form, evidence and information."""

    recipients = forms.TypedMultipleChoiceField(
        label=_("Recipients"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisations that may receive the information."),
    )
    categories = _checkboxes(_("Categories of information"), CATEGORY_CHOICES)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "–"), *ConsentPurpose.choices])
    given_on = forms.DateField(
        label=_("Given on"),
        widget=DATE,
        help_text=_("The day the consent was given: today, or at most a week ago."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, help_text=_("At most twelve months after the start."))
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "From 18 the person consents alone. Under 18 the guardians consent, alone or with the person; from 16 the "
            "person may consent alone to sharing health information."
        ),
    )
    child_view = _text(
        _("The child's own view"), required=False, help_text=_("For a person under 18: what the child thinks.")
    )
    form = forms.ChoiceField(label=_("Form"), choices=ConsentFormChoice.choices, widget=forms.RadioSelect)
    evidence_note = _text(
        _("Evidence"), help_text=_("For example: signed form kept in the archive, or who witnessed an oral consent.")
    )
    how_informed = _text(
        _("How the person was informed"),
        help_text=_("What was explained: who gets what, why, for how long, and that the consent can be withdrawn."),
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        organisations: Sequence[Organisation],
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self._organisations = {org.pk: org for org in organisations}
        field = self.fields["recipients"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(org.pk, org.name) for org in organisations]

    def recipient_organisations(self) -> list[Organisation]:
        """Give the chosen recipient organisations (after validation)."""
        return [self._organisations[pk] for pk in self.cleaned_data["recipients"]]


class WithdrawForm(DesignForm):
    """Confirm a withdrawal (R13)."""

    confirm = forms.BooleanField(
        label=_("The person has withdrawn this consent, and I have recorded how (for example in the archive)."),
        required=True,
    )


# The yes/no facts a user assesses: what the records cannot know (R34). Who shares, as what, for which public
# body and the person's age come from the records, so they are not asked.
FACT_CHOICES: list[tuple[str, StrOrPromise]] = [
    ("offence_concern", _("The information concerns offences")),
    ("danger_to_life_or_health", _("Sharing is needed to avert danger to someone's life or health")),
    ("imminent_danger_to_life", _("Someone is in obvious and imminent danger of death or serious injury")),
    (
        "avert_listed_offence_most_likely",
        _("A serious offence on the statutory list is certain or most likely and can still be averted"),
    ),
    ("necessary_for_own_tasks", _("Sharing is necessary for my organisation's own tasks")),
]
POLICE_FACT = ("police_shared_under_own_rules", _("The police have found that their own rules allow it"))
DANGER_FACTS = frozenset({"danger_to_life_or_health", "imminent_danger_to_life"})

ANONYMISED_CHOICES = [
    ("yes", _("Yes: I share it anonymised, so the person cannot be recognised")),
    ("no", _("No: the recipient needs to know who it is")),
]
WEIGHTY_CHOICES = [
    (WeightyInterest.LIFE_OR_HEALTH.value, _("Someone's life or health")),
    (WeightyInterest.SERIOUS_CRIME.value, _("Preventing or solving serious crime")),
    (WeightyInterest.CHILD_PROTECTION.value, _("Protecting a child")),
    (WeightyInterest.OTHERS_SAFETY.value, _("Other people's safety")),
]


class SharingCheckForm(DesignForm):
    """Take the question for the sharing decision: recipient, categories, purpose and what the user assessed."""

    recipient = forms.ChoiceField(label=_("Recipient"))
    recipient_detail = forms.CharField(
        label=_("Which office or person (optional)"),
        max_length=LINE_MAX,
        required=False,
        help_text=_("For a recipient outside Utvei, for example the police district or the RVTS region."),
    )
    categories = _checkboxes(_("Categories of information"), CATEGORY_CHOICES)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "–"), *ConsentPurpose.choices])
    anonymised_enough = forms.ChoiceField(
        label=_("Would anonymised information be enough?"), choices=ANONYMISED_CHOICES, widget=forms.RadioSelect
    )
    why_not_anonymised = _text(
        _("Why is anonymised information not enough?"),
        required=False,
        rows=2,
        help_text=_("Needed when you share to avert a danger: share only what is necessary."),
    )
    facts = _checkboxes(_("What you have assessed (leave empty when it does not apply)"), FACT_CHOICES, required=False)
    weighty_interests = _checkboxes(
        _("Weighty interests you have weighed (health personnel)"), WEIGHTY_CHOICES, required=False
    )
    weighty_reasons = _text(
        _("Your reasons: why these interests outweigh confidentiality here"), required=False, rows=3
    )
    weighty_outweighs = forms.BooleanField(
        label=_("I have concluded that these interests outweigh the duty of confidentiality"), required=False
    )
    child_welfare_conditions = _checkboxes(
        _("Duty to inform child welfare: which conditions apply (person under 18)"), CONDITION_CHOICES, required=False
    )
    classified = forms.BooleanField(label=_("The information is security-classified"), required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        organisations: Sequence[Organisation],
        external: Sequence[ExternalRecipient],
        police: bool = False,
        language: str = "nb",
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, prefix=prefix)
        self._organisations = {org.pk: org for org in organisations}
        self._external = {party.code: party for party in external}
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "–"),
            (_("Organisations in Utvei"), [(f"org:{org.pk}", org.name) for org in organisations]),
            (_("Outside Utvei"), [(f"party:{party.code}", party.name_in(language)) for party in external]),
        ]
        if police:
            facts = self.fields["facts"]
            assert isinstance(facts, forms.MultipleChoiceField)
            facts.choices = [*FACT_CHOICES, POLICE_FACT]

    def clean(self) -> dict[str, object] | None:
        """Demand the reasons for a weighty-interests judgement, and the minimality reason on a danger."""
        cleaned = super().clean() or {}
        facts = set(cleaned.get("facts") or ())
        if (
            cleaned.get("anonymised_enough") == "no"
            and facts & DANGER_FACTS
            and not str(cleaned.get("why_not_anonymised") or "").strip()
        ):
            self.add_error("why_not_anonymised", _("Say why anonymised information is not enough."))
        if cleaned.get("weighty_outweighs") and not str(cleaned.get("weighty_reasons") or "").strip():
            self.add_error("weighty_reasons", _("Write the reasons for your judgement."))
        if cleaned.get("weighty_outweighs") and not cleaned.get("weighty_interests"):
            self.add_error("weighty_interests", _("Name the interests you have weighed."))
        return cleaned

    def recipient_organisation(self) -> Organisation | None:
        """Give the chosen organisation, or None for a recipient outside Utvei."""
        value = self.cleaned_data["recipient"]
        return self._organisations[int(value[4:])] if value.startswith("org:") else None

    def recipient_party(self) -> ExternalRecipient | None:
        """Give the chosen party of the register of external recipients, or None for an organisation."""
        value = self.cleaned_data["recipient"]
        return self._external[value[6:]] if value.startswith("party:") else None

    def recipient_kind(self) -> str:
        """Give the kind of the chosen recipient, as the decision reads it."""
        organisation = self.recipient_organisation()
        if organisation is not None:
            return organisation.kind
        party = self.recipient_party()
        assert party is not None
        return party.kind

    def fact_flags(self) -> dict[str, object]:
        """Give what the user assessed as the decision's facts (flags, the judgement and the minimality reason)."""
        facts: dict[str, object] = dict.fromkeys(self.cleaned_data["facts"], True)
        if self.cleaned_data["anonymised_enough"] == "yes":
            facts["anonymised"] = True
        if self.cleaned_data["weighty_interests"] or self.cleaned_data["weighty_outweighs"]:
            facts["weighty_interests"] = self.weighty_judgement()
        reason = self.cleaned_data["why_not_anonymised"].strip()
        if reason:
            facts["why_not_anonymised"] = reason
        return facts

    def weighty_judgement(self) -> WeightyInterests | None:
        """Give the weighty-interests judgement as recorded, or None when none was made."""
        if not (self.cleaned_data["weighty_interests"] or self.cleaned_data["weighty_outweighs"]):
            return None
        return WeightyInterests(
            interests=frozenset(self.cleaned_data["weighty_interests"]),
            reasons=self.cleaned_data["weighty_reasons"],
            outweighs_confidentiality=self.cleaned_data["weighty_outweighs"],
        )


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DisclosureRecordForm(DesignForm):
    """Take what a disclosure records besides the question: basis, summary, time, channel and telling the person."""

    plans_ahead = ("not_informed_until",)

    basis = forms.ChoiceField(label=_("Basis used"), widget=forms.RadioSelect)
    content_summary = _text(
        _("Summary of what is shared"),
        help_text=_("Observations, not conclusions. Never security-classified content."),
        rows=4,
    )
    known_at = forms.DateTimeField(
        label=_("When did you come to know this?"),
        widget=DATETIME,
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Not chosen yet")), *DisclosureChannel.choices],
        required=False,
        help_text=_("Required for the police and PST."),
    )
    reference = forms.CharField(
        label=_("The recipient's reference"),
        max_length=100,
        required=False,
        help_text=_("Required for the police and PST: their reference, or the date and time of the call."),
    )
    person_informed = forms.BooleanField(label=_("The person has been told about this sharing"), required=False)
    not_informed_reason = _text(_("If not told: why"), required=False, rows=2)
    not_informed_until = forms.DateField(label=_("If not told: until when"), widget=DATE, required=False)

    def __init__(
        self, data: QueryDict | None = None, *, bases: Sequence[tuple[str, str]], prefix: str | None = None
    ) -> None:
        super().__init__(data, prefix=prefix, initial={"basis": bases[0][0] if bases else ""})
        field = self.fields["basis"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(bases)


class ReportCompleteForm(DesignForm):
    """Take what a report of concern lacked when it was made; the level and the recipient stay as reported."""

    plans_ahead = ("reassess_on", "person_not_informed_until")

    basis = forms.ChoiceField(label=_("Legal basis for sharing"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    summary = _text(_("What was reported (observations, not conclusions)"), required=False, rows=4)
    reference = forms.CharField(label=_("Reference number from the recipient"), max_length=100, required=False)
    known_at = forms.DateTimeField(
        label=_("When did you come to know this?"),
        widget=DATETIME,
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reassess_on = forms.DateField(label=_("Reassess on"), widget=DATE, required=False)
    leader_informed = forms.BooleanField(label=_("My leader is informed"), required=False)
    person_informed = forms.BooleanField(label=_("The person has been told about the report"), required=False)
    person_not_informed_reason = _text(_("If not told: why"), required=False, rows=2)
    person_not_informed_until = forms.DateField(label=_("If not told: until when"), widget=DATE, required=False)

    def __init__(self, data: QueryDict | None = None, *, initial: dict[str, object] | None = None) -> None:
        from utvei.cases.models import EscalationBasis, EscalationChannel

        super().__init__(data, initial=initial)
        basis = self.fields["basis"]
        channel = self.fields["channel"]
        assert isinstance(basis, forms.ChoiceField) and isinstance(channel, forms.ChoiceField)
        basis.choices = [("", _("Not chosen yet")), *EscalationBasis.choices]
        channel.choices = [("", _("Not chosen yet")), *EscalationChannel.choices]


class EscalationForm(DesignForm):
    """Take a report of serious concern; only level and recipient are required (R17)."""

    plans_ahead = ("reassess_on", "person_not_informed_until")

    level = forms.ChoiceField(label=_("How urgent is it?"), choices=EscalationLevel.choices, widget=forms.RadioSelect)
    recipient = forms.ChoiceField(label=_("Reported to"), choices=EscalationRecipient.choices)
    basis = forms.ChoiceField(
        label=_("Legal basis for sharing"),
        choices=[("", _("Not chosen yet")), *EscalationBasis.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Not chosen yet")), *EscalationChannel.choices],
        required=False,
        help_text=_("For the police and PST: how you reported it. You can complete it later."),
    )
    summary = _text(_("What was reported (observations, not conclusions)"), required=False, rows=4)
    reference = forms.CharField(
        label=_("Reference number from the recipient"),
        max_length=100,
        required=False,
        help_text=_("For the police and PST: their reference, or the date and time of the call."),
    )
    known_at = forms.DateTimeField(
        label=_("When did you come to know this?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reassess_on = forms.DateField(
        label=_("Reassess on"),
        widget=DATE,
        required=False,
        help_text=_("A task to reassess is created for you on this date."),
    )
    leader_informed = forms.BooleanField(label=_("My leader is informed"), required=False)
    person_informed = forms.BooleanField(label=_("The person has been told about the report"), required=False)
    person_not_informed_reason = _text(_("If not told: why"), required=False, rows=2)
    person_not_informed_until = forms.DateField(label=_("If not told: until when"), widget=DATE, required=False)
    # The duty to inform child welfare applies when one of the conditions a–d holds (the child welfare act);
    # the reporter names it, Utvei never guesses it (R34). Used by services.escalation_report.
    child_welfare_conditions = forms.MultipleChoiceField(
        label=CONDITIONS_LABEL,
        choices=CONDITION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=CONDITIONS_HELP,
    )
