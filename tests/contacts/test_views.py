"""One HTTP test per contacts page: GET for an editor, POST creates, invalid POST is 422 and creates nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.contacts.factories import World, make_world, record_conversation
from tests.helpers import FormClient, loaded_with, login_verified
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.contacts.models import Consultation, ContactPlan, Conversation, ConversationMethod
from utvei.contacts.rules import REMOVED
from utvei.core.services import draft_load, draft_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _client(user: User, language: str = "") -> Client:
    client = login_verified(FormClient(), user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _conversation_post(**overrides: str) -> dict[str, str]:
    data = {
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "form": "meeting",
        "participants": "Saksbehandler og personen",
        "method": "",
        "notes": "Rolig samtale.",
        "persons_own_words": "Vil ha jobb.",
        "next_steps": "Nytt møte.",
        "next_contact_on": "",
        "draft_key": "",
    }
    data.update(overrides)
    return data


# The contact plan page


def test_contact_plan_page_creates_and_edits_the_plan(world: World) -> None:
    client = _client(world.coordinator)
    url = reverse("contacts:plan", kwargs={"case_id": world.case.pk})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset" in html and "<legend" in html
    assert world.nav.display_name() in html  # every team member may be the initiator
    response = client.post(
        url,
        {
            "initiator": str(world.caseworker.pk),
            "method": "meeting",
            "attendees": "Saksbehandler og mor",
            "checklist": ["attendees", "interpreter"],
            "preparation_notes": "",
            "planned_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            **loaded_with(page),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "conversations"})
    plan = ContactPlan.objects.get(case=world.case)
    assert (plan.initiator, plan.checklist, plan.owner_organisation) == (
        world.caseworker,
        ["attendees", "interpreter"],
        world.municipality,
    )
    edit = client.get(url).content.decode()
    assert "Saksbehandler og mor" in edit
    assert AuditEntry.objects.filter(event=AuditEvent.VIEW, target_id=str(plan.pk), case_id=world.case.pk).exists()


def test_invalid_contact_plan_is_422_with_errors_and_creates_nothing(world: World) -> None:
    client = _client(world.caseworker, language="en")
    url = reverse("contacts:plan", kwargs={"case_id": world.case.pk})
    loaded = loaded_with(client.get(url))
    response = client.post(url, {"initiator": "", "method": "meeting", "interpreter_needed": "on", **loaded})
    assert response.status_code == 422
    html = response.content.decode()
    # Every error at once: the missing initiator and the missing interpreter language in one submit.
    assert "ds-error-summary" in html and "This field is required." in html
    assert "Give the language the interpreter is needed for." in html
    # The service refuses it too, and its refusal comes back as a field error.
    response = client.post(
        url, {"initiator": str(world.caseworker.pk), "method": "meeting", "interpreter_needed": "on", **loaded}
    )
    assert response.status_code == 422
    assert "Give the language the interpreter is needed for." in response.content.decode()
    assert not ContactPlan.objects.exists()


# The new-conversation page


def test_conversation_page_autosaves_and_shows_the_method_guidance(world: World) -> None:
    url = reverse("contacts:conversation_new", kwargs={"case_id": world.case.pk})
    page = _client(world.caseworker).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-autosave-key="conversation-new-{world.case.pk}"' in html
    assert f'data-autosave-url="{reverse("drafts")}"' in html
    assert "data-autosave-status" in html
    assert f'name="draft_key" value="conversation-new-{world.case.pk}"' in html
    for method in ConversationMethod.objects.filter(is_active=True):
        assert method.name_nb in html
    assert html.count('<details class="ds-details">') == ConversationMethod.objects.filter(is_active=True).count()
    english = _client(world.caseworker, language="en").get(url).content.decode()
    assert "The national guide&#x27;s conversation tool" in english


def test_r05_first_conversation_leads_to_the_consultation_page_and_discards_drafts(world: World) -> None:
    client = _client(world.caseworker, language="en")
    key = f"conversation-new-{world.case.pk}"
    draft_save(actor=world.caseworker, form_key=key, field="notes", text="utkast")
    method = ConversationMethod.objects.get(code="samtaleverktoy")
    url = reverse("contacts:conversation_new", kwargs={"case_id": world.case.pk})
    response = client.post(url, _conversation_post(method=str(method.pk), draft_key=key))
    conversation = Conversation.objects.get()
    assert conversation.method == method
    consult_url = reverse("contacts:consultation_new", kwargs={"case_id": world.case.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{consult_url}?conversation={conversation.pk}"
    assert draft_load(actor=world.caseworker, form_key=key) == {}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "This was the first conversation." in html
    # Nothing was ticked as told: the R35/utveier warning is shown too.
    assert "Tell the person the mandate, confidentiality and reporting duty" in html
    assert f'<option value="{conversation.pk}" selected>' in html


def test_later_conversations_lead_back_to_the_case(world: World) -> None:
    record_conversation(world)
    url = reverse("contacts:conversation_new", kwargs={"case_id": world.case.pk})
    response = _client(world.caseworker).post(url, _conversation_post(told_mandate="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "conversations"})
    assert Conversation.objects.count() == 2


def test_invalid_conversation_is_422_and_creates_nothing(world: World) -> None:
    url = reverse("contacts:conversation_new", kwargs={"case_id": world.case.pk})
    client = _client(world.caseworker, language="en")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, _conversation_post(held_on=tomorrow, participants=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "ds-error-summary" in html and "This field is required." in html
    response = client.post(url, _conversation_post(held_on=tomorrow))
    assert response.status_code == 422
    assert "The date of the conversation cannot be in the future." in response.content.decode()
    assert not Conversation.objects.exists()


# The conversation page


def test_conversation_page_shows_the_record_and_the_first_conversation_warning(world: World) -> None:
    conversation = record_conversation(
        world, told_mandate=False, told_confidentiality=False, told_reporting_duty=False, notes="Snakket om jobb."
    )
    url = reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk})
    page = _client(world.coordinator, language="en").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Snakket om jobb." in html
    assert "Tell the person the mandate, confidentiality and reporting duty." in html
    assert "R35" not in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("who", ["nav", "police_contact", "outsider"])
def test_other_organisations_get_404_for_the_conversation(world: World, who: str) -> None:
    conversation = record_conversation(world)
    url = reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk})
    user = getattr(world, who)
    assert _client(user).get(url).status_code == 404
    assert AuditEntry.objects.filter(actor=user, event=AuditEvent.ACCESS_DENIED).exists()


def test_the_case_page_lists_the_conversation_for_its_organisation_only(world: World) -> None:
    conversation = record_conversation(world)
    link = reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk})
    case_url = reverse("cases:tab", kwargs={"case_id": world.case.pk, "tab": "conversations"})
    assert link in _client(world.caseworker).get(case_url).content.decode()
    nav_page = _client(world.nav).get(case_url)
    assert nav_page.status_code == 200
    assert link not in nav_page.content.decode()


# The new-consultation page


def test_r05_consultation_page_explains_anonymisation_and_saves_the_built_summary(world: World) -> None:
    conversation = record_conversation(world)
    client = _client(world.caseworker, language="en")
    url = reverse("contacts:consultation_new", kwargs={"case_id": world.case.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "13 a nr. 2" in page.content.decode()
    data = {
        "conversation": str(conversation.pk),
        "held_on": timezone.localdate().isoformat(),
        "consulted": "supervisor",
        "consulted_organisation": "",
        "anonymised": "on",
        "summary": "Ola Nordmann, tlf 912 34 567, er i tvil om miljøet.",
        "decision": "Fortsette samtalene.",
    }
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    assert f"{REMOVED}, tlf {REMOVED}, er i tvil om miljøet." in preview.content.decode()
    assert not Consultation.objects.exists()
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.summary == f"{REMOVED}, tlf {REMOVED}, er i tvil om miljøet."
    case_page = client.get(response["Location"]).content.decode()
    assert "tlf [fjernet], er i tvil om miljøet." in case_page  # the stored summary, on the case section


def test_invalid_consultation_is_422_and_creates_nothing(world: World) -> None:
    url = reverse("contacts:consultation_new", kwargs={"case_id": world.case.pk})
    response = _client(world.caseworker, language="en").post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "consulted": "supervisor",
            "anonymised": "on",
            "summary": "Broren har fnr 02018012345 og bor hjemme.",
            "decision": "Avvente.",
        },
    )
    assert response.status_code == 422
    assert "11-digit number" in response.content.decode()
    assert not Consultation.objects.exists()


# The method catalogue and refusals


def test_method_catalogue_is_shown_to_case_roles_in_their_language(world: World) -> None:
    url = reverse("contacts:methods")
    norwegian = _client(world.nav).get(url)
    assert norwegian.status_code == 200
    html = norwegian.content.decode()
    assert "Samtaleverktøyet i nasjonal veileder" in html and "regjeringen.no" in html
    english = _client(world.mentor, language="en").get(url).content.decode()
    assert "Motivational interviewing (MI)" in english
    assert _client(world.privacy_officer).get(url).status_code == 403


@pytest.mark.parametrize("name", ["contacts:plan", "contacts:conversation_new", "contacts:consultation_new"])
def test_write_pages_are_404_for_team_readers_and_403_for_non_case_roles(world: World, name: str) -> None:
    url = reverse(name, kwargs={"case_id": world.case.pk})
    for reader in (world.nav, world.mentor, world.police_contact, world.outsider):
        assert _client(reader).get(url).status_code == 404
        assert _client(reader).post(url, {}).status_code == 404
    assert _client(world.privacy_officer).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    assert not (ContactPlan.objects.exists() or Conversation.objects.exists() or Consultation.objects.exists())
