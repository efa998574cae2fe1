"""Typed requests for views behind @requires or @login_step, where the user is known to be logged in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from utvei.accounts.models import User


class AuthedRequest(HttpRequest):
    """Type a request whose user is authenticated (guaranteed by the access decorators)."""

    user: User  # narrows HttpRequest.user (User | AnonymousUser)
