"""Authentication backends: the lockout check, doing the same work whether or not it refuses."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.http import HttpRequest


class EqualWorkLockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out username only after the work a wrong password costs.

    django-axes refuses a locked account before any password is checked, so a locked account answered
    in a fraction of the time of a normal failed login and the lockout could be read from the timing.
    Here the refusal first looks the user up and checks the password exactly as ``ModelBackend`` does
    (one query, one hash at the account's own cost; a hash of the typed password for an unknown name),
    and discards the result.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Pass allowed attempts on to the next backend; refuse locked ones after equal work.

        :raises AxesBackendPermissionDenied: the username is locked out.
        """
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            _check_as_model_backend_would(username, password)
            raise


def _check_as_model_backend_would(username: str | None, password: str | None) -> None:
    if username is None or password is None:
        return
    user_model = get_user_model()
    try:
        user = user_model._default_manager.get_by_natural_key(username)
    except user_model.DoesNotExist:
        # ModelBackend hashes the password of an unknown user too (Django ticket #20760).
        user_model().set_password(password)
    else:
        # No setter: a right password on a locked account must not upgrade (write) the stored hash.
        check_password(password, user.password)
