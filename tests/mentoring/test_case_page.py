"""The case page for a mentor-only seat (R26): contact details the person agreed to, never the national
identity number, the referral reason or the person's consents; other members keep what they had."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.cases.models import Case


def _case_page(user: object, tab: str = "") -> str:
    case = Case.objects.get(person__given_name="Jonas")
    client = login_verified(Client(), user)  # type: ignore[arg-type]
    kwargs = {"case_id": case.pk} | ({"tab": tab} if tab else {})
    page = client.get(reverse("cases:tab" if tab else "cases:detail", kwargs=kwargs))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.django_db
def test_a_mentor_sees_agreed_contact_details_but_not_the_identity_number_reason_or_consents(
    demo: dict[str, object],
) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    html = _case_page(demo["mentor"])
    assert case.person.phone in html
    assert case.person.national_id not in html
    assert case.referral_reason not in html
    assert case.security_assessed_by not in html
    # The team shows only the coordinator; nobody else on the team is named to the mentor.
    assert "Kari Koordinator" in html
    for other in ("Per Politikontakt", "Nina Nav", "Siri Skole", "Helge Helse"):
        assert other not in html
    assert reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "sharing"}) not in html


@pytest.mark.django_db
def test_the_case_worker_still_sees_identity_number_reason_and_consents(demo: dict[str, object]) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    html = _case_page(demo["saksbehandler"])
    assert case.person.national_id in html
    assert case.referral_reason in html
    assert 'id="sharing-heading"' in _case_page(demo["saksbehandler"], "sharing")
