"""OpenID Connect login views. Public by nature: they are how a visitor becomes logged in.

Thin: one service call each; a refusal becomes a page that says what to do, never which check failed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_otp import user_has_device

from utvei.access.decorators import public
from utvei.core.oidc import LoginRefused
from utvei.oidc import services

# Reason names of the services, grouped by what the visitor can do about them.
_NOT_FOUND = {"not_configured", "unknown_provider"}
_PROVIDER_DOWN = {"provider_unreachable", "provider_refused", "provider_answer", "provider_issuer", "provider_url"}
_STARTS_OVER = {"state", "flow_expired"}


def _refused(request: HttpRequest, reason: str, *, person: bool) -> HttpResponse:
    status = 400
    if reason in _NOT_FOUND:
        status, message = 404, _("This login does not exist here.")
    elif reason in _PROVIDER_DOWN or reason == "provider_secret":
        status, message = 502, _("The login service did not answer as expected. Try again in a little while.")
    elif reason in _STARTS_OVER:
        message = _("The login has expired or was already used. Start the login again.")
    elif reason == "provider_error":
        message = _("The login was cancelled or refused at the login service.")
    elif reason == "acr":
        message = _(
            "The login did not have a high enough security level. Log in again with MinID, BankID, "
            "Buypass or Commfides."
        )
    elif reason == "no_person":
        message = _(
            "We could not find you here. If you take part in a follow-up, ask the person who follows you up "
            "to check that your national identity number is registered correctly."
        )
    elif reason in {"no_user", "no_membership", "subject_changed"}:
        message = _("This login gives no access to Utvei. Ask your organisation's administrator to check your account.")
    else:
        message = _("The login could not be confirmed, and you are not logged in. Start the login again.")
    context = {
        "message": message,
        "again_url": reverse("portal:login") if person else reverse("accounts:login"),
    }
    return render(request, "oidc/refused.html", context, status=status)


@public
@require_GET
def idporten_start_view(request: HttpRequest) -> HttpResponse:
    """Send the person to ID-porten to log in."""
    try:
        url = services.person_login_begin(request=request)
    except LoginRefused as exc:
        return _refused(request, exc.reason, person=True)
    return HttpResponseRedirect(url)


@public
@require_GET
def idporten_callback_view(request: HttpRequest) -> HttpResponse:
    """Take ID-porten's answer and open the person's own page."""
    try:
        services.person_login_complete(request=request, params=request.GET.dict())
    except LoginRefused as exc:
        return _refused(request, exc.reason, person=True)
    return redirect("portal:home")


@public
@require_GET
def staff_start_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a staff user to their organisation's login provider."""
    try:
        url = services.staff_login_begin(request=request, slug=slug)
    except LoginRefused as exc:
        return _refused(request, exc.reason, person=False)
    return HttpResponseRedirect(url)


@public
@require_GET
def staff_callback_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Take the provider's answer, log the staff user in, and ask for a second factor if it had none."""
    try:
        user, mfa = services.staff_login_complete(request=request, slug=slug, params=request.GET.dict())
    except LoginRefused as exc:
        return _refused(request, exc.reason, person=False)
    if not mfa and (settings.REQUIRE_2FA or user_has_device(user)):
        return redirect("accounts:otp")
    return redirect("home")
