"""A partner completes the tasks assigned to it: it sees them on its work list and the case, marks them done,
and cannot mark another seat's task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, login_verified
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Task
from utvei.cases.services import task_complete, task_create

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _task_for(users: Users, username: str, title: str = "Send timeliste for arbeidstreningen") -> Task:
    return task_create(
        actor=users["koordinator"],
        case_id=Case.objects.order_by("pk")[0].pk,
        title=title,
        due_on=timezone.localdate() + timedelta(days=2),
        assignee=users[username],
    )


def _client(user: User) -> Client:
    return login_verified(FormClient(), user)


@pytest.mark.parametrize("username", ["nav", "skole", "helse", "politikontakt"])
def test_a_partner_completes_its_own_task(demo_shared: Users, username: str) -> None:
    task = _task_for(demo_shared, username)
    done = task_complete(actor=demo_shared[username], task_id=task.pk)
    assert done.done_at is not None
    assert AuditEntry.objects.filter(
        event=AuditEvent.UPDATE, target_type="cases.Task", target_id=str(task.pk), actor=demo_shared[username]
    ).exists()


@pytest.mark.parametrize("username", ["skole", "helse", "mentor", "nabo"])
def test_a_partner_may_not_complete_another_seats_task(demo_shared: Users, username: str) -> None:
    task = _task_for(demo_shared, "nav")
    with pytest.raises(NotFound):
        task_complete(actor=demo_shared[username], task_id=task.pk)
    task.refresh_from_db()
    assert task.done_at is None


def test_the_partner_sees_its_task_on_the_work_list_and_marks_it_done(demo_shared: Users) -> None:
    task = _task_for(demo_shared, "nav")
    nav = _client(demo_shared["nav"])
    board = nav.get(reverse("cases:dashboard")).content.decode()
    done_url = reverse("cases:task_done", kwargs={"task_id": task.pk})
    assert "Send timeliste for arbeidstreningen" in board and done_url in board
    response = nav.post(done_url, {"back": "dashboard"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:dashboard")
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Send timeliste for arbeidstreningen" not in nav.get(reverse("cases:dashboard")).content.decode()
    other = _task_for(demo_shared, "skole", "Skolens oppgave")
    refused = nav.post(reverse("cases:task_done", kwargs={"task_id": other.pk}))
    assert refused.status_code == 404
