"""Break-glass access (issue 13 item 5, security test G06): asking, using, expiry, early end and review.

The demo's SLT coordinator (`slt`) works for Demo kommune but sits only on case 3, so case 1 is a case of
their organisation they have no seat on. The demo has already seeded one ended grant of theirs on case 1.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import FormClient, login_verified
from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.demo import DEMO_PASSWORD
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent, Outcome
from utvei.cases.models import Case
from utvei.privacy import selectors
from utvei.privacy.models import AccessGrant, GrantReason, ReviewState

pytestmark = pytest.mark.django_db

REASON = "The person rang in crisis at night and the coordinator cannot be reached."


def _case1() -> Case:
    return Case.objects.order_by("pk")[0]


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _client(user: User) -> FormClient:
    user.set_password(DEMO_PASSWORD)  # the shared demo was seeded before the tests' fast hasher was set
    user.save(update_fields=["password"])
    client = FormClient()
    login_verified(client, user)
    return client


def _reauth(client: Client, user: User) -> None:
    response = client.post(reverse("accounts:reauth"), {"password": DEMO_PASSWORD, "token": _code(user)})
    assert response.status_code == 303


def _ask(client: Client, reference: str, **extra: object) -> object:
    data = {"case_reference": reference, "reason_code": GrantReason.CRISIS_CONTACT, "reason": REASON, "hours": 2}
    return client.post(reverse("privacy:emergency"), {**data, **extra})


def _live_grant(client: Client, user: User) -> AccessGrant:
    _reauth(client, user)
    response = _ask(client, _case1().reference)
    assert response.status_code == 303, response.content.decode()
    return AccessGrant.objects.filter(user=user, ended_at__isnull=True).get()


def test_asking_needs_signing_in_again(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    page = client.get(reverse("privacy:emergency"))
    assert page.status_code == 200 and reverse("accounts:reauth") in page.content.decode()
    response = _ask(client, _case1().reference)
    assert response.status_code == 303 and response["Location"].startswith(reverse("accounts:reauth"))
    assert not AccessGrant.objects.filter(user=slt, ended_at__isnull=True).exists()


def test_a_wrong_password_or_code_does_not_count(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    response = client.post(reverse("accounts:reauth"), {"password": "wrong", "token": "000000"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "password" in body.lower() or "passord" in body.lower()
    assert _ask(client, _case1().reference).status_code == 303  # still sent to sign in again
    assert AuditEntry.objects.filter(actor=slt, event=AuditEvent.LOGIN_FAILED, outcome=Outcome.DENIED).exists()


def test_signing_in_again_lasts_five_minutes(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    _reauth(client, slt)
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = _ask(client, _case1().reference)
    assert response.status_code == 303 and response["Location"].startswith(reverse("accounts:reauth"))


def test_a_grant_needs_a_reason_code_and_text_and_refuses_markings(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    _reauth(client, slt)
    response = _ask(client, _case1().reference, reason_code="", reason="")
    assert response.status_code == 422
    response = _ask(client, _case1().reference, reason="BEGRENSET: the briefing said so")
    assert response.status_code == 422
    response = _ask(client, _case1().reference, reason="x" * 1001)
    assert response.status_code == 422
    assert not AccessGrant.objects.filter(user=slt, ended_at__isnull=True).exists()


def test_using_a_grant_reads_the_case_on_ground_grant_and_writes_nothing(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    case = _case1()
    assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 404
    grant = _live_grant(client, slt)
    asked = AuditEntry.objects.filter(actor=slt, event=AuditEvent.BREAK_GLASS, target_id=str(grant.pk)).get()
    assert asked.grounds == ["grant"] and asked.case_id == case.pk and asked.person_id == case.person_id
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert page.status_code == 200 and case.reference in page.content.decode()
    reads = AuditEntry.objects.filter(seq__gt=before, actor=slt, case_id=case.pk, event=AuditEvent.VIEW)
    assert reads.exists() and all(entry.grounds == ["grant"] for entry in reads)
    assert policy.can(slt, Action.VIEW, case)
    for action in (Action.UPDATE, Action.SHARE, Action.DISCLOSE, Action.EXPORT, Action.REVIEW):
        assert not policy.can(slt, action, case), action
    # The sharing tab (consents are acted on by seats) is not offered to a break-glass reader.
    tab = client.get(reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "sharing"}))
    assert tab.status_code == 404


def test_access_ends_by_itself_at_expiry(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    case = _case1()
    grant = _live_grant(client, slt)
    assert grant.expires_at - grant.granted_at == timedelta(hours=2)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    # A fresh login inside each moment: the session's idle timeout is shorter than the grant.
    with time_machine.travel(grant.expires_at - timedelta(minutes=1), tick=False):
        assert _client(slt).get(url).status_code == 200
    with time_machine.travel(grant.expires_at + timedelta(seconds=1), tick=False):
        assert _client(slt).get(url).status_code == 404
        assert not policy.can(slt, Action.VIEW, case)
    grant.refresh_from_db()
    assert grant.ended_at is None  # no job ended it: the engine reads the expiry


def test_the_user_may_end_access_early(demo_shared: dict[str, User]) -> None:
    slt = demo_shared["slt"]
    client = _client(slt)
    grant = _live_grant(client, slt)
    other = _client(demo_shared["koordinator"])
    assert other.post(reverse("privacy:emergency_end", kwargs={"grant_id": grant.pk})).status_code == 404
    response = client.post(reverse("privacy:emergency_end", kwargs={"grant_id": grant.pk}))
    assert response.status_code == 303
    grant.refresh_from_db()
    assert grant.ended_at is not None
    assert client.get(reverse("cases:detail", kwargs={"case_id": grant.case_id})).status_code == 404
    assert AuditEntry.objects.filter(actor=slt, event=AuditEvent.UPDATE, target_id=str(grant.pk)).exists()


@pytest.mark.parametrize("username", ["mentor", "admin", "personvern", "nav"])
def test_roles_without_break_glass_are_refused(demo_shared: dict[str, User], username: str) -> None:
    client = _client(demo_shared[username])
    assert client.get(reverse("privacy:emergency")).status_code == 403


def test_a_case_of_another_municipality_is_answered_as_a_missing_one(demo_shared: dict[str, User]) -> None:
    nabo = demo_shared["nabo"]
    client = _client(nabo)
    _reauth(client, nabo)
    foreign = _ask(client, _case1().reference)
    missing = _ask(client, "NO-SUCH-CASE")
    assert foreign.status_code == missing.status_code == 422
    assert foreign.context["form"].errors == missing.context["form"].errors  # type: ignore[attr-defined]
    assert list(foreign.context["form"].errors) == ["case_reference"]  # type: ignore[attr-defined]
    refused = AuditEntry.objects.filter(actor=nabo, event=AuditEvent.BREAK_GLASS, outcome=Outcome.DENIED)
    assert sorted(refused.values_list("target_id", flat=True)) == sorted([_case1().reference, "NO-SUCH-CASE"])
    assert not AccessGrant.objects.filter(user=nabo).exists()


def test_a_seated_user_needs_no_grant(demo_shared: dict[str, User]) -> None:
    koordinator = demo_shared["koordinator"]
    client = _client(koordinator)
    _reauth(client, koordinator)
    assert _ask(client, _case1().reference).status_code == 422
    assert not AccessGrant.objects.filter(user=koordinator).exists()


def test_the_officer_reviews_a_grant(demo_shared: dict[str, User], django_assert_max_num_queries: object) -> None:
    slt, officer = demo_shared["slt"], demo_shared["personvern"]
    grant = _live_grant(_client(slt), slt)
    client = _client(officer)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        queue = client.get(reverse("privacy:grant_queue"))
    assert queue.status_code == 200
    assert reverse("privacy:grant_review", kwargs={"grant_id": grant.pk}) in queue.content.decode()
    url = reverse("privacy:grant_review", kwargs={"grant_id": grant.pk})
    page = client.get(url)
    assert page.status_code == 200 and REASON in page.content.decode()
    assert client.post(url, {"decision": ReviewState.REVIEWED, "note": ""}).status_code == 422
    response = client.post(url, {"decision": ReviewState.REVIEWED, "note": "Checked with the SLT lead."})
    assert response.status_code == 303
    grant.refresh_from_db()
    assert grant.review_state == ReviewState.REVIEWED and grant.reviewed_by == officer
    assert AuditEntry.objects.filter(actor=officer, event=AuditEvent.UPDATE, target_id=str(grant.pk)).exists()
    unreviewed = client.get(reverse("privacy:grant_queue")).content.decode()
    reviewed = client.get(reverse("privacy:grant_queue") + "?state=reviewed").content.decode()
    assert url not in unreviewed and url in reviewed
    again = client.post(url, {"decision": ReviewState.DEVIATION, "note": "Changed my mind."})
    assert again.status_code == 422


def test_the_officer_raises_a_deviation(demo_shared: dict[str, User]) -> None:
    officer = demo_shared["personvern"]
    grant = AccessGrant.objects.get()  # the demo's grant
    url = reverse("privacy:grant_review", kwargs={"grant_id": grant.pk})
    client = _client(officer)
    assert client.post(url, {"decision": ReviewState.DEVIATION, "note": ""}).status_code == 422
    response = client.post(url, {"decision": ReviewState.DEVIATION, "note": "No crisis call is on record."})
    assert response.status_code == 303
    grant.refresh_from_db()
    assert grant.review_state == ReviewState.DEVIATION and grant.review_note == "No crisis call is on record."


def test_the_demo_grant_is_in_the_officers_queue(demo_shared: dict[str, User]) -> None:
    grant = AccessGrant.objects.get()
    assert grant.user.username == "slt" and grant.ended_at is not None
    lines = selectors.grant_queue(actor=demo_shared["personvern"], state="unreviewed")
    assert [line.pk for line in lines] == [grant.pk]
    assert selectors.grant_queue(actor=demo_shared["nabo"], state="all") == []


def test_the_persons_access_log_shows_emergency_reads_with_the_reason(demo_shared: dict[str, User]) -> None:
    case = _case1()
    log, _held = selectors.person_access_log(
        person=case.person, disclosures=[], today=timezone.localdate(), language="en"
    )
    emergency = [line for line in log.accesses if line.emergency]
    assert len(emergency) >= 2  # the request and the read in the demo
    with translation.override("en"):
        label = str(GrantReason.CRISIS_CONTACT.label)
    assert all(line.reason == label for line in emergency)
    assert all(not line.emergency for line in log.accesses if line.role and "SLT" not in line.role)
