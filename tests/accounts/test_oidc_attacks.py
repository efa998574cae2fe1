"""Attacks on the OpenID Connect relying party (G23): the fake provider misbehaves, every answer is refused.

Each refusal gives a clear page (Bokmål, English when chosen), starts no session of any kind, and is
audited as a failed login that names the check.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.oidc_support import walk_to_callback
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.devidp import FakeProvider
from utvei.devidp.demo import demo_national_ids
from utvei.portal.sessions import PORTAL_SESSION_KEY

START = "/oidc/idporten/start/"
CONFIRM_NB = "Innloggingen kunne ikke bekreftes, og du er ikke logget inn."

# attack -> the check that refuses it
ATTACK_REASONS = {
    "wrong_aud": "aud",
    "wrong_iss": "iss",
    "wrong_nonce": "nonce",
    "no_nonce": "nonce",
    "expired": "expired",
    "alg_none": "alg",
    "hs256": "alg",
    "bad_signature": "signature",
}


def _no_session(client: Client, response: object) -> None:
    assert PORTAL_SESSION_KEY not in client.session
    assert not response.wsgi_request.user.is_authenticated  # type: ignore[attr-defined]
    assert not AuditEntry.objects.filter(event=AuditEvent.LOGIN).exists()


def _failure(reason: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).get()
    assert entry.changed_fields == [f"oidc_{reason}"]
    assert entry.outcome == Outcome.DENIED
    return entry


@pytest.mark.parametrize("attack", sorted(ATTACK_REASONS))
def test_a_forged_or_misdirected_id_token_is_refused(
    demo_shared: dict[str, User], idp: FakeProvider, attack: str
) -> None:
    idp.attack = attack
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    response = client.get(walk.callback)
    assert response.status_code == 400
    assert CONFIRM_NB in response.content.decode()
    _no_session(client, response)
    _failure(ATTACK_REASONS[attack])


def test_a_lower_level_of_assurance_than_required_is_refused(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    idp.attack = "lower_acr"
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    response = client.get(walk.callback)
    assert response.status_code == 400
    assert "ikke høyt nok sikkerhetsnivå" in response.content.decode()
    _no_session(client, response)
    _failure("acr")


def test_the_refusal_page_is_in_english_when_english_is_chosen(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    idp.attack = "wrong_aud"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    body = client.get(walk.callback).content.decode()
    assert "The login could not be confirmed, and you are not logged in." in body
    assert 'href="/min/logg-inn/"' in body


def test_a_replayed_callback_is_refused(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    assert client.get(walk.callback)["Location"] == reverse("portal:home")
    # The same answer again, in the same browser and in another one: the state was used once.
    for replay in (client, Client()):
        response = replay.get(walk.callback)
        assert response.status_code == 400
        assert "Innloggingen er utløpt eller allerede brukt." in response.content.decode()
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, changed_fields=["oidc_state"]).count() == 2


def test_a_code_used_once_is_refused_under_a_fresh_state(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    first = walk_to_callback(client, START, identity=demo_national_ids()[0])
    client.get(first.callback)
    attacker = Client()
    second = walk_to_callback(attacker, START, identity=demo_national_ids()[1])
    used_code = first.callback.split("code=", 1)[1].split("&", 1)[0]
    state = second.authorize_params["state"]
    response = attacker.get(reverse("oidc:idporten_callback"), {"code": used_code, "state": state})
    assert response.status_code == 400
    assert PORTAL_SESSION_KEY not in attacker.session
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, changed_fields=["oidc_code"]).exists()


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(
    demo_shared: dict[str, User], idp: FakeProvider
) -> None:
    victim = Client()
    walk = walk_to_callback(victim, START, identity=demo_national_ids()[0])
    # Login CSRF: the attacker's own answer planted in the victim's browser finds no pending login there.
    response = Client().get(walk.callback)
    assert response.status_code == 400
    _failure("state")


def test_an_id_porten_state_does_not_finish_a_staff_login(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    # Demo kommune's provider exists in the demo; the state was begun for ID-porten, not for it.
    staff_callback = reverse("oidc:staff_callback", kwargs={"slug": "demo-kommune"})
    response = client.get(f"{staff_callback}?{walk.callback.split('?', 1)[1]}")
    assert response.status_code == 400
    _no_session(client, response)
    _failure("state")


def test_an_error_answer_from_the_provider_is_refused(demo_shared: dict[str, User], idp: FakeProvider) -> None:
    client = Client()
    walk = walk_to_callback(client, START, identity=demo_national_ids()[0])
    state = walk.authorize_params["state"]
    response = client.get(reverse("oidc:idporten_callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "avbrutt eller avvist" in response.content.decode()
    _failure("provider_error")


def test_the_refusal_page_has_a_fixed_number_of_queries(
    demo_shared: dict[str, User], idp: FakeProvider, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = Client().get(reverse("oidc:idporten_callback"), {"code": "x", "state": "never-sent"})
    assert response.status_code == 400
