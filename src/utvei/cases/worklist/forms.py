"""The work list's search form: a GET form, so the list works without JavaScript and a search is a link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import Role
from utvei.cases.models import Phase
from utvei.cases.worklist.selectors import QUERY_MAX_LENGTH, SORTS, WorkQuery
from utvei.core.forms import DesignForm

SORT_LABELS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "reference": _("Case number"),
    "name": _("Name"),
    "phase": _("Phase"),
}
STATE_LABELS = (("open", _("Open cases")), ("closed", _("Closed cases")), ("all", _("All cases")))


class WorkListForm(DesignForm):
    """Parse the work list's search, filters, sort and page; an empty form lists the open cases."""

    q = forms.CharField(
        label=_("Search by case number or name"), required=False, max_length=QUERY_MAX_LENGTH, strip=True
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    role = forms.ChoiceField(label=_("My role"), required=False)
    organisation = forms.IntegerField(label=_("Organisation"), required=False, min_value=1, widget=forms.Select)
    state = forms.ChoiceField(label=_("Cases"), required=False, choices=STATE_LABELS)
    overdue = forms.BooleanField(label=_("Only cases with something overdue"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set("phase", [("", _("All phases")), *Phase.choices])
        self._set("role", [("", _("All my roles")), *Role.choices])
        self._set("sort", [(key, SORT_LABELS[key]) for key in SORTS])
        self.fields["organisation"].widget.choices = [("", _("All organisations"))]

    def _set(self, name: str, choices: list[tuple[str, object]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def offer(self, *, roles: list[tuple[str, str]], organisations: list[tuple[int, str]]) -> None:
        """Narrow the role and organisation menus to what the actor's cases hold (after the search)."""
        self._set("role", [("", _("All my roles")), *roles])
        self.fields["organisation"].widget.choices = [("", _("All organisations")), *organisations]

    def query(self) -> WorkQuery:
        """Give the search as the selector takes it (call after ``is_valid``)."""
        d = self.cleaned_data
        return WorkQuery(
            text=d["q"],
            phase=d["phase"],
            role=d["role"],
            overdue=bool(d["overdue"]),
            organisation=d["organisation"],
            state=d["state"] or "open",
            sort=d["sort"] or "newest",
            page=d["page"] or 1,
        )


class WeekForm(DesignForm):
    """Take the day whose week to show."""

    day = forms.DateField(label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
