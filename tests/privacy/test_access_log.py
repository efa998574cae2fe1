"""The person's own access log (GDPR art. 15, Normen): who accessed their information and when, by
organisation and role, with the grounds; what was disclosed to whom; lawful exceptions held back until
their end date."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.helpers import FormClient, login_verified
from utvei.access.categories import Category
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case
from utvei.cases.selectors import case_overview
from utvei.privacy import selectors, services
from utvei.privacy.models import AccessLogException, ExceptionReason
from utvei.sharing import services as sharing_services
from utvei.sharing.decision import BasisCode, Purpose

STAFF_NAMES = ("Nina Nav", "Per Politikontakt", "Kari Koordinator", "Siri Skole", "Helge Helse")


def _jonas() -> Case:
    return Case.objects.select_related("person").get(person__given_name="Jonas")


def _log(actor: User, language: str = "en") -> selectors.AccessLogPage:
    return selectors.access_log_page(actor=actor, case_id=_jonas().pk, language=language)


def _organisations(page: selectors.AccessLogPage) -> set[str]:
    return {line.organisation for line in page.log.accesses}


def _police_exception(actor: User, days: int = 30) -> AccessLogException:
    return services.access_log_exception_record(
        actor=actor,
        case_id=_jonas().pk,
        organisation_id=Organisation.objects.get(name="Demo politidistrikt").pk,
        reason_code=ExceptionReason.DUTY_TO_AVERT,
        reason="Politiet vurderer en sak etter § 196; å si det nå kan hindre avvergingen.",
        valid_until=timezone.localdate() + timedelta(days=days),
    )


def test_the_log_shows_every_organisation_and_role_that_read_the_case(demo: dict[str, User]) -> None:
    page = _log(demo["koordinator"])
    assert _organisations(page) >= {"Demo kommune", "Demo politidistrikt", "Nav Demo", "Demo helsetjeneste"}
    police = [a for a in page.log.accesses if a.organisation == "Demo politidistrikt"]
    assert {a.role for a in police} == {"Police contact person"}
    assert {a.action for a in police} == {"read information about you"}


def test_the_log_holds_only_this_persons_entries(demo: dict[str, User]) -> None:
    emma = Case.objects.get(person__given_name="Emma")
    case_overview(actor=demo["barnevern"], case_id=emma.pk)
    assert "Barnevernstjenesten i Demo kommune" not in _organisations(_log(demo["koordinator"]))
    shown = {line.at for line in _log(demo["koordinator"]).log.accesses}
    expected = set(
        AuditEntry.objects.filter(person_id=_jonas().person_id, outcome="success")
        .exclude(event__in=[AuditEvent.ACCESS_DENIED])
        .filter(event__in=["view", "list", "create", "update", "delete", "export", "share", "break_glass"])
        .values_list("created_at", flat=True)
    )
    # The log's own production is recorded after it was read, so it appears the next time.
    assert shown <= expected and len(expected - shown) <= 2


def test_grounds_and_categories_appear_when_the_entry_has_them(demo: dict[str, User]) -> None:
    case = _jonas()
    record(actor=demo["nav"], event=AuditEvent.VIEW, target=case, case=case, categories=["work"], grounds=["consent"])
    lines = [a for a in _log(demo["koordinator"]).log.accesses if a.categories == ["Work and income"]]
    assert [(a.organisation, a.categories, a.grounds) for a in lines] == [
        ("Nav Demo", ["Work and income"], ["consent"])
    ]
    # Reads through the pages name what they showed in plain words, never a field's code.
    shown = {c for a in _log(demo["koordinator"]).log.accesses for c in a.categories}
    assert "national_id" not in shown and "tab:plan" not in shown


def test_an_exception_holds_the_police_back_until_its_end_date_then_shows_them(demo: dict[str, User]) -> None:
    coordinator = demo["koordinator"]
    before = _log(coordinator)
    assert "Demo politidistrikt" in _organisations(before)
    exception = _police_exception(coordinator, days=30)
    held = _log(coordinator)
    assert "Demo politidistrikt" not in _organisations(held)
    assert held.held_back >= 2 and [x.organisation for x in held.exceptions] == ["Demo politidistrikt"]
    # The exception's own record is held back too: the log must not tip the person off.
    creates = [
        a for a in held.log.accesses if a.action == "recorded information about you" and a.at >= exception.recorded_at
    ]
    assert creates == []
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        after = _log(coordinator)
        assert "Demo politidistrikt" in _organisations(after)
        assert after.exceptions[0].in_force is False


def test_an_exception_needs_an_organisation_a_reason_and_an_end_within_a_year(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.access_log_exception_record(
            actor=demo["koordinator"],
            case_id=_jonas().pk,
            organisation_id=None,
            reason_code="unknown",
            reason=" ",
            valid_until=timezone.localdate(),
        )
    assert set(caught.value.message_dict) == {"organisation", "reason_code", "reason", "valid_until"}
    with pytest.raises(ValidationError) as too_long:
        _police_exception(demo["koordinator"], days=400)
    assert set(too_long.value.message_dict) == {"valid_until"}
    assert not AccessLogException.objects.exists()


def test_an_exception_is_recorded_with_its_author_and_audited(demo: dict[str, User]) -> None:
    exception = _police_exception(demo["koordinator"])
    assert exception.recorded_by == demo["koordinator"]
    entry = AuditEntry.objects.get(target_type="privacy.AccessLogException", target_id=str(exception.pk))
    assert entry.event == AuditEvent.CREATE and entry.case_id == _jonas().pk and entry.actor == demo["koordinator"]
    assert "§ 196" not in str(entry.changed_fields)


def test_only_editors_of_the_case_record_exceptions(demo: dict[str, User]) -> None:
    from utvei.access.policy import NotFound

    for username in ("nav", "politikontakt", "mentor", "slt"):
        with pytest.raises(NotFound):
            _police_exception(demo[username])


def _disclosure_to_nav(actor: User, **extra: object) -> None:
    fields: dict[str, object] = {
        "recipient_organisation": Organisation.objects.get(name="Nav Demo"),
        "recipient_kind": OrganisationKind.NAV,
        "categories": [Category.WORK],
        "basis": BasisCode.CONSENT,
        "content_summary": "Ønsker om arbeid.",
        "purpose": Purpose.COORDINATION,
        "person_informed": True,
        "find_consent": True,
    }
    fields.update(extra)
    sharing_services.disclosure_record(actor=actor, case_id=_jonas().pk, **fields)  # type: ignore[arg-type]


def test_disclosures_show_who_received_what_and_why_unless_held_back(demo: dict[str, User]) -> None:
    coordinator = demo["koordinator"]
    _disclosure_to_nav(coordinator)
    lines = _log(coordinator).log.disclosures
    assert [(d.discloser, d.recipient, d.categories) for d in lines] == [
        ("Demo kommune", "Nav Demo", ["Work and income"])
    ]
    services.access_log_exception_record(
        actor=coordinator,
        case_id=_jonas().pk,
        organisation_id=Organisation.objects.get(name="Nav Demo").pk,
        reason_code=ExceptionReason.PROTECT_OTHERS,
        reason="Hensynet til andre.",
        valid_until=timezone.localdate() + timedelta(days=10),
    )
    assert _log(coordinator).log.disclosures == []


def test_the_coordinator_prints_the_access_log_without_staff_names(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["koordinator"])
    response = client.get(reverse("privacy:access_log_pdf", kwargs={"case_id": _jonas().pk}), {"lang": "nb"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Jonas Berg" in text and "Nav Demo" in text and "Demo politidistrikt" in text
    assert "kontaktperson i politiet" in text
    assert not any(name in text for name in STAFF_NAMES)
    assert AuditEntry.objects.filter(
        actor=demo["koordinator"], event=AuditEvent.EXPORT, target_type="privacy.AccessLog"
    ).exists()


def test_the_page_shows_the_log_and_the_exceptions_to_staff(demo: dict[str, User]) -> None:
    _police_exception(demo["koordinator"])
    client = login_verified(FormClient(), demo["saksbehandler"])
    response = client.get(reverse("privacy:access_log", kwargs={"case_id": _jonas().pk}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Tilgangslogg for personen" in text and "Politiet vurderer en sak" in text
    response = client.post(reverse("privacy:exception_new", kwargs={"case_id": _jonas().pk}), {"reason": ""})
    assert response.status_code == 422 and AccessLogException.objects.count() == 1
