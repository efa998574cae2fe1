"""Periodic jobs of the sharing app, found by the job registry (``utvei.core.jobs``)."""

from __future__ import annotations

from utvei.core.jobs import Period, periodic
from utvei.sharing.services import consent_reminders_send


@periodic("consent_reminders", period=Period.DAILY)
def consent_reminders() -> str:
    """Remind about consents that end soon; the service skips consents already reminded."""
    result = consent_reminders_send()
    return f"consents={result.consents} notices={result.notices} tasks={result.tasks}"
