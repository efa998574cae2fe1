"""Pages of the network map: the map with its table and indicators, ties, contacts, snapshots, the
comparison and the PDF export.

Thin: parse with a form, one service or selector call, render. A refusal is the same 404 as a missing
object (the policy's NotFound).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.core.editing import EditConflict, EditGuard
from utvei.core.forms import add_service_errors
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.core.pdf import RevealingContent, render_pdf
from utvei.network import selectors, services
from utvei.network.forms import (
    CompareForm,
    NodeContactForm,
    NodeEndForm,
    NodeForm,
    SnapshotForm,
)


def _id_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


@requires(Perm.CASE_VIEW)
@require_GET
def map_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show the network map: the drawing, the same content as a table, snapshots and indicators."""
    page = selectors.network_page(actor=request.user, case_id=case_id)
    return render(request, "network/map.html", {"page": page, "case": page.case, "map": page.ecomap})


def _node_form_page(
    request: AuthedRequest,
    form: NodeForm,
    data: selectors.NodeFormData,
    status: int = 200,
    edit: EditGuard | None = None,
) -> HttpResponse:
    context = {"form": form, "case": data.case, "node": data.node, "contacts": data.contacts, "edit": edit}
    if data.node is not None:
        context["contact_form"] = NodeContactForm(initial={"contacted_on": timezone.localdate()})
        context["end_form"] = NodeEndForm(initial={"ended_on": timezone.localdate()})
    return render(request, "network/node_form.html", context, status=status)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def node_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Add a tie to the person's network."""
    data = selectors.node_form_data(actor=request.user, case_id=case_id)
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        consents=data.consents,
        measures=data.measures,
        initial=NodeForm.initial_for(None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.node_create(
                actor=request.user, case_id=data.case.pk, data=form.node_input(), on=form.cleaned_data["assessed_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The tie is added to the network."))
            return redirect("network:map", case_id=data.case.pk)
    return _node_form_page(request, form, data, status=422 if form.errors else 200)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def node_edit_view(request: AuthedRequest, node_id: int) -> HttpResponse:
    """Change a tie; a changed assessment is recorded as the actor's, on the date given."""
    data = selectors.node_get_for_edit(actor=request.user, node_id=node_id)
    assert data.node is not None
    initial = NodeForm.initial_for(data.node)
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        consents=data.consents,
        measures=data.measures,
        initial=initial,
    )
    # The assessment date defaults to today and is no stored value: it is left out of "what changed".
    stored = {name: value for name, value in initial.items() if name != "assessed_on"}
    edit = EditGuard(request, version=data.node.version, values=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_update(
                actor=request.user,
                node_id=node_id,
                data=form.node_input(),
                on=form.cleaned_data["assessed_on"],
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The tie is saved."))
            return redirect("network:map", case_id=data.case.pk)
    return _node_form_page(request, form, data, status=edit.status(form), edit=edit)


@requires(Perm.CASE_VIEW)
@require_http_methods(["POST"])
@idempotent
def node_contact_view(request: AuthedRequest, node_id: int) -> HttpResponse:
    """Record a contact with a tie; without permission (R22) it is refused and nothing is stored."""
    form = NodeContactForm(request.POST)
    valid = form.is_valid()
    contacted_on: date | None = form.cleaned_data["contacted_on"] if valid else None
    try:
        contact = services.node_contact_record(
            actor=request.user,
            node_id=node_id,
            contacted_on=contacted_on,
            purpose=form.cleaned_data.get("purpose", "") if valid else "",
        )
    except ValidationError as exc:
        # A ContactRefused (R22) or bad input: nothing was recorded; the tie's page shows why.
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The contact is recorded."))
        return redirect("network:node_edit", node_id=contact.node_id)
    # Refused or invalid: back to the tie (its page re-checks access), with the reason shown.
    return redirect("network:node_edit", node_id=node_id)


@requires(Perm.CASE_VIEW)
@require_http_methods(["POST"])
@idempotent
def node_end_view(request: AuthedRequest, node_id: int) -> HttpResponse:
    """Mark a tie as no longer part of the network."""
    form = NodeEndForm(request.POST)
    ended_on = form.cleaned_data["ended_on"] if form.is_valid() else None
    try:
        node = services.node_end(actor=request.user, node_id=node_id, on=ended_on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("network:node_edit", node_id=node_id)
    messages.success(request, _("The tie is marked as ended. Earlier snapshots still show it."))
    return redirect("network:map", case_id=node.case_id)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def snapshot_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Take a snapshot of the network (at a plan review, say)."""
    case = selectors.snapshot_form_data(actor=request.user, case_id=case_id)
    form = SnapshotForm(request.POST if request.method == "POST" else None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.snapshot_take(
                actor=request.user, case=case, reason=data["reason"], on=data["taken_on"], note=data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The snapshot is taken."))
            return redirect("network:map", case_id=case.pk)
    return render(
        request, "network/snapshot_new.html", {"form": form, "case": case}, status=422 if form.errors else 200
    )


@requires(Perm.CASE_VIEW)
@require_GET
def snapshot_detail_view(request: AuthedRequest, snapshot_id: int) -> HttpResponse:
    """Show one snapshot: its drawing and its ties as a table."""
    view = selectors.snapshot_get(actor=request.user, snapshot_id=snapshot_id)
    return render(
        request, "network/snapshot_detail.html", {"view": view, "case": view.snapshot.case, "map": view.ecomap}
    )


@requires(Perm.CASE_VIEW)
@require_GET
def compare_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show two snapshots side by side with a plain list of what changed."""
    comparison = selectors.snapshot_compare(
        actor=request.user,
        case_id=case_id,
        first_id=_id_param(request.GET.get("first")),
        second_id=_id_param(request.GET.get("second")),
    )
    initial = {
        "first": comparison.first.snapshot.pk if comparison.first else None,
        "second": comparison.second.snapshot.pk if comparison.second else None,
    }
    form = CompareForm(None, snapshots=comparison.snapshots)
    form.initial = initial
    return render(request, "network/compare.html", {"comparison": comparison, "case": comparison.case, "form": form})


@requires(Perm.CASE_VIEW)
@require_GET
def map_pdf_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Export the network map as a tagged PDF without risk-labelled ties (R23, R27)."""
    export = selectors.network_export(actor=request.user, case_id=case_id)
    language = request.LANGUAGE_CODE
    try:
        pdf = render_pdf(
            "network/map_pdf.html",
            {"export": export, "map": export.ecomap, "printed_on": timezone.localdate()},
            language=language,
            title=_("Network map"),
        )
    except RevealingContent:
        messages.error(
            request,
            _(
                "A label in the map holds a word that would show others what the work is about. "
                "Change the label before exporting."
            ),
        )
        return redirect("network:map", case_id=export.case.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="network-map.pdf"'
    return response
