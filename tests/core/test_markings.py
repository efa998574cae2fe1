"""R20: one classification-marking check for every free text, in forms, services and the encrypted field.

A marking is how a level is written on a document; the ordinary word is not a marking and must pass.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.contacts import services as contact_services
from utvei.contacts.models import Conversation
from utvei.core.forms import DesignForm
from utvei.core.markings import classification_markings, has_classification_marking, require_unmarked

MARKED = [
    "BEGRENSET",
    "Dette dokumentet er BEGRENSET.",
    "Gradering: BEGRENSET",
    "gradering: konfidensielt",
    "Sikkerhetsgradering – hemmelig",
    "Gradert som begrenset",
    "KONFIDENSIELT\nMøtereferat fra PST",
    "Referat\nHemmelig\nInnhold",
    "Begrenset: se vedlegg",
    "[konfidensielt] orientering",
    "(BEGRENSET) notat",
    "«Hemmelig» stod øverst",
    "STRENGT HEMMELIG",
    "Strengt hemmelig: planer",
    "Begrenset etter sikkerhetsloven",
    "HEMMELIG jf. sikkerhetsloven",
    "Dette er GRADERT",
    "Classification: RESTRICTED",
    "SECRET",
]
ORDINARY = [
    "begrenset kontakt med familien",
    "Begrenset kontakt med familien siden mai.",
    "Han har begrenset med penger.",
    "Samtalen var konfidensiell og rolig.",
    "Hun holder det hemmelig for moren.",
    "Informasjonen er ugradert.",
    "Det ble holdt en gradert orientering; innholdet er ikke her.",
    "Konfidensielt samtalerom ble brukt.",
    "strengt hemmelig for vennene, sa han",
    "Secretary of the club",
    "secret",
    "Restricted access to the building",
    "",
]


@pytest.mark.parametrize("text", MARKED)
def test_R20_a_classification_marking_is_recognised(text: str) -> None:
    assert has_classification_marking(text)
    assert classification_markings(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_R20_the_ordinary_word_is_not_a_marking(text: str) -> None:
    assert not has_classification_marking(text)
    assert classification_markings(text) == []


def test_R20_require_unmarked_names_every_marked_field_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        require_unmarked(notes="Gradering: BEGRENSET", summary="ok", words="[hemmelig]")
    assert set(exc.value.message_dict) == {"notes", "words"}
    require_unmarked(notes="begrenset kontakt med familien")


class _NoteForm(DesignForm):
    notes = forms.CharField(widget=forms.Textarea)
    password = forms.CharField(widget=forms.PasswordInput)


def test_R20_every_design_form_refuses_a_marked_text_field_and_accepts_the_ordinary_word() -> None:
    marked = _NoteForm({"notes": "KONFIDENSIELT referat", "password": "HEMMELIG"})
    assert not marked.is_valid()
    assert set(marked.errors) == {"notes"}  # a password is not case data
    assert _NoteForm({"notes": "Begrenset kontakt med familien", "password": "x"}).is_valid()


def _conversation(actor: User, notes: str) -> Conversation:
    case = Case.objects.get(person__given_name="Jonas")
    return contact_services.conversation_record(
        actor=actor,
        case_id=case.pk,
        held_on=timezone.localdate() - timedelta(days=1),
        form="meeting",
        participants="Jonas og koordinator",
        method=None,
        notes=notes,
        persons_own_words="",
        told_mandate=True,
        told_confidentiality=True,
        told_reporting_duty=True,
        next_steps="",
        next_contact_on=None,
    )


def test_R20_a_conversation_note_marked_begrenset_is_not_stored(demo: dict[str, User]) -> None:
    before = Conversation.objects.count()
    with pytest.raises(ValidationError) as exc:
        _conversation(demo["koordinator"], "Gradering: BEGRENSET\nOrientering fra PST om Jonas.")
    assert "notes" in exc.value.message_dict
    assert Conversation.objects.count() == before
    stored = _conversation(demo["koordinator"], "Begrenset kontakt med familien siden mai.")
    stored.refresh_from_db()
    assert stored.notes == "Begrenset kontakt med familien siden mai."


def test_R20_a_marked_text_is_not_kept_even_as_a_draft(demo: dict[str, User]) -> None:
    from utvei.core.models import Draft
    from utvei.core.services import draft_save

    with pytest.raises(ValueError, match="classification marking"):
        draft_save(actor=demo["nav"], form_key="k", field="notes", text="Gradering: BEGRENSET")
    assert not Draft.objects.filter(user=demo["nav"]).exists()
    assert draft_save(actor=demo["nav"], form_key="k", field="notes", text="begrenset kontakt").text
