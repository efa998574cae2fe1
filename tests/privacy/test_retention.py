"""Retention as data: the schedule, the daily job and its receipts (GDPR art. 5(1)(e), R30, R32)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.models.query import QuerySet
from django.utils import timezone

from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry
from utvei.audit.services import verify_chain
from utvei.cases import services as case_services
from utvei.cases.models import Case, Concern, Guardian, Person
from utvei.core.models import Draft
from utvei.core.services import draft_save
from utvei.privacy.models import RecordType, RetentionReceipt, RetentionRule
from utvei.privacy.services import retention_run

DOCS = Path(__file__).resolve().parents[2] / "docs" / "retention.md"


def _concern(actor: User, subject: str) -> Concern:
    return case_services.concern_create(
        actor=actor,
        organisation=Organisation.objects.get(name="Demo kommune"),
        subject=subject,
        description="Lærer er bekymret.",
    )


def _receipts(record_type: str) -> list[RetentionReceipt]:
    return list(RetentionReceipt.objects.filter(record_type=record_type))


def test_the_demo_concern_older_than_90_days_is_gone_and_its_receipt_remains(demo: dict[str, User]) -> None:
    old = Concern.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        young = _concern(demo["saksbehandler"], "Elev, 16 år (initialer A.B.)")
        result = retention_run(actor=None, today=timezone.localdate())
        assert not Concern.objects.filter(pk=old.pk).exists()
        assert Concern.objects.filter(pk=young.pk).exists()
    [receipt] = _receipts(RecordType.CONCERN)
    assert (receipt.count, receipt.action, receipt.period_days) == (1, "delete", 90)
    assert receipt.legal_source == "docs/retention.md#concern-only-records"
    assert receipt.run_id == result.run_id and receipt.run_by == "system:retention"
    # The receipt says what, when and under which rule, and nothing about whom.
    text = " ".join(str(getattr(receipt, f.attname)) for f in RetentionReceipt._meta.concrete_fields)
    assert "K.T." not in text and "Lærer" not in text
    assert {f.name for f in RetentionReceipt._meta.concrete_fields} == {
        "id",
        "run_id",
        "rule",
        "record_type",
        "action",
        "count",
        "period_days",
        "cutoff",
        "legal_source",
        "ran_at",
        "run_by",
    }
    deletion = AuditEntry.objects.get(event="delete", target_type="cases.Concern", target_id=str(old.pk))
    assert deletion.actor_username == "system:retention"


def test_a_concern_younger_than_its_period_stays(demo: dict[str, User]) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=90)):
        retention_run(actor=None, today=timezone.localdate())
    assert Concern.objects.count() == 1 and _receipts(RecordType.CONCERN) == []


def test_running_twice_does_nothing_new(demo: dict[str, User]) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        today = timezone.localdate()
        retention_run(actor=None, today=today)
        receipts, entries = RetentionReceipt.objects.count(), AuditEntry.objects.count()
        second = retention_run(actor=None, today=today)
    assert receipts >= 1
    assert (RetentionReceipt.objects.count(), AuditEntry.objects.count()) == (receipts, entries)
    assert all(outcome.count == 0 for outcome in second.outcomes)


def test_a_run_killed_halfway_leaves_a_consistent_state_and_the_next_run_finishes(
    demo: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    draft_save(actor=demo["koordinator"], form_key="/cases/1/", field="notes", text="Halvferdig notat")
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now() - timedelta(days=2))
    original = QuerySet.delete

    def crash_on_sessions(self: QuerySet, *args: object, **kwargs: object) -> object:
        if self.model is Session:
            raise RuntimeError("killed")
        return original(self)

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        today = timezone.localdate()
        monkeypatch.setattr(QuerySet, "delete", crash_on_sessions)
        with pytest.raises(RuntimeError):
            retention_run(actor=None, today=today)
        monkeypatch.setattr(QuerySet, "delete", original)
        # The rules before the crash are done with their receipts; the one that crashed left nothing.
        assert not Concern.objects.exists() and not Draft.objects.exists()
        assert Session.objects.filter(session_key="k" * 32).exists()
        assert {r.record_type for r in RetentionReceipt.objects.all()} == {RecordType.CONCERN, RecordType.DRAFT}
        retention_run(actor=None, today=today)
    assert not Session.objects.filter(session_key="k" * 32).exists()
    assert sorted(r.record_type for r in RetentionReceipt.objects.all()) == sorted(
        [RecordType.CONCERN, RecordType.DRAFT, RecordType.SESSION]
    )
    assert verify_chain().ok


def _close(actor: User, case: Case) -> None:
    case_services.case_close(
        actor=actor,
        case_id=case.pk,
        reason="goals_met",
        outcome="Har arbeid og bolig.",
        handovers=[case_services.HandoverInput("Nav Demo", "Arbeidsoppfølging, med samtykke.")],
    )


def test_a_closed_case_is_anonymised_after_its_period_and_the_audit_chain_still_verifies(
    demo: dict[str, User], settings: object
) -> None:
    settings.CLOSED_CASE_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    emma = Case.objects.get(person__given_name="Emma")
    _close(demo["koordinator"], emma)
    jonas = Case.objects.get(person__given_name="Jonas")
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        retention_run(actor=None, today=timezone.localdate())
    assert Person.objects.get(pk=emma.person_id).anonymised_at is None
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        retention_run(actor=None, today=timezone.localdate())
    person = Person.objects.get(pk=emma.person_id)
    assert (person.given_name, person.family_name, person.national_id, person.phone, person.address) == (
        "Anonymisert",
        "",
        "",
        "",
        "",
    )
    assert (person.birth_date.month, person.birth_date.day) == (1, 1)
    assert not Guardian.objects.filter(person=person).exists()
    case = Case.objects.get(pk=emma.pk)
    assert case.reference == emma.reference and case.closure_reason == "goals_met"
    assert (case.referral_reason, case.closure_outcome) == ("", "")
    assert case.handovers.get().what_was_shared == ""
    # An open case is never anonymised.
    assert Person.objects.get(pk=jonas.person_id).anonymised_at is None
    [receipt] = _receipts(RecordType.CLOSED_CASE)
    assert (receipt.count, receipt.action, receipt.period_days) == (1, "anonymise", 30)
    assert verify_chain().ok


def test_audit_entries_are_kept(demo: dict[str, User]) -> None:
    before = AuditEntry.objects.count()
    with time_machine.travel(timezone.now() + timedelta(days=5000)):
        result = retention_run(actor=None, today=timezone.localdate())
    assert AuditEntry.objects.count() >= before
    assert [o for o in result.outcomes if o.record_type == RecordType.AUDIT_ENTRY][0].action == "keep"


def test_every_rule_names_its_section_of_the_retention_document(db: None) -> None:
    text = DOCS.read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-") for h in re.findall(r"^## (.+)$", text, re.M)
    }
    rules = list(RetentionRule.objects.all())
    assert {r.record_type for r in rules} == set(RecordType.values)
    for rule in rules:
        path, _hash, anchor = rule.legal_source.partition("#")
        assert path == "docs/retention.md" and anchor in anchors, rule.legal_source


def test_the_command_runs_the_schedule_and_prints_what_it_did(demo: dict[str, User]) -> None:
    out = StringIO()
    day = (timezone.localdate() + timedelta(days=91)).isoformat()
    call_command("retention_run", "--date", day, stdout=out)
    assert "concern: delete 1" in out.getvalue()
    assert not Concern.objects.exists()
