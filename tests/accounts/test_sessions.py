"""Sessions end for real: deactivation, an ended membership and a new password delete the user's sessions.

Before, deactivation only made sessions fail while the account was inactive; reactivating the account
revived every old cookie. Now the session rows are deleted, so an old cookie stays dead afterwards.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from utvei.access.policy import NotFound
from utvei.accounts import services
from utvei.accounts.models import Membership, Organisation, Role, User, UserSession
from utvei.accounts.sessions import SessionStore
from utvei.audit.models import AuditEntry, AuditEvent

ACCOUNT = "accounts:account"
NEW_PASSWORD = "Ny-og-lang-passordfrase-2026"


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world, each in its own transaction."""
    return demo_shared


def _works(client: Client) -> bool:
    """Tell whether the client's session still reaches a page behind login."""
    return client.get(reverse(ACCOUNT)).status_code == 200


def _sessions(user: User) -> int:
    return UserSession.objects.filter(user=user).count()


def test_a_session_row_names_its_user(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["saksbehandler"])

    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == demo["saksbehandler"].pk
    before_login = SessionStore()
    before_login["next"] = "/cases/"
    before_login.save()
    assert UserSession.objects.get(session_key=before_login.session_key).user_id is None


def test_deactivation_deletes_every_session_and_reactivation_revives_none(demo: dict[str, User]) -> None:
    worker, admin = demo["saksbehandler"], demo["admin"]
    clients = [login_verified(Client(), worker) for _ in range(3)]
    bystander = login_verified(Client(), demo["slt"])
    assert all(_works(c) for c in clients)

    services.user_deactivate(actor=admin, user_id=worker.pk)
    assert _sessions(worker) == 0
    services.user_reactivate(actor=admin, user_id=worker.pk)

    worker.refresh_from_db()
    assert worker.is_active
    assert not any(_works(c) for c in clients), "an old cookie must not work after reactivation"
    assert _works(login_verified(Client(), worker)), "a new login works"
    assert _works(bystander), "other users keep their sessions"
    entry = AuditEntry.objects.filter(event=AuditEvent.UPDATE, target_id=str(worker.pk)).order_by("-seq")[1]
    assert entry.changed_fields == ["is_active", "sessions"]


def test_admin_deactivates_and_reactivates_through_the_user_page(demo: dict[str, User]) -> None:
    mentor = demo["mentor"]
    old = login_verified(Client(), mentor)
    admin = login_verified(Client(), demo["admin"])
    url = reverse("accounts:user_detail", kwargs={"user_id": mentor.pk})

    assert admin.post(url, {"action": "deactivate"}).status_code == 302
    page = admin.get(url).content.decode()
    assert 'value="reactivate"' in page
    assert admin.post(url, {"action": "reactivate"}).status_code == 302

    mentor.refresh_from_db()
    assert mentor.is_active
    response = old.get(reverse("accounts:account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert admin.post(url, {"action": "reactivate"}).status_code == 422, "already active"


def test_ending_a_membership_deletes_the_users_sessions(demo: dict[str, User]) -> None:
    koordinator, admin = demo["koordinator"], demo["admin"]
    clients = [login_verified(Client(), koordinator) for _ in range(2)]
    memberships = list(Membership.objects.active().filter(user=koordinator).order_by("pk"))
    assert len(memberships) >= 2, "the demo coordinator holds two roles"

    ended = services.membership_end(actor=admin, membership_id=memberships[-1].pk, user_id=koordinator.pk)

    today = timezone.localdate()
    assert ended.valid_to is not None and ended.valid_to < today
    assert not Membership.objects.active().filter(pk=ended.pk).exists()
    assert Membership.objects.active().filter(user=koordinator).count() == len(memberships) - 1
    assert _sessions(koordinator) == 0
    assert not any(_works(c) for c in clients)
    # The role back again is a new membership; the old sessions stay ended.
    services.membership_add(actor=admin, user=koordinator, organisation=ended.organisation, role=Role.SUPERVISOR)
    assert not any(_works(c) for c in clients)


def test_a_membership_that_began_today_ends_at_once(demo: dict[str, User]) -> None:
    mentor, admin = demo["mentor"], demo["admin"]
    organisation = Organisation.objects.get(name="Demo kommune")
    added = services.membership_add(actor=admin, user=mentor, organisation=organisation, role=Role.SUPERVISOR)

    ended = services.membership_end(actor=admin, membership_id=added.pk)

    assert ended.valid_from == ended.valid_to == timezone.localdate() - timezone.timedelta(days=1)
    assert not Membership.objects.active().filter(pk=added.pk).exists()


def test_ending_a_membership_is_refused_for_oneself_others_and_twice(demo: dict[str, User]) -> None:
    admin, nabo_user = demo["admin"], demo["nabo"]
    own = Membership.objects.active().get(user=admin, role=Role.ORG_ADMIN)
    foreign = Membership.objects.active().filter(user=nabo_user).first()
    assert foreign is not None
    mentor_role = Membership.objects.active().get(user=demo["mentor"])
    session = login_verified(Client(), nabo_user)

    with pytest.raises(ValidationError, match="ditt eget medlemskap"):
        services.membership_end(actor=admin, membership_id=own.pk)
    with pytest.raises(NotFound):
        services.membership_end(actor=admin, membership_id=foreign.pk)
    with pytest.raises(NotFound):
        services.membership_end(actor=admin, membership_id=mentor_role.pk, user_id=demo["saksbehandler"].pk)
    services.membership_end(actor=admin, membership_id=mentor_role.pk)
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        services.membership_end(actor=admin, membership_id=mentor_role.pk)
    assert _works(session), "a refused end leaves the other organisation's user alone"


def test_admin_ends_a_role_through_the_user_page(demo: dict[str, User]) -> None:
    koordinator = demo["koordinator"]
    old = login_verified(Client(), koordinator)
    admin = login_verified(Client(), demo["admin"])
    membership = Membership.objects.active().filter(user=koordinator).order_by("pk").last()
    assert membership is not None
    url = reverse("accounts:user_detail", kwargs={"user_id": koordinator.pk})

    response = admin.post(url, {"action": "end_membership", "membership": membership.pk})

    assert response.status_code == 302
    assert not Membership.objects.active().filter(pk=membership.pk).exists()
    assert not _works(old)


def test_an_admin_sets_no_password_outside_their_organisation_nor_their_own(demo: dict[str, User]) -> None:
    nav = demo["nav"]
    sessions = [login_verified(Client(), nav) for _ in range(2)]

    with pytest.raises(NotFound):
        services.user_password_set(actor=demo["admin"], user_id=nav.pk, password=NEW_PASSWORD)
    with pytest.raises(ValidationError, match="under Min konto"):
        services.user_password_set(actor=demo["admin"], user_id=demo["admin"].pk, password=NEW_PASSWORD)

    assert all(_works(c) for c in sessions), "refused, so nothing changed"
    assert _sessions(nav) == 2


def test_a_password_set_through_the_user_page_ends_the_users_sessions(demo: dict[str, User]) -> None:
    mentor = demo["mentor"]
    old = login_verified(Client(), mentor)
    admin = login_verified(Client(), demo["admin"])
    url = reverse("accounts:user_detail", kwargs={"user_id": mentor.pk})

    weak = admin.post(url, {"action": "set_password", "new_password": "kort"})
    assert weak.status_code == 422
    assert _works(old), "a refused password changes nothing"
    assert admin.post(url, {"action": "set_password", "new_password": NEW_PASSWORD}).status_code == 302

    mentor.refresh_from_db()
    assert mentor.check_password(NEW_PASSWORD)
    assert _sessions(mentor) == 0
    assert not _works(old)
    assert _works(admin)


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(demo: dict[str, User]) -> None:
    slt = User.objects.get(pk=demo["slt"].pk)  # a fresh copy: this test changes the password
    slt.set_password("Utvei-demo-2026")  # hashed with the tests' fast hasher
    slt.save()
    here = login_verified(Client(), slt)
    elsewhere = login_verified(Client(), slt)
    key_before = here.session.session_key

    response = here.post(
        reverse("accounts:account"),
        {"action": "password", "current_password": "Utvei-demo-2026", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _works(here)
    assert here.session.session_key != key_before, "the session key is cycled at the change"
    assert not _works(elsewhere)
    assert _sessions(slt) == 1
    slt.refresh_from_db()
    assert slt.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_and_a_weak_new_one_are_both_reported(demo: dict[str, User]) -> None:
    slt = User.objects.get(pk=demo["slt"].pk)
    here = login_verified(Client(), slt)
    elsewhere = login_verified(Client(), slt)
    before = User.objects.get(pk=slt.pk).password

    response = here.post(
        reverse("accounts:account"), {"action": "password", "current_password": "feil", "new_password": "kort"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Det nåværende passordet er ikke riktig." in page
    assert "Passordet er for kort. Det må bestå av minst 12 tegn." in page
    assert User.objects.get(pk=slt.pk).password == before
    assert _works(elsewhere)


def test_the_daily_job_deletes_expired_sessions_only(demo: dict[str, User]) -> None:
    import datetime as dt

    import time_machine

    from utvei.core.jobs import get_job

    live = login_verified(Client(), demo["saksbehandler"])
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        stale = login_verified(Client(), demo["skole"])
    stale_key = stale.session.session_key

    summary = get_job("sessions_clear_expired").run()

    assert summary == "sessions deleted=1"
    assert not UserSession.objects.filter(session_key=stale_key).exists()
    assert _works(live)
