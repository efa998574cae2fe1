"""Guardians in the portal: the child's page while the law gives it, less from 16, nothing from 18.

Jonas Berg of the demo is made a minor by moving his birth date, and a guardian with a number of their
own is recorded on his record. The clock is moved with time-machine to the days around his birthdays.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.access.test_matrix import (  # noqa: F401  (the canaries fixture, planted once per module)
    CONVERSATION_CANARY,
    LEDGER_CANARY,
    SECURITY_CANARY,
    canaries,
)
from tests.helpers import FormClient, login_verified
from tests.portal.helpers import ACR_HIGH, jonas, portal_login
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Guardian, Person
from utvei.cases.services import GuardianInput, person_create
from utvei.core.cipher import NATIONAL_ID_INDEX, blind_index
from utvei.core.fnr import synthetic_fodselsnummer
from utvei.portal.sessions import PORTAL_SESSION_KEY, start_person_session

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
HEALTH_MEASURE = "Samtaler hos psykolog"  # a health measure of Jonas's plan (category health)
PLAN_GOAL_MEASURE = "Møte i konfliktrådet"  # a measure of the plan category
STAFF_ONLY = [SECURITY_CANARY, CONVERSATION_CANARY, LEDGER_CANARY]
PORTAL_GET = ["portal:home", "portal:plan", "portal:consents", "portal:log", "portal:network", "portal:requests"]


GUARDIAN_NUMBER = synthetic_fodselsnummer(date(1975, 3, 15), rng=random.Random(7))


def _minor(born: date) -> Person:
    """Make Jonas born on ``born`` and give him a guardian with a number of their own."""
    person = jonas()
    Person.objects.filter(pk=person.pk).update(birth_date=born)
    Guardian.objects.create(
        person=person,
        name="Kari Berg",
        relation="mor",
        national_id=GUARDIAN_NUMBER,
        national_id_index=blind_index(GUARDIAN_NUMBER, purpose=NATIONAL_ID_INDEX),
    )
    return person


def _guardian_login(client: Client) -> bool:
    """Log the client in to the portal with the guardian's number, as the ID-porten callback does."""
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    started = start_person_session(request, national_id=GUARDIAN_NUMBER, acr=ACR_HIGH, subject="guardian-subject")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key or ""
    return started


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def _birthday(years: int) -> date:
    """Give the day Jonas turns ``years`` in the test's world (he is born 2010-06-15)."""
    return date(2010 + years, 6, 15)


BORN = date(2010, 6, 15)


def test_a_guardian_of_a_15_year_old_sees_the_childs_whole_plan(demo_shared: dict[str, User]) -> None:
    person = _minor(BORN)
    with time_machine.travel(_at(_birthday(16) - timedelta(days=1)), tick=False):
        client = Client()
        assert _guardian_login(client)
        session = client.session[PORTAL_SESSION_KEY]
        assert session["guardian_of"] == [person.pk]
        assert GUARDIAN_NUMBER not in str(session)  # the blind index only, never the number
        body = client.get(reverse("portal:plan")).content.decode()
    assert HEALTH_MEASURE in body
    assert PLAN_GOAL_MEASURE in body
    assert "Du leser denne siden som foresatt" in body
    rows = AuditEntry.objects.filter(person_id=person.pk, actor_role="guardian")
    assert rows.filter(event=AuditEvent.LOGIN).exists()
    read = rows.filter(event=AuditEvent.VIEW, target_type="portal.Plan").get()
    assert read.actor_id is None
    assert read.grounds == ["guardian"]


def test_the_childs_access_log_shows_foresatt_as_who_looked(demo_shared: dict[str, User]) -> None:
    _minor(BORN)
    with time_machine.travel(_at(_birthday(15)), tick=False):
        guardian = Client()
        assert _guardian_login(guardian)
        assert guardian.get(reverse("portal:plan")).status_code == 200
        child = portal_login(Client(), jonas())
        body = child.get(reverse("portal:log")).content.decode()
    assert "Foresatt" in body
    assert "innloggingen til en foresatt" in body


def test_from_16_the_health_part_is_the_young_persons_alone(demo_shared: dict[str, User]) -> None:
    person = _minor(BORN)
    with time_machine.travel(_at(_birthday(16)), tick=False):
        guardian = Client()
        assert _guardian_login(guardian)
        guardian_plan = guardian.get(reverse("portal:plan")).content.decode()
        guardian_pdf = guardian.get(reverse("portal:pdf"))
        own_plan = portal_login(Client(), jonas()).get(reverse("portal:plan")).content.decode()
    assert PLAN_GOAL_MEASURE in guardian_plan
    assert HEALTH_MEASURE not in guardian_plan
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(guardian_pdf.content)).pages)
    assert HEALTH_MEASURE not in pdf_text
    assert HEALTH_MEASURE in own_plan  # the young person keeps their whole page
    reads = AuditEntry.objects.filter(person_id=person.pk, actor_role="guardian", event=AuditEvent.VIEW)
    assert reads.exists()
    assert not [r for r in reads if "health" in r.categories]


def test_a_session_started_at_15_loses_the_health_part_on_the_16th_birthday(demo_shared: dict[str, User]) -> None:
    _minor(BORN)
    eve = _at(_birthday(16) - timedelta(days=1), 23, 55)
    with time_machine.travel(eve, tick=False) as traveller:
        client = Client()
        assert _guardian_login(client)
        assert HEALTH_MEASURE in client.get(reverse("portal:plan")).content.decode()
        traveller.move_to(eve + timedelta(minutes=10))
        assert HEALTH_MEASURE not in client.get(reverse("portal:plan")).content.decode()


def test_at_18_every_guardian_request_is_refused_on_the_next_request(demo_shared: dict[str, User]) -> None:
    person = _minor(BORN)
    eve = _at(_birthday(18) - timedelta(days=1), 23, 55)
    with time_machine.travel(eve, tick=False) as traveller:
        client = Client()
        assert _guardian_login(client)
        assert client.get(reverse("portal:home")).status_code == 200
        traveller.move_to(eve + timedelta(minutes=10))  # the birthday: the same session, still fresh
        for name in PORTAL_GET:
            response = client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"] == reverse("portal:login")
        assert PORTAL_SESSION_KEY not in client.session  # ended, nothing kept
        assert not _guardian_login(Client())  # and no new session either
        own = portal_login(Client(), jonas())
        assert HEALTH_MEASURE in own.get(reverse("portal:plan")).content.decode()
    assert not AuditEntry.objects.filter(
        person_id=person.pk, actor_role="guardian", created_at__gte=eve + timedelta(minutes=5)
    ).exists()


@pytest.mark.parametrize("age", [15, 16, 18])
def test_the_young_person_has_their_whole_portal_at_every_age(demo_shared: dict[str, User], age: int) -> None:
    _minor(BORN)
    with time_machine.travel(_at(_birthday(age)), tick=False):
        client = portal_login(Client(), jonas())
        for name in PORTAL_GET:
            assert client.get(reverse(name)).status_code == 200, name
        own_plan = client.get(reverse("portal:plan")).content.decode()
    assert HEALTH_MEASURE in own_plan
    assert "som foresatt" not in own_plan


def test_a_guardian_changes_nothing_in_the_childs_portal(demo_shared: dict[str, User]) -> None:
    person = _minor(BORN)
    with time_machine.travel(_at(_birthday(15)), tick=False):
        client = Client()
        assert _guardian_login(client)
        response = client.post(reverse("portal:settings"), {"notify_outside_team": "on"})
        assert response.status_code == 404
        assert client.post(reverse("portal:logout")).status_code == 302
    denied = AuditEntry.objects.filter(person_id=person.pk, actor_role="guardian", event=AuditEvent.ACCESS_DENIED)
    assert denied.filter(target_type="portal.GuardianWrite").exists()


def test_a_guardian_without_parental_responsibility_gets_no_session(demo_shared: dict[str, User]) -> None:
    _minor(BORN)
    Guardian.objects.filter(national_id_index=blind_index(GUARDIAN_NUMBER, purpose=NATIONAL_ID_INDEX)).update(
        has_parental_responsibility=False
    )
    with time_machine.travel(_at(_birthday(15)), tick=False):
        assert not _guardian_login(Client())


@pytest.mark.parametrize("name", [*PORTAL_GET, "portal:pdf"])
def test_no_staff_only_content_reaches_a_guardian(
    demo_shared: dict[str, User],
    canaries: dict[str, set[str]],  # noqa: F811
    name: str,
) -> None:
    _minor(BORN)
    with time_machine.travel(_at(_birthday(15)), tick=False):
        client = Client()
        assert _guardian_login(client)
        response = client.get(reverse(name))
    assert response.status_code == 200
    pdf = response.get("Content-Type") == "application/pdf"
    body = (
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        if pdf
        else response.content.decode()
    )
    assert not [c for c in STAFF_ONLY if c in body]


def _organisation_of(worker: User) -> Organisation:
    membership = Membership.objects.active().filter(user=worker).select_related("organisation").first()
    assert membership is not None
    return membership.organisation


def test_a_bad_guardian_number_is_refused_with_the_other_errors(demo_shared: dict[str, User]) -> None:
    worker = demo_shared["saksbehandler"]
    organisation = _organisation_of(worker)
    with pytest.raises(ValidationError) as exc:
        person_create(
            actor=worker,
            organisation=organisation,
            given_name="Ola",
            family_name="Nordmann",
            birth_date=date(2012, 1, 1),
            phone="12",
            guardians=[GuardianInput("Kari Nordmann", "mor", national_id="12345678901")],
        )
    assert {"guardian_national_id", "phone"} <= set(exc.value.message_dict)


def test_a_guardian_number_is_stored_encrypted_with_its_blind_index(demo_shared: dict[str, User]) -> None:
    worker = demo_shared["saksbehandler"]
    organisation = _organisation_of(worker)
    person = person_create(
        actor=worker,
        organisation=organisation,
        given_name="Ola",
        family_name="Nordmann",
        birth_date=date(2012, 1, 1),
        guardians=[GuardianInput("Kari Nordmann", "mor", national_id=GUARDIAN_NUMBER)],
    )
    guardian = Guardian.objects.get(person=person)
    assert guardian.national_id == GUARDIAN_NUMBER
    assert guardian.national_id_index == blind_index(GUARDIAN_NUMBER, purpose=NATIONAL_ID_INDEX)


def test_the_referral_form_takes_the_guardians_number_and_refuses_a_bad_one(demo_shared: dict[str, User]) -> None:
    worker = demo_shared["saksbehandler"]
    client = login_verified(FormClient(), worker)
    url = reverse("cases:referral_new")
    data = {
        "step": "create",
        "acting_as": f"{_organisation_of(worker).pk}:{Role.CASEWORKER}",
        "given_name": "Mina",
        "family_name": "Foresattsen",
        "birth_date": "2012-02-02",
        "guardian_name": "Kari Foresattsen",
        "guardian_relation": "mor",
        "referral_source": "school",
        "referral_date": timezone.localdate().isoformat(),
        "referral_reason": "Bekymring fra skolen.",
        "security_assessment": "not_yet",
    }
    bad = client.post(url, data | {"guardian_national_id": "123"})
    assert bad.status_code == 422
    assert "fødselsnummer" in bad.content.decode()
    assert not Person.objects.filter(family_name="Foresattsen").exists()
    assert client.post(url, data | {"guardian_national_id": GUARDIAN_NUMBER}).status_code == 302
    guardian = Guardian.objects.get(person__family_name="Foresattsen")
    assert guardian.national_id_index == blind_index(GUARDIAN_NUMBER, purpose=NATIONAL_ID_INDEX)
