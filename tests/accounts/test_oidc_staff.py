"""Staff login through the organisation's OpenID Connect provider (the fake provider over real HTTP)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import user_has_device

from tests.accounts.oidc_support import STAFF_SECRET_ENV, walk_to_callback
from utvei.accounts import services
from utvei.accounts.models import OidcIdentity, OidcProvider, Organisation, OrganisationKind, Role, User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.devidp import FakeProvider
from utvei.devidp.demo import STAFF_CLIENT_ID

START = "/oidc/demo-kommune/start/"
PASSWORD = "Et-langt-testpassord-2026"


@pytest.fixture
def world(db: None, idp: FakeProvider) -> dict[str, object]:
    """Give a municipality with its provider, its coordinator and case worker, and a user elsewhere."""
    kommune = services.organisation_create(actor=None, name="Testkommune", kind=OrganisationKind.MUNICIPALITY)
    other = services.organisation_create(actor=None, name="Annen kommune", kind=OrganisationKind.MUNICIPALITY)
    users = {}
    for username, organisation, role in (
        ("koordinator", kommune, Role.EXIT_COORDINATOR),
        ("saksbehandler", other, Role.CASEWORKER),
    ):
        users[username] = services.user_create(
            actor=None,
            organisation=organisation,
            username=username,
            first_name=username.title(),
            last_name="Test",
            email=f"{username}@demo.invalid",
            role=role,
            password=PASSWORD,
        )
    provider = services.oidc_provider_create(
        actor=None,
        organisation=kommune,
        slug="demo-kommune",
        name="Testkommunens Entra ID",
        issuer=idp.issuer,
        client_id=STAFF_CLIENT_ID,
        client_secret_env=STAFF_SECRET_ENV,
    )
    return {"provider": provider, "kommune": kommune, **users}


def test_a_staff_login_with_mfa_at_the_provider_counts_as_two_factor(world: dict[str, object]) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity="koordinator", mfa=True)
    assert walk.authorize_params["code_challenge_method"] == "S256"
    response = client.get(walk.callback)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.wsgi_request.user.username == "koordinator"
    assert client.get(reverse("cases:dashboard")).status_code == 200  # past the second factor
    entry = AuditEntry.objects.filter(event=AuditEvent.LOGIN, actor__username="koordinator").get()
    assert entry.changed_fields == ["mfa", "oidc"]
    koordinator = world["koordinator"]
    assert isinstance(koordinator, User)
    assert not user_has_device(koordinator)  # the provider's factor is no code to type at a password login
    assert OidcIdentity.objects.get(user=koordinator).subject == "demo-koordinator"


def test_a_staff_login_without_mfa_still_asks_for_the_second_factor(world: dict[str, object]) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity="koordinator", mfa=False)
    response = client.get(walk.callback)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp")
    assert client.get(reverse("cases:dashboard"))["Location"] == reverse("accounts:otp")
    entry = AuditEntry.objects.filter(event=AuditEvent.LOGIN, actor__username="koordinator").get()
    assert entry.changed_fields == ["oidc"]


def test_a_user_without_a_membership_in_the_providers_organisation_is_refused(world: dict[str, object]) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity="saksbehandler")
    response = client.get(walk.callback)
    assert response.status_code == 400
    assert "Denne innloggingen gir ikke tilgang til Utvei." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    failed = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).get()
    assert failed.changed_fields == ["oidc_no_user"] and failed.outcome == Outcome.DENIED
    assert not OidcIdentity.objects.exists()


def test_the_user_is_keyed_by_the_subject_after_the_first_login(world: dict[str, object]) -> None:
    first = Client()
    first_walk = walk_to_callback(first, START, identity="koordinator")
    first.get(first_walk.callback)
    # The address moves to another user: the subject still names the coordinator.
    koordinator, saksbehandler = world["koordinator"], world["saksbehandler"]
    assert isinstance(koordinator, User) and isinstance(saksbehandler, User)
    User.objects.filter(pk=koordinator.pk).update(email="ny@demo.invalid")
    again = Client()
    response = again.get(walk_to_callback(again, START, identity="koordinator").callback)
    assert response.wsgi_request.user.pk == koordinator.pk
    assert OidcIdentity.objects.filter(user=koordinator).count() == 1


def test_a_second_subject_for_a_bound_user_is_refused(world: dict[str, object]) -> None:
    koordinator = world["koordinator"]
    provider = world["provider"]
    assert isinstance(koordinator, User) and isinstance(provider, OidcProvider)
    OidcIdentity.objects.create(provider=provider, subject="an-earlier-subject", user=koordinator)
    client = Client()
    response = client.get(walk_to_callback(client, START, identity="koordinator").callback)
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEntry.objects.filter(changed_fields=["oidc_subject_changed"]).exists()


def test_an_ended_membership_ends_the_provider_login(world: dict[str, object]) -> None:
    client = Client()
    client.get(walk_to_callback(client, START, identity="koordinator").callback)
    koordinator = world["koordinator"]
    assert isinstance(koordinator, User)
    User.objects.filter(pk=koordinator.pk).update(is_active=False)
    again = Client()
    response = again.get(walk_to_callback(again, START, identity="koordinator").callback)
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("attack", "reason"), [("wrong_aud", "aud"), ("bad_signature", "signature"), ("expired", "expired")]
)
def test_a_bad_staff_token_is_refused(world: dict[str, object], idp: FakeProvider, attack: str, reason: str) -> None:
    idp.attack = attack
    client = Client()
    response = client.get(walk_to_callback(client, START, identity="koordinator").callback)
    assert response.status_code == 400
    assert "Innloggingen kunne ikke bekreftes" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    provider = world["provider"]
    assert isinstance(provider, OidcProvider)
    failed = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).get()
    assert failed.changed_fields == [f"oidc_{reason}"] and failed.target_id == str(provider.pk)


def test_a_missing_client_secret_is_a_clear_page(world: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STAFF_SECRET_ENV)
    response = Client().get(START)
    assert response.status_code == 502
    assert AuditEntry.objects.filter(changed_fields=["oidc_provider_secret"]).exists()


def test_an_unknown_provider_is_a_not_found_page(db: None) -> None:
    response = Client().get("/oidc/nowhere/start/")
    assert response.status_code == 404
    assert "Denne innloggingen finnes ikke her." in response.content.decode()


def test_the_login_page_offers_the_organisations_provider(
    world: dict[str, object], django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        body = Client().get(reverse("accounts:login")).content.decode()
    assert 'href="/oidc/demo-kommune/start/"' in body
    assert "Logg inn med Testkommunens Entra ID" in body


def test_an_organisation_can_replace_passwords_with_its_provider(world: dict[str, object]) -> None:
    OidcProvider.objects.update(passwords_allowed=False)
    response = Client().post(reverse("accounts:login"), {"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    failed = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).get()
    assert failed.changed_fields == ["password_off"]
    # Staff of other organisations keep their passwords.
    other = Client().post(reverse("accounts:login"), {"username": "saksbehandler", "password": PASSWORD})
    assert other.status_code == 302


def test_passwords_stay_on_by_default(world: dict[str, object]) -> None:
    response = Client().post(reverse("accounts:login"), {"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 302
    assert Organisation.objects.count() == 2
