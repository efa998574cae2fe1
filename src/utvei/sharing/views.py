"""Pages of the sharing engine: consents, the sharing decision, disclosures and the person's overview.

Thin: parse with a form, one service or selector call, render. Every page belongs to a case the user is
on the team of; the selectors and services check that (a refusal is the same 404 as a missing case).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.cases import selectors as case_selectors
from utvei.core.drafts import autosaved
from utvei.core.editing import EditConflict, EditGuard
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent
from utvei.core.pdf import RevealingContent, render_pdf
from utvei.sharing import selectors, services
from utvei.sharing.decision import BasisCode
from utvei.sharing.forms import (
    ConsentRecordForm,
    DisclosureRecordForm,
    EscalationForm,
    ReportCompleteForm,
    SharingCheckForm,
    WithdrawForm,
)
from utvei.sharing.models import Consent, ConsentGiver
from utvei.sharing.services import add_months


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@requires(Perm.CASE_VIEW)
@require_GET
def consent_list_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """List the consents of the case's person by status (in force, expired, withdrawn), with versions."""
    page = selectors.consent_list_for_case(actor=request.user, case_id=case_id)
    return render(request, "sharing/consent_list.html", {"page": page, "case": page.case})


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def consent_new_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a consent that waives the confidentiality of the user's organisation on the case."""
    data = selectors.consent_form_data(actor=request.user, case_id=case_id)
    today = timezone.localdate()
    is_minor = data.case.person.is_minor
    initial: dict[str, object] = {
        "given_on": today,
        "valid_from": today,
        "valid_to": add_months(today, 12),
        "given_by": ConsentGiver.GUARDIANS if is_minor else ConsentGiver.PERSON,
    }
    form = ConsentRecordForm(
        request.POST if request.method == "POST" else None, organisations=data.organisations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                person_id=data.case.person_id,
                organisation=data.discloser,
                recipients=form.recipient_organisations(),
                categories=cleaned["categories"],
                purpose=cleaned["purpose"],
                valid_from=cleaned["valid_from"],
                valid_to=cleaned["valid_to"],
                given_by=cleaned["given_by"],
                given_on=cleaned["given_on"],
                form=cleaned["form"],
                evidence_note=cleaned["evidence_note"],
                how_informed=cleaned["how_informed"],
                child_view=cleaned["child_view"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return _see_other(reverse("sharing:consents", kwargs={"case_id": data.case.pk}))
    context = {"case": data.case, "data": data, "form": form, "is_minor": is_minor}
    return render(request, "sharing/consent_form.html", context, status=form_status(form))


def _consent_initial(consent: Consent) -> dict[str, object]:
    return {
        "recipients": consent.recipients,
        "categories": consent.categories,
        "purpose": consent.purpose,
        "valid_from": consent.valid_from,
        "valid_to": consent.valid_to,
        "given_by": consent.given_by,
        "given_on": timezone.localdate(),
        "child_view": consent.child_view,
        "form": consent.form,
        "evidence_note": consent.evidence_note,
        "how_informed": consent.how_informed,
    }


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def consent_change_view(request: AuthedRequest, case_id: int, consent_id: int) -> HttpResponse:
    """Record a change of a consent as a new version; the old version stays as it was.

    A change sent from an older version's page is checked against the latest version, and refused with
    what changed if the version it was loaded with is no longer the latest.
    """
    data = selectors.consent_form_data(
        actor=request.user, case_id=case_id, consent_id=consent_id, follow_newer=request.method == "POST"
    )
    consent = data.consent
    assert consent is not None
    initial = _consent_initial(consent)
    form = ConsentRecordForm(
        request.POST if request.method == "POST" else None, organisations=data.organisations, initial=initial
    )
    edit = EditGuard(request, version=consent.version, values=initial)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.consent_amend(
                actor=request.user,
                consent_id=consent.pk,
                recipients=form.recipient_organisations(),
                categories=cleaned["categories"],
                purpose=cleaned["purpose"],
                valid_from=cleaned["valid_from"],
                valid_to=cleaned["valid_to"],
                given_by=cleaned["given_by"],
                given_on=cleaned["given_on"],
                form=cleaned["form"],
                evidence_note=cleaned["evidence_note"],
                how_informed=cleaned["how_informed"],
                child_view=cleaned["child_view"],
                expected_version=edit.posted_version,
            )
        except EditConflict as exc:
            edit.refuse(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The change is recorded as a new version of the consent."))
            return _see_other(reverse("sharing:consents", kwargs={"case_id": data.case.pk}))
    context = {"case": data.case, "data": data, "form": form, "is_minor": data.case.person.is_minor, "edit": edit}
    return render(request, "sharing/consent_form.html", context, status=edit.status(form))


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def consent_withdraw_view(request: AuthedRequest, case_id: int, consent_id: int) -> HttpResponse:
    """Confirm and record a withdrawal: at once, for the future, with notices to recipients (R13).

    A withdrawal confirmed on a version that has since been replaced is refused and shown again, with
    what changed, so the user confirms what is in force now.
    """
    data = selectors.consent_form_data(
        actor=request.user, case_id=case_id, consent_id=consent_id, follow_newer=request.method == "POST"
    )
    consent = data.consent
    assert consent is not None
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    edit = EditGuard(request, version=consent.version, values=_consent_initial(consent))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent_id=consent.pk, expected_version=edit.posted_version)
        except EditConflict as exc:
            # The consent's own form labels and shows the values that changed.
            edit.refuse(form, exc, described_by=ConsentRecordForm(None, organisations=data.organisations))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The consent is withdrawn. It no longer applies, and the recipients have been told.")
            )
            return _see_other(reverse("sharing:consents", kwargs={"case_id": data.case.pk}))
    chain = selectors.category_labels(consent.categories)
    recipients = [org for org in data.organisations if org.pk in consent.recipients]
    context = {
        "case": data.case,
        "consent": consent,
        "form": form,
        "categories": chain,
        "recipients": recipients,
        "edit": edit,
    }
    return render(request, "sharing/consent_withdraw.html", context, status=edit.status(form))


def _decision_for(request: AuthedRequest, case_id: int, check: SharingCheckForm) -> selectors.DecisionView:
    cleaned = check.cleaned_data
    return selectors.sharing_decision(
        actor=request.user,
        case_id=case_id,
        recipient_organisation=check.recipient_organisation(),
        recipient_kind=check.recipient_kind(),
        categories=cleaned["categories"],
        purpose=cleaned["purpose"],
        facts=check.fact_flags(),
        child_welfare_conditions=cleaned["child_welfare_conditions"],
        classified=cleaned["classified"],
        language=request.LANGUAGE_CODE,
    )


# Bases a disclosure may be recorded on from this page; a report of concern is recorded on the case page.
_RECORDABLE = [code.value for code in BasisCode if code not in {BasisCode.CLASSIFIED, BasisCode.REPORT_TO_POLICE}]


def _record(request: AuthedRequest, case_id: int, check: SharingCheckForm, form: DisclosureRecordForm) -> None:
    """Record the disclosure the page asked about (the service decides again).

    :raises ValidationError: the service refuses.
    """
    cleaned = form.cleaned_data
    asked = check.cleaned_data
    facts = check.fact_flags()
    flags = {name: bool(value) for name, value in facts.items() if isinstance(value, bool)}
    services.disclosure_record(
        actor=request.user,
        case_id=case_id,
        recipient_organisation=check.recipient_organisation(),
        recipient_party=check.recipient_party(),
        recipient_external=asked["recipient_detail"],
        recipient_kind=check.recipient_kind(),
        categories=asked["categories"],
        basis=cleaned["basis"],
        content_summary=cleaned["content_summary"],
        purpose=asked["purpose"],
        person_informed=cleaned["person_informed"],
        not_informed_reason=cleaned["not_informed_reason"],
        not_informed_until=cleaned["not_informed_until"],
        facts=flags,
        child_welfare_conditions=asked["child_welfare_conditions"],
        find_consent=True,
        known_at=cleaned["known_at"],
        channel=cleaned["channel"],
        reference=cleaned["reference"],
        why_not_anonymised=asked["why_not_anonymised"],
        weighty_interests=check.weighty_judgement(),
    )


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def share_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Answer "may I share this, with whom, on which basis?" and record the disclosure if allowed.

    The page shows what the decision takes from the records (who shares, as what, the person's age) and
    asks only what the user assesses. "Check" asks the decision and shows it; "Record" records the
    disclosure, which the service decides again (nothing is saved unless the decision allows the chosen
    basis, R11, R20).
    """
    data = selectors.sharing_form_data(actor=request.user, case_id=case_id)
    posted = request.POST if request.method == "POST" else None
    check = SharingCheckForm(
        posted,
        organisations=data.organisations,
        external=data.external,
        police=data.is_police,
        language=request.LANGUAGE_CODE,
    )
    step = request.POST.get("step", "check") if posted is not None else ""
    view: selectors.DecisionView | None = None
    record_form: DisclosureRecordForm | None = None
    if posted is not None and check.is_valid():
        if step == "record":
            record_form = DisclosureRecordForm(posted, bases=[(code, code) for code in _RECORDABLE])
            if check.cleaned_data["classified"]:
                record_form.add_error(None, _("Security-classified information must never be entered in Utvei."))
            elif record_form.is_valid():
                try:
                    _record(request, data.case.pk, check, record_form)
                except ValidationError as exc:
                    add_service_errors(record_form, exc)
                else:
                    messages.success(request, _("The disclosure is recorded."))
                    return _see_other(reverse("sharing:disclosures", kwargs={"case_id": data.case.pk}))
        view = _decision_for(request, data.case.pk, check)
        if view.decision.allowed and record_form is None:
            record_form = DisclosureRecordForm(None, bases=[b for b in view.bases if b[0] in _RECORDABLE])
        elif record_form is not None:
            field = record_form.fields["basis"]
            field.choices = [b for b in view.bases if b[0] in _RECORDABLE]  # type: ignore[attr-defined]
    context = {
        "case": data.case,
        "data": data,
        "form": check,
        "view": view,
        "record_form": record_form,
    }
    return render(request, "sharing/share.html", context, status=form_status(check, record_form))


@requires(Perm.CASE_VIEW)
@require_GET
def disclosure_list_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """List the disclosures about the case's person that the user may see."""
    page = selectors.disclosure_list_for_case(actor=request.user, case_id=case_id)
    return render(request, "sharing/disclosure_list.html", {"page": page, "case": page.case})


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
def report_complete_view(request: AuthedRequest, case_id: int, escalation_id: int) -> HttpResponse:
    """Complete a report of concern later; each completion is kept with what the report said before (R17)."""
    from utvei.cases.services import COMPLETABLE_FIELDS

    page = selectors.report_for_completion(actor=request.user, case_id=case_id, escalation_id=escalation_id)
    initial = {name: getattr(page.escalation, name) for name in COMPLETABLE_FIELDS}
    form = ReportCompleteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_complete(actor=request.user, escalation_id=page.escalation.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The report is completed. What it said before is kept."))
            return _see_other(reverse("sharing:disclosures", kwargs={"case_id": page.case.pk}))
    context = {"case": page.case, "page": page, "form": form}
    return render(request, "sharing/report_complete.html", context, status=form_status(form))


def _language(request: AuthedRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "nb"


@requires(Perm.CASE_VIEW)
@require_GET
def person_overview_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Show the person's own overview: consents in force and disclosures made about them."""
    overview = selectors.person_view(actor=request.user, case_id=case_id, language=request.LANGUAGE_CODE)
    return render(request, "sharing/person_overview.html", {"overview": overview, "case": overview.case})


@requires(Perm.CASE_VIEW)
@require_GET
def person_overview_pdf_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Hand out the person's overview as a tagged PDF, in Bokmål or English (audited as EXPORT)."""
    language = _language(request)
    overview = selectors.person_view(actor=request.user, case_id=case_id, language=language, export=True)
    title = "Samtykker og deling av opplysninger om deg" if language == "nb" else "Consents and sharing of your data"
    try:
        document = render_pdf(
            "sharing/person_overview_pdf.html",
            {"overview": overview, "printed_on": overview.printed_on},
            language=language,
            title=title,
        )
    except RevealingContent:
        messages.error(request, _("The document could not be made: it would reveal the nature of the work."))
        return render(
            request, "sharing/person_overview.html", {"overview": overview, "case": overview.case}, status=409
        )
    response = HttpResponse(document, content_type="application/pdf")
    name = "oversikt" if language == "nb" else "overview"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@requires(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
@idempotent
@autosaved
def escalate_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Guide and record a report of serious concern, from any phase and any seat (R17, R19)."""
    case = case_selectors.case_for_escalation(actor=request.user, case_id=case_id)
    form = EscalationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            # The report (cases.services.escalation_record) and, where its basis allows, its disclosure.
            services.escalation_report(actor=request.user, case_id=case.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The report is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "sharing/escalate.html", {"form": form, "case": case}, status=form_status(form))
