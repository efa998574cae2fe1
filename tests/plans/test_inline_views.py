"""The plan's goals and measures edited inline: htmx gets the form and the saved part, a plain post the pages.

The same views serve both: an htmx request gets the form alone (prefixed ids, so several can be open), a
saved form a redirect to the part it changed, which the plan page then renders alone with what is still
missing swapped out of band. Without htmx nothing changes: the form page, and a redirect to the plan.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import FormClient, loaded_with, login_verified
from utvei.accounts.models import Organisation, User
from utvei.cases.models import Case
from utvei.plans.models import Goal, Measure, Plan

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _client(user: User) -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _plan() -> Plan:
    return Plan.objects.get(case=Case.objects.order_by("pk")[0])


def test_the_add_goal_link_gives_htmx_the_form_alone_and_a_plain_request_the_page(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    url = reverse("plans:goal_new", kwargs={"plan_id": _plan().pk})
    inline = client.get(url, headers=HTMX)
    body = inline.content.decode()
    assert inline.status_code == 200 and inline["Vary"].count("HX-Request") == 1
    assert body.lstrip().startswith("<form") and "<html" not in body
    assert f'hx-post="{url}"' in body and 'id="id_goal-new-text"' in body and 'name="form_token"' in body
    assert 'data-focus="goal-new-heading"' in body and "Cancel" in body
    page = client.get(url).content.decode()
    assert "<html" in page and 'id="id_text"' in page and "hx-post" not in page


def test_an_inline_goal_is_saved_and_the_goals_come_back_with_focus_on_it(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    url = reverse("plans:goal_new", kwargs={"plan_id": plan.pk})
    response = client.post(url, {"goal-new-text": "«Jeg vil få meg jobb.»", "goal-new-domain": ""}, headers=HTMX)
    goal = Goal.objects.filter(plan=plan).order_by("-pk").first()
    assert goal is not None and goal.text == "«Jeg vil få meg jobb.»"
    assert response.status_code == 302
    assert response["Location"].endswith(f"?part=goals&focus=goal-{goal.pk}#goal-{goal.pk}")

    part = client.get(response["Location"], headers=HTMX)
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert part["HX-Retarget"] == "#plan-goals" and part["HX-Reswap"] == "outerHTML"
    assert body.lstrip().startswith('<section id="plan-goals"') and f'data-focus="goal-{goal.pk}"' in body
    assert f'id="goal-{goal.pk}"' in body and "Jeg vil få meg jobb" in body
    assert "The goal is added." in body  # the message is shown in the part, not left for the next page
    assert 'id="plan-missing" hx-swap-oob="outerHTML"' in body
    assert 'id="plan-measures"' not in body


def test_an_invalid_inline_goal_comes_back_as_its_form_with_422_and_nothing_saved(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    before = Goal.objects.filter(plan=plan).count()
    response = client.post(reverse("plans:goal_new", kwargs={"plan_id": plan.pk}), {"goal-new-text": " "}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 422 and body.lstrip().startswith("<form")
    assert "ds-error-summary" in body and 'href="#id_goal-new-text"' in body
    assert Goal.objects.filter(plan=plan).count() == before


def test_a_plain_goal_post_still_goes_back_to_the_plan_page(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    response = client.post(reverse("plans:goal_new", kwargs={"plan_id": plan.pk}), {"text": "Lære å kjøre bil."})
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", kwargs={"plan_id": plan.pk})
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page and "Lære å kjøre bil." in page and "The goal is added." in page


def test_a_goal_is_changed_inline_and_a_stale_form_is_a_conflict(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    goal = Goal.objects.filter(plan=_plan()).order_by("pk").first()
    assert goal is not None
    url = reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})
    loaded = client.get(url, headers=HTMX)
    prefix = f"goal-{goal.pk}"
    assert f'id="id_{prefix}-text"' in loaded.content.decode()
    fields = loaded_with(loaded)  # the inline form carries the version it was loaded with
    data = {
        **fields,
        f"{prefix}-text": "Fullføre videregående.",
        f"{prefix}-domain": "",
        f"{prefix}-status": goal.status,
    }
    saved = client.post(url, data, headers=HTMX)
    assert saved.status_code == 302 and saved["Location"].endswith(f"focus={prefix}#{prefix}")
    goal.refresh_from_db()
    assert goal.text == "Fullføre videregående."
    stale = client.post(url, {**data, f"{prefix}-text": "Noe annet."}, headers=HTMX)
    assert stale.status_code == 409 and stale.content.decode().lstrip().startswith("<form")
    goal.refresh_from_db()
    assert goal.text == "Fullføre videregående."


def test_a_measure_is_added_inline_and_the_measures_come_back(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    goal = Goal.objects.filter(plan=plan).order_by("pk").first()
    assert goal is not None
    url = reverse("plans:measure_new", kwargs={"plan_id": plan.pk})
    form = client.get(url, headers=HTMX).content.decode()
    assert 'id="id_measure-new-title"' in form and "<html" not in form
    municipality = Organisation.objects.get(name="Demo kommune")
    data = {
        "measure-new-kind": "leisure",
        "measure-new-title": "Klatreklubb",
        "measure-new-goal": str(goal.pk),
        "measure-new-provider_organisation": str(municipality.pk),
        "measure-new-responsible_name": "Klubbleder",
        "measure-new-start_on": "2026-12-01",
        "measure-new-status": "planned",
    }
    response = client.post(url, data, headers=HTMX)
    measure = next(m for m in Measure.objects.filter(plan=plan) if m.title == "Klatreklubb")
    assert response.status_code == 302 and f"part=measures&focus=measure-{measure.pk}" in response["Location"]
    part = client.get(response["Location"], headers=HTMX)
    body = part.content.decode()
    assert part["HX-Retarget"] == "#plan-measures"
    assert body.lstrip().startswith('<section id="plan-measures"') and "Klatreklubb" in body


def test_a_part_without_htmx_is_the_whole_plan_page(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    url = reverse("plans:detail", kwargs={"plan_id": _plan().pk})
    response = client.get(f"{url}?part=goals&focus=goal-add")
    body = response.content.decode()
    assert "<html" in body and 'id="plan-goals"' in body and 'id="plan-measures"' in body
    assert "HX-Retarget" not in response and "hx-swap-oob" not in body
    unknown = client.get(f"{url}?part=history", headers=HTMX).content.decode()
    assert "<html" in unknown  # only the goals and the measures are parts


def test_a_plan_reader_gets_no_inline_forms_and_may_not_open_them(demo: dict[str, User]) -> None:
    client = _client(demo["nav"])
    plan = _plan()
    page = client.get(reverse("plans:detail", kwargs={"plan_id": plan.pk}), headers=HTMX).content.decode()
    assert reverse("plans:goal_new", kwargs={"plan_id": plan.pk}) not in page
    assert client.get(reverse("plans:goal_new", kwargs={"plan_id": plan.pk}), headers=HTMX).status_code == 404
    goal = Goal.objects.filter(plan=plan).order_by("pk").first()
    assert goal is not None
    assert client.get(reverse("plans:goal_edit", kwargs={"goal_id": goal.pk}), headers=HTMX).status_code == 404


@pytest.mark.parametrize("part", ["goals", "measures"])
def test_the_inline_parts_make_a_fixed_number_of_queries_no_more_than_the_page(
    demo: dict[str, User], part: str, django_assert_max_num_queries: object
) -> None:
    client = _client(demo["koordinator"])
    url = reverse("plans:detail", kwargs={"plan_id": _plan().pk})
    client.get(f"{url}?part={part}", headers=HTMX)  # warm the session and caches
    with CaptureQueriesContext(connection) as page:
        client.get(url)
    with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as inline:  # type: ignore[operator]
        response = client.get(f"{url}?part={part}&focus={part[:-1]}-add", headers=HTMX)
    assert response.status_code == 200
    assert len(inline.captured_queries) <= len(page.captured_queries)


@pytest.mark.parametrize("name", ["plans:goal_new", "plans:measure_new"])
def test_the_inline_forms_make_a_fixed_number_of_queries(
    demo: dict[str, User], name: str, django_assert_max_num_queries: object
) -> None:
    client = _client(demo["koordinator"])
    url = reverse(name, kwargs={"plan_id": _plan().pk})
    client.get(url, headers=HTMX)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        response = client.get(url, headers=HTMX)
    assert response.status_code == 200
