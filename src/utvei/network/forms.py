"""Forms for ties, contacts with ties, snapshots and the comparison. They parse input; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from utvei.core.forms import DesignForm
from utvei.core.limits import LINE_MAX, TEXT_MAX
from utvei.network.models import (
    Closeness,
    ContactPermission,
    Formality,
    InformedAssessment,
    NetworkNode,
    NetworkSnapshot,
    NodeKind,
    Relation,
    RiskNature,
    SnapshotReason,
    Source,
    Valence,
)
from utvei.network.services import NodeInput
from utvei.plans.models import Measure
from utvei.sharing.models import Consent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _radios(
    label: StrOrPromise, choices: Sequence[tuple[str, StrOrPromise]], *, help_text: StrOrPromise = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, help_text=help_text, widget=forms.RadioSelect)


class NodeForm(DesignForm):
    """Take one tie of the person's network (§5)."""

    label = forms.CharField(
        label=_("Label"),
        max_length=80,
        help_text=_("What the map shows. A pseudonym such as «uncle (M)» or «friend from football» is enough."),
    )
    kind = _radios(_("Person or organisation"), NodeKind.choices)
    formality = _radios(
        _("Formal or informal"),
        Formality.choices,
        help_text=_("Formal: services, school, employer. Informal: family, friends, partner, communities."),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    closeness = forms.ChoiceField(
        label=_("Closeness"),
        choices=Closeness.choices,
        help_text=_("Intimate is the innermost ring of the map, peripheral the outermost."),
    )
    valence = _radios(_("Assessment of the tie"), Valence.choices)
    risk_nature = forms.ChoiceField(
        label=_("Nature of the risk"),
        choices=[("", _("Not a risk tie")), *RiskNature.choices],
        required=False,
        help_text=_("Only for a tie assessed as a risk."),
    )
    assessed_on = _date_field(_("Assessed on"), help_text=_("The date of this assessment."))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    contact_permission = _radios(
        _("Contact permission"),
        ContactPermission.choices,
        help_text=_("Agreed with the person. «May be contacted» needs the consent it rests on."),
    )
    consent = forms.TypedChoiceField(label=_("Consent"), coerce=int, required=False, empty_value=None)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=LINE_MAX,
        required=False,
        help_text=_("Only when needed for contact."),
    )
    contact_details = forms.CharField(
        label=_("Contact details"),
        required=False,
        max_length=LINE_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when needed for contact."),
    )
    informed = forms.ChoiceField(
        label=_("Is the third party informed of this record?"),
        choices=InformedAssessment.choices,
        help_text=_(
            "A private person in the map is a data subject too (GDPR art. 14). Record whether they are told, "
            "or why not."
        ),
    )
    informed_note = forms.CharField(
        label=_("How informed, or why not"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.TypedChoiceField(
        label=_("Part of a measure"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For example the mentor measure when this is a support person at meetings."),
    )
    plan_role = forms.CharField(
        label=_("Role in the plan"),
        required=False,
        max_length=500,
        help_text=_("For example support person at meetings, or part of the relapse plan."),
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        consents: Sequence[Consent],
        measures: Sequence[Measure] = (),
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        measure_field = self.fields["measure"]
        assert isinstance(measure_field, forms.TypedChoiceField)
        measure_field.choices = [("", _("None")), *[(m.pk, f"{m.title} ({m.get_kind_display()})") for m in measures]]
        consent_field = self.fields["consent"]
        assert isinstance(consent_field, forms.TypedChoiceField)
        consent_field.choices = [
            ("", _("No consent")),
            *[
                (
                    c.pk,
                    _("Consent of %(date)s, version %(version)s, valid to %(to)s")
                    % {
                        "date": formats.date_format(c.valid_from, "SHORT_DATE_FORMAT"),
                        "version": c.version,
                        "to": formats.date_format(c.valid_to, "SHORT_DATE_FORMAT"),
                    },
                )
                for c in consents
            ],
        ]

    def node_input(self) -> NodeInput:
        """Give the cleaned form as the services' input."""
        data = self.cleaned_data
        return NodeInput(
            kind=data["kind"],
            label=data["label"],
            formality=data["formality"],
            relation=data["relation"],
            closeness=data["closeness"],
            valence=data["valence"],
            source=data["source"],
            risk_nature=data["risk_nature"],
            full_name=data["full_name"],
            contact_details=data["contact_details"],
            contact_permission=data["contact_permission"],
            consent_id=data["consent"],
            informed=data["informed"],
            informed_note=data["informed_note"],
            plan_role=data["plan_role"],
            measure_id=data["measure"],
        )

    @staticmethod
    def initial_for(node: NetworkNode | None) -> dict[str, object]:
        """Give the form's initial values for a tie (or a new one)."""
        if node is None:
            return {
                "assessed_on": timezone.localdate(),
                "contact_permission": ContactPermission.MAY_NOT,
                "informed": InformedAssessment.NOT_ASSESSED,
                "source": Source.PERSON,
            }
        return {
            "label": node.label,
            "kind": node.kind,
            "formality": node.formality,
            "relation": node.relation,
            "closeness": node.closeness,
            "valence": node.valence,
            "risk_nature": node.risk_nature,
            "assessed_on": timezone.localdate(),
            "source": node.source,
            "contact_permission": node.contact_permission,
            "consent": node.consent_id,
            "full_name": node.full_name,
            "contact_details": node.contact_details,
            "informed": node.informed,
            "informed_note": node.informed_note,
            "plan_role": node.plan_role,
            "measure": node.measure_id,
        }


class NodeContactForm(DesignForm):
    """Take a contact a professional had with a tie (R22)."""

    contacted_on = _date_field(_("Date of contact"))
    purpose = forms.CharField(
        label=_("Purpose"), required=False, max_length=500, help_text=_("Short, without sensitive details.")
    )


class NodeEndForm(DesignForm):
    """Take the date a tie stopped being part of the network."""

    ended_on = _date_field(_("No longer part of the network since"))


class SnapshotForm(DesignForm):
    """Take why and when a snapshot of the network is taken."""

    reason = _radios(_("Reason"), SnapshotReason.choices)
    taken_on = _date_field(_("Date"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompareForm(DesignForm):
    """Take the two snapshots to compare (from the query string)."""

    first = forms.TypedChoiceField(label=_("Earlier snapshot"), coerce=int, required=False, empty_value=None)
    second = forms.TypedChoiceField(label=_("Later snapshot"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: QueryDict | None, *, snapshots: Sequence[NetworkSnapshot]) -> None:
        super().__init__(data)
        choices = [
            (
                s.pk,
                f"{formats.date_format(s.taken_on, 'SHORT_DATE_FORMAT')} – {s.get_reason_display()}",
            )
            for s in snapshots
        ]
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices
