"""Reads of break-glass grants: the holder's live grants and the data protection officer's review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.privacy.models import AccessGrant, GrantReason, ReviewState

# How many grants one page of the queue shows (the newest first).
QUEUE_SIZE = 100


@dataclass(frozen=True)
class GrantLine:
    """Hold one grant as its holder or the officer sees it."""

    pk: int
    case_id: int
    case_reference: str
    holder: str
    organisation: str
    role: str
    reason_code: str
    reason_label: str
    reason: str
    granted_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    live: bool
    review_state: str
    review_label: str
    review_note: str
    reviewed_by: str
    reviewed_at: datetime | None


def _line(grant: AccessGrant, now: datetime) -> GrantLine:
    return GrantLine(
        pk=grant.pk,
        case_id=grant.case_id,
        case_reference=grant.case.reference,
        holder=grant.user.display_name(),
        organisation=grant.organisation.name,
        role=str(Role(grant.role).label) if grant.role in Role.values else grant.role,
        reason_code=grant.reason_code,
        reason_label=str(GrantReason(grant.reason_code).label),
        reason=grant.reason,
        granted_at=grant.granted_at,
        expires_at=grant.expires_at,
        ended_at=grant.ended_at,
        live=grant.live(now),
        review_state=grant.review_state,
        review_label=str(ReviewState(grant.review_state).label),
        review_note=grant.review_note,
        reviewed_by=grant.reviewed_by.display_name() if grant.reviewed_by else "",
        reviewed_at=grant.reviewed_at,
    )


def _related(qs: object) -> object:
    return qs.select_related("case", "user", "organisation", "reviewed_by")  # type: ignore[attr-defined]


def own_live_grants(*, actor: User) -> list[GrantLine]:
    """Give the actor's own grants still in force, newest first (audited as one LIST when any)."""
    now = timezone.now()
    with reading():
        qs = policy.scope(actor, Action.UPDATE, AccessGrant.objects.filter(ended_at__isnull=True, expires_at__gt=now))
        lines = [_line(g, now) for g in _related(qs)]  # type: ignore[attr-defined]
        if lines:
            record(actor=actor, event=AuditEvent.LIST, target_type=AccessGrant._meta.label, target_id=len(lines))
    return lines


def grant_queue(*, actor: User, state: str) -> list[GrantLine]:
    """Give the officer's review queue: grants on cases of the organisations they are the officer of, in
    one review state ("unreviewed", "reviewed" for reviewed or deviation, or "all"). Audited as LIST."""
    now = timezone.now()
    with reading():
        qs = policy.scope(actor, Action.REVIEW, AccessGrant.objects.all())
        if state == "unreviewed":
            qs = qs.filter(review_state=ReviewState.UNREVIEWED)
        elif state == "reviewed":
            qs = qs.exclude(review_state=ReviewState.UNREVIEWED)
        lines = [_line(g, now) for g in _related(qs.order_by("-granted_at"))[:QUEUE_SIZE]]  # type: ignore[index]
        record(actor=actor, event=AuditEvent.LIST, target_type=AccessGrant._meta.label, target_id=len(lines))
    return lines


def grant_for_review(*, actor: User, grant_id: int) -> GrantLine:
    """Give one grant the officer reviews, with its reason (audited as VIEW on the grant's case).

    :raises NotFound: no such grant, or not one the actor reviews.
    """
    with reading():
        grant = _related(AccessGrant.objects.filter(pk=grant_id)).first()  # type: ignore[attr-defined]
        if grant is None:
            raise NotFound(AccessGrant._meta.label, grant_id)
        policy.require(actor, Action.REVIEW, grant)
        record(actor=actor, event=AuditEvent.VIEW, target=grant, case=grant.case, categories=["reason"])
    return _line(grant, timezone.now())
