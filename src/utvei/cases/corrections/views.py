"""Correction pages: end a team seat with a reason, correct a task, correct the person's contact details.

Thin: parse with a form, one service call, redirect; the record's earlier values are kept by the service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.cases import selectors, services
from utvei.cases.forms import ContactCorrectForm, SeatEndForm, TaskCorrectForm
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


def _page(
    request: AuthedRequest, context: dict[str, object], form: ContactCorrectForm | SeatEndForm | TaskCorrectForm
) -> HttpResponse:
    return render(request, "cases/correction_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def team_end_view(request: AuthedRequest, seat_id: int) -> HttpResponse:
    """End a team seat with a reason; the member loses access from their next request and is told."""
    page = selectors.team_seat_page(actor=request.user, seat_id=seat_id)
    seat = page.seat
    form = SeatEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_end(actor=request.user, seat_id=seat.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The seat has ended. The member no longer has access to the case."))
            return redirect("cases:detail", case_id=seat.case_id)
    context = {
        "form": form,
        "case": page.case,
        "history": page.history,
        "back_url": reverse("cases:team_task", kwargs={"seat_id": seat.pk}),
        "back_label": _("Back to the team seat"),
        "title": _("End the seat of %(name)s") % {"name": seat.user.display_name()},
        "intro": _("%(organisation)s – %(role)s")
        % {"organisation": seat.organisation.name, "role": seat.get_role_display()},
        "submit_label": _("End the seat"),
    }
    return _page(request, context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def task_correct_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    """Correct an open task's text and due date; the earlier version is kept and shown here."""
    page = selectors.task_for_correction(actor=request.user, task_id=task_id)
    form = TaskCorrectForm(
        request.POST if request.method == "POST" else None, initial={"title": page.title, "due_on": page.due_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_correct(actor=request.user, task_id=page.task_id, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task is corrected. What it said before is kept."))
            return redirect("cases:detail", case_id=page.case.pk)
    context = {
        "form": form,
        "case": page.case,
        "history": page.history,
        "back_url": reverse("cases:detail", kwargs={"case_id": page.case.pk}),
        "back_label": _("Back to the case"),
        "title": _("Correct the task"),
        "intro": "",
        "submit_label": _("Save the correction"),
    }
    return _page(request, context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def person_contact_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Correct the person's contact details; the earlier values are kept and shown here."""
    page = selectors.person_contact_for_correction(actor=request.user, case_id=case_id)
    initial = {
        "phone": page.phone,
        "email": page.email,
        "address": page.address or "",
        "language": page.language,
        "interpreter_needed": page.interpreter_needed,
    }
    form = ContactCorrectForm(request.POST if request.method == "POST" else None, initial=initial)
    if page.address is None:
        del form.fields["address"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_correct_contact(
                actor=request.user,
                case_id=page.case.pk,
                phone=data["phone"],
                email=data["email"],
                address=data.get("address") if page.address is not None else None,
                language=data["language"],
                interpreter_needed=data["interpreter_needed"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact details are corrected. What they said before is kept."))
            return redirect("cases:detail", case_id=page.case.pk)
    context = {
        "form": form,
        "case": page.case,
        "history": page.history,
        "back_url": reverse("cases:detail", kwargs={"case_id": page.case.pk}),
        "back_label": _("Back to the case"),
        "title": _("Correct the contact details"),
        "intro": "",
        "submit_label": _("Save the correction"),
    }
    return _page(request, context, form)
