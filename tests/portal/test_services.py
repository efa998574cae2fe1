"""Services of the portal: comments reach the coordinator, an approved block closes the case to a seat."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.portal.helpers import jonas
from utvei.access import engine, policy
from utvei.access.persons import PersonActor
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.plans.models import Goal
from utvei.portal import selectors, services
from utvei.portal.models import BlockStatus

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _actor() -> PersonActor:
    return PersonActor(person_ids=frozenset({jonas().pk}))


def _case() -> Case:
    case = Case.objects.filter(person=jonas()).order_by("pk").first()
    assert case is not None
    return case


def test_a_comment_on_a_goal_reaches_the_coordinators_inbox(demo_shared: Users) -> None:
    goal = Goal.objects.filter(case=_case()).first()
    assert goal is not None
    services.message_send(actor=_actor(), goal_id=goal.pk, kind="change", text="Jeg vil heller jobbe enn studere.")
    assert demo_shared["koordinator"].notifications.filter(kind="person_message").exists()
    page = selectors.from_person_page(actor=demo_shared["koordinator"], case_id=_case().pk)
    assert [m.text for m in page.messages] == ["Jeg vil heller jobbe enn studere."]


def test_an_empty_comment_is_refused_with_every_error_at_once(demo_shared: Users) -> None:
    goal = Goal.objects.filter(case=_case()).first()
    assert goal is not None
    with pytest.raises(ValidationError) as exc:
        services.message_send(actor=_actor(), goal_id=goal.pk, kind="nonsense", text=" ")
    assert set(exc.value.message_dict) == {"text", "kind"}


def test_the_person_cannot_comment_on_another_persons_goal(demo_shared: Users) -> None:
    other = Goal.objects.exclude(case__person=jonas()).first()
    if other is None:
        pytest.skip("the demo has goals of one person only")
    with pytest.raises(NotFound):
        services.message_send(actor=_actor(), goal_id=other.pk, kind="comment", text="Hei")


def test_an_approved_block_closes_the_case_to_a_seated_user(demo_shared: Users) -> None:
    skole, koordinator = demo_shared["skole"], demo_shared["koordinator"]
    case = _case()
    assert policy.can(skole, Action.VIEW, case)
    request = services.block_request(actor=_actor(), case_id=case.pk, user_id=skole.pk, reason="")
    assert koordinator.notifications.filter(kind="block_requested").exists()
    assert policy.can(skole, Action.VIEW, case)  # a request alone changes nothing
    with pytest.raises(ValidationError):
        services.block_decide(actor=koordinator, request_id=request.pk, approve=True, reason=" ")
    services.block_decide(actor=koordinator, request_id=request.pk, approve=True, reason="Personen ber om det.")
    engine.invalidate()
    assert not policy.can(skole, Action.VIEW, case)
    assert policy.can(koordinator, Action.VIEW, case)
    with translation.override("en"):
        notices = selectors.home_page(actor=_actor()).notices
    assert any("approved" in n.text for n in notices)
    with translation.override("en"):
        lines = selectors.requests_page(actor=_actor()).blocks
        assert [(b.status, b.decision_reason) for b in lines] == [
            (str(BlockStatus.APPROVED.label), "Personen ber om det.")
        ]


def test_the_named_user_cannot_decide_their_own_block(demo_shared: Users) -> None:
    koordinator = demo_shared["koordinator"]
    request = services.block_request(actor=_actor(), case_id=_case().pk, user_id=koordinator.pk, reason="")
    with pytest.raises(NotFound):
        services.block_decide(actor=koordinator, request_id=request.pk, approve=False, reason="Nei")


def test_a_staff_user_is_never_the_person(demo_shared: Users) -> None:
    assert not policy.can(demo_shared["koordinator"], Action.OWN, _case())
    assert policy.scope(demo_shared["koordinator"], Action.OWN, Goal.objects.all()).count() == 0


def test_the_person_is_told_of_an_emergency_opening_once_they_ask_for_it(demo_shared: Users) -> None:
    from utvei.audit.models import AuditEvent
    from utvei.audit.services import record

    services.notice_setting_set(actor=_actor(), notify_outside_team=True)
    record(actor=demo_shared["nabo"], event=AuditEvent.BREAK_GLASS, case=_case())
    with translation.override("en"):
        notices = selectors.home_page(actor=_actor()).notices
    assert any("emergency access" in n.text for n in notices)
