"""Case pages. Thin: parse with a form, one selector or service call, render or redirect."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ChoiceField, Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.accounts.models import Membership
from utvei.accounts.selectors import acting_membership, memberships_that_may
from utvei.cases import rules, selectors, services
from utvei.cases.forms import (
    AdviceForm,
    CaseOpenForm,
    CloseForm,
    ConcernForm,
    PersonSearchForm,
    PhaseForm,
    ReasonForm,
    ReferralForm,
    RelapseForm,
    TaskForm,
    TeamAddForm,
    TeamSeatForm,
)
from utvei.core.drafts import autosaved
from utvei.core.editing import EditConflict, EditGuard
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


def _choices(form: Form, name: str, choices: Sequence[tuple[object, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, ChoiceField)
    field.choices = choices


def _post(request: AuthedRequest) -> object:
    return request.POST if request.method == "POST" else None


def _render(
    request: AuthedRequest, template: str, context: dict[str, object], form: Form | None = None
) -> HttpResponse:
    return render(request, template, context, status=form_status(form))


def _warn_duty_triggers(request: AuthedRequest, text: str) -> None:
    matches = rules.duty_trigger_matches(text)
    if matches:
        messages.warning(request, rules.duty_trigger_guidance(matches))


def _warn_revealing(request: AuthedRequest, text: str) -> None:
    matches = rules.revealing_words(text)
    if matches:
        messages.warning(request, rules.revealing_guidance(matches))


def _acting_choices(request: AuthedRequest) -> list[tuple[str, str]]:
    return [
        (f"{m.organisation_id}:{m.role}", f"{m.organisation.name} – {m.get_role_display()}")
        for m in memberships_that_may(actor=request.user, perm=Perm.CASE_CREATE)
    ]


def _acting(request: AuthedRequest, value: str) -> Membership:
    return acting_membership(actor=request.user, value=value)


@requires(Perm.CASE_VIEW)
@require_GET
@vary_on_headers("HX-Request")
def case_detail_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show the overview tab of one case the user is on the team of."""
    overview = selectors.case_overview(actor=request.user, case_id=case_id)
    context = {"d": overview, "case": overview.case, "tabs": overview.tabs, "current": "overview"}
    return render(request, _tab_template(request), context)


@requires(Perm.CASE_VIEW)
@require_GET
@vary_on_headers("HX-Request")
def case_tab_view(request: AuthedRequest, case_id: int, tab: str) -> HttpResponse:
    """Show one tab of a case's workspace: conversations, plan, network or sharing."""
    page = selectors.case_tab(actor=request.user, case_id=case_id, slug=tab)
    context = {"page": page, "case": page.case, "tabs": page.tabs, "current": page.tab.slug, "can_edit": page.can_edit}
    return render(request, "cases/case_tab.html#tab" if _partial(request) else "cases/case_tab.html", context)


def _partial(request: AuthedRequest) -> bool:
    # A tab switched by htmx gets its panel only; a boosted or plain request gets the whole page.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def _tab_template(request: AuthedRequest) -> str:
    return "cases/case_detail.html#tab" if _partial(request) else "cases/case_detail.html"


@requires(Perm.CASE_CREATE)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def referral_new_view(request: AuthedRequest) -> HttpResponse:
    """Take a referral: search for the person first, then register them and open the case."""
    step = request.POST.get("step", "search") if request.method == "POST" else "search"
    if step == "search":
        form = PersonSearchForm(_post(request))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            matches = selectors.person_search(actor=request.user, **data)
            full = ReferralForm(initial=data)
            _choices(full, "acting_as", _acting_choices(request))
            return render(request, "cases/referral_new.html", {"matches": matches, "form": full, "searched": True})
        return _render(request, "cases/referral_new.html", {"search_form": form, "searched": False}, form)
    form = ReferralForm(request.POST)
    _choices(form, "acting_as", _acting_choices(request))
    if form.is_valid():
        d = form.cleaned_data
        membership = _acting(request, d["acting_as"])
        guardians = (
            [
                services.GuardianInput(
                    d["guardian_name"], d["guardian_relation"], d["guardian_phone"], d["guardian_national_id"]
                )
            ]
            if d["guardian_name"]
            else []
        )
        try:
            case = services.referral_register(
                actor=request.user,
                organisation=membership.organisation,
                role=membership.role,
                person={
                    k: d[k]
                    for k in (
                        "given_name",
                        "family_name",
                        "birth_date",
                        "national_id",
                        "phone",
                        "email",
                        "address",
                        "language",
                        "interpreter_needed",
                        "protected_address",
                    )
                },
                guardians=guardians,
                referral={
                    k: d[k]
                    for k in (
                        "referral_source",
                        "referral_date",
                        "referral_reason",
                        "security_assessment",
                        "security_assessed_by",
                        "security_assessed_on",
                    )
                },
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case %(reference)s is opened.") % {"reference": case.reference})
            _warn_duty_triggers(request, d["referral_reason"])
            return redirect("cases:detail", case_id=case.pk)
    context = {"form": form, "searched": True, "matches": [], "search_failed_create": True}
    return _render(request, "cases/referral_new.html", context, form)


@requires(Perm.CASE_CREATE)
@require_http_methods(["GET", "POST"])
@idempotent
def case_new_for_person_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Open a new case for a person found by the search (whose earlier case is closed)."""
    person = selectors.person_for_new_case(actor=request.user, person_id=person_id)
    form = CaseOpenForm(_post(request))
    _choices(form, "acting_as", _acting_choices(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        membership = _acting(request, d.pop("acting_as"))
        try:
            case = services.case_open(
                actor=request.user, person=person, organisation=membership.organisation, role=membership.role, **d
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _render(request, "cases/case_open.html", {"form": form, "person": person}, form)


def _move_phase(request: AuthedRequest, case_id: int) -> HttpResponse:
    form = PhaseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a phase, and write the reason in at most 1000 characters."))
        case = services.case_change_phase(
            actor=request.user,
            case_id=case_id,
            from_phase=form.cleaned_data["from_phase"],
            to_phase=form.cleaned_data["to_phase"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The case is now in phase %(phase)s.") % {"phase": case.get_phase_display()})
    return redirect("cases:detail", case_id=case_id)


@requires(Perm.CASE_VIEW)
@require_POST
def phase_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Move a case to another phase, or explain why it cannot move.

    The form names the phase the page showed; if the case has moved since, the message names the phase
    it is in now (an ``EditConflict``, shown like any refusal). A move of more than one step needs a reason.
    """
    return _move_phase(request, case_id)


@requires(Perm.CASE_VIEW)
@require_POST
@idempotent
def phase_accept_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Accept the phase the recorded work suggests, in one click (the reason is filled in from the work)."""
    return _move_phase(request, case_id)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def close_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Close a case with reason, outcome and hand-over (R28)."""
    case = selectors.case_for_update(actor=request.user, case_id=case_id).case
    form = CloseForm(_post(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        lines = [services.HandoverInput(d[f"recipient_{i}"], d[f"shared_{i}"]) for i in (1, 2)]
        try:
            services.case_close(
                actor=request.user, case_id=case.pk, reason=d["reason"], outcome=d["outcome"], handovers=lines
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", case_id=case.pk)
    return _render(request, "cases/case_close.html", {"form": form, "case": case}, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def team_add_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Seat a member on the follow-up team."""
    choices = selectors.team_candidates(actor=request.user, case_id=case_id)
    case, candidates = choices.card, {m.pk: m for m in choices.candidates}
    form = TeamAddForm(_post(request))
    _choices(
        form,
        "membership",
        [
            (pk, f"{m.user.display_name()} – {m.organisation.name} – {m.get_role_display()}")
            for pk, m in candidates.items()
        ],
    )
    if request.method == "POST" and form.is_valid():
        m = candidates[form.cleaned_data["membership"]]
        try:
            services.team_member_add(
                actor=request.user,
                case=choices.case,
                user=m.user,
                organisation=m.organisation,
                role=m.role,
                task=form.cleaned_data["task"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "title": _("Add a member to the follow-up team"),
        "intro": _("Each member acts for one organisation. Agree on a task for each member."),
    }
    return _render(request, "cases/case_form.html", context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def team_task_view(request: AuthedRequest, seat_id: int) -> HttpResponse:
    """Change a team member's agreed task (R02) and role, refusing a save over a change made since the form
    was loaded; the page shows the seat's earlier values and leads to ending the seat."""
    page = selectors.team_seat_page(actor=request.user, seat_id=seat_id)
    seat = page.seat
    initial = {"task": seat.task, "role": seat.role}
    form = TeamSeatForm(_post(request), initial=initial)
    _choices(form, "role", page.roles)
    edit = EditGuard(request, version=seat.version, values=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_change(
                actor=request.user,
                seat_id=seat.pk,
                task=form.cleaned_data["task"],
                role=form.cleaned_data["role"] or seat.role,
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The team seat is saved."))
            return redirect("cases:detail", case_id=seat.case_id)
    context = {
        "form": form,
        "case": page.case,
        "edit": edit,
        "history": page.history,
        "seat": seat,
        "title": _("Team seat of %(name)s") % {"name": seat.user.display_name()},
        "intro": _("%(organisation)s – %(role)s")
        % {"organisation": seat.organisation.name, "role": seat.get_role_display()},
    }
    return render(request, "cases/team_seat.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@autosaved
def police_reason_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record why the police radicalisation contact is not involved (R03)."""
    data = selectors.case_for_update(actor=request.user, case_id=case_id)
    case = data.case
    form = ReasonForm(_post(request), initial={"reason": data.police_not_involved_reason})
    if request.method == "POST" and form.is_valid():
        services.case_record_police_not_involved(
            actor=request.user, case_id=case.pk, reason=form.cleaned_data["reason"]
        )
        return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "title": _("Why is the police radicalisation contact not involved?"),
        "intro": _("As a rule the police radicalisation contact takes part in exit work. Record why not in this case."),
    }
    return _render(request, "cases/case_form.html", context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def advice_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record the SLT coordinator's advice on who coordinates."""
    case = selectors.case_get(actor=request.user, case_id=case_id)
    form = AdviceForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_advice_add(actor=request.user, case_id=case.pk, advice=form.cleaned_data["advice"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "title": _("Advice on coordination"),
        "intro": _("The SLT coordinator advises on who should coordinate the exit work in this case."),
    }
    return _render(request, "cases/case_form.html", context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def relapse_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a relapse; the case stays open (R29)."""
    case = selectors.case_for_update(actor=request.user, case_id=case_id).case
    form = RelapseForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.relapse_record(actor=request.user, case_id=case.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _warn_duty_triggers(request, form.cleaned_data["description"])
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "title": _("Record a relapse"),
        "intro": _("A relapse is part of the process. The case stays open; revisit the relapse plan with the person."),
    }
    return _render(request, "cases/case_form.html", context, form)


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def task_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Add a task with a due date for a team member."""
    data = selectors.case_for_update(actor=request.user, case_id=case_id, with_team=True)
    detail = data.case
    team = {m.user_id: m.user for m in data.team}
    form = TaskForm(_post(request))
    _choices(form, "assignee", [(pk, u.display_name()) for pk, u in team.items()])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.task_create(
                actor=request.user,
                case_id=detail.pk,
                title=d["title"],
                due_on=d["due_on"],
                assignee=team[d["assignee"]],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _warn_revealing(request, d["title"])
            return redirect("cases:detail", case_id=detail.pk)
    context = {"form": form, "case": detail, "title": _("New task"), "intro": ""}
    return _render(request, "cases/case_form.html", context, form)


@requires(Perm.CASE_VIEW)
@require_POST
def task_done_view(request: AuthedRequest, task_id: int) -> HttpResponse:
    """Mark a task done."""
    task = services.task_complete(actor=request.user, task_id=task_id)
    if request.POST.get("back") == "dashboard":
        return redirect("cases:dashboard")
    return redirect("cases:detail", case_id=task.case_id)


@requires(Perm.CASE_CREATE)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def concerns_view(request: AuthedRequest) -> HttpResponse:
    """List concern-only records and take a new one."""
    form = ConcernForm(_post(request))
    _choices(form, "acting_as", _acting_choices(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.concern_create(
                actor=request.user,
                organisation=_acting(request, d["acting_as"]).organisation,
                subject=d["subject"],
                description=d["description"],
                outcome=d["outcome"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:concerns")
    number = request.GET.get("page", "1")
    page = selectors.concern_page(actor=request.user, page=int(number) if number.isdigit() else 1)
    return _render(request, "cases/concerns.html", {"form": form, "concerns": page.rows, "page": page}, form)
