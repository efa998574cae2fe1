"""Organisations record their public body and sector; administrators confirm professional status.

"Same organ" and the bases of health personnel, teachers and the police come from these records, never
from a tick on the sharing page.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.access.policy import NotFound
from utvei.accounts import services
from utvei.accounts.models import Membership, Organisation, ProfessionalStatus, Role, Sector, User
from utvei.accounts.selectors import confirmed_status
from utvei.audit.models import AuditEntry, AuditEvent


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def test_the_demo_records_public_bodies_sectors_and_confirmed_statuses(demo: dict[str, User]) -> None:
    municipality, child_welfare = _org("Demo kommune"), _org("Barnevernstjenesten i Demo kommune")
    assert child_welfare.parent == municipality and child_welfare.public_body_id == municipality.pk
    assert (child_welfare.sector, _org("Nav Demo").sector, _org("Demo helsetjeneste").sector) == (
        Sector.CHILD_WELFARE,
        Sector.NAV,
        Sector.HEALTH,
    )
    assert _org("Nav Demo").public_body_id != municipality.pk
    health = confirmed_status(user=demo["helse"], organisation_id=_org("Demo helsetjeneste").pk)
    assert health is not None and health.professional_status == ProfessionalStatus.HEALTH_PERSONNEL
    assert health.hpr_number and health.status_confirmed_at is not None
    teacher = confirmed_status(user=demo["skole"], organisation_id=_org("Demo videregående skole").pk)
    police = confirmed_status(user=demo["politikontakt"], organisation_id=_org("Demo politidistrikt").pk)
    assert teacher is not None and teacher.professional_status == ProfessionalStatus.TEACHER
    assert police is not None and police.professional_status == ProfessionalStatus.POLICE
    assert confirmed_status(user=demo["saksbehandler"], organisation_id=municipality.pk) is None


@pytest.mark.django_db
def test_organisation_create_takes_the_public_body_and_the_sector() -> None:
    body = services.organisation_create(actor=None, name="Testkommune", kind="municipality")
    unit = services.organisation_create(
        actor=None, name="Testkommune NAV", kind="nav", parent=body, sector="social_services"
    )
    assert (unit.parent, unit.sector, unit.public_body_id) == (body, Sector.SOCIAL_SERVICES, body.pk)
    assert services.organisation_create(actor=None, name="Testskole", kind="school").sector == Sector.EDUCATION
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=None, name="Under enheten", kind="health", parent=unit, sector="church")
    assert {"parent", "sector"} <= set(exc.value.message_dict)


def test_the_administrator_confirms_a_status_with_the_hpr_number_and_it_is_audited(demo: dict[str, User]) -> None:
    admin, worker = demo["admin"], demo["saksbehandler"]
    membership = Membership.objects.get(user=worker, organisation=_org("Demo kommune"))
    with pytest.raises(ValidationError) as exc:
        services.membership_confirm_status(
            actor=admin, membership_id=membership.pk, professional_status=ProfessionalStatus.HEALTH_PERSONNEL
        )
    assert "hpr_number" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.membership_confirm_status(
            actor=admin, membership_id=membership.pk, professional_status=ProfessionalStatus.TEACHER, hpr_number="123"
        )
    assert "hpr_number" in exc.value.message_dict
    membership.refresh_from_db()
    assert membership.professional_status == ""
    confirmed = services.membership_confirm_status(
        actor=admin,
        membership_id=membership.pk,
        professional_status=ProfessionalStatus.HEALTH_PERSONNEL,
        hpr_number="9000002",
    )
    assert confirmed.status_confirmed_by == admin and confirmed.hpr_number == "9000002"
    entry = AuditEntry.objects.filter(
        event=AuditEvent.UPDATE, target_type="accounts.Membership", target_id=str(membership.pk)
    ).get()
    assert "professional_status" in entry.changed_fields and "9000002" not in str(entry.__dict__)


def test_nobody_confirms_their_own_status_or_one_in_another_organisation(demo: dict[str, User]) -> None:
    admin = demo["admin"]
    own = Membership.objects.get(user=admin, role=Role.ORG_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_confirm_status(
            actor=admin, membership_id=own.pk, professional_status=ProfessionalStatus.TEACHER
        )
    nav = Membership.objects.get(user=demo["nav"])
    with pytest.raises(NotFound):
        services.membership_confirm_status(
            actor=admin, membership_id=nav.pk, professional_status=ProfessionalStatus.TEACHER
        )
    with pytest.raises(NotFound):
        services.membership_confirm_status(
            actor=demo["saksbehandler"], membership_id=own.pk, professional_status=ProfessionalStatus.TEACHER
        )


def test_the_user_page_confirms_a_status_and_shows_it(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["admin"])
    worker = demo["saksbehandler"]
    membership = Membership.objects.get(user=worker, organisation=_org("Demo kommune"))
    url = reverse("accounts:user_detail", kwargs={"user_id": worker.pk})
    bad = client.post(
        url, {"action": "confirm_status", "membership": membership.pk, "professional_status": "health_personnel"}
    )
    assert bad.status_code == 422
    done = client.post(
        url,
        {"action": "confirm_status", "membership": membership.pk, "professional_status": "teacher", "hpr_number": ""},
    )
    assert done.status_code == 302
    membership.refresh_from_db()
    assert membership.professional_status == ProfessionalStatus.TEACHER
    html = client.get(url).content.decode()
    assert f'data-membership="{membership.pk}"' in html and "HPR" in html
