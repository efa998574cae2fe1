"""The person's portal over HTTP: own data only, every read audited, consents withdrawn at once."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from tests.portal.helpers import jonas, portal_login
from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case
from utvei.sharing.models import Consent

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_portal_pages_ask_for_a_portal_login() -> None:
    response = _client().get(reverse("portal:plan"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")


def test_a_staff_login_is_no_portal_session(demo_shared: Users) -> None:
    client = login_verified(_client(), demo_shared["koordinator"])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")


def test_starting_a_portal_session_logs_the_staff_user_out(demo_shared: Users) -> None:
    client = login_verified(_client(), demo_shared["koordinator"])
    portal_login(client, jonas())
    assert client.get(reverse("portal:home")).status_code == 200
    # The staff pages treat the browser as logged out.
    assert client.get(reverse("cases:dashboard"))["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_national_id_starts_no_session(demo_shared: Users) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    from utvei.portal.sessions import PORTAL_SESSION_KEY, start_person_session

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    assert not start_person_session(request, national_id="01010112345", acr="high", subject="x")
    assert PORTAL_SESSION_KEY not in request.session


def test_the_plan_shows_the_persons_goals_and_audits_the_read(demo_shared: Users) -> None:
    person = jonas()
    client = portal_login(_client(), person)
    response = client.get(reverse("portal:plan"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "My plan" in body
    assert "Case worker" not in body  # no staff menu
    read = AuditEntry.objects.filter(person_id=person.pk, event=AuditEvent.VIEW, target_type="portal.Plan")
    assert read.filter(actor__isnull=True, actor_role="person", grounds=["own"]).exists()


def test_the_person_withdraws_the_nav_consent_and_nav_loses_access_at_once(demo_shared: Users) -> None:
    person = jonas()
    nav = Organisation.objects.get(name="Nav Demo")
    consent = next(
        c for c in Consent.objects.current(timezone.localdate()).filter(person=person) if nav.pk in c.recipients
    )
    case = Case.objects.filter(person=person).first()
    nav_user = demo_shared["nav"]
    assert policy.can(nav_user, Action.VIEW, case, category="network")
    client = portal_login(_client(), person)
    page = client.get(reverse("portal:consents")).content.decode()
    assert "Nav Demo" in page
    response = client.post(reverse("portal:consent_withdraw", kwargs={"consent_id": consent.pk}))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by is None
    assert not policy.can(nav_user, Action.VIEW, case, category="network")
    assert nav_user.notifications.filter(kind="consent_withdrawn").exists()
    withdraw_url = reverse("portal:consent_withdraw", kwargs={"consent_id": consent.pk})
    assert withdraw_url not in client.get(reverse("portal:consents")).content.decode()


def test_the_access_log_shows_that_nav_looked(demo_shared: Users) -> None:
    person = jonas()
    case = Case.objects.filter(person=person).first()
    assert case is not None
    nav = login_verified(_client(), demo_shared["nav"])
    assert nav.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 200
    client = portal_login(_client(), person)
    body = client.get(reverse("portal:log")).content.decode()
    assert "Nav Demo" in body
    assert "member of the follow-up team" in body
    # The person's own reads show too, as their own.
    assert "your own login" in client.get(reverse("portal:log")).content.decode()


def test_another_persons_consent_is_not_found_for_the_person(demo_shared: Users) -> None:
    other = Consent.objects.exclude(person=jonas()).first()
    if other is None:
        pytest.skip("the demo has consents of one person only")
    client = portal_login(_client(), jonas())
    response = client.post(reverse("portal:consent_withdraw", kwargs={"consent_id": other.pk}))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None


def test_the_network_page_leaves_out_risk_ties(demo_shared: Users) -> None:
    from utvei.network.models import NetworkNode, Valence

    person = jonas()
    nodes = NetworkNode.objects.filter(case__person=person, ended_on__isnull=True)
    risky = [n.label for n in nodes if n.valence == Valence.RISK]
    kept = [n.label for n in nodes if n.valence != Valence.RISK]
    assert risky and kept, "the demo network has risk ties and others"
    body = portal_login(_client(), person).get(reverse("portal:network")).content.decode()
    assert all(label in body for label in kept)
    assert not [label for label in risky if label in body]


def test_the_pdf_holds_the_plan_and_no_risk_tie(demo_shared: Users) -> None:
    import io

    from pypdf import PdfReader

    from utvei.network.models import NetworkNode, Valence

    person = jonas()
    response = portal_login(_client(), person).get(reverse("portal:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "My plan" in text
    risky = NetworkNode.objects.filter(case__person=person, valence=Valence.RISK)
    assert not [n.label for n in risky if n.label in text]
    assert AuditEntry.objects.filter(person_id=person.pk, event=AuditEvent.EXPORT, target_type="portal.Export").exists()
