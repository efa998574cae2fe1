"""Pages of the inbox: the list, opening and marking notifications, and the e-mail choices.

Thin: one service or selector call each. Another user's notification, or one whose case the reader may no
longer see, is the same 404 as a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.core.forms import form_status
from utvei.core.http import AuthedRequest
from utvei.notifications import selectors, services
from utvei.notifications.forms import EmailChoiceForm


@requires(Perm.OWN_ACCOUNT)
@require_GET
def inbox_view(request: AuthedRequest) -> HttpResponse:
    """Show the user's notifications, newest first, with the unread ones marked."""
    return render(request, "notifications/inbox.html", {"inbox": selectors.inbox_get(actor=request.user)})


@requires(Perm.OWN_ACCOUNT)
@require_POST
def open_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and go to its case, if the policy still shows the case."""
    case_id = services.notification_open(actor=request.user, notification_id=notification_id)
    return redirect("cases:detail", case_id=case_id)


@requires(Perm.OWN_ACCOUNT)
@require_POST
def read_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read."""
    services.notification_mark_read(actor=request.user, notification_id=notification_id)
    return redirect("notifications:inbox")


@requires(Perm.OWN_ACCOUNT)
@require_POST
def read_all_view(request: AuthedRequest) -> HttpResponse:
    """Mark every notification of the user read."""
    services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("All messages are marked as read."))
    return redirect("notifications:inbox")


@requires(Perm.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Let the user choose which kinds of notification also reach them by e-mail."""
    if request.method == "POST":
        form = EmailChoiceForm(request.POST)
        if form.is_valid():
            services.email_choices_set(actor=request.user, kinds=form.cleaned_data["kinds"])
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("notifications:settings")
    else:
        form = EmailChoiceForm(initial={"kinds": sorted(selectors.email_choices_get(actor=request.user))})
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=form_status(form),
    )
