"""Periodic jobs of the audit app, found by the job registry (``utvei.core.jobs``)."""

from __future__ import annotations

from utvei.audit.services import checkpoint_write
from utvei.core.jobs import Period, periodic


@periodic("audit_checkpoint", period=Period.HOURLY)
def audit_checkpoint() -> str:
    """Sign the chain head into the external store; a repeat after a failed commit only adds a checkpoint."""
    checkpoint = checkpoint_write()
    return "no new entries" if checkpoint is None else f"checkpoint #{checkpoint.number} seq={checkpoint.seq}"
