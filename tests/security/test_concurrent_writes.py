"""Concurrent writers on real connections: no lost update (G41) and no doubled create (G40).

G41: in every round two editors save the same goal on the same version at the same moment, each thread on
its own database connection. Exactly one save wins, the other is refused with an EditConflict, and the
goal then holds the winner's text: nothing that was accepted is lost. G40: the same create form (with
the same one-time token) sent three times at once creates one task.

PostgreSQL runs the threads (1,000 rounds). SQLite's test database is in memory and not shared across
threads, and SQLite serialises writers anyway, so there the same rounds run one save after the other.
Transactional tests commit for real; the tables are emptied afterwards with TRUNCATE on PostgreSQL,
which the audit table's append-only triggers do not refuse (see tests/audit/test_concurrency.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.contacts.factories import make_world
from tests.helpers import login_verified
from utvei.accounts.models import User
from utvei.audit.services import verify_chain
from utvei.cases.models import Task
from utvei.core.editing import EditConflict
from utvei.core.idempotency import TOKEN_FIELD, issue_token
from utvei.core.models import SubmissionKey
from utvei.plans import services as plan_services
from utvei.plans.models import Goal, PlanVersion, WishGiver

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"
ROUNDS = 1000 if POSTGRES else 100


@dataclass
class _Editors:
    first: User
    second: User
    goal: Goal


def _goal_world() -> _Editors:
    """Build a case with a plan and one goal, and two users who may change it."""
    world = make_world()
    plan_services.wish_record(
        actor=world.caseworker,
        case_id=world.case.pk,
        given_by=WishGiver.PERSON,
        expressed_on=timezone.localdate() - timedelta(days=1),
    )
    plan = plan_services.plan_create(actor=world.caseworker, case_id=world.case.pk)
    goal = plan_services.goal_add(actor=world.caseworker, plan_id=plan.pk, text="«Jeg vil ha en jobb.»")
    return _Editors(first=world.caseworker, second=world.coordinator, goal=goal)


def _save(editor: User, goal: Goal, text: str, version: int) -> bool:
    """Save the goal's text on ``version``; tell whether the save won."""
    try:
        plan_services.goal_update(
            actor=editor, goal_id=goal.pk, text=text, domain="", status=goal.status, expected_version=version
        )
    except EditConflict:
        return False
    return True


def _together(pool: ThreadPoolExecutor, works: list[Callable[[], object]]) -> list[object]:
    """Run each work in its own pool thread, released at the same moment."""
    barrier = threading.Barrier(len(works))

    def released(work: Callable[[], object]) -> object:
        barrier.wait()
        return work()

    return [future.result() for future in [pool.submit(released, work) for work in works]]


def _close_own_connection() -> None:
    connection.close()  # looked up in the calling thread: each pool thread closes its own


def _close_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    _together(pool, [_close_own_connection] * threads)


def test_G41_two_concurrent_saves_of_a_goal_one_wins_and_no_change_is_lost() -> None:
    editors = _goal_world()
    goal = editors.goal
    conflicts = lost = without_winner = 0
    pool = ThreadPoolExecutor(max_workers=2) if POSTGRES else None
    try:
        for round_ in range(ROUNDS):
            version = Goal.objects.get(pk=goal.pk).version
            texts = (f"«Runde {round_}, første.»", f"«Runde {round_}, andre.»")
            saves: list[Callable[[], object]] = [
                partial(_save, editors.first, goal, texts[0], version),
                partial(_save, editors.second, goal, texts[1], version),
            ]
            won = _together(pool, saves) if pool is not None else [save() for save in saves]
            conflicts += won.count(False)
            if True not in won:
                without_winner += 1
                continue
            saved = Goal.objects.get(pk=goal.pk)
            # Lost: both saves were accepted (one overwrote the other unseen), or the winner's text is gone.
            if won.count(True) > 1 or saved.text != texts[won.index(True)] or saved.version != version + 1:
                lost += 1
    finally:
        if pool is not None:
            _close_connections(pool, 2)
            pool.shutdown()
    history = PlanVersion.objects.filter(object_type="goal", object_id=goal.pk, action="update").count()
    print(f"\nG41 ({connection.vendor}): rounds={ROUNDS} conflicts={conflicts} lost_updates={lost}")
    assert (conflicts, lost, without_winner) == (ROUNDS, 0, 0)
    assert history == ROUNDS, "every accepted save is in the plan's history"
    assert verify_chain().ok


def _task_post(user: User, token: str) -> dict[str, str]:
    return {
        "title": "Avtale møte med Jonas",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "assignee": str(user.pk),
        TOKEN_FIELD: token,
    }


def test_G40_the_same_create_form_sent_three_times_at_once_creates_once() -> None:
    world = make_world()
    user = world.caseworker
    url = reverse("cases:task_new", kwargs={"case_id": world.case.pk})
    rounds = 20 if POSTGRES else 5
    duplicates = in_flight = 0
    signed_in = login_verified(Client(), user)
    pool = ThreadPoolExecutor(max_workers=3) if POSTGRES else None
    try:
        for round_ in range(rounds):
            before = Task.objects.filter(case=world.case).count()
            data = _task_post(user, issue_token(user.pk)) | {"title": f"Avtale møte {round_}"}
            clients = []
            for _ in range(3):
                client = Client()
                client.cookies = signed_in.cookies
                clients.append(client)
            sends: list[Callable[[], object]] = [partial(client.post, url, data) for client in clients]
            answers = _together(pool, sends) if pool is not None else [send() for send in sends]
            responses = [r for r in answers if isinstance(r, HttpResponse)]
            statuses = [r.status_code for r in responses]
            locations = {r["Location"] for r in responses if r.status_code == 302}
            assert set(statuses) <= {302, 409} and 302 in statuses, statuses
            assert len(locations) == 1, "every answer that is a result is the same result"
            in_flight += statuses.count(409)
            duplicates += Task.objects.filter(case=world.case).count() - before - 1
    finally:
        if pool is not None:
            _close_connections(pool, 3)
            pool.shutdown()
    print(
        f"\nG40 ({connection.vendor}): rounds={rounds} posts={3 * rounds} in_flight_409={in_flight} "
        f"duplicates={duplicates}"
    )
    assert duplicates == 0
    assert SubmissionKey.objects.filter(user=user, status_code=302).count() == rounds
