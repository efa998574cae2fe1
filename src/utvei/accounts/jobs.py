"""Periodic jobs of the accounts app, found by the job registry (``utvei.core.jobs``)."""

from __future__ import annotations

from utvei.accounts.services import sessions_clear_expired
from utvei.core.jobs import Period, periodic


@periodic("sessions_clear_expired", period=Period.DAILY)
def clear_expired_sessions() -> str:
    """Delete expired sessions, so that the session table holds only live logins."""
    return f"sessions deleted={sessions_clear_expired()}"
