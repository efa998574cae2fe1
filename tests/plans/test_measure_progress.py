"""A partner reports progress on the measures its organisation provides: only its own measures, only while
seated on the open case; each report is kept with author and time, the coordinator is told, and bad input
changes nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.helpers import FormClient, login_verified
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, TeamMember
from utvei.notifications.models import Notification, NotificationKind
from utvei.plans.models import Measure, MeasureProgress, MeasureStatus, PlanVersion
from utvei.plans.services import measure_progress_record

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _measure(title: str) -> Measure:
    return next(m for m in Measure.objects.all() if m.title == title)


def _client(user: User) -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_provider_reports_progress_kept_as_history_and_coordinator_told(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    nav = demo_shared["nav"]
    first = measure_progress_record(actor=nav, measure_id=work.pk, status=MeasureStatus.ONGOING, note="Møtt hver dag.")
    second = measure_progress_record(actor=nav, measure_id=work.pk, status=MeasureStatus.COMPLETED, note="")
    work.refresh_from_db()
    assert work.status == MeasureStatus.COMPLETED
    rows = list(MeasureProgress.objects.filter(measure=work).order_by("pk"))
    assert [(r.status_before, r.status, r.recorded_by_id) for r in rows] == [
        (MeasureStatus.ONGOING, MeasureStatus.ONGOING, nav.pk),
        (MeasureStatus.ONGOING, MeasureStatus.COMPLETED, nav.pk),
    ]
    assert rows[0].note == "Møtt hver dag." and rows[0].owner_organisation_id == work.provider_organisation_id
    # Only the status change is a plan version; both reports are audited, with field names only.
    assert PlanVersion.objects.filter(object_type="measure", object_id=work.pk, changed_by=nav).count() == 1
    assert AuditEntry.objects.filter(
        event=AuditEvent.CREATE, target_type="plans.MeasureProgress", target_id=str(first.pk), actor=nav
    ).exists()
    assert AuditEntry.objects.filter(
        event=AuditEvent.UPDATE, target_type="plans.Measure", target_id=str(work.pk), actor=nav
    ).exists()
    told = Notification.objects.filter(kind=NotificationKind.MEASURE_UPDATED, key=f"measure_progress:{second.pk}")
    assert set(told.values_list("recipient__username", flat=True)) == {"koordinator"}


@pytest.mark.parametrize("username", ["helse", "skole", "mentor", "nabo", "saksbehandler"])
def test_only_the_providing_organisation_may_report(demo_shared: Users, username: str) -> None:
    work = _measure("Arbeidstrening")
    with pytest.raises(NotFound):
        measure_progress_record(actor=demo_shared[username], measure_id=work.pk, status=MeasureStatus.PAUSED)
    assert not MeasureProgress.objects.filter(measure=work).exists()


def test_health_reports_on_its_own_measure_but_not_on_navs(demo_shared: Users) -> None:
    health = _measure("Samtaler hos psykolog")
    measure_progress_record(actor=demo_shared["helse"], measure_id=health.pk, status=MeasureStatus.ONGOING)
    with pytest.raises(NotFound):
        measure_progress_record(actor=demo_shared["nav"], measure_id=health.pk, status=MeasureStatus.ONGOING)


def test_a_provider_without_a_seat_in_force_may_not_report(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    nav = demo_shared["nav"]
    TeamMember.objects.filter(user=nav, case=work.case).update(left_at="2026-01-01T00:00Z")
    with pytest.raises(NotFound):
        measure_progress_record(actor=nav, measure_id=work.pk, status=MeasureStatus.PAUSED)


def test_a_provider_may_not_report_on_a_closed_case(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    Case.objects.filter(pk=work.case_id).update(closed_at="2026-01-01T00:00Z")
    with pytest.raises(NotFound):
        measure_progress_record(actor=demo_shared["nav"], measure_id=work.pk, status=MeasureStatus.PAUSED)


def test_bad_reports_name_every_error_and_change_nothing(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    nav = demo_shared["nav"]
    version = work.version
    with pytest.raises(ValidationError) as caught:
        measure_progress_record(actor=nav, measure_id=work.pk, status="nonsense", note="x" * 4001)
    assert set(caught.value.message_dict) == {"status", "note"}
    with pytest.raises(ValidationError) as nothing:
        measure_progress_record(actor=nav, measure_id=work.pk, status=work.status, note="  ")
    assert set(nothing.value.message_dict) == {"note"}
    assert not MeasureProgress.objects.filter(measure=work).exists()
    work.refresh_from_db()
    assert work.status == MeasureStatus.ONGOING and work.version == version


def test_progress_page_shows_the_measure_and_history_and_saves(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    client = _client(demo_shared["nav"])
    url = reverse("plans:measure_progress", kwargs={"measure_id": work.pk})
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "Arbeidstrening" in body and "No progress reported yet." in body
    refused = client.post(url, {"status": "nonsense", "note": ""})
    assert refused.status_code == 422 and "Select a valid choice" in refused.content.decode()
    assert not MeasureProgress.objects.filter(measure=work).exists()
    saved = client.post(url, {"status": MeasureStatus.PAUSED, "note": "Pause i fellesferien."})
    assert saved.status_code == 302 and saved["Location"] == url
    after = client.get(url).content.decode()
    assert "Pause i fellesferien." in after and "status changed from Ongoing to Paused" in after
    tab = client.get(reverse("cases:tab", kwargs={"case_id": work.case_id, "tab": "plan"})).content.decode()
    assert "Measures your organisation provides" in tab and url in tab


def test_progress_page_is_not_found_for_other_organisations(demo_shared: Users) -> None:
    work = _measure("Arbeidstrening")
    url = reverse("plans:measure_progress", kwargs={"measure_id": work.pk})
    for username in ("helse", "mentor", "nabo"):
        assert _client(demo_shared[username]).get(url).status_code == 404
