"""Periodic jobs of the privacy app, found by the job registry (``utvei.core.jobs``)."""

from __future__ import annotations

from django.utils import timezone

from utvei.core.jobs import Period, periodic
from utvei.privacy.services import retention_run


@periodic("retention_run", period=Period.DAILY)
def retention() -> str:
    """Delete or anonymise what the retention schedule says is due today; each rule leaves a receipt."""
    result = retention_run(actor=None, today=timezone.localdate())
    return " ".join(f"{o.record_type}={o.action}:{o.count}" for o in result.outcomes) or "nothing due"
