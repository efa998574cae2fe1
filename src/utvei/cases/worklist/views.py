"""The work list pages. Thin: parse with a form, call the selectors, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.cases import selectors as case_selectors
from utvei.cases.worklist import selectors
from utvei.cases.worklist.forms import WeekForm, WorkListForm
from utvei.core.forms import form_status
from utvei.core.http import AuthedRequest


@requires(Perm.CASE_VIEW)
@require_GET
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    """Show the user's work list: their tasks, the planned contacts, and their cases searched and paged."""
    form = WorkListForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        page = None
    else:
        page = selectors.work_list(actor=request.user, query=form.query() if form.is_bound else selectors.WorkQuery())
        form.offer(roles=page.roles, organisations=page.organisations)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "board": case_selectors.dashboard(actor=request.user),
        "upcoming": selectors.upcoming_contacts(actor=request.user),
    }
    return render(request, "cases/dashboard.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_GET
def week_view(request: AuthedRequest) -> HttpResponse:
    """Show one week of the user's planned contacts, with the person's name and the day."""
    form = WeekForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() else None
    week = selectors.week(actor=request.user, day=day)
    return render(request, "cases/week.html", {"form": form, "week": week}, status=form_status(form))
