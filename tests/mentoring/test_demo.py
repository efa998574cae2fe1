"""The mentoring demo data: Mona Mentor registered and assigned on case 1, a log, a konfliktråd referral."""

from __future__ import annotations

import pytest

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.contacts.models import Conversation
from utvei.mentoring.models import Mentor, MentorAssignment, MentorTraining, RestorativeReferral, RestorativeStatus

pytestmark = pytest.mark.django_db


def test_the_demo_mentor_sees_contact_details_but_not_the_conversation(demo: dict[str, User]) -> None:
    mentor = demo["mentor"]
    registered = Mentor.objects.get(user=mentor)
    assert registered.training == MentorTraining.RVTS and registered.trained_on is not None
    case1 = Case.objects.order_by("pk").first()
    assert case1 is not None
    assignment = MentorAssignment.objects.get(case=case1, mentor=registered)
    assert (assignment.share_contact, assignment.share_goals, assignment.share_measures) == (True, True, False)
    assert assignment.log.count() >= 3
    assert policy.can(mentor, Action.VIEW, case1.person, category=Category.IDENTITY)
    conversation = Conversation.objects.filter(case=case1).first()
    assert conversation is not None and not policy.can(mentor, Action.VIEW, conversation)
    assert policy.can(demo["saksbehandler"], Action.VIEW, conversation)
    referral = RestorativeReferral.objects.get(case=case1)
    assert referral.status == RestorativeStatus.AGREEMENT
