"""Pages for first contact: the contact plan, conversations, consultations and the method catalogue.

Thin: parse with a form, one service or selector call, render. Writes need UPDATE on the case, which the
services and selectors enforce (a refusal is the same 404 as a missing case).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.cases import rules as case_rules
from utvei.contacts import rules, selectors, services
from utvei.contacts.forms import ConsultationRecordForm, ContactPlanForm, ConversationRecordForm
from utvei.core.editing import EditConflict, EditGuard
from utvei.core.forms import add_service_errors
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


def _draft_key(case_id: int) -> str:
    return f"conversation-new-{case_id}"


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def contact_plan_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Create or edit the case's contact plan (R35) for an actor who may change the case."""
    case, plan, team = selectors.contact_plan_form_data(actor=request.user, case_id=case_id)
    # Every field, empty when there is no plan yet, so a conflict can say what a plan made meanwhile holds.
    initial: dict[str, object] = {
        "initiator": request.user.pk,
        "method": "",
        "attendees": "",
        "interpreter_needed": False,
        "interpreter_language": "",
        "checklist": [],
        "preparation_notes": "",
        "planned_on": None,
    }
    if plan is not None:
        initial = {
            "initiator": plan.initiator_id,
            "method": plan.method,
            "attendees": plan.attendees,
            "interpreter_needed": plan.interpreter_needed,
            "interpreter_language": plan.interpreter_language,
            "checklist": plan.checklist,
            "preparation_notes": plan.preparation_notes,
            "planned_on": plan.planned_on,
        }
    form = ContactPlanForm(request.POST if request.method == "POST" else None, team=team, initial=initial)
    # Version 0 stands for "no plan yet": a plan first made by someone else meanwhile is a conflict too.
    edit = EditGuard(request, version=plan.version if plan is not None else 0, values=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_plan_save(
                actor=request.user,
                case_id=case.pk,
                initiator=form.initiator_user(),
                method=data["method"],
                attendees=data["attendees"],
                interpreter_needed=data["interpreter_needed"],
                interpreter_language=data["interpreter_language"],
                checklist=data["checklist"],
                preparation_notes=data["preparation_notes"],
                planned_on=data["planned_on"],
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact plan is saved."))
            return redirect("cases:tab", case_id=case.pk, tab="conversations")
    context = {"case": case, "plan": plan, "form": form, "is_minor": case.person.is_minor, "edit": edit}
    return render(request, "contacts/contact_plan_form.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def conversation_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a conversation; after the first one it asks for the consultation (R05)."""
    case, methods, has_conversations = selectors.conversation_form_data(actor=request.user, case_id=case_id)
    form = ConversationRecordForm(
        request.POST if request.method == "POST" else None,
        methods=methods,
        language=request.LANGUAGE_CODE,
        initial={"held_on": timezone.localdate(), "draft_key": _draft_key(case.pk)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.conversation_record(
                actor=request.user,
                case_id=case.pk,
                held_on=data["held_on"],
                form=data["form"],
                participants=data["participants"],
                method=form.method_object(),
                notes=data["notes"],
                persons_own_words=data["persons_own_words"],
                told_mandate=data["told_mandate"],
                told_confidentiality=data["told_confidentiality"],
                told_reporting_duty=data["told_reporting_duty"],
                next_steps=data["next_steps"],
                next_contact_on=data["next_contact_on"],
                draft_key=data["draft_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The conversation is recorded."))
            triggers = case_rules.duty_trigger_matches(
                " ".join([data["notes"], data["persons_own_words"], data["next_steps"]])
            )
            if triggers:
                messages.warning(request, case_rules.duty_trigger_guidance(triggers))
            for warning in rules.first_conversation_warnings(
                is_first=conversation.is_first_of_case,
                told_mandate=conversation.told_mandate,
                told_confidentiality=conversation.told_confidentiality,
                told_reporting_duty=conversation.told_reporting_duty,
            ):
                messages.warning(request, warning)
            if conversation.is_first_of_case:
                messages.info(
                    request,
                    _(
                        "This was the first conversation. Discuss the next steps with your supervisor or a "
                        "partner agency, and record the consultation below. Without consent, make it anonymised."
                    ),
                )
                url = reverse("contacts:consultation_new", kwargs={"case_id": case.pk})
                return redirect(f"{url}?{urlencode({'conversation': conversation.pk})}")
            return redirect("cases:tab", case_id=case.pk, tab="conversations")
    context = {
        "case": case,
        "form": form,
        "methods": methods,
        "has_conversations": has_conversations,
        "draft_key": _draft_key(case.pk),
    }
    return render(request, "contacts/conversation_new.html", context, status=422 if form.errors else 200)


@requires(Perm.CASE_VIEW)
@require_GET
def conversation_detail_view(request: AuthedRequest, conversation_id: int) -> HttpResponse:
    """Show one conversation the user may see, with the first-conversation warning (R35/utveier)."""
    conversation = selectors.conversation_get(actor=request.user, conversation_id=conversation_id)
    warnings = rules.first_conversation_warnings(
        is_first=conversation.is_first_of_case,
        told_mandate=conversation.told_mandate,
        told_confidentiality=conversation.told_confidentiality,
        told_reporting_duty=conversation.told_reporting_duty,
    )
    context = {"conversation": conversation, "case": conversation.case, "warnings": warnings}
    return render(request, "contacts/conversation_detail.html", context)


def _conversation_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def consultation_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a consultation after a conversation (R05), anonymised when there is no consent.

    "Preview" shows the summary as it would be stored, without saving.
    """
    case, conversations, guardian_names = selectors.consultation_form_data(actor=request.user, case_id=case_id)
    chosen = _conversation_param(request.GET.get("conversation"))
    initial: dict[str, object] = {"held_on": timezone.localdate()}
    if chosen in {c.pk for c in conversations}:
        initial["conversation"] = chosen
    form = ConsultationRecordForm(
        request.POST if request.method == "POST" else None, conversations=conversations, initial=initial
    )
    preview: list[tuple[str, str]] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            # Every free text, as the service will store it: anonymised ones with the identifying data removed.
            preview = []
            for name in ("consulted_organisation", "summary", "decision"):
                text = data[name].strip()
                if data["anonymised"]:
                    text = rules.anonymise(text, case.person, extra_names=guardian_names)
                if text:
                    preview.append((str(form.fields[name].label), text))
        else:
            try:
                services.consultation_record(
                    actor=request.user,
                    case_id=case.pk,
                    conversation_id=data["conversation"],
                    held_on=data["held_on"],
                    consulted=data["consulted"],
                    consulted_organisation=data["consulted_organisation"],
                    anonymised=data["anonymised"],
                    summary=data["summary"],
                    decision=data["decision"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The consultation is recorded."))
                return redirect("cases:tab", case_id=case.pk, tab="conversations")
    context = {
        "case": case,
        "form": form,
        "preview": preview,
        "preview_has_number": any(rules.contains_identity_number(text) for _label, text in preview or []),
    }
    return render(request, "contacts/consultation_new.html", context, status=422 if form.errors else 200)


@requires(Perm.CASE_VIEW)
@require_GET
def method_list_view(request: AuthedRequest) -> HttpResponse:
    """Show the catalogue of conversation methods with their guidance and sources."""
    return render(request, "contacts/method_list.html", {"methods": selectors.method_list()})
