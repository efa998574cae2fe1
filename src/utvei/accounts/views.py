"""Login, second factor, own account and user administration. Thin: parse, one domain call, render."""

from __future__ import annotations

import base64
import json
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from utvei.access.decorators import is_verified, login_step, public, requires
from utvei.access.permissions import Perm, has_perm
from utvei.accounts import selectors, services
from utvei.accounts.forms import (
    LanguageForm,
    LoginForm,
    MembershipStatusForm,
    PasswordChangeForm,
    PasswordSetForm,
    ReauthForm,
    TokenForm,
    UserCreateForm,
)
from utvei.accounts.models import Organisation
from utvei.accounts.services import EnrolmentRefused, PasskeyRefused
from utvei.core.forms import add_service_errors, form_status
from utvei.core.http import AuthedRequest
from utvei.core.idempotency import idempotent


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _login_page(request: HttpRequest, form: LoginForm, *, failed: bool) -> HttpResponse:
    # One message and one status for a wrong password, an unknown user and a locked account, so the
    # answer does not tell which it was (ASVS 6.3.8).
    return render(
        request,
        "accounts/login.html",
        {"form": form, "failed": failed, "next": _safe_next(request, ""), "providers": selectors.login_providers()},
    )


# Not a view: django-axes calls it (AXES_LOCKOUT_CALLABLE) from inside the login view's request.
def lockout_response(  # nosemgrep: utvei-view-without-policy-marker
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """Answer a locked-out login exactly as a failed one (called by django-axes).

    The login view has already rendered the failed-login page; keeping it (instead of rendering the
    page a second time) keeps the locked path's work equal to a wrong password's.
    """
    if isinstance(original_response, HttpResponse):
        return original_response
    form = LoginForm(request.POST if request.method == "POST" else None)
    form.is_valid()
    return _login_page(request, form, failed=True)


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Take the password step of login."""
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect("home")
        return _login_page(request, LoginForm(), failed=False)
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form, failed=False)
    username = form.cleaned_data["username"]
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        services.login_failed(username=username, locked_out=bool(getattr(request, "axes_locked_out", False)))
        return _login_page(request, form, failed=True)
    if not services.password_login_allowed(user=user):
        # The organisation logs in through its provider only; the answer is that of a wrong password.
        services.login_failed(username=username, locked_out=False, reason="password_off")
        return _login_page(request, form, failed=True)
    login(request, user)  # cycles the session key (no session fixation)
    services.login_succeeded(user=user)
    target = _safe_next(request, reverse("home"))
    if settings.REQUIRE_2FA or user_has_device(user):
        response = HttpResponseRedirect(f"{reverse('accounts:otp')}?{urlencode({'next': target})}")
    else:
        response = HttpResponseRedirect(target)
    if user.preferred_language:
        _remember_language(response, user.preferred_language)
    return response


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@login_step
@require_http_methods(["GET", "POST"])
def otp_view(request: AuthedRequest) -> HttpResponse:
    """Take the second factor (a code or a passkey), sending users without one to enrolment."""
    user = request.user
    if is_verified(user):
        return redirect(_safe_next(request, reverse("home")))
    if not user_has_device(user):
        return redirect("accounts:otp_enrol")
    form = TokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and services.totp_verify(actor=user, request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request, reverse("home")))
        if form.is_valid():
            form.add_error("token", _("The code was not accepted. Wait for a new code and try again."))
        status = 422
    context = {"form": form, "next": _safe_next(request, ""), "factors": selectors.own_second_factors(actor=user)}
    return render(request, "accounts/otp.html", context, status=status)


@requires(Perm.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def reauth_view(request: AuthedRequest) -> HttpResponse:
    """Sign in again inside the session (password, and code if any) before a step that demands it."""
    form = ReauthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reauthenticate(
                actor=request.user,
                request=request,
                password=form.cleaned_data["password"],
                token=form.cleaned_data["token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return HttpResponseRedirect(_safe_next(request, reverse("home")), status=303)
    context = {
        "form": form,
        "next": _safe_next(request, ""),
        "factors": selectors.own_second_factors(actor=request.user),
    }
    return render(request, "accounts/reauth.html", context, status=form_status(form))


@public
@require_GET
def enrolment_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open a one-time enrolment link: remember it in this browser, then log in and set up."""
    link = services.enrolment_link_open(token=token, request=request)
    if link is None:
        return render(request, "accounts/enrolment_link_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        return render(request, "accounts/enrolment_link_invalid.html", {"other_user": True}, status=409)
    if request.user.is_authenticated:
        return redirect("accounts:otp_enrol")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('accounts:otp_enrol')})}")


def _link_needed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/otp_enrol_link_needed.html", status=403)


@login_step
@require_http_methods(["GET", "POST"])
def otp_enrol_view(request: AuthedRequest) -> HttpResponse:
    """Set up a second factor: an authenticator app (QR code and key, confirmed by a code) or a passkey."""
    user = request.user
    if user_has_device(user) and not is_verified(user):
        # Replacing a second factor requires passing the current one first.
        return redirect("accounts:otp")
    try:
        device = services.totp_device_for_enrolment(actor=user, request=request)
    except EnrolmentRefused:
        return _link_needed(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            confirmed = form.is_valid() and services.totp_confirm(
                actor=user, request=request, token=form.cleaned_data["token"]
            )
        except EnrolmentRefused:
            return _link_needed(request)
        if confirmed:
            return redirect("home")
        if form.is_valid():
            form.add_error("token", _("The code was not accepted. Check the clock on your phone and try again."))
        status = 422
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_uri": qr.svg_data_uri(scale=4),
        "secret": _group(base64.b32encode(device.bin_key).decode("ascii").rstrip("=")),
    }
    return render(request, "accounts/otp_enrol.html", context, status=status)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@login_step
@require_POST
def passkey_register_begin_view(request: AuthedRequest) -> HttpResponse:
    """Give the options for registering a passkey (JSON), if this session may set up a second factor."""
    try:
        options = services.passkey_registration_begin(actor=request.user, request=request)
    except EnrolmentRefused:
        return _json_error(_("You need an enrolment link from your administrator to set up two-step login."), 403)
    return JsonResponse(options)


@login_step
@require_POST
def passkey_register_complete_view(request: AuthedRequest) -> HttpResponse:
    """Store the passkey the browser made (JSON), and continue to the start page."""
    try:
        services.passkey_registration_complete(actor=request.user, request=request, data=_json_body(request))
    except EnrolmentRefused:
        return _json_error(_("You need an enrolment link from your administrator to set up two-step login."), 403)
    except PasskeyRefused:
        return _json_error(_("The passkey could not be registered. Try again."), 422)
    return JsonResponse({"redirect_url": reverse("home")})


@login_step
@require_POST
def passkey_verify_begin_view(request: AuthedRequest) -> HttpResponse:
    """Give the options for confirming the login with one of the user's passkeys (JSON)."""
    try:
        options = services.passkey_verification_begin(actor=request.user, request=request)
    except PasskeyRefused:
        return _json_error(_("No passkey is registered for your account."), 404)
    return JsonResponse(options)


@login_step
@require_POST
def passkey_verify_complete_view(request: AuthedRequest) -> HttpResponse:
    """Check the passkey's answer as the second factor (JSON), and continue where the user was going."""
    if not services.passkey_verify(actor=request.user, request=request, data=_json_body(request)):
        return _json_error(_("The passkey was not accepted. Try again, or use a code from your app."), 422)
    return JsonResponse({"redirect_url": _safe_next(request, reverse("home"))})


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_step
@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    """End the session and clear what the browser holds for the site."""
    user = request.user
    services.logout_recorded(user=user)
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@requires(Perm.OWN_ACCOUNT)
@require_POST
def keepalive_view(request: AuthedRequest) -> HttpResponse:
    """Renew the idle timer (the session is saved on every request)."""
    return HttpResponse(status=204)


@requires(Perm.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def account_view(request: AuthedRequest) -> HttpResponse:
    """Show the user's own account: memberships, second factor, language and password change."""
    user = request.user
    changing_password = request.method == "POST" and request.POST.get("action") == "password"
    form = LanguageForm(
        request.POST if request.method == "POST" and not changing_password else None,
        initial={"language": user.preferred_language or "nb"},
    )
    password_form = PasswordChangeForm(request.POST if changing_password else None)
    if changing_password and password_form.is_valid():
        try:
            services.password_change(
                actor=user,
                request=request,
                current=password_form.cleaned_data["current_password"],
                new=password_form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(password_form, exc)
        else:
            return redirect(f"{reverse('accounts:account')}?password=changed")
    elif request.method == "POST" and not changing_password and form.is_valid():
        services.user_set_language(actor=user, language=form.cleaned_data["language"])
        response = redirect("accounts:account")
        _remember_language(response, form.cleaned_data["language"])
        return response
    context = {
        "form": form,
        "password_form": password_form,
        "password_changed": request.GET.get("password") == "changed",
        "memberships": selectors.own_memberships(actor=user),
        "has_device": user_has_device(user),
        "factors": selectors.own_second_factors(actor=user),
    }
    return render(request, "accounts/account.html", context, status=form_status(form, password_form))


@requires(Perm.OWN_ACCOUNT)
@require_http_methods(["GET"])
def home_view(request: AuthedRequest) -> HttpResponse:
    """Send each user to the start page of their work."""
    user = request.user
    if has_perm(user, Perm.CASE_VIEW):
        return redirect("cases:dashboard")
    if has_perm(user, Perm.ACCOUNTS_MANAGE):
        return redirect("accounts:user_list")
    if has_perm(user, Perm.AUDIT_READ):
        return redirect("privacy:audit_log")
    return redirect("accounts:account")


@requires(Perm.ACCOUNTS_MANAGE)
@require_http_methods(["GET"])
def user_list_view(request: AuthedRequest) -> HttpResponse:
    """List the users of the administrator's organisations (no case content)."""
    users = selectors.managed_user_list(actor=request.user)
    return render(request, "accounts/user_list.html", {"users": users})


@requires(Perm.ACCOUNTS_MANAGE)
@require_http_methods(["GET", "POST"])
@idempotent
def user_create_view(request: AuthedRequest) -> HttpResponse:
    """Create a user in the administrator's organisation."""
    actor = request.user
    organisations = list(selectors.administered_organisations(actor=actor))
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    form.fields["organisation"] = _organisation_field(organisations)
    form.fields["organisation"].widget.attrs["class"] = "ds-input"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                organisation=_pick(organisations, data["organisation"]),
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                password=data["password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_create.html", {"form": form}, status=422 if form.errors else 200)


def _organisation_field(organisations: list[Organisation]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=[(o.pk, o.name) for o in organisations])


def _pick(organisations: list[Organisation], pk: int) -> Organisation:
    return next(o for o in organisations if o.pk == pk)


@requires(Perm.ACCOUNTS_MANAGE)
@require_http_methods(["GET", "POST"])
def user_detail_view(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Show one administered user: deactivation and reactivation, roles, password, second-factor reset,
    enrolment links and confirmed professional status."""
    actor = request.user
    error = ""
    enrolment_url = ""
    action = request.POST.get("action") if request.method == "POST" else None
    password_form = PasswordSetForm(request.POST if action == "set_password" else None)
    status_form = MembershipStatusForm(request.POST if action == "confirm_status" else None)
    if request.method == "POST":
        try:
            if action == "confirm_status":
                if status_form.is_valid():
                    services.membership_confirm_status(
                        actor=actor,
                        membership_id=status_form.cleaned_data["membership"],
                        professional_status=status_form.cleaned_data["professional_status"],
                        hpr_number=status_form.cleaned_data["hpr_number"],
                    )
                else:
                    error = _("Check the professional status.")
            elif action == "deactivate":
                services.user_deactivate(actor=actor, user_id=user_id)
            elif action == "reactivate":
                services.user_reactivate(actor=actor, user_id=user_id)
            elif action == "reset_otp":
                services.user_reset_second_factor(actor=actor, user_id=user_id)
            elif action == "enrolment_link":
                _link, token = services.enrolment_link_issue(actor=actor, user_id=user_id)
                # Shown once, in this answer only: the database keeps the token's hash.
                enrolment_url = request.build_absolute_uri(reverse("accounts:enrolment_link", args=[token]))
            elif action == "end_membership" and request.POST.get("membership", "").isdigit():
                services.membership_end(actor=actor, membership_id=int(request.POST["membership"]), user_id=user_id)
            elif action == "set_password" and password_form.is_valid():
                services.user_password_set(
                    actor=actor, user_id=user_id, password=password_form.cleaned_data["new_password"]
                )
            elif action != "set_password":
                error = _("Unknown action.")
        except ValidationError as exc:
            if action == "set_password":
                add_service_errors(password_form, exc)
            else:
                error = " ".join(exc.messages)
        if not error and not password_form.errors and not enrolment_url:
            return redirect("accounts:user_detail", user_id=user_id)
    managed = selectors.managed_user_get(actor=actor, user_id=user_id)
    context = {
        "managed": managed,
        "error": error,
        "has_device": user_has_device(managed),
        "password_form": password_form,
        "status_form": status_form,
        "today": timezone.localdate(),
        "enrolment_url": enrolment_url,
        "enrolment_hours": settings.ENROLMENT_LINK_HOURS,
    }
    return render(request, "accounts/user_detail.html", context, status=422 if error or password_form.errors else 200)
