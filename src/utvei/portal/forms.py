"""Forms of the portal: what the person sends, and the coordinator's decision on a block request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.core.forms import DesignForm
from utvei.portal.models import MessageKind
from utvei.portal.services import MAX_TEXT


class MessageForm(DesignForm):
    """Take a comment on a goal, or a request to change it."""

    kind = forms.ChoiceField(
        label=_("What do you want to send?"), choices=MessageKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(DesignForm):
    """Take the person's choice about notices of openings from outside the follow-up team."""

    notify_outside_team = forms.BooleanField(
        label=_("Tell me here when someone outside my follow-up team opens my case"), required=False
    )


class BlockForm(DesignForm):
    """Take the staff member the person wants blocked, and why (optional)."""

    user = forms.TypedChoiceField(label=_("Who should be blocked?"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, team: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a person")), *team]


class DecisionForm(DesignForm):
    """Take the coordinator's decision on a block request, with the reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the block")), ("refuse", _("Refuse the block"))],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label=_("Reason for the decision"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
