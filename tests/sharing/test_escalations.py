"""The report of serious concern and the sharing engine: the escalation form's basis codes map onto the
decision's rows, the child-welfare report names its conditions a–d, and a report on the duty to avert
needs no consent (S8, S10, S11/S12, R17, R19, R34)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case, Escalation
from utvei.sharing import services
from utvei.sharing.decision import BasisCode
from utvei.sharing.models import Disclosure


def _case(name: str) -> Case:
    return Case.objects.get(person__given_name=name)


def _report(actor: User, case: Case, **fields: object) -> Escalation:
    return services.escalation_report(actor=actor, case_id=case.pk, level="serious", **fields)  # type: ignore[arg-type]


def test_S8_R17_an_avvergingsplikt_report_to_the_police_is_recorded_as_a_disclosure_without_consent(
    demo: dict[str, User],
) -> None:
    case = _case("Jonas")
    client = login_verified(FormClient(), demo["skole"])
    response = client.post(
        reverse("sharing:escalate", kwargs={"case_id": case.pk}),
        {"level": "serious", "recipient": "police", "basis": "duty_to_avert", "summary": "Planer om et angrep."},
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get(case=case)
    disclosure = Disclosure.objects.get(escalation=escalation)
    assert disclosure.basis == BasisCode.DUTY_TO_AVERT and disclosure.consent is None
    assert disclosure.facts == ["avert_listed_offence_most_likely"]
    assert disclosure.recipient_kind == "police_district"


def test_S10_R34_a_child_welfare_report_becomes_a_disclosure_only_with_the_conditions_named(
    demo: dict[str, User],
) -> None:
    emma, coordinator = _case("Emma"), demo["koordinator"]
    without = _report(coordinator, emma, recipient="child_welfare", basis="child_welfare_duty")
    assert not Disclosure.objects.filter(escalation=without).exists()  # Utvei never guesses a–d
    named = _report(
        coordinator, emma, recipient="child_welfare", basis="child_welfare_duty", child_welfare_conditions=["a", "c"]
    )
    disclosure = Disclosure.objects.get(escalation=named)
    assert disclosure.basis == BasisCode.CHILD_WELFARE_DUTY and disclosure.child_welfare_conditions == ["a", "c"]
    assert disclosure.recipient_kind == "child_welfare"


def test_S10_the_escalation_page_asks_for_conditions_a_to_d_for_a_minor_only(demo: dict[str, User]) -> None:
    client = login_verified(FormClient(), demo["koordinator"])
    emma, jonas = _case("Emma"), _case("Jonas")
    page = client.get(reverse("sharing:escalate", kwargs={"case_id": emma.pk})).content.decode()
    assert 'name="child_welfare_conditions"' in page
    adult = client.get(reverse("sharing:escalate", kwargs={"case_id": jonas.pk})).content.decode()
    assert 'name="child_welfare_conditions"' not in adult
    response = client.post(
        reverse("sharing:escalate", kwargs={"case_id": emma.pk}),
        {
            "level": "serious",
            "recipient": "child_welfare",
            "basis": "child_welfare_duty",
            "child_welfare_conditions": ["c"],
            "person_not_informed_reason": "Foreldrene varsles av barnevernet.",
        },
    )
    assert response.status_code == 302
    assert Disclosure.objects.get(escalation__case=emma).child_welfare_conditions == ["c"]


def test_R19_for_an_adult_the_child_welfare_duty_gives_no_disclosure_but_the_report_stands(
    demo: dict[str, User],
) -> None:
    jonas = _case("Jonas")
    report = _report(
        demo["koordinator"],
        jonas,
        recipient="child_welfare",
        basis="child_welfare_duty",
        child_welfare_conditions=["c"],
    )
    assert Escalation.objects.filter(pk=report.pk).exists()
    assert not Disclosure.objects.filter(escalation=report).exists()


def test_unknown_conditions_are_refused_and_nothing_is_recorded(demo: dict[str, User]) -> None:
    emma = _case("Emma")
    with pytest.raises(ValidationError) as exc:
        _report(demo["koordinator"], emma, recipient="child_welfare", child_welfare_conditions=["e"])
    assert "child_welfare_conditions" in exc.value.message_dict
    assert not Escalation.objects.filter(case=emma).exists()


def test_S12_the_health_personnel_basis_maps_to_the_duty_to_alert_the_police(demo: dict[str, User]) -> None:
    jonas = _case("Jonas")
    report = services.escalation_report(
        actor=demo["helse"], case_id=jonas.pk, level="acute", recipient="police", basis="health_personnel"
    )
    disclosure = Disclosure.objects.get(escalation=report)
    assert disclosure.basis == BasisCode.HEALTH_EMERGENCY
    assert disclosure.discloser.name == "Demo helsetjeneste"


def test_S11_S12_the_health_personnel_basis_used_by_someone_else_records_no_disclosure(demo: dict[str, User]) -> None:
    jonas = _case("Jonas")
    report = services.escalation_report(
        actor=demo["koordinator"], case_id=jonas.pk, level="acute", recipient="police", basis="health_personnel"
    )
    assert Escalation.objects.filter(pk=report.pk).exists()
    assert not Disclosure.objects.filter(escalation=report).exists()


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
