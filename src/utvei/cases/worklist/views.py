"""The work list pages. Thin: parse with a form, call the selectors, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import public, requires
from utvei.access.permissions import Perm
from utvei.access.policy import NotFound
from utvei.cases import selectors as case_selectors
from utvei.cases.worklist import selectors, services
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


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def calendar_view(request: AuthedRequest) -> HttpResponse:
    """Make, replace or revoke the user's secret calendar address; a new address is shown once."""
    address = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user)
            messages.success(request, _("The calendar address is revoked. It no longer works."))
            return redirect("cases:calendar")
        token = services.calendar_feed_create(actor=request.user)
        address = request.build_absolute_uri(reverse("cases:calendar_feed", kwargs={"token": token}))
    context = {"address": address, "has_feed": bool(address) or selectors.calendar_feed_exists(actor=request.user)}
    return render(request, "cases/calendar.html", context)


@public
@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """Give the calendar feed of the address's owner: all-day events with no name, number or content."""
    try:
        events = selectors.calendar_feed(token_hash=services.token_hash(token))
    except NotFound as exc:
        raise Http404 from exc
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Utvei//Kalender//NB", "CALSCALE:GREGORIAN"]
    lines.append("X-WR-CALNAME:Utvei")
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}@utvei",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_('Agreed contact (Utvei)')}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
