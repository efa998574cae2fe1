"""A partner records its own conversations and notes on a case: owned by its organisation, seen by others only
where the engine opens the conversations category, refused for a mentor, an outsider and a closed case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, login_verified
from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case
from utvei.contacts.models import CaseNote, CaseNoteKind
from utvei.contacts.services import case_note_record
from utvei.sharing.models import Consent

pytestmark = pytest.mark.django_db

Users = dict[str, User]
TODAY = timezone.localdate


def _case1() -> Case:
    return Case.objects.order_by("pk")[0]


def _client(user: User) -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _note(users: Users, username: str = "nav", text: str = "Samtale om arbeidstrening.") -> CaseNote:
    return case_note_record(
        actor=users[username], case_id=_case1().pk, kind=CaseNoteKind.CONVERSATION, held_on=TODAY(), text=text
    )


def test_a_partner_note_is_owned_by_its_organisation_and_audited(demo_shared: Users) -> None:
    note = _note(demo_shared)
    assert note.owner_organisation == Organisation.objects.get(name="Nav Demo")
    assert note.recorded_by == demo_shared["nav"]
    entry = AuditEntry.objects.get(event=AuditEvent.CREATE, target_type="contacts.CaseNote", target_id=str(note.pk))
    assert sorted(entry.changed_fields) == ["held_on", "kind", "text"]


def test_other_organisations_see_a_partner_note_only_through_a_consent(demo_shared: Users) -> None:
    note = _note(demo_shared)
    assert policy.can(demo_shared["nav"], Action.VIEW, note)
    # The demo's consents let the municipality share with NAV and the school, not NAV with anyone.
    for username in ("koordinator", "saksbehandler", "skole", "helse", "politikontakt", "mentor", "nabo"):
        assert not policy.can(demo_shared[username], Action.VIEW, note), username
    assert not Consent.objects.filter(recorded_for_organisation=note.owner_organisation).exists()


@pytest.mark.parametrize("username", ["mentor", "nabo", "barnevern", "personvern"])
def test_seats_that_do_not_act_for_an_organisation_here_may_not_record(demo_shared: Users, username: str) -> None:
    with pytest.raises(NotFound):
        _note(demo_shared, username)
    assert not CaseNote.objects.exists()


def test_no_note_on_a_closed_case(demo_shared: Users) -> None:
    Case.objects.filter(pk=_case1().pk).update(closed_at=timezone.now())
    with pytest.raises(NotFound):
        _note(demo_shared)


def test_a_bad_note_names_every_error_and_saves_nothing(demo_shared: Users) -> None:
    with pytest.raises(ValidationError) as caught:
        case_note_record(
            actor=demo_shared["nav"],
            case_id=_case1().pk,
            kind="nonsense",
            held_on=TODAY() + timedelta(days=1),
            text="x" * 4001,
        )
    assert set(caught.value.message_dict) == {"kind", "held_on", "text"}
    assert not CaseNote.objects.exists()


def test_note_page_saves_and_the_conversations_tab_shows_it_to_its_owner_only(demo_shared: Users) -> None:
    case = _case1()
    url = reverse("contacts:note_new", kwargs={"case_id": case.pk})
    nav = _client(demo_shared["nav"])
    assert nav.get(url).status_code == 200
    refused = nav.post(url, {"kind": "conversation", "held_on": TODAY().isoformat(), "text": ""})
    assert refused.status_code == 422 and not CaseNote.objects.exists()
    saved = nav.post(url, {"kind": "note", "held_on": TODAY().isoformat(), "text": "Ringte om oppmøte."})
    tab = reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "conversations"})
    assert saved.status_code == 302 and saved["Location"] == tab
    assert "Ringte om oppmøte." in nav.get(tab).content.decode()
    other = _client(demo_shared["skole"]).get(tab).content.decode()
    assert "Ringte om oppmøte." not in other and url in other
    for username in ("mentor", "nabo"):
        assert _client(demo_shared[username]).get(url).status_code == 404


def test_R26_the_mentor_seat_neither_records_nor_reads_partner_notes(demo_shared: Users) -> None:
    note = _note(demo_shared, "koordinator", text="Kommunens notat.")
    mentor = demo_shared["mentor"]
    assert not policy.can(mentor, Action.VIEW, note)
    assert not policy.can(mentor, Action.CREATE, _case1())
    with pytest.raises(NotFound):
        _note(demo_shared, "mentor")
