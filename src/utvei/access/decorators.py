"""View markers: every view is either public, a login step, or requires a permission.

The URL test (tests/test_url_policy.py) reads the ``utvei_access`` attribute these set and fails on any
view without one. ``@requires`` also does the work: login, second factor, the role's permission, and
turning :class:`NotFound` into a 404 after writing a denied-access audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import NotFound
from utvei.accounts.models import User

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)
View = Callable[..., HttpResponse]

ACCESS_ATTR = "utvei_access"


def public(view: View) -> View:
    """Mark a view as open to anyone (login page, health check, language switch)."""
    view = login_not_required(view)
    setattr(view, ACCESS_ATTR, ("public", None))
    return view


def is_verified(user: User) -> bool:
    """Tell whether this request's user passed the second factor (set by OTPMiddleware)."""
    return bool(user.is_verified())  # type: ignore[attr-defined]  # added per request by django_otp


def needs_second_factor(request: HttpRequest) -> bool:
    """Tell whether the logged-in user still has to pass (or enrol) the second factor."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    from django_otp import user_has_device

    return bool(settings.REQUIRE_2FA or user_has_device(user))


def login_step(view: View) -> View:
    """Mark a view of the login flow: logged in with a password, second factor not yet."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    setattr(wrapped, ACCESS_ATTR, ("login_step", None))
    return wrapped


def requires(perm: Perm) -> Callable[[View], View]:
    """Guard a view: logged in, second factor passed, and a role granting ``perm``.

    Object-level checks stay in services and selectors; a :class:`NotFound` they raise becomes a 404
    (the same for a missing and a forbidden object) after the denial is audited.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if needs_second_factor(request):
                return redirect("accounts:otp")
            if not has_perm(user, perm):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                from utvei.audit.services import record_denied

                record_denied(actor=user, target_type=exc.target_type, target_id=exc.target_id)
                raise Http404 from exc

        setattr(wrapped, ACCESS_ATTR, ("requires", perm))
        return wrapped

    return decorator
