"""Minimal portal pages: where the person logs in, and the page they land on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from utvei.access.decorators import public
from utvei.portal.sessions import portal_persons


@public
@require_GET
def login_view(request: HttpRequest) -> HttpResponse:
    """Offer the person's login through ID-porten."""
    return render(request, "portal/login.html")


# Public to the staff login: the portal session, not a staff user, decides (portal_persons).
@public
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    """Show the person that they are logged in, or send them to the portal's login."""
    if portal_persons(request) is None:
        return redirect("portal:login")
    return render(request, "portal/home.html")
