"""Pages make a fixed number of queries, whatever the size of the database (counted, never timed).

Each page is fetched twice per role: on the demo, and after the database has grown by many more cases,
seats, consents and conversations, some of them the actor's own. The count must not change, and the
case page stays within 26 queries on the demo.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import login_verified
from utvei.accounts.models import Organisation, Role, User
from utvei.cases.models import Case, Person, SecurityAssessment, TeamMember
from utvei.contacts.models import Conversation, ConversationForm
from utvei.plans.models import Plan
from utvei.sharing.models import Consent, ConsentGrant

pytestmark = pytest.mark.django_db

ROLES = ["koordinator", "nav", "mentor", "helse", "skole", "politikontakt"]
# 137 before the access engine. The person's approved blocks (sperring), checked on every request since the
# portal, made it 26.
CASE_PAGE_LIMIT = 26
TODAY = timezone.localdate()


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _pages() -> dict[str, str]:
    case = _jonas()
    pages = {"overview": reverse("cases:detail", kwargs={"case_id": case.pk})}
    for tab in ("conversations", "plan", "network", "sharing"):
        pages[tab] = reverse("cases:tab", kwargs={"case_id": case.pk, "tab": tab})
    pages["work list"] = reverse("cases:dashboard")
    pages["week"] = reverse("cases:week")
    pages["plan page"] = reverse("plans:detail", kwargs={"plan_id": Plan.objects.get(case=case).pk})
    pages["network map"] = reverse("network:map", kwargs={"case_id": case.pk})
    pages["consents"] = reverse("sharing:consents", kwargs={"case_id": case.pk})
    return pages


def _count(client: Client, url: str) -> tuple[int, int]:
    client.get(url)  # warm: the first request of a session may touch the session table differently
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries.captured_queries)


def _grow(extra: int) -> None:
    """Add ``extra`` cases in Demo kommune with the demo team's seats, consents to NAV and conversations."""
    municipality = Organisation.objects.get(name="Demo kommune")
    nav = Organisation.objects.get(name="Nav Demo")
    opener = User.objects.get(username="saksbehandler")
    members = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    organisations = {m.user.username: (m.organisation, m.role) for m in TeamMember.objects.filter(case=_jonas())}
    for index in range(extra):
        person = Person.objects.create(
            given_name=f"Vekst{index}",
            family_name="Testesen",
            birth_date=date(1999, 1, 1) + timedelta(days=index),
            registered_by=municipality,
        )
        case = Case.objects.create(
            reference=f"UTV-VEKST-{index:04d}",
            person=person,
            responsible_organisation=municipality,
            created_by=opener,
            referral_source="self",
            referral_date=TODAY,
            referral_reason="Vekst.",
            security_assessment=SecurityAssessment.NOT_YET,
        )
        for username, user in members.items():
            organisation, role = organisations.get(username, (municipality, Role.CASEWORKER))
            TeamMember.objects.create(case=case, user=user, organisation=organisation, role=role)
        consent = Consent.objects.create(
            person=person,
            recorded_by=opener,
            recorded_for_organisation=municipality,
            recipients=[nav.pk],
            categories=["conversations", "plan"],
            purpose="coordination",
            valid_from=TODAY,
            valid_to=TODAY + timedelta(days=90),
            given_by="person",
            form="written",
            evidence_note="Vekst.",
            how_informed="Vekst.",
        )
        for category in consent.categories:
            ConsentGrant.objects.create(
                consent=consent, person=person, discloser=municipality, recipient=nav, category=category
            )
        Conversation.objects.bulk_create(
            Conversation(
                case=case,
                held_on=TODAY - timedelta(days=n),
                form=ConversationForm.MEETING,
                participants="Vekst.",
                notes="Vekst.",
                recorded_by=opener,
                owner_organisation=municipality,
                next_contact_on=TODAY + timedelta(days=n + 1),
            )
            for n in range(3)
        )


def test_every_page_makes_a_fixed_number_of_queries_whatever_the_size(demo_shared: dict[str, User]) -> None:
    clients = {username: login_verified(Client(), demo_shared[username]) for username in ROLES}
    pages = _pages()
    before = {(u, name): _count(clients[u], url) for u in ROLES for name, url in pages.items()}
    _grow(40)
    after = {(u, name): _count(clients[u], url) for u in ROLES for name, url in pages.items()}
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}, "query counts that grow with the database: (status, queries) before → after"


@pytest.mark.parametrize("username", ROLES)
def test_the_case_page_and_each_tab_make_at_most_26_queries(
    demo_shared: dict[str, User], username: str, django_assert_max_num_queries: object
) -> None:
    client = login_verified(Client(), demo_shared[username])
    for url in list(_pages().values())[:5]:
        client.get(url)
        with django_assert_max_num_queries(CASE_PAGE_LIMIT):  # type: ignore[operator]
            assert client.get(url).status_code in (200, 404)
