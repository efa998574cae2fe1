"""A value that cannot be decrypted shows as "kan ikke vises", and every page around it still works."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests.core.test_crypto import flip_last_byte, raw, set_raw
from tests.helpers import FormClient, loaded_with, login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case, Task
from utvei.network.models import NetworkNode, NetworkSnapshot
from utvei.plans.models import Plan


def _jonas() -> Case:
    return Case.objects.select_related("person").get(person__given_name="Jonas")


def _corrupt(table: str, column: str, pk: object) -> None:
    set_raw(table, column, pk, flip_last_byte(raw(table, column, pk)))


def _pages(case: Case) -> dict[str, str]:
    plan = Plan.objects.get(case=case)
    return {
        "work list": reverse("cases:dashboard"),
        "case": reverse("cases:detail", kwargs={"case_id": case.pk}),
        "plan": reverse("plans:detail", kwargs={"plan_id": plan.pk}),
        "consents": reverse("sharing:consents", kwargs={"case_id": case.pk}),
        "escalate": reverse("sharing:escalate", kwargs={"case_id": case.pk}),
        "network": reverse("network:map", kwargs={"case_id": case.pk}),
    }


@pytest.mark.parametrize("user", ["koordinator", "saksbehandler", "politikontakt", "nav"])
def test_every_page_renders_with_a_corrupt_referral_reason_and_address(demo: dict[str, User], user: str) -> None:
    case = _jonas()
    _corrupt("cases_case", "referral_reason", case.pk)
    _corrupt("cases_person", "address", case.person_id)
    client = login_verified(FormClient(), demo[user])
    for name, url in _pages(case).items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        if user == "koordinator":
            assert response.status_code == 200, name
    if user == "koordinator":
        html = client.get(_pages(case)["case"]).content.decode()
        assert html.count("kan ikke vises") == 2  # the address and the reason; the rest of the page is there
        assert "Jonas" in html and "Avtale neste møte med personen" in html


def test_the_escalation_page_and_the_report_itself_work_with_corrupt_values(demo: dict[str, User]) -> None:
    case = _jonas()
    _corrupt("cases_case", "referral_reason", case.pk)
    _corrupt("cases_person", "address", case.person_id)
    _corrupt("cases_person", "national_id", case.person_id)
    client = login_verified(FormClient(), demo["politikontakt"])
    url = reverse("sharing:escalate", kwargs={"case_id": case.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": "serious", "recipient": "pst"})
    assert response.status_code == 302
    assert case.escalations.count() == 1


def test_unreadable_ties_tasks_and_snapshots_leave_their_pages_working(demo: dict[str, User]) -> None:
    case = _jonas()
    node = NetworkNode.objects.filter(case=case).order_by("pk").first()
    snapshot = NetworkSnapshot.objects.filter(case=case).order_by("pk").first()
    task = Task.objects.filter(case=case, done_at__isnull=True).order_by("pk").first()
    assert node and snapshot and task
    _corrupt("network_networknode", "label", node.pk)
    _corrupt("network_networksnapshot", "nodes", snapshot.pk)
    _corrupt("cases_task", "title", task.pk)
    client = login_verified(FormClient(), demo["koordinator"])
    for url in (
        reverse("network:map", kwargs={"case_id": case.pk}),
        reverse("network:snapshot_detail", kwargs={"snapshot_id": snapshot.pk}),
        reverse("network:compare", kwargs={"case_id": case.pk}),
        reverse("network:map_pdf", kwargs={"case_id": case.pk}),
        reverse("cases:dashboard"),
        reverse("cases:detail", kwargs={"case_id": case.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "kan ikke vises" in client.get(reverse("network:map", kwargs={"case_id": case.pk})).content.decode()
    own_list = login_verified(FormClient(), task.assignee).get(reverse("cases:dashboard"))
    assert own_list.status_code == 200 and "kan ikke vises" in own_list.content.decode()


def test_an_unreadable_value_is_logged_once_per_request_without_its_value(
    demo: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    case = _jonas()
    _corrupt("cases_case", "referral_reason", case.pk)
    client = login_verified(FormClient(), demo["koordinator"])
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    with caplog.at_level(logging.WARNING, logger="utvei.crypto"):
        client.get(url)  # the page loads the case more than once
        first = [r.getMessage() for r in caplog.records if "cases_case.referral_reason" in r.getMessage()]
        client.get(url)
        both = [r.getMessage() for r in caplog.records if "cases_case.referral_reason" in r.getMessage()]
    assert len(first) == 1 and len(both) == 2  # once per request
    assert f"row {case.pk}" in first[0] and f"d.{case.person.data_key}" in first[0]
    assert "kontakt" not in first[0]


def test_editing_a_form_with_an_unreadable_value_keeps_the_stored_value(demo: dict[str, User]) -> None:
    case = _jonas()
    plan = Plan.objects.get(case=case)
    measure = plan.measures.order_by("pk").first()
    assert measure is not None
    _corrupt("plans_measure", "title", measure.pk)
    broken = raw("plans_measure", "title", measure.pk)
    client = login_verified(FormClient(), demo["koordinator"])
    url = reverse("plans:measure_edit", kwargs={"measure_id": measure.pk})
    page = client.get(url)
    assert page.status_code == 200 and "kan ikke vises" in page.content.decode()
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["outcome"] = "Går bra."
    data.update(loaded_with(page))  # the version the form was loaded with, as the browser sends it
    response = client.post(url, {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert raw("plans_measure", "title", measure.pk) == broken  # the marker was not stored as the title
    measure.refresh_from_db()
    assert measure.outcome == "Går bra."


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
