"""A correction's earlier values are shredded with the person's data key (its own module and demo: the key
store commits apart, so a destroyed key would reach the other tests of a shared demo)."""

from __future__ import annotations

import pytest
from django.utils import translation

from utvei.accounts.models import User
from utvei.cases import selectors, services
from utvei.cases.models import Case, Revision
from utvei.contacts import services as contact_services
from utvei.contacts.models import Conversation

pytestmark = pytest.mark.django_db

EARLIER_NOTES = "Rolig samtale. Jonas forteller at han vil bort fra miljøet og trenger arbeid og bolig."


def test_destroying_the_persons_key_leaves_the_earlier_values_unreadable(demo: dict[str, User]) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    conversation = Conversation.objects.get(case=case)
    contact_services.conversation_correct(
        actor=demo["saksbehandler"], conversation_id=conversation.pk, notes="Rettet notat."
    )
    kept = Revision.objects.filter(target_type="contacts.Conversation", target_id=conversation.pk)
    assert EARLIER_NOTES in kept.get().previous
    assert services.person_data_key_destroy(actor=None, person_id=case.person_id) is True
    with translation.override("nb"):
        rows = selectors.history_rows(conversation, kept)
    assert [e.value for e in rows[0].earlier] == ["(kan ikke vises)"]
    assert EARLIER_NOTES not in str(rows)
