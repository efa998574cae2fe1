"""The portal's pages make a fixed number of queries, whatever the size of the person's case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.portal.helpers import jonas, portal_login
from utvei.accounts.models import User
from utvei.plans.models import Goal, Measure

pytestmark = pytest.mark.django_db

PAGES = ["portal:home", "portal:plan", "portal:consents", "portal:network", "portal:log", "portal:requests"]
PAGE_LIMIT = 40


def _counts(client: Client) -> dict[str, int]:
    found = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        found[name] = len(queries)
    return found


def _grow() -> None:
    """Add goals and measures to Jonas's plan, copying the demo's own."""
    goal = Goal.objects.filter(case__person=jonas()).first()
    measure = Measure.objects.filter(case__person=jonas()).first()
    assert goal is not None and measure is not None
    for n in range(5):
        new_goal = Goal.objects.create(
            plan=goal.plan, case=goal.case, text=f"Mål {n}", owner_organisation=goal.owner_organisation
        )
        Measure.objects.create(
            case=measure.case,
            plan=measure.plan,
            kind=measure.kind,
            title=f"Tiltak {n}",
            provider_organisation=measure.provider_organisation,
            owner_organisation=measure.owner_organisation,
            created_by=measure.created_by,
            goal=new_goal,
            category=measure.category,
        )


def test_portal_pages_make_the_same_queries_as_the_case_grows(
    demo_shared: dict[str, User], django_assert_max_num_queries: object
) -> None:
    client = portal_login(Client(), jonas())
    before = _counts(client)
    _grow()
    after = _counts(client)
    assert before == after
    for name in PAGES:
        with django_assert_max_num_queries(PAGE_LIMIT):  # type: ignore[operator]
            client.get(reverse(name))
