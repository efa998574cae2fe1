"""Pages for the mentor register, mentor assignments, the mentor's own pages and restorative processes.

Thin: parse with a form, one service or selector call, render. Object checks live in the services and
selectors (a refusal is the same 404 as a missing object).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.mentoring import selectors, services
from utvei.mentoring.forms import (
    AssignmentEndForm,
    AssignmentForm,
    LogEntryForm,
    MentorForm,
    RestorativeReferralForm,
    RestorativeStatusForm,
)


@requires(Perm.MENTOR_REGISTER)
@require_GET
def mentor_list_view(request: AuthedRequest) -> HttpResponse:
    """Show the mentor register of the user's organisations."""
    return render(request, "mentoring/mentor_list.html", {"mentors": selectors.mentor_list(actor=request.user)})


@requires(Perm.MENTOR_REGISTER)
@require_http_methods(["GET", "POST"])
@idempotent
def mentor_new_view(request: AuthedRequest) -> HttpResponse:
    """Add a mentor to the register."""
    organisation, candidates = selectors.mentor_candidates(actor=request.user)
    form = MentorForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_create(
                actor=request.user,
                user=form.chosen_user(),
                name=data["name"],
                contact=data["contact"],
                scheme=data["scheme"],
                training=data["training"],
                trained_on=data["trained_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The mentor is added to the register."))
            return redirect("mentoring:mentor_list")
    context = {"form": form, "organisation": organisation}
    return render(request, "mentoring/mentor_form.html", context, status=form_status(form))


@requires(Perm.MENTOR_REGISTER)
@require_http_methods(["GET", "POST"])
def mentor_edit_view(request: AuthedRequest, mentor_id: int) -> HttpResponse:
    """Change a register entry: contact, scheme, training, active or not."""
    mentor = selectors.mentor_for_update(actor=request.user, mentor_id=mentor_id)
    initial: dict[str, object] = {
        "name": mentor.name,
        "contact": mentor.contact,
        "scheme": mentor.scheme,
        "training": mentor.training,
        "trained_on": mentor.trained_on,
        "is_active": mentor.is_active,
    }
    form = MentorForm(request.POST if request.method == "POST" else None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_update(
                actor=request.user,
                mentor_id=mentor.pk,
                name=data["name"],
                contact=data["contact"],
                scheme=data["scheme"],
                training=data["training"],
                trained_on=data["trained_on"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The register entry is saved."))
            return redirect("mentoring:mentor_list")
    context = {"form": form, "mentor": mentor, "organisation": mentor.organisation}
    return render(request, "mentoring/mentor_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def assignment_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Match a mentor to the case's person with the agreement (editors of the case)."""
    case, mentors, measures = selectors.assignment_form_data(actor=request.user, case_id=case_id)
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        mentors=mentors,
        measures=measures,
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                actor=request.user,
                case_id=case.pk,
                mentor_id=data["mentor"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                frequency=data["frequency"],
                share_contact=data["share_contact"],
                share_goals=data["share_goals"],
                share_measures=data["share_measures"],
                measure_id=data.get("measure"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The mentor is assigned."))
            return redirect("mentoring:assignment_detail", assignment_id=assignment.pk)
    context = {"case": case, "form": form, "has_mentors": bool(mentors)}
    return render(request, "mentoring/assignment_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_GET
def assignment_detail_view(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    """Show a mentor assignment, its agreement and the log as far as the user may see it."""
    detail = selectors.assignment_get(actor=request.user, assignment_id=assignment_id)
    return render(request, "mentoring/assignment_detail.html", {"d": detail, "case": detail.assignment.case})


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def assignment_end_view(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    """End a mentor assignment (editors of the case)."""
    assignment = selectors.assignment_for_update(actor=request.user, assignment_id=assignment_id)
    form = AssignmentEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(actor=request.user, assignment_id=assignment.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The mentor assignment has ended."))
            return redirect("cases:tab", case_id=assignment.case_id, tab="plan")
    context = {"assignment": assignment, "case": assignment.case, "form": form}
    return render(request, "mentoring/assignment_end.html", context, status=form_status(form))


@requires(Perm.MENTEES)
@require_http_methods(["GET", "POST"])
@idempotent
def log_new_view(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    """Let the mentor record a meeting at a coarse level."""
    assignment = selectors.assignment_for_log(actor=request.user, assignment_id=assignment_id)
    form = LogEntryForm(request.POST if request.method == "POST" else None, initial={"met_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.log_entry_record(
                actor=request.user,
                assignment_id=assignment.pk,
                met_on=data["met_on"],
                duration=data["duration"],
                activity=data["activity"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting is logged."))
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("mentoring:mentee", assignment_id=assignment.pk)
    context = {"assignment": assignment, "form": form}
    return render(request, "mentoring/log_form.html", context, status=form_status(form))


@requires(Perm.MENTEES)
@require_GET
def my_mentees_view(request: AuthedRequest) -> HttpResponse:
    """List the persons the user is mentor for."""
    return render(request, "mentoring/my_mentees.html", {"assignments": selectors.my_mentees(actor=request.user)})


@requires(Perm.MENTEES)
@require_GET
def mentee_view(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    """Show the mentor exactly the parts the person agreed to (R26)."""
    return render(
        request, "mentoring/mentee.html", {"v": selectors.mentee_get(actor=request.user, assignment_id=assignment_id)}
    )


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def restorative_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Refer the case to the konfliktråd with the consent of all parties (R25)."""
    case, measures = selectors.restorative_form_data(actor=request.user, case_id=case_id)
    today = timezone.localdate()
    form = RestorativeReferralForm(
        request.POST if request.method == "POST" else None,
        measures=measures,
        initial={"referred_on": today, "consent_recorded_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.restorative_refer(
                actor=request.user,
                case_id=case.pk,
                referred_on=data["referred_on"],
                konfliktraad=data["konfliktraad"],
                person_consented=data["person_consented"],
                parties_consented=data["parties_consented"],
                guardians_consented=data["guardians_consented"],
                consent_recorded_on=data["consent_recorded_on"],
                measure_id=data.get("measure"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The referral to the konfliktråd is recorded."))
            return redirect("cases:tab", case_id=case.pk, tab="plan")
    context = {"case": case, "form": form, "is_minor": case.person.is_minor}
    return render(request, "mentoring/restorative_form.html", context, status=form_status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def restorative_status_view(request: AuthedRequest, referral_id: int) -> HttpResponse:
    """Record the status of a restorative process: never the content of the meeting."""
    referral = selectors.restorative_for_update(actor=request.user, referral_id=referral_id)
    form = RestorativeStatusForm(
        request.POST if request.method == "POST" else None, initial={"status_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.restorative_set_status(
                actor=request.user,
                referral_id=referral.pk,
                status=data["status"],
                status_on=data["status_on"],
                not_held_reason=data["not_held_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status of the restorative process is saved."))
            return redirect("cases:tab", case_id=referral.case_id, tab="plan")
    context = {"referral": referral, "case": referral.case, "form": form}
    return render(request, "mentoring/restorative_status.html", context, status=form_status(form))
