"""Reads of one report of serious concern and the police contact's answers, scoped by the policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from utvei.access import engine, policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Escalation, EscalationReceipt


@dataclass(frozen=True)
class ReceiptRow:
    """Hold one answer of the police contact as shown: when, by whom, the outcome and the reference."""

    recorded_at: datetime
    author: str
    organisation: str
    outcome: str
    police_reference: str
    note: str


@dataclass(frozen=True)
class ReportPage:
    """Hold what the report page shows of one report, and whether the actor may answer it."""

    pk: int
    case: CaseCard
    reported_at: datetime
    reported_by: str
    level: str
    recipient: str
    basis: str
    channel: str
    summary: str
    reference: str
    reassess_on: date | None
    can_answer: bool
    receipts: list[ReceiptRow] = field(default_factory=list)


def report_get(*, actor: User, escalation_id: int) -> ReportPage:
    """Fetch one report of serious concern the actor may see, with every answer the police contact gave.

    The reporting organisation sees it by its category; the police contact on the team sees a report made to
    the police or PST, and answers it. The read is audited.

    :raises NotFound: the report does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        escalation = (
            Escalation.objects.select_related("case", "case__person", "case__responsible_organisation")
            .select_related("owner_organisation")
            .filter(pk=escalation_id)
            .first()
        )
        if escalation is None:
            raise NotFound(Escalation._meta.label, escalation_id)
        policy.require(actor, Action.VIEW, escalation)
        receipts = policy.scope(actor, Action.VIEW, EscalationReceipt.objects.filter(escalation=escalation))
        page = ReportPage(
            pk=escalation.pk,
            case=case_card(escalation.case),
            reported_at=escalation.reported_at,
            reported_by=escalation.owner_organisation.name,
            level=str(escalation.get_level_display()),
            recipient=str(escalation.get_recipient_display()),
            basis=str(escalation.get_basis_display()) if escalation.basis else "",
            channel=str(escalation.get_channel_display()) if escalation.channel else "",
            summary=escalation.summary,
            reference=escalation.reference,
            reassess_on=escalation.reassess_on,
            can_answer=policy.can(actor, Action.RESPOND, escalation),
            receipts=[
                ReceiptRow(
                    r.recorded_at,
                    r.recorded_by.display_name(),
                    r.owner_organisation.name,
                    str(r.get_outcome_display()),
                    r.police_reference,
                    r.note,
                )
                for r in receipts.select_related("recorded_by", "owner_organisation")
            ],
        )
        ctx = policy.context(actor)
        ground = policy.category_ground(ctx, escalation, Category.POLICE) or engine.Ground.SEAT
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=escalation,
            case=escalation.case,
            categories=[Category.POLICE],
            grounds=[ground],
        )
    return page
