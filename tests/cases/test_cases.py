"""Cases in the foundation: the dashboard shows the user's team cases, and every read is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.access.policy import NotFound
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import selectors, services
from utvei.cases.models import Case, Person


def test_dashboard_lists_exactly_the_team_cases(demo: dict[str, User]) -> None:
    barnevern = demo["barnevern"]
    cases = selectors.case_list(actor=barnevern)
    assert [c.pk for c in cases] == list(Case.objects.filter(team__user=barnevern).values_list("pk", flat=True))
    html = login_verified(Client(), barnevern).get(reverse("cases:dashboard")).content.decode()
    for case in Case.objects.all():
        assert (case.reference in html) == (case.pk in {c.pk for c in cases})


def test_listing_and_reading_a_case_are_audited_with_ids_only(demo: dict[str, User]) -> None:
    user = demo["politikontakt"]
    case = Case.objects.filter(team__user=user).first()
    before = AuditEntry.objects.count()
    selectors.case_overview(actor=user, case_id=case.pk)
    entry = AuditEntry.objects.get(seq=before + 1)
    assert (entry.event, entry.actor, entry.case_id, entry.target_id) == (AuditEvent.VIEW, user, case.pk, str(case.pk))
    assert entry.actor_role == Role.POLICE_CONTACT


def _referral(person: Person) -> dict[str, object]:
    return {
        "person": person,
        "referral_source": "self",
        "referral_date": date.today(),
        "referral_reason": "Hjelp",
        "security_assessment": "not_yet",
    }


def _new_person(actor: User) -> Person:
    org = Organisation.objects.get(name="Demo kommune")
    return services.person_create(
        actor=actor, organisation=org, given_name="A", family_name="B", birth_date=date(1990, 1, 1)
    )


def test_opening_a_case_seats_the_opener_on_the_team(demo: dict[str, User]) -> None:
    org = Organisation.objects.get(name="Demo kommune")
    case = services.case_open(
        actor=demo["slt"], organisation=org, role=Role.SLT_COORDINATOR, **_referral(_new_person(demo["slt"]))
    )
    assert case.team.filter(user=demo["slt"]).exists()
    assert case.reference.startswith("UTV-")
    assert AuditEntry.objects.filter(event=AuditEvent.CREATE, case_id=case.pk).count() == 2


def test_a_case_cannot_be_opened_for_an_organisation_one_does_not_act_for(demo: dict[str, User]) -> None:
    other = Organisation.objects.get(name="Nabo kommune")
    before = Case.objects.count()
    with pytest.raises(NotFound):
        services.case_open(
            actor=demo["slt"], organisation=other, role=Role.SLT_COORDINATOR, **_referral(_new_person(demo["slt"]))
        )
    assert Case.objects.count() == before


def test_roles_that_may_not_open_cases_are_refused(demo: dict[str, User]) -> None:
    org = Organisation.objects.get(name="Nav Demo")
    person = _new_person(demo["saksbehandler"])
    with pytest.raises(ValidationError):
        services.case_open(actor=demo["nav"], organisation=org, role=Role.TEAM_MEMBER, **_referral(person))


def test_a_reader_cannot_change_the_team(demo: dict[str, User]) -> None:
    case = Case.objects.filter(team__user=demo["nav"]).first()
    org = Organisation.objects.get(name="Demo kommune")
    with pytest.raises(NotFound):
        services.team_member_add(
            actor=demo["nav"], case=case, user=demo["slt"], organisation=org, role=Role.SLT_COORDINATOR
        )


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
