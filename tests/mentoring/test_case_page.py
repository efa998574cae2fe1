"""The case page for a mentor-only seat (R26): contact details the person agreed to, never the national
identity number, the referral reason or the person's consents; other members keep what they had."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.cases.models import Case


def _case_page(user: object) -> str:
    case = Case.objects.get(person__given_name="Jonas")
    client = login_verified(Client(), user)  # type: ignore[arg-type]
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
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
    assert 'id="sharing-heading"' not in html


@pytest.mark.django_db
def test_the_case_worker_still_sees_identity_number_reason_and_consents(demo: dict[str, object]) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    html = _case_page(demo["saksbehandler"])
    assert case.person.national_id in html
    assert case.referral_reason in html
    assert 'id="sharing-heading"' in html
