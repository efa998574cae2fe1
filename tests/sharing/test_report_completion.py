"""A report of concern saved with fields missing (R17) is completed later, with its history kept and audited;
the PST route records the channel, the reference and the time of knowledge (S15)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, login_verified
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Escalation, EscalationChange
from utvei.sharing import services
from utvei.sharing.models import Disclosure, DisclosureChannel


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _report(actor: User, **fields: object) -> Escalation:
    return services.escalation_report(actor=actor, case_id=_jonas().pk, level="serious", **fields)  # type: ignore[arg-type]


def test_R17_a_report_is_completed_later_and_its_history_is_kept_and_audited(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    report = _report(actor, recipient="pst")  # made in haste: no basis, no channel, no reference
    assert not Disclosure.objects.filter(escalation=report).exists()
    known = timezone.now() - timedelta(hours=5)
    completed = services.report_complete(
        actor=actor,
        escalation_id=report.pk,
        basis="duty_to_avert",
        channel="form",
        reference="PST-2026-77",
        known_at=known,
        summary="Observasjoner om planlegging av et angrep.",
        person_informed=False,
        person_not_informed_reason="Kan hindre avverging.",
    )
    assert (completed.basis, completed.reference, completed.known_at) == ("duty_to_avert", "PST-2026-77", known)
    [change] = EscalationChange.objects.filter(escalation=report)
    assert set(change.changed_fields) >= {"basis", "channel", "reference", "known_at", "summary"}
    assert json.loads(change.previous)["basis"] == ""  # what it said before
    entry = AuditEntry.objects.get(event=AuditEvent.UPDATE, target_type="cases.Escalation", target_id=str(report.pk))
    assert "reference" in entry.changed_fields and "PST-2026-77" not in str(entry.__dict__)
    # Now complete, the report is a disclosure on the duty to avert, with the PST route's channel and reference.
    disclosure = Disclosure.objects.get(escalation=report)
    assert disclosure.basis == "duty_to_avert" and disclosure.recipient_party.code == "pst"
    assert (disclosure.channel, disclosure.reference, disclosure.known_at) == (
        DisclosureChannel.PST_TIP,
        "PST-2026-77",
        known,
    )
    # A second completion is kept too, and the disclosure already made is not changed.
    services.report_complete(actor=actor, escalation_id=report.pk, reference="PST-2026-78")
    assert EscalationChange.objects.filter(escalation=report).count() == 2
    disclosure.refresh_from_db()
    assert disclosure.reference == "PST-2026-77"
    assert Disclosure.objects.filter(escalation=report).count() == 1


def test_a_completion_refuses_bad_input_and_the_level_and_recipient_stay(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    report = _report(actor, recipient="police")
    with pytest.raises(ValidationError) as exc:
        services.report_complete(
            actor=actor,
            escalation_id=report.pk,
            basis="nonsense",
            known_at=timezone.now() + timedelta(days=1),
            summary="Gradering: HEMMELIG",
        )
    assert {"basis", "known_at", "summary"} <= set(exc.value.message_dict)
    with pytest.raises(ValueError):
        services.report_complete(actor=actor, escalation_id=report.pk, recipient="pst")
    with pytest.raises(NotFound):
        services.report_complete(actor=demo["nabo"], escalation_id=report.pk, reference="x")
    assert not EscalationChange.objects.exists()


def test_the_report_page_completes_a_report_for_the_organisation_that_made_it(demo: dict[str, User]) -> None:
    report = _report(demo["koordinator"], recipient="police_contact")
    url = reverse("sharing:report_complete", kwargs={"case_id": _jonas().pk, "escalation_id": report.pk})
    listing = login_verified(Client(), demo["koordinator"]).get(
        reverse("sharing:disclosures", kwargs={"case_id": _jonas().pk})
    )
    assert url in listing.content.decode()
    client = login_verified(FormClient(), demo["koordinator"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reference": "Radkontakt 12", "known_at": "2026-01-05T09:30", "basis": "danger"})
    assert response.status_code == 303
    report.refresh_from_db()
    assert report.reference == "Radkontakt 12" and report.known_at is not None
    assert "report-history" in client.get(url).content.decode()
    # Another organisation on the team does not complete it: the same 404 as a missing report.
    assert login_verified(Client(), demo["nav"]).get(url).status_code == 404
