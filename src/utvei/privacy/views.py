"""Pages of the privacy app: the officer's audit search and export, the person's access log and copy.

Thin: parse with a form, one selector or service call, render. The officer's pages need the audit
permission; the person's pages belong to the editors of the person's case (others get the 404 of a
missing case, from the selectors).
"""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.accounts import selectors as account_selectors
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.core.pdf import RevealingContent, render_pdf
from utvei.privacy import selectors, services
from utvei.privacy.forms import (
    AuditSearchForm,
    ErasureDecisionForm,
    ErasureRequestForm,
    ExceptionForm,
    GrantRequestForm,
    GrantReviewForm,
)
from utvei.privacy.models import ErasureStatus


def _search_form(request: AuthedRequest) -> AuditSearchForm:
    return AuditSearchForm(request.GET, organisations=selectors.organisation_choices())


@requires(Perm.AUDIT_READ)
@require_GET
def audit_log_view(request: AuthedRequest) -> HttpResponse:
    """Search the audit log of the officer's controller, in plain words, newest first."""
    form = _search_form(request)
    page = selectors.audit_search(actor=request.user, query=form.query()) if form.is_valid() else None
    params = request.GET.copy()
    params.pop("before", None)
    context = {"form": form, "page": page, "params": params.urlencode()}
    return render(request, "privacy/audit_log.html", context, status=form_status(form))


@requires(Perm.AUDIT_READ)
@require_GET
def audit_export_view(request: AuthedRequest) -> HttpResponse:
    """Hand out the officer's search as a CSV file (audited as EXPORT)."""
    form = _search_form(request)
    if not form.is_valid():
        params = request.GET.copy()
        return render(
            request, "privacy/audit_log.html", {"form": form, "page": None, "params": params.urlencode()}, status=422
        )
    export = selectors.audit_export(actor=request.user, query=form.query())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate().isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Number"),
            _("Time"),
            _("What happened"),
            _("User"),
            _("Organisation"),
            _("Role"),
            _("Outcome"),
            _("Case"),
            _("Person"),
            _("What it showed"),
            _("Grounds"),
        ]
    )
    for line in export.lines:
        writer.writerow(
            [
                line.seq,
                timezone.localtime(line.created_at).isoformat(timespec="seconds"),
                _csv_safe(line.sentence),
                _csv_safe(line.actor_name),
                _csv_safe(line.organisation),
                _csv_safe(line.role),
                line.outcome,
                line.case_reference,
                _csv_safe(line.person_name),
                "; ".join(line.categories),
                "; ".join(line.grounds),
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    # A cell that starts with = + - @ is run as a formula by spreadsheets; a leading quote keeps it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _language(request: AuthedRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "nb"


@requires(Perm.CASE_VIEW)
@require_GET
def access_log_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show the person's access log as the person will read it, with what it holds back and why."""
    page = selectors.access_log_page(actor=request.user, case_id=case_id, language=request.LANGUAGE_CODE)
    may_erase = selectors.erasure_may_file(actor=request.user, case=page.case)
    return render(request, "privacy/access_log.html", {"page": page, "case": page.case, "may_erase": may_erase})


@requires(Perm.CASE_VIEW)
@require_GET
def access_log_pdf_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Hand out the person's access log as a tagged PDF, in Bokmål or English (audited as EXPORT)."""
    language = _language(request)
    page = selectors.access_log_page(actor=request.user, case_id=case_id, language=language, export=True)
    title = "Hvem har sett opplysningene dine" if language == "nb" else "Who has seen your information"
    try:
        document = render_pdf(
            "privacy/access_log_pdf.html",
            {"log": page.log, "printed_on": page.log.printed_on},
            language=language,
            title=title,
        )
    except RevealingContent:
        messages.error(request, _("The document could not be made: it would reveal the nature of the work."))
        return render(request, "privacy/access_log.html", {"page": page, "case": page.case}, status=409)
    response = HttpResponse(document, content_type="application/pdf")
    name = "tilgangslogg" if language == "nb" else "access-log"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def exception_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a lawful exception that holds entries back from the person's log until an end date."""
    case, organisations = selectors.exception_form_data(actor=request.user, case_id=case_id)
    form = ExceptionForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.access_log_exception_record(
                actor=request.user,
                case_id=case.pk,
                organisation_id=data["organisation"],
                reason_code=data["reason_code"],
                reason=data["reason"],
                valid_until=data["valid_until"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The exception is recorded."))
            response = HttpResponseRedirect(reverse("privacy:access_log", kwargs={"case_id": case.pk}))
            response.status_code = 303
            return response
    return render(request, "privacy/exception_form.html", {"form": form, "case": case}, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_GET
def data_copy_json_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Hand out a copy of the person's data as JSON (machine-readable; audited as EXPORT)."""
    copy = selectors.person_data_copy(actor=request.user, case_id=case_id, language=request.LANGUAGE_CODE)
    body = json.dumps(selectors.data_copy_json(copy), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-copy.json"'
    return response


@requires(Perm.CASE_VIEW)
@require_GET
def data_copy_pdf_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Hand out a copy of the person's data as a tagged PDF, in Bokmål or English (audited as EXPORT)."""
    language = _language(request)
    copy = selectors.person_data_copy(actor=request.user, case_id=case_id, language=language)
    title = "Kopi av opplysningene om deg" if language == "nb" else "Copy of your information"
    document = render_pdf(
        "privacy/data_copy_pdf.html",
        {"copy": copy, "printed_on": copy.produced_on},
        language=language,
        title=title,
        faithful_copy=True,
    )
    response = HttpResponse(document, content_type="application/pdf")
    name = "kopi" if language == "nb" else "copy"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def erasure_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """File a request to erase the case's person; the data protection officer decides it."""
    data = selectors.erasure_form_data(actor=request.user, case_id=case_id)
    form = ErasureRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.erasure_request_file(
                actor=request.user,
                case_id=data.case.pk,
                ground=cleaned["ground"],
                archive_assessment=cleaned["archive_assessment"],
                judgement=cleaned["judgement"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The erasure request is filed. The data protection officer decides it."))
            return _see_other(reverse("privacy:erasure_new", kwargs={"case_id": data.case.pk}))
    context = {"form": form, "case": data.case, "requests": data.requests}
    return render(request, "privacy/erasure_form.html", context, status=form_status(form))


@requires(Perm.AUDIT_READ)
@require_GET
def erasure_queue_view(request: AuthedRequest) -> HttpResponse:
    """List the erasure requests for the officer to decide, and those decided lately."""
    queue = selectors.erasure_queue(actor=request.user)
    return render(request, "privacy/erasure_queue.html", {"queue": queue})


@requires(Perm.AUDIT_READ)
@require_http_methods(["GET", "POST"])
@idempotent
def erasure_decide_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    """Show one erasure request and let another officer than the requester approve or reject it."""
    erasure = selectors.erasure_request_get(actor=request.user, request_id=request_id)
    form = ErasureDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.erasure_decide(
                actor=request.user,
                request_id=erasure.pk,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done.status == ErasureStatus.DONE:
                messages.success(request, _("The person is erased and the deletion receipt is written."))
            else:
                messages.success(request, _("The request is rejected. Nothing was erased."))
            return _see_other(reverse("privacy:erasure_queue"))
    context = {"form": form, "erasure": erasure, "own": erasure.requested_by_id == request.user.pk}
    return render(request, "privacy/erasure_decide.html", context, status=form_status(form))


# --- break-glass -------------------------------------------------------------------------------------------


def _reauth_url() -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': reverse('privacy:emergency')})}"


@requires(Perm.CASE_CREATE)
@require_http_methods(["GET", "POST"])
@idempotent
def emergency_view(request: AuthedRequest) -> HttpResponse:
    """Ask for time-limited, read-only access to a case of one's organisation without a seat on it.

    The same answer for a reference that names no case and one outside what the user may ask for.
    """
    reauthenticated_at = account_selectors.reauthenticated_at(session=request.session)
    fresh = reauthenticated_at is not None and timezone.now() - reauthenticated_at <= services.REAUTH_WINDOW
    form = GrantRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.access_grant_request(
                actor=request.user,
                case_reference=data["case_reference"],
                reason_code=data["reason_code"],
                reason=data["reason"],
                hours=data["hours"],
                reauthenticated_at=reauthenticated_at,
            )
        except services.ReauthRequired:
            return _see_other(_reauth_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Emergency access is open. It ends by itself; end it as soon as you are done."))
            return _see_other(reverse("cases:detail", kwargs={"case_id": grant.case_id}))
    context = {
        "form": form,
        "fresh": fresh,
        "reauth_url": _reauth_url(),
        "grants": selectors.own_live_grants(actor=request.user),
    }
    return render(request, "privacy/emergency.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_POST
def emergency_end_view(request: AuthedRequest, grant_id: int) -> HttpResponse:
    """End one's own emergency access before it expires."""
    services.access_grant_end(actor=request.user, grant_id=grant_id)
    messages.success(request, _("Emergency access is ended."))
    return _see_other(reverse("privacy:emergency"))


GRANT_FILTERS = ("unreviewed", "reviewed", "all")


@requires(Perm.AUDIT_READ)
@require_GET
def grant_queue_view(request: AuthedRequest) -> HttpResponse:
    """List emergency accesses to the organisation's cases for review, unreviewed first by default."""
    state = request.GET.get("state", "unreviewed")
    if state not in GRANT_FILTERS:
        state = "unreviewed"
    lines = selectors.grant_queue(actor=request.user, state=state)
    filters = [
        ("unreviewed", _("Not reviewed")),
        ("reviewed", _("Reviewed")),
        ("all", _("All")),
    ]
    return render(request, "privacy/grant_queue.html", {"lines": lines, "state": state, "filters": filters})


@requires(Perm.AUDIT_READ)
@require_http_methods(["GET", "POST"])
@idempotent
def grant_review_view(request: AuthedRequest, grant_id: int) -> HttpResponse:
    """Review one emergency access: mark it reviewed with a note, or raise a deviation (avvik)."""
    line = selectors.grant_for_review(actor=request.user, grant_id=grant_id)
    form = GrantReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_grant_review(
                actor=request.user,
                grant_id=grant_id,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review is recorded."))
            return _see_other(reverse("privacy:grant_queue"))
    return render(request, "privacy/grant_review.html", {"line": line, "form": form}, status=form_status(form))
