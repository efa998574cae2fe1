"""Pages of the individual plan: the wish, the plan, its parts, meetings, history and the PDF.

Thin: parse with a form, one service or selector call, render. The services and selectors check the
policy (a refusal is the same 404 as a missing object) and audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.access.policy import NotFound
from utvei.core.editing import EditConflict, EditGuard
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.core.pdf import RevealingContent
from utvei.plans import selectors, services
from utvei.plans.forms import (
    DecisionForm,
    DomainForm,
    GoalEditForm,
    GoalForm,
    MeasureForm,
    MeetingForm,
    ParticipantForm,
    PlanForm,
    ReviewForm,
    WishForm,
    WithdrawForm,
    measure_initial,
)
from utvei.plans.models import Meeting, WishGiver


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def wish_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record the person's wish for an individual plan (R06)."""
    case, current, _has_wish = selectors.wish_form_data(actor=request.user, case_id=case_id)
    minor = case.person.is_minor
    initial = {"expressed_on": timezone.localdate(), "given_by": WishGiver.GUARDIANS if minor else WishGiver.PERSON}
    form = WishForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.wish_record(
                actor=request.user,
                case_id=case.pk,
                given_by=data["given_by"],
                expressed_on=data["expressed_on"],
                persons_words=data["persons_words"],
                guardians_view=data["guardians_view"],
                childs_view=data["childs_view"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The wish for a plan is recorded."))
            return redirect("plans:start", case_id=case.pk)
    context = {"case": case, "form": form, "minor": minor, "current": current}
    return render(request, "plans/wish_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def plan_start_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Start the person's plan, or offer the existing one instead (R06, R07)."""
    case, current, has_wish = selectors.wish_form_data(actor=request.user, case_id=case_id)
    error = ""
    if request.method == "POST":
        try:
            plan = services.plan_create(actor=request.user, case_id=case.pk)
        except services.PlanAlreadyExists as exc:
            current = exc.plan
            error = exc.messages[0]
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The plan is started. Fill in its parts, then make it active."))
            return redirect("plans:detail", plan_id=plan.pk)
    context = {"case": case, "current": current, "error": error, "has_wish": has_wish}
    return render(request, "plans/plan_start.html", context, status=422 if error else 200)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def wish_withdraw_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Record that the person withdrew the wish; the plan ends and is kept read-only."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = WithdrawForm(
        request.POST if request.method == "POST" else None, initial={"withdrawn_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_withdraw(
                actor=request.user, wish_id=data.plan.wish_id, withdrawn_on=form.cleaned_data["withdrawn_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The wish is withdrawn. The plan has ended and is kept, read-only."))
            return redirect("plans:detail", plan_id=plan_id)
    return render(request, "plans/withdraw_form.html", {"plan": data.plan, "form": form}, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_GET
def plan_detail_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Show the plan and what it still lacks before it can become active (R08)."""
    page = selectors.plan_get(actor=request.user, plan_id=plan_id)
    return render(request, "plans/plan_detail.html", {"page": page, "plan": page.plan, "case": page.plan.case})


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def plan_edit_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Set the plan's coordinator (R10), period, cooperation and consents."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    plan = data.plan
    initial = {
        "coordinator": plan.coordinator_id,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "cooperation": plan.cooperation,
        "consents_note": plan.consents_note,
    }
    form = PlanForm(request.POST if request.method == "POST" else None, coordinators=data.coordinators, initial=initial)
    edit = EditGuard(request, version=plan.version, values=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.plan_update(
                actor=request.user,
                plan_id=plan.pk,
                coordinator=form.coordinator_user(),
                period_start=values["period_start"],
                period_end=values["period_end"],
                cooperation=values["cooperation"],
                consents_note=values["consents_note"],
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("plans:detail", plan_id=plan.pk)
    context = {"plan": plan, "form": form, "edit": edit}
    return render(request, "plans/plan_form.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def goal_new_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Add one of the person's goals, in their own words."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(
                actor=request.user, plan_id=plan_id, text=form.cleaned_data["text"], domain=form.cleaned_data["domain"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The goal is added."))
            return redirect("plans:detail", plan_id=plan_id)
    context = {"plan": data.plan, "form": form, "heading": _("Add a goal")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def goal_edit_view(request: AuthedRequest, goal_id: int) -> HttpResponse:
    """Change a goal's words, domain or status."""
    goal = selectors.goal_form_data(actor=request.user, goal_id=goal_id)
    initial = {"text": goal.text, "domain": goal.domain, "status": goal.status}
    form = GoalEditForm(request.POST if request.method == "POST" else None, initial=initial)
    edit = EditGuard(request, version=goal.version, values=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.goal_update(
                actor=request.user,
                goal_id=goal.pk,
                text=values["text"],
                domain=values["domain"],
                status=values["status"],
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("plans:detail", plan_id=goal.plan_id)
    context = {"plan": goal.plan, "form": form, "heading": _("Change a goal"), "edit": edit}
    return render(request, "plans/item_form.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def domain_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Write the person's resources and needs in one life domain."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.domain_save(
                actor=request.user,
                plan_id=plan_id,
                domain=values["domain"],
                resources=values["resources"],
                needs=values["needs"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Resources and needs are saved."))
            return redirect("plans:detail", plan_id=plan_id)
    context = {"plan": data.plan, "form": form, "heading": _("Resources and needs")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def participant_new_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Add a participating service with its legal basis and responsibility."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        organisations=data.organisations,
        references=data.references,
        language=request.LANGUAGE_CODE,
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        organisation = form.organisation_object()
        if organisation is None:
            form.add_error("organisation", _("Choose a service."))
        else:
            try:
                services.participant_add(
                    actor=request.user,
                    plan_id=plan_id,
                    organisation=organisation,
                    legal_reference_id=int(values["legal_reference"]),
                    responsibility=values["responsibility"],
                    contact_name=values["contact_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The service is added to the plan."))
                return redirect("plans:detail", plan_id=plan_id)
    context = {"plan": data.plan, "form": form, "heading": _("Add a participating service")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


def _measure_values(form: MeasureForm) -> dict[str, object]:
    values = form.cleaned_data
    return {
        "kind": values["kind"],
        "title": values["title"],
        "provider_organisation": form.provider(),
        "responsible_user": form.responsible(),
        "responsible_name": values["responsible_name"],
        "start_on": values["start_on"],
        "end_on": values["end_on"],
        "status": values["status"],
        "goal_id": form.goal_id(),
        "outcome": values["outcome"],
        "decision_reference": values["decision_reference"],
        "decision_date": values["decision_date"],
    }


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def measure_new_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Add a measure linked to a goal (R24)."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        goals=data.goals,
        organisations=data.organisations,
        team=data.team,
        initial={"start_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_create(actor=request.user, plan_id=plan_id, **_measure_values(form))  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The measure is added."))
            return redirect("plans:detail", plan_id=plan_id)
    context = {"plan": data.plan, "form": form, "heading": _("Add a measure")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def measure_edit_view(request: AuthedRequest, measure_id: int) -> HttpResponse:
    """Change a measure, its status and outcome."""
    measure, data = selectors.measure_form_data(actor=request.user, measure_id=measure_id)
    initial = measure_initial(measure)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        goals=data.goals,
        organisations=data.organisations,
        team=data.team,
        initial=initial,
    )
    edit = EditGuard(request, version=measure.version, values=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                actor=request.user,
                measure_id=measure.pk,
                expected_version=edit.posted_version,
                **_measure_values(form),  # type: ignore[arg-type]
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The measure is saved."))
            return redirect("plans:detail", plan_id=data.plan.pk)
    context = {"plan": data.plan, "form": form, "heading": _("Change a measure"), "edit": edit}
    return render(request, "plans/item_form.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def review_new_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Set a review date; the coordinator gets a task for it (R09)."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_add(actor=request.user, plan_id=plan_id, due_on=form.cleaned_data["due_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review date is set and the coordinator has a task for it."))
            return redirect("plans:detail", plan_id=plan_id)
    context = {"plan": data.plan, "form": form, "heading": _("Set a review date")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_POST
def plan_activate_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Make the plan active, or say what is still missing (R08)."""
    try:
        services.plan_activate(actor=request.user, plan_id=plan_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is active."))
    return redirect("plans:detail", plan_id=plan_id)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def meeting_new_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Record a team meeting; a review meeting completes the review task (R09)."""
    data = selectors.plan_form_data(actor=request.user, plan_id=plan_id)
    form = MeetingForm(request.POST if request.method == "POST" else None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            meeting = services.meeting_record(
                actor=request.user,
                plan_id=plan_id,
                held_on=values["held_on"],
                is_review=values["is_review"],
                agenda=values["agenda"],
                attendance=values["attendance"],
                minutes=values["minutes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting is recorded. Add its decisions below."))
            return redirect("plans:meeting", meeting_id=meeting.pk)
    context = {"plan": data.plan, "form": form, "heading": _("Record a team meeting")}
    return render(request, "plans/item_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def meeting_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Show a team meeting and take its decisions, which become new or changed measures."""
    meeting, decisions, can_edit = selectors.meeting_get(actor=request.user, meeting_id=meeting_id)
    form = None
    if can_edit:
        data = selectors.plan_form_data(actor=request.user, plan_id=meeting.plan_id)
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            team=data.team,
            measures=data.measures,
            organisations=data.organisations,
            goals=data.goals,
        )
    elif request.method == "POST":
        raise NotFound(Meeting._meta.label, meeting_id)
    if request.method == "POST" and form is not None and form.is_valid():
        values = form.cleaned_data
        try:
            services.decision_record(
                actor=request.user,
                meeting_id=meeting.pk,
                text=values["text"],
                owner=form.owner_user(),
                deadline=values["deadline"],
                measure_id=form.measure_id(),
                kind=values["kind"],
                title=values["title"],
                provider_organisation=form.provider(),
                goal_id=form.goal_id(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded and the plan is updated."))
            return redirect("plans:meeting", meeting_id=meeting.pk)
    context = {"meeting": meeting, "plan": meeting.plan, "decisions": decisions, "form": form}
    return render(request, "plans/meeting_detail.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_GET
def plan_history_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Show who changed what in the plan, field by field."""
    plan, rows = selectors.plan_history(actor=request.user, plan_id=plan_id)
    return render(request, "plans/plan_history.html", {"plan": plan, "rows": rows})


@requires(Perm.CASE_VIEW)
@require_GET
def plan_pdf_view(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Download the plan as a PDF for the person (Norwegian, or English by choice)."""
    language = "en" if request.GET.get("language") == "en" else "nb"
    try:
        plan, document = selectors.plan_pdf(actor=request.user, plan_id=plan_id, language=language)
    except RevealingContent as exc:
        messages.error(
            request,
            _("The PDF was not made, because the plan's text holds words that reveal the work: %s. Change them first.")
            % ", ".join(exc.words),
        )
        return redirect("plans:detail", plan_id=plan_id)
    response = HttpResponse(document, content_type="application/pdf")
    name = "individual-plan" if language == "en" else "individuell-plan"
    response["Content-Disposition"] = f'attachment; filename="{name}-{plan.pk}.pdf"'
    return response
