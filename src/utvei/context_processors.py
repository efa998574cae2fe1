"""Values every page of the shell needs."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, object]:
    """Give templates the session timing and whether to show the main menu."""
    from utvei.access.decorators import needs_second_factor
    from utvei.access.permissions import user_perms
    from utvei.notifications.selectors import unread_count
    from utvei.portal.sessions import is_guardian_session

    user = getattr(request, "user", None)
    show_nav = bool(user is not None and user.is_authenticated and not needs_second_factor(request))
    return {
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "session_warning_minutes": max(1, settings.SESSION_WARNING_SECONDS // 60),
        "show_nav": show_nav,
        "utvei_perms": {str(p) for p in user_perms(user)} if show_nav and user is not None else set(),
        # A callable: the template calls it only when it renders the menu, so partials cost no query.
        "notifications_unread": partial(unread_count, actor=user) if show_nav and user is not None else 0,
        # Read from the session alone (no query): the portal tells a guardian whose page they are reading.
        "portal_guardian": is_guardian_session(request),
    }
