"""Pages for attachments: the upload form and the download. Thin: one selector or service call each."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.attachments import selectors, services
from utvei.attachments.forms import AttachmentUploadForm
from utvei.attachments.uploads import oversize
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def upload_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Attach a file to the case, one of its conversations or a consent, for an actor who may change it."""
    page = selectors.upload_form_data(actor=request.user, case_id=case_id)
    posted = request.method == "POST"
    form = AttachmentUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        targets=page.targets,
        oversize=oversize(request),
        initial={"target": request.GET.get("to", "case")},
    )
    if posted and form.is_valid():
        try:
            services.attachment_upload(
                actor=request.user,
                case_id=page.case.pk,
                target=form.cleaned_data["target"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("cases:tab", case_id=page.case.pk, tab="attachments")
    return render(
        request,
        "attachments/upload.html",
        {"case": page.case, "form": form, "max_size": settings.ATTACHMENT_MAX_BYTES},
        status=form_status(form),
    )


@requires(Perm.CASE_VIEW)
@require_GET
def download_view(request: AuthedRequest, attachment_id: int) -> HttpResponse:
    """Send one attachment as a download: never shown inline, never sniffed, never cached."""
    found = selectors.attachment_download(actor=request.user, attachment_id=attachment_id)
    if not found.readable:
        response = render(request, "attachments/unreadable.html", status=410)
    else:
        response = HttpResponse(found.data, content_type=found.content_type)
        ascii_name = found.filename.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.filename)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
