"""Login, second factor, own account and user administration. Thin: parse, one domain call, render."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from utvei.access.decorators import is_verified, login_step, public, requires
from utvei.access.permissions import Perm, has_perm
from utvei.accounts import selectors, services
from utvei.accounts.forms import LanguageForm, LoginForm, MembershipStatusForm, TokenForm, UserCreateForm
from utvei.accounts.models import Organisation
from utvei.core.forms import add_service_errors
from utvei.core.http import AuthedRequest


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
        {"form": form, "failed": failed, "next": _safe_next(request, "")},
    )


def lockout_response(
    request: HttpRequest, credentials: dict[str, str] | None = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Answer a locked-out login exactly as a failed one (called by django-axes)."""
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
    """Take the second-factor code, sending users without an app to enrolment."""
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
    return render(request, "accounts/otp.html", {"form": form, "next": _safe_next(request, "")}, status=status)


@login_step
@require_http_methods(["GET", "POST"])
def otp_enrol_view(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and key shown, confirmed by one code."""
    user = request.user
    if user_has_device(user) and not is_verified(user):
        # Replacing a second factor requires passing the current one first.
        return redirect("accounts:otp")
    device = services.totp_device_for_enrolment(actor=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and services.totp_confirm(actor=user, request=request, token=form.cleaned_data["token"]):
            return redirect("home")
        if form.is_valid():
            form.add_error("token", _("The code was not accepted. Check the clock on your phone and try again."))
        status = 422
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, omitsize=False, title=_("QR code for the authenticator app")),
        "secret": _group(base64.b32encode(device.bin_key).decode("ascii").rstrip("=")),
    }
    return render(request, "accounts/otp_enrol.html", context, status=status)


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
    """Show the user's own account: memberships, second factor and language."""
    user = request.user
    form = LanguageForm(
        request.POST if request.method == "POST" else None, initial={"language": user.preferred_language or "nb"}
    )
    if request.method == "POST" and form.is_valid():
        services.user_set_language(actor=user, language=form.cleaned_data["language"])
        response = redirect("accounts:account")
        _remember_language(response, form.cleaned_data["language"])
        return response
    context = {
        "form": form,
        "memberships": selectors.own_memberships(actor=user),
        "has_device": user_has_device(user),
    }
    return render(request, "accounts/account.html", context, status=422 if form.errors else 200)


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
        return redirect("audit:entry_list")
    return redirect("accounts:account")


@requires(Perm.ACCOUNTS_MANAGE)
@require_http_methods(["GET"])
def user_list_view(request: AuthedRequest) -> HttpResponse:
    """List the users of the administrator's organisations (no case content)."""
    users = selectors.managed_user_list(actor=request.user)
    return render(request, "accounts/user_list.html", {"users": users})


@requires(Perm.ACCOUNTS_MANAGE)
@require_http_methods(["GET", "POST"])
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
    """Show one administered user, with deactivation, second-factor reset and confirmed professional status."""
    actor = request.user
    error = ""
    status_form = MembershipStatusForm(request.POST if request.POST.get("action") == "confirm_status" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm_status":
                if status_form.is_valid():
                    services.membership_confirm_status(
                        actor=actor,
                        membership_id=status_form.cleaned_data["membership"],
                        professional_status=status_form.cleaned_data["professional_status"],
                        hpr_number=status_form.cleaned_data["hpr_number"],
                    )
                else:
                    error = _("Check the professional status.")
            elif request.POST.get("action") == "deactivate":
                services.user_deactivate(actor=actor, user_id=user_id)
            elif request.POST.get("action") == "reset_otp":
                services.user_reset_second_factor(actor=actor, user_id=user_id)
            else:
                error = _("Unknown action.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not error:
            return redirect("accounts:user_detail", user_id=user_id)
    managed = selectors.managed_user_get(actor=actor, user_id=user_id)
    return render(
        request,
        "accounts/user_detail.html",
        {"managed": managed, "error": error, "has_device": user_has_device(managed), "status_form": status_form},
        status=422 if error else 200,
    )
