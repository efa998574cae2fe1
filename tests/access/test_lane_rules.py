"""The own-part rules list exactly what they check (scope ≡ allows) for every demo user, with reports to the
police and to child welfare, answers, progress reports and partner notes on the case."""

from __future__ import annotations

import pytest
from django.utils import timezone

from utvei.access import policy
from utvei.access.engine import AccessContext
from utvei.accounts.models import User
from utvei.cases.models import Case, Escalation, EscalationOutcome, EscalationReceipt
from utvei.cases.services import escalation_receipt_record, escalation_record
from utvei.contacts.models import CaseNote, CaseNoteKind
from utvei.contacts.services import case_note_record
from utvei.plans.models import Measure, MeasureProgress, MeasureStatus
from utvei.plans.services import measure_progress_record

pytestmark = pytest.mark.django_db

LANE_MODELS = (Escalation, EscalationReceipt, Measure, MeasureProgress, CaseNote, Case)


def _world(users: dict[str, User]) -> None:
    case = Case.objects.order_by("pk")[0]
    for recipient in ("police_contact", "pst", "child_welfare"):
        escalation_record(actor=users["saksbehandler"], case_id=case.pk, level="serious", recipient=recipient)
    police = Escalation.objects.filter(case=case, recipient="pst").get()
    escalation_receipt_record(actor=users["politikontakt"], escalation_id=police.pk, outcome=EscalationOutcome.RECEIVED)
    for measure in Measure.objects.filter(case=case):
        provider = {"Nav Demo": "nav", "Demo helsetjeneste": "helse"}.get(measure.provider_organisation.name)
        if provider:
            measure_progress_record(actor=users[provider], measure_id=measure.pk, status=MeasureStatus.PAUSED)
    for username in ("nav", "skole", "koordinator", "politikontakt"):
        case_note_record(
            actor=users[username], case_id=case.pk, kind=CaseNoteKind.NOTE, held_on=timezone.localdate(), text="Notat."
        )


def test_every_own_part_rule_lists_exactly_what_it_checks(demo_shared: dict[str, User]) -> None:
    _world(demo_shared)
    assert MeasureProgress.objects.count() >= 1 and EscalationReceipt.objects.count() == 1
    mismatches = []
    for user in User.objects.order_by("pk"):
        ctx = AccessContext(user)
        for model, action, rule in policy.registered_rules():
            if model not in LANE_MODELS:
                continue
            scoped = set(rule.scope(ctx, model._default_manager.all()).values_list("pk", flat=True))
            checked = {row.pk for row in model._default_manager.all() if rule.allows(ctx, row)}
            if scoped != checked:
                mismatches.append(f"{user.username} {model._meta.label}.{action}: {scoped ^ checked}")
    assert mismatches == []
