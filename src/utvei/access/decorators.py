"""View markers: every view is either public, a login step, or requires a permission.

The URL test (tests/test_url_policy.py) reads the ``utvei_access`` attribute these set and fails on any
view without one. ``@requires`` also does the work: login, second factor, the role's permission, turning
:class:`NotFound` into a 404, and auditing every refusal (403 and 404) through the recorder the audit app
declares (:func:`provide_refusal_recorder`; a start-up check fails without one).
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

from utvei.access import engine
from utvei.access.engine import Actor
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import NotFound

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)
View = Callable[..., HttpResponse]

ACCESS_ATTR = "utvei_access"

# Records one refusal: (actor, target type, target id, HTTP status). Declared by the audit app.
RefusalRecorder = Callable[[Actor, str, str, int], None]
_refusal_recorder: list[RefusalRecorder] = []


def provide_refusal_recorder(recorder: RefusalRecorder) -> None:
    """Declare how a refused request is audited (the audit app); declaring twice is an error."""
    if _refusal_recorder:
        raise ValueError("A refusal recorder is already declared")
    _refusal_recorder.append(recorder)


def has_refusal_recorder() -> bool:
    """Tell whether refusals will be audited (checked at start-up)."""
    return bool(_refusal_recorder)


def _refused(actor: Actor, target_type: str, target_id: str, status: int) -> None:
    for recorder in _refusal_recorder:
        recorder(actor, target_type, target_id, status)


def public(view: View) -> View:
    """Mark a view as open to anyone (login page, health check, language switch)."""
    view = login_not_required(view)
    setattr(view, ACCESS_ATTR, ("public", None))
    return view


def is_verified(user: Actor) -> bool:
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
            with engine.request_scope():
                if not has_perm(user, perm):
                    _refused(user, "function", str(perm), 403)
                    raise PermissionDenied
                try:
                    return view(request, *args, **kwargs)
                except NotFound as exc:
                    _refused(user, exc.target_type, exc.target_id, 404)
                    raise Http404 from exc
                except Http404:
                    _refused(user, "url", request.path[:64], 404)
                    raise

        setattr(wrapped, ACCESS_ATTR, ("requires", perm))
        return wrapped

    return decorator
