"""The plan history reads in the reader's language: each part named, dates in the reader's format."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.plans.models import Plan

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _history(user: User, language: str) -> str:
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("plans:history", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 200
    return response.content.decode().split("<table", 1)[1].split("</table>", 1)[0]


def test_the_history_in_norwegian_names_each_part_in_norwegian_and_has_no_iso_dates(
    demo_shared: dict[str, User],
) -> None:
    table = _history(demo_shared["koordinator"], "nb")
    assert "Beslutning lagt til" in table or "Tiltak lagt til" in table
    assert "Decision" not in table and ": lagt til" not in table
    assert not ISO_DAY.search(table), ISO_DAY.findall(table)


def test_the_history_in_english_has_day_first_dates(demo_shared: dict[str, User]) -> None:
    table = _history(demo_shared["koordinator"], "en")
    assert "Measure added" in table
    assert not ISO_DAY.search(table)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", table)


def test_the_review_task_utvei_makes_reads_in_each_readers_language(demo_shared: dict[str, User]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from utvei.cases.models import Task, TaskKind
    from utvei.plans import services

    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    review = services.review_add(
        actor=demo_shared["koordinator"], plan_id=plan.pk, due_on=timezone.localdate() + timedelta(days=40)
    )
    task = Task.objects.get(pk=review.task_id)
    assert (task.kind, task.title) == (TaskKind.REVIEW_PLAN, "")  # a code, not stored Norwegian words
    page = {}
    for language in ("nb", "en"):
        client = login_verified(FormClient(), demo_shared["koordinator"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page[language] = client.get(reverse("cases:detail", kwargs={"case_id": plan.case_id})).content.decode()
    assert "Evaluer den individuelle planen" in page["nb"]
    assert "Review the individual plan" in page["en"] and "Evaluer den individuelle planen" not in page["en"]
