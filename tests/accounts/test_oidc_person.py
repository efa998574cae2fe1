"""The person's login through ID-porten (the fake provider over real HTTP) into a short portal session."""

from __future__ import annotations

import time_machine
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.oidc_support import walk_to_callback
from tests.helpers import login_verified
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.cases.models import Person
from utvei.devidp import FakeProvider
from utvei.devidp.demo import demo_national_ids, person_identities
from utvei.portal.sessions import PORTAL_SESSION_KEY

START = "/oidc/idporten/start/"


def _jonas() -> Person:
    return Person.objects.get(given_name="Jonas", family_name="Berg")


def test_the_fake_providers_persons_are_the_demo_persons(demo_shared: dict[str, User]) -> None:
    jonas, emma, sander = demo_national_ids()
    assert _jonas().national_id == jonas
    assert Person.objects.get(given_name="Emma").national_id == emma
    assert Person.objects.get(given_name="Sander").national_id == sander


def test_the_person_logs_in_and_lands_on_the_portal(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    params = walk.authorize_params
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["acr_values"] == "idporten-loa-substantial"
    assert params["state"] and params["nonce"] and params["state"] != params["nonce"]
    response = client.get(walk.callback)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    session = client.session
    assert session[PORTAL_SESSION_KEY]["acr"] == "idporten-loa-substantial"
    assert demo_national_ids()[0] not in str(dict(session.items()))  # only the blind index is kept
    assert session.get_expiry_age() <= 900
    assert not response.wsgi_request.user.is_authenticated
    entry = AuditEntry.objects.filter(event=AuditEvent.LOGIN, person_id=_jonas().pk).get()
    assert entry.outcome == Outcome.SUCCESS and entry.actor_id is None
    assert client.get(reverse("portal:home")).status_code == 200


def test_the_portal_session_ends_after_its_short_lifetime(
    demo_shared: dict[str, User], idp: FakeProvider, settings: LazySettings
) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    client.get(walk.callback)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.UTVEI_PORTAL_SESSION_SECONDS + 5)):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")


def test_a_person_login_logs_out_the_staff_user_of_that_browser(
    demo_shared: dict[str, User], idp: FakeProvider
) -> None:
    client = login_verified(Client(), demo_shared["koordinator"])
    staff_key = client.session.session_key
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    response = client.get(walk.callback)
    assert response.status_code == 302
    assert client.session.session_key != staff_key
    assert client.get(reverse("cases:dashboard")).status_code == 302  # back to the staff login


def test_an_unknown_person_is_told_so_and_gets_no_session(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    stranger = person_identities()[-1].key
    client = Client()
    walk = walk_to_callback(client, START, identity=stranger)
    response = client.get(walk.callback)
    assert response.status_code == 400
    assert "Vi fant deg ikke her" in response.content.decode()
    assert PORTAL_SESSION_KEY not in client.session
    failed = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).get()
    assert failed.changed_fields == ["oidc_no_person"] and failed.outcome == Outcome.DENIED


def test_a_level_below_the_required_one_is_refused(
    demo_shared: dict[str, User], idp: FakeProvider, settings: LazySettings
) -> None:
    settings.UTVEI_IDPORTEN_ACR = "idporten-loa-high"
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0], acr="idporten-loa-substantial")
    assert walk.authorize_params["acr_values"] == "idporten-loa-high"
    response = client.get(walk.callback)
    assert response.status_code == 400
    assert "høyt nok sikkerhetsnivå" in response.content.decode()
    assert PORTAL_SESSION_KEY not in client.session
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, changed_fields=["oidc_acr"]).exists()


def test_a_higher_level_than_required_is_accepted(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0], acr="idporten-loa-high")
    assert client.get(walk.callback)["Location"] == reverse("portal:home")
    assert client.session[PORTAL_SESSION_KEY]["acr"] == "idporten-loa-high"


def test_id_porten_not_configured_is_a_plain_not_found(db: None, settings: LazySettings) -> None:
    settings.UTVEI_IDPORTEN_ISSUER = ""
    response = Client().get(START)
    assert response.status_code == 404
    assert "Denne innloggingen finnes ikke her" in response.content.decode()


def test_an_unreachable_provider_is_a_clear_page(db: None, settings: LazySettings) -> None:
    settings.UTVEI_IDPORTEN_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing answers
    settings.UTVEI_IDPORTEN_CLIENT_ID = "utvei"
    response = Client().get(START)
    assert response.status_code == 502
    assert "Innloggingstjenesten svarte ikke" in response.content.decode()
    assert AuditEntry.objects.filter(changed_fields=["oidc_provider_unreachable"]).exists()


def test_the_portal_login_page_offers_id_porten(db: None, django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        response = Client().get(reverse("portal:login"))
    assert response.status_code == 200
    assert reverse("oidc:idporten_start") in response.content.decode()
    assert "Logg inn med ID-porten" in response.content.decode()
