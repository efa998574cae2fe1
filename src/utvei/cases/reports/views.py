"""The page of one report of serious concern. Thin: one selector or service call, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.access.policy import NotFound
from utvei.cases import services
from utvei.cases.reports import selectors
from utvei.cases.reports.forms import ReceiptForm
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def report_view(request: AuthedRequest, escalation_id: int) -> HttpResponse:
    """Show a report of serious concern with its answers; the police contact records the outcome here."""
    page = selectors.report_get(actor=request.user, escalation_id=escalation_id)
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not page.can_answer:
            raise NotFound("cases.Escalation", escalation_id)
        if form.is_valid():
            try:
                services.escalation_receipt_record(
                    actor=request.user,
                    escalation_id=page.pk,
                    outcome=form.cleaned_data["outcome"],
                    police_reference=form.cleaned_data["police_reference"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The outcome is recorded."))
                return redirect("cases:report", escalation_id=page.pk)
    return render(request, "cases/report_detail.html", {"page": page, "form": form}, status=form_status(form))
