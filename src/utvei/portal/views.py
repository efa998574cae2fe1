"""Pages of the person's portal (``/min/``) and the coordinators' page of what the person sent.

Thin: parse with a form, one service or selector call, render. Person pages run with the portal
session's person actor (:func:`person_view`); the services and selectors check the engine and audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from utvei.access.decorators import public, requires
from utvei.access.permissions import Perm
from utvei.access.persons import PersonActor
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.portal import selectors, services
from utvei.portal.decorators import issue_token, once, person_view
from utvei.portal.forms import BlockForm, DecisionForm, MessageForm, NoticeForm
from utvei.portal.sessions import end_person_session, portal_actor

# The ID-porten login is started by the OIDC app; this path is its fixed address in the shared contract.
IDPORTEN_START = "/oidc/idporten/start/"


def _idporten_start() -> str:
    try:
        return reverse("oidc:idporten_start")
    except NoReverseMatch:
        return IDPORTEN_START


@public
@require_GET
def login_view(request: HttpRequest) -> HttpResponse:
    """Offer the person the ID-porten login (a person already logged in goes to their page)."""
    if portal_actor(request) is not None:
        return redirect("portal:home")
    return render(request, "portal/login.html", {"start_url": _idporten_start()})


@person_view
@require_POST
def logout_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """End the portal session."""
    end_person_session(request)
    response = redirect("portal:login")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@person_view
@require_GET
def home_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Show the person's front page: the next meeting and what is new."""
    return render(request, "portal/home.html", {"page": selectors.home_page(actor=actor), "section": "home"})


def _plan(request: HttpRequest, actor: PersonActor, form: MessageForm | None, goal_id: int | None) -> HttpResponse:
    page = selectors.plan_page(actor=actor)
    context = {"page": page, "form": form, "form_goal": goal_id, "token": issue_token(request), "section": "plan"}
    return render(request, "portal/plan.html", context, status=form_status(form))


@person_view
@require_GET
def plan_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Show the person's plan: goals in their own words, measures with who is responsible, next meeting."""
    return _plan(request, actor, None, None)


@person_view
@require_POST
@once
def goal_message_view(request: HttpRequest, actor: PersonActor, goal_id: int) -> HttpResponse:
    """Send a comment on a goal, or a request to change it, to the coordinator."""
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                actor=actor, goal_id=goal_id, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your message was sent to your coordinator."))
            return redirect("portal:plan")
    return _plan(request, actor, form, goal_id)


@person_view
@require_GET
def consents_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Show the person's consents in force, each with a way to withdraw it."""
    lines = selectors.consent_lines(actor=actor)
    return render(request, "portal/consents.html", {"lines": lines, "section": "consents"})


@person_view
@require_POST
def consent_withdraw_view(request: HttpRequest, actor: PersonActor, consent_id: int) -> HttpResponse:
    """Withdraw one of the person's consents at once (withdrawing twice changes nothing)."""
    services.person_consent_withdraw(actor=actor, consent_id=consent_id)
    messages.success(request, _("The consent is withdrawn. It no longer applies from now on."))
    return redirect("portal:consents")


@person_view
@require_GET
def log_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Show who opened the person's information, and who received it."""
    page = selectors.log_page(actor=actor, language=get_language() or "nb")
    return render(request, "portal/log.html", {"page": page, "section": "log"})


@person_view
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Let the person choose to be told when someone outside the follow-up team opens their case."""
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            services.notice_setting_set(actor=actor, notify_outside_team=form.cleaned_data["notify_outside_team"])
            messages.success(request, _("Your choice is saved."))
            return redirect("portal:home")
    page = selectors.home_page(actor=actor)
    form = NoticeForm(initial={"notify_outside_team": page.notify_outside_team})
    return render(request, "portal/settings.html", {"form": form, "section": "settings"})


@person_view
@require_http_methods(["GET", "POST"])
@once
def requests_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Let the person ask for a staff member to be blocked from their case, and see the outcomes."""
    page = selectors.requests_page(actor=actor)
    form = BlockForm(request.POST if request.method == "POST" else None, team=page.team)
    if request.method == "POST" and form.is_valid() and page.case_id is not None:
        try:
            services.block_request(
                actor=actor, case_id=page.case_id, user_id=form.cleaned_data["user"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request was sent to your coordinator, who will decide."))
            return redirect("portal:requests")
    context = {"page": page, "form": form, "token": issue_token(request), "section": "requests"}
    return render(request, "portal/requests.html", context, status=form_status(form))


@person_view
@require_GET
def network_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Show the person's network: the ties in force, never the ones assessed as a risk."""
    ties = selectors.network_lines(actor=actor)
    return render(request, "portal/network.html", {"ties": ties, "section": "network"})


@person_view
@require_GET
def pdf_view(request: HttpRequest, actor: PersonActor) -> HttpResponse:
    """Give the person everything the portal shows, as one PDF to download."""
    document = selectors.portal_pdf(actor=actor, language=get_language() or "nb")
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="utvei-min-side.pdf"'
    return response


# --- staff: what the person sent -----------------------------------------------------------------------


def _from_person(
    request: AuthedRequest, case_id: int, failed: DecisionForm | None = None, failed_id: int | None = None
) -> HttpResponse:
    page = selectors.from_person_page(actor=request.user, case_id=case_id)
    context = {"page": page, "failed": failed, "failed_id": failed_id}
    return render(request, "portal/from_person.html", context, status=form_status(failed))


@requires(Perm.CASE_VIEW)
@require_GET
def from_person_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show the case's workers what the person sent: comments on goals and block requests."""
    return _from_person(request, case_id)


@requires(Perm.CASE_VIEW)
@require_POST
@idempotent
def block_decide_view(request: AuthedRequest, case_id: int, request_id: int) -> HttpResponse:
    """Record a coordinator's decision on a block request, with the reason."""
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.block_decide(
                actor=request.user,
                request_id=request_id,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["decision_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("portal_staff:from_person", case_id=case_id)
    return _from_person(request, case_id, form, request_id)
