"""Forms for consents, the sharing decision and disclosures. They parse input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.accounts.models import Organisation, OrganisationKind
from utvei.core.forms import DesignForm
from utvei.sharing.decision import ChildWelfareCondition, OtherRecipient
from utvei.sharing.models import ConsentForm as ConsentFormChoice
from utvei.sharing.models import ConsentGiver, ConsentPurpose

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "", rows: int = 3
) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
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
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, help_text=_("At most twelve months after the start."))
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices, widget=forms.RadioSelect)
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


# Recipients outside the organisations in Utvei: the kind the decision needs, and a name for the record.
EXTERNAL_KINDS = [
    (OrganisationKind.POLICE_DISTRICT.value, _("Police district")),
    (OrganisationKind.PST.value, _("Police Security Service (PST)")),
    (OrganisationKind.CHILD_WELFARE.value, _("Child welfare service")),
    (OrganisationKind.HEALTH.value, _("Health service")),
    (OtherRecipient.PRIVATE_PERSON.value, _("A private person")),
    (OtherRecipient.ANYONE.value, _("Anyone who can act (an emergency)")),
]

FACT_CHOICES: list[tuple[str, StrOrPromise]] = [
    ("discloser_is_health_personnel", _("I share as health personnel")),
    ("discloser_is_social_services", _("I share for the social services (NAV office, municipal part)")),
    ("same_organ", _("Discloser and recipient are the same organ (services of one municipality)")),
    ("anonymised", _("The information is anonymised: the person cannot be recognised")),
    ("offence_concern", _("The information concerns offences")),
    ("danger_to_life_or_health", _("Sharing is needed to avert danger to someone's life or health")),
    ("imminent_danger_to_life", _("Someone is in obvious and imminent danger of death or serious injury")),
    (
        "avert_listed_offence_most_likely",
        _("A serious offence on the statutory list is certain or most likely and can still be averted"),
    ),
    ("necessary_for_own_tasks", _("Sharing is necessary for my organisation's own tasks")),
    ("regulation_in_force", _("A regulation in force allows this sharing")),
    ("police_shared_under_own_rules", _("The police have found that their own rules allow it (police only)")),
]


class SharingCheckForm(DesignForm):
    """Take the question for the sharing decision: recipient, categories, purpose and facts."""

    recipient = forms.ChoiceField(label=_("Recipient"))
    external_name = forms.CharField(
        label=_("Name of the external recipient"),
        max_length=200,
        required=False,
        help_text=_("Only for a recipient outside Utvei, for example «Politiet 02800»."),
    )
    categories = _checkboxes(_("Categories of information"), CATEGORY_CHOICES)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "–"), *ConsentPurpose.choices])
    facts = _checkboxes(_("What you have assessed (leave empty when it does not apply)"), FACT_CHOICES, required=False)
    child_welfare_conditions = _checkboxes(
        _("Duty to inform child welfare: which conditions apply (person under 18)"), CONDITION_CHOICES, required=False
    )
    classified = forms.BooleanField(label=_("The information is security-classified"), required=False)

    def __init__(
        self, data: QueryDict | None = None, *, organisations: Sequence[Organisation], prefix: str | None = None
    ) -> None:
        super().__init__(data, prefix=prefix)
        self._organisations = {org.pk: org for org in organisations}
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "–"),
            (_("Organisations in Utvei"), [(f"org:{org.pk}", org.name) for org in organisations]),
            (_("Outside Utvei"), [(f"ext:{kind}", label) for kind, label in EXTERNAL_KINDS]),
        ]

    def clean(self) -> dict[str, object] | None:
        """Demand a name for an external recipient."""
        cleaned = super().clean() or {}
        recipient = str(cleaned.get("recipient") or "")
        if recipient.startswith("ext:") and not str(cleaned.get("external_name") or "").strip():
            self.add_error("external_name", _("Name the external recipient."))
        return cleaned

    def recipient_organisation(self) -> Organisation | None:
        """Give the chosen organisation, or None for a recipient outside Utvei."""
        value = self.cleaned_data["recipient"]
        return self._organisations[int(value[4:])] if value.startswith("org:") else None

    def recipient_kind(self) -> str:
        """Give the kind of the chosen recipient, as the decision reads it."""
        organisation = self.recipient_organisation()
        return organisation.kind if organisation is not None else str(self.cleaned_data["recipient"][4:])

    def fact_flags(self) -> dict[str, bool]:
        """Give the asserted facts as the decision's yes/no flags."""
        return dict.fromkeys(self.cleaned_data["facts"], True)


class DisclosureRecordForm(DesignForm):
    """Take what a disclosure records besides the question: basis, summary and telling the person."""

    basis = forms.ChoiceField(label=_("Basis used"), widget=forms.RadioSelect)
    content_summary = _text(
        _("Summary of what is shared"),
        help_text=_("Observations, not conclusions. Never security-classified content."),
        rows=4,
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
