"""The anonymised consultation removes the person's identifying data from every free text (R05).

Tested with the demo person's own name (Jonas Berg, synthetic): it must not survive in the decision
(«Beslutning»), the summary or the organisation consulted, and the preview shows each text as stored.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.contacts import services
from utvei.contacts.models import Consultation, ConsultedParty
from utvei.contacts.rules import REMOVED


def _case() -> Case:
    return Case.objects.select_related("person").order_by("pk").first()  # type: ignore[return-value]


def test_every_text_of_an_anonymised_consultation_loses_the_name(demo_shared: dict[str, User]) -> None:
    case = _case()
    person = case.person
    name = f"{person.given_name} {person.family_name}"
    assert name == "Jonas Berg"
    consultation = services.consultation_record(
        actor=demo_shared["koordinator"],
        case_id=case.pk,
        conversation_id=None,
        held_on=timezone.localdate(),
        consulted=ConsultedParty.SUPERVISOR,
        consulted_organisation=f"Veilederen til {person.given_name}",
        anonymised=True,
        summary=f"Drøftet {name} og hvordan {person.given_name} har det.",
        decision=f"{person.given_name} {person.family_name} får tilbud om mentor. Berg ringes fredag.",
    )
    stored = Consultation.objects.get(pk=consultation.pk)
    for text in (stored.summary, stored.decision, stored.consulted_organisation):
        assert person.given_name not in text and person.family_name not in text, text
    assert stored.decision == f"{REMOVED} får tilbud om mentor. {REMOVED} ringes fredag."


def test_an_identity_number_left_in_the_decision_is_refused(demo_shared: dict[str, User]) -> None:
    case = _case()
    before = Consultation.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as raised:
        services.consultation_record(
            actor=demo_shared["koordinator"],
            case_id=case.pk,
            conversation_id=None,
            held_on=timezone.localdate(),
            consulted=ConsultedParty.SUPERVISOR,
            consulted_organisation="",
            anonymised=True,
            summary="Drøftet veien videre.",
            decision="Sjekk 01019912345 hos Nav.",
        )
    assert "decision" in raised.value.message_dict
    assert Consultation.objects.filter(case=case).count() == before


def test_a_consultation_that_is_not_anonymised_keeps_its_words(demo_shared: dict[str, User]) -> None:
    case = _case()
    consultation = services.consultation_record(
        actor=demo_shared["koordinator"],
        case_id=case.pk,
        conversation_id=None,
        held_on=timezone.localdate(),
        consulted=ConsultedParty.SUPERVISOR,
        consulted_organisation="",
        anonymised=False,
        summary="Drøftet Jonas.",
        decision="Jonas får mentor.",
    )
    assert Consultation.objects.get(pk=consultation.pk).decision == "Jonas får mentor."


def test_the_preview_shows_every_text_as_it_will_be_stored(demo_shared: dict[str, User]) -> None:
    case = _case()
    client = login_verified(FormClient(), demo_shared["koordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    before = Consultation.objects.filter(case=case).count()
    response = client.post(
        reverse("contacts:consultation_new", kwargs={"case_id": case.pk}),
        {
            "held_on": timezone.localdate().isoformat(),
            "consulted": ConsultedParty.SUPERVISOR,
            "anonymised": "on",
            "summary": "Drøftet Jonas Berg.",
            "decision": "Jonas Berg får mentor.",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    preview = html.split("Drøftingen slik den blir lagret", 1)[1].split("<form", 1)[0]
    assert "Jonas" not in preview and "Berg" not in preview
    assert preview.count(REMOVED) == 2
    assert Consultation.objects.filter(case=case).count() == before
