"""Corrections with history (GDPR art. 16, G37): the original is kept, encrypted, and shown only to those who
may see the record, with author and time; team seats change or end with a reason; erasure takes the
history with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, loaded_with, login_verified
from utvei.access.policy import NotFound
from utvei.accounts.models import Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import selectors, services
from utvei.cases.models import Case, Person, Revision, Task, TeamMember
from utvei.contacts import services as contact_services
from utvei.contacts.models import Consultation, Conversation
from utvei.notifications.models import Notification, NotificationKind

TODAY = timezone.localdate()
EARLIER_NOTES = "Rolig samtale. Jonas forteller at han vil bort fra miljøet og trenger arbeid og bolig."


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _conversation() -> Conversation:
    return Conversation.objects.get(case=_jonas())


def _client(user: User) -> FormClient:
    client = FormClient()
    login_verified(client, user)
    return client


def _raw(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed table names)
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


# --- conversations and consultations ---------------------------------------------------------------


def test_r31_a_corrected_conversation_keeps_its_earlier_text_encrypted_and_audits_names_only(
    demo: dict[str, User],
) -> None:
    conversation = _conversation()
    contact_services.conversation_correct(
        actor=demo["saksbehandler"], conversation_id=conversation.pk, notes="Rolig samtale. Jonas vil ha jobb."
    )
    conversation.refresh_from_db()
    assert conversation.notes == "Rolig samtale. Jonas vil ha jobb."
    [revision] = Revision.objects.filter(target_type="contacts.Conversation", target_id=conversation.pk)
    assert revision.changed_fields == ["notes"] and revision.changed_by == demo["saksbehandler"]
    assert EARLIER_NOTES in revision.previous
    assert "bolig" not in _raw("cases_revision")  # the earlier value is encrypted at rest
    entry = AuditEntry.objects.filter(event=AuditEvent.UPDATE, target_type="contacts.Conversation").latest("seq")
    assert entry.changed_fields == ["notes"]
    assert "bolig" not in _raw("audit_auditentry")


def test_the_conversation_page_shows_the_correction_with_author_time_and_earlier_text(demo: dict[str, User]) -> None:
    conversation = _conversation()
    contact_services.conversation_correct(
        actor=demo["saksbehandler"], conversation_id=conversation.pk, notes="Rettet notat."
    )
    before = AuditEntry.objects.count()
    body = _client(demo["koordinator"]).get(
        reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk})
    )
    html = body.content.decode()
    assert body.status_code == 200
    assert "Rettet" in html and "revision-history" in html
    assert EARLIER_NOTES in html and "Rettet notat." in html
    assert demo["saksbehandler"].display_name() in html
    shown = AuditEntry.objects.filter(seq__gt=before, event=AuditEvent.VIEW, target_type="contacts.Conversation")
    assert any(e.changed_fields == ["history"] for e in shown)


@pytest.mark.parametrize("username", ["mentor", "nav", "skole", "nabo"])
def test_the_history_is_hidden_from_those_who_may_not_see_the_conversation(
    demo: dict[str, User], username: str
) -> None:
    conversation = _conversation()
    contact_services.conversation_correct(
        actor=demo["saksbehandler"], conversation_id=conversation.pk, notes="Rettet notat."
    )
    client = _client(demo[username])
    for name in ("contacts:conversation_detail", "contacts:conversation_correct"):
        response = client.get(reverse(name, kwargs={"conversation_id": conversation.pk}))
        assert response.status_code == 404
        assert "bolig" not in response.content.decode()


@pytest.mark.parametrize("username", ["mentor", "nav", "politikontakt", "nabo"])
def test_only_an_editor_who_may_change_the_conversation_may_correct_it(demo: dict[str, User], username: str) -> None:
    with pytest.raises(NotFound):
        contact_services.conversation_correct(
            actor=demo[username], conversation_id=_conversation().pk, notes="Forsøk på retting."
        )
    assert not Revision.objects.filter(target_type="contacts.Conversation").exists()


def test_a_bad_correction_gives_every_error_at_once_and_changes_nothing(demo: dict[str, User]) -> None:
    conversation = _conversation()
    with pytest.raises(ValidationError) as exc:
        contact_services.conversation_correct(
            actor=demo["saksbehandler"],
            conversation_id=conversation.pk,
            held_on=TODAY + timedelta(days=3),
            participants="  ",
            notes="Ny tekst",
        )
    assert {"held_on", "participants"} <= set(exc.value.message_dict)
    conversation.refresh_from_db()
    assert conversation.notes == EARLIER_NOTES
    assert not Revision.objects.filter(target_type="contacts.Conversation").exists()


def test_the_correction_page_saves_and_leads_back_to_the_conversation(demo: dict[str, User]) -> None:
    conversation = _conversation()
    client = _client(demo["koordinator"])
    url = reverse("contacts:conversation_correct", kwargs={"conversation_id": conversation.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Rett samtalen" in page.content.decode()
    data = {
        "held_on": conversation.held_on.isoformat(),
        "form": conversation.form,
        "participants": conversation.participants,
        "notes": "Koordinatoren har rettet notatet.",
        "persons_own_words": conversation.persons_own_words,
        "told_mandate": "on",
        "told_confidentiality": "on",
        "told_reporting_duty": "on",
        "next_steps": conversation.next_steps,
        "next_contact_on": conversation.next_contact_on.isoformat() if conversation.next_contact_on else "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk})
    conversation.refresh_from_db()
    assert conversation.notes == "Koordinatoren har rettet notatet."
    kept = Revision.objects.get(target_type="contacts.Conversation", target_id=conversation.pk)
    assert kept.changed_fields == ["notes"]
    again = client.get(url).content.decode()
    assert EARLIER_NOTES in again  # the correction page shows the history too


def test_an_anonymised_consultation_stays_anonymised_when_corrected(demo: dict[str, User]) -> None:
    case = _jonas()
    consultation = contact_services.consultation_record(
        actor=demo["saksbehandler"],
        case_id=case.pk,
        conversation_id=None,
        held_on=TODAY,
        consulted="supervisor",
        consulted_organisation="",
        anonymised=True,
        summary="Drøftet oppfølgingen uten navn.",
        decision="Fortsette.",
    )
    contact_services.consultation_correct(
        actor=demo["saksbehandler"],
        consultation_id=consultation.pk,
        summary="Drøftet at Jonas trenger bolig.",
        decision="Jonas får tilbud om mentor.",
    )
    consultation.refresh_from_db()
    assert "Jonas" not in consultation.summary and "Jonas" not in consultation.decision
    assert "[fjernet]" in consultation.summary
    [revision] = Revision.objects.filter(target_type="contacts.Consultation")
    assert revision.changed_fields == ["decision", "summary"]


def test_the_consultation_correction_page_is_linked_from_the_conversations_tab(demo: dict[str, User]) -> None:
    consultation = Consultation.objects.get(case=_jonas())
    client = _client(demo["saksbehandler"])
    tab = client.get(reverse("cases:tab", kwargs={"case_id": _jonas().pk, "tab": "conversations"})).content.decode()
    url = reverse("contacts:consultation_correct", kwargs={"consultation_id": consultation.pk})
    assert url in tab
    response = client.post(url, {"held_on": "", "consulted": "nobody", "summary": "", "decision": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_summary_error"' in html and 'id="id_decision_error"' in html and 'id="id_held_on_error"' in html
    assert Consultation.objects.get(pk=consultation.pk).summary == "Drøftet videre oppfølging med veileder."


# --- tasks and contact details ---------------------------------------------------------------------


def test_a_task_is_corrected_with_its_earlier_text_kept(demo: dict[str, User]) -> None:
    task = Task.objects.filter(case=_jonas(), done_at__isnull=True).first()
    assert task is not None
    client = _client(demo["koordinator"])
    url = reverse("cases:task_correct", kwargs={"task_id": task.pk})
    assert url in client.get(reverse("cases:detail", kwargs={"case_id": task.case_id})).content.decode()
    response = client.post(url, {"title": "Avtale møte med Jonas og Nav", "due_on": TODAY.isoformat()})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Avtale møte med Jonas og Nav" and task.due_on == TODAY
    html = client.get(url).content.decode()
    assert "Avtale neste møte med personen" in html and "Rettet" in html


def test_a_task_cannot_be_corrected_by_a_team_reader(demo: dict[str, User]) -> None:
    task = Task.objects.filter(case=_jonas(), done_at__isnull=True).first()
    assert task is not None
    with pytest.raises(NotFound):
        services.task_correct(actor=demo["nav"], task_id=task.pk, title="Nav retter", due_on=TODAY)


def test_contact_details_are_corrected_and_the_earlier_phone_is_shown_to_editors_only(demo: dict[str, User]) -> None:
    case = _jonas()
    old_phone = Person.objects.get(pk=case.person_id).phone
    client = _client(demo["saksbehandler"])
    url = reverse("cases:person_contact", kwargs={"case_id": case.pk})
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"phone": "+47 400 00 001", "email": "ny@example.invalid", "language": "norsk"})
    assert response.status_code == 302
    person = Person.objects.get(pk=case.person_id)
    assert person.phone == "+47 400 00 001" and person.email == "ny@example.invalid"
    html = client.get(url).content.decode()
    assert "Rettet" in html and (old_phone in html if old_phone else True)
    for username in ("nav", "mentor", "nabo"):
        assert _client(demo[username]).get(url).status_code == 404


# --- team seats ------------------------------------------------------------------------------------


def _seat_of(case: Case, user: User) -> TeamMember:
    return TeamMember.objects.get(case=case, user=user, left_at__isnull=True)


def test_the_r02_link_leads_to_the_team_where_the_warning_can_be_cleared(demo: dict[str, User]) -> None:
    case = _jonas()
    client = _client(demo["koordinator"])
    detail = reverse("cases:detail", kwargs={"case_id": case.pk})
    html = client.get(detail).content.decode()
    assert 'data-rule="R02"' in html and 'href="#team-heading"' in html and 'id="team-heading"' in html
    for seat in TeamMember.objects.filter(case=case, left_at__isnull=True, task=""):
        url = reverse("cases:team_task", kwargs={"seat_id": seat.pk})
        assert url in html  # each member without a task has its seat page linked from the team
        page = client.get(url)
        response = client.post(url, {"task": "Følger opp arbeid", "role": seat.role, **loaded_with(page)})
        assert response.status_code == 302
    assert 'data-rule="R02"' not in client.get(detail).content.decode()


def test_a_seat_changes_task_and_role_with_the_earlier_values_kept(demo: dict[str, User]) -> None:
    case = _jonas()
    seat = _seat_of(case, demo["koordinator"])
    changed = services.team_member_change(
        actor=demo["saksbehandler"],
        seat_id=seat.pk,
        task="Koordinerer planen",
        role=seat.role,
        expected_version=seat.version,
    )
    assert changed.task == "Koordinerer planen"
    page = selectors.team_seat_page(actor=demo["saksbehandler"], seat_id=seat.pk)
    assert page.history and page.history[0].earlier[0].label == "Avtalt oppgave"
    with pytest.raises(ValidationError) as exc:
        services.team_member_change(
            actor=demo["saksbehandler"], seat_id=seat.pk, task="", role=Role.MENTOR, expected_version=changed.version
        )
    assert "role" in exc.value.message_dict


def test_an_ended_seat_loses_access_on_the_next_request_and_its_holder_is_told(demo: dict[str, User]) -> None:
    case = _jonas()
    seat = _seat_of(case, demo["nav"])
    nav = Client()
    login_verified(nav, demo["nav"])
    detail = reverse("cases:detail", kwargs={"case_id": case.pk})
    assert nav.get(detail).status_code == 200
    coordinator = _client(demo["koordinator"])
    url = reverse("cases:team_end", kwargs={"seat_id": seat.pk})
    page = coordinator.get(url)
    assert page.status_code == 200 and "Hvorfor avsluttes plassen?" in page.content.decode()
    refused = coordinator.post(url, {"reason": ""})
    assert refused.status_code == 422 and TeamMember.objects.get(pk=seat.pk).left_at is None
    response = coordinator.post(url, {"reason": "Tiltaket hos Nav er avsluttet."})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.left_at is not None and seat.ended_by == demo["koordinator"]
    assert seat.end_reason == "Tiltaket hos Nav er avsluttet."
    assert "Tiltaket hos Nav" not in _raw("cases_teammember")
    assert nav.get(detail).status_code == 404  # the same session, the next request
    assert Notification.objects.filter(recipient=demo["nav"], kind=NotificationKind.SEAT_ENDED).exists()
    entry = AuditEntry.objects.filter(event=AuditEvent.DELETE, target_type="cases.TeamMember").latest("seq")
    assert sorted(entry.changed_fields) == ["end_reason", "left_at"]


def test_a_coordinator_cannot_end_their_own_seat_and_readers_cannot_end_any(demo: dict[str, User]) -> None:
    case = _jonas()
    own = _seat_of(case, demo["koordinator"])
    with pytest.raises(ValidationError):
        services.team_member_end(actor=demo["koordinator"], seat_id=own.pk, reason="Slutter.")
    with pytest.raises(NotFound):
        services.team_member_end(actor=demo["nav"], seat_id=own.pk, reason="Slutter.")
    assert TeamMember.objects.get(pk=own.pk).left_at is None


# --- plans and network use the same history --------------------------------------------------------


def test_a_changed_goal_keeps_its_earlier_words_and_its_page_shows_them(demo: dict[str, User]) -> None:
    from utvei.plans import services as plan_services
    from utvei.plans.models import Goal

    goal = Goal.objects.filter(case=_jonas()).order_by("pk").first()
    assert goal is not None
    earlier = goal.text
    plan_services.goal_update(
        actor=demo["koordinator"],
        goal_id=goal.pk,
        text="Jeg vil ha fast jobb innen sommeren.",
        domain=goal.domain,
        status=goal.status,
        expected_version=goal.version,
    )
    html = _client(demo["koordinator"]).get(reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})).content.decode()
    assert earlier in html and "Rettet" in html


# --- reports of concern are completed later, with their history ------------------------------------------


def test_a_report_is_completed_later_from_the_case_page_and_shows_what_it_said_before(demo: dict[str, User]) -> None:
    from utvei.sharing import services as sharing_services

    case = _jonas()
    report = services.escalation_record(
        actor=demo["koordinator"], case_id=case.pk, level="serious", recipient="police_contact"
    )
    client = _client(demo["koordinator"])
    overview = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    url = reverse("sharing:report_complete", kwargs={"case_id": case.pk, "escalation_id": report.pk})
    assert url in overview and "Fullfør meldingen" in overview
    sharing_services.report_complete(actor=demo["koordinator"], escalation_id=report.pk, reference="POL-0001")
    sharing_services.report_complete(actor=demo["koordinator"], escalation_id=report.pk, reference="POL-0002")
    html = client.get(url).content.decode()
    assert "report-history" in html and "POL-0001" in html  # the earlier reference is shown
    # A team member of another organisation sees no way to complete the report.
    other = _client(demo["nav"]).get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert url not in other


# --- erasure -------------------------------------------------------------------------------------------


def test_anonymising_the_person_erases_every_kept_earlier_value(demo: dict[str, User]) -> None:
    case = _jonas()
    contact_services.conversation_correct(
        actor=demo["saksbehandler"], conversation_id=_conversation().pk, notes="Rettet notat."
    )
    services.person_correct_contact(
        actor=demo["saksbehandler"],
        case_id=case.pk,
        phone="+47 400 00 002",
        email="",
        address=None,
        language="",
        interpreter_needed=False,
    )
    seat = _seat_of(case, demo["nav"])
    services.team_member_end(actor=demo["koordinator"], seat_id=seat.pk, reason="Ferdig med tiltaket.")
    kinds = set(Revision.objects.filter(person_id=case.person_id).values_list("target_type", flat=True))
    assert {"contacts.Conversation", "cases.Person"} <= kinds
    services.person_anonymise(run_by="test", person_id=case.person_id)
    assert not Revision.objects.filter(person_id=case.person_id).exists()
    assert TeamMember.objects.get(pk=seat.pk).end_reason == ""
    assert AuditEntry.objects.filter(
        event=AuditEvent.DELETE, target_type="cases.Revision", person_id=case.person_id
    ).exists()


# --- query counts --------------------------------------------------------------------------------------

# The correction pages and a corrected conversation, with the most queries each may make: one query
# reads the whole history, however many corrections there are.
# One more on each page since the portal: the person's approved blocks (sperring) are read once a request.
PAGE_LIMITS = {"seat": 20, "end": 20, "task": 17, "contact": 16, "conversation": 19, "detail": 23}


def _correction_pages(demo: dict[str, User]) -> dict[str, str]:
    case = _jonas()
    seat = _seat_of(case, demo["nav"])
    task = Task.objects.filter(case=case, done_at__isnull=True).order_by("pk").first()
    assert task is not None
    conversation = _conversation()
    return {
        "seat": reverse("cases:team_task", kwargs={"seat_id": seat.pk}),
        "end": reverse("cases:team_end", kwargs={"seat_id": seat.pk}),
        "task": reverse("cases:task_correct", kwargs={"task_id": task.pk}),
        "contact": reverse("cases:person_contact", kwargs={"case_id": case.pk}),
        "conversation": reverse("contacts:conversation_correct", kwargs={"conversation_id": conversation.pk}),
        "detail": reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk}),
    }


def test_correction_pages_make_a_fixed_number_of_queries_however_long_the_history(
    demo: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    client = _client(demo["koordinator"])
    pages = _correction_pages(demo)
    conversation = _conversation()
    seat = _seat_of(_jonas(), demo["nav"])
    for round_ in range(3):
        contact_services.conversation_correct(
            actor=demo["saksbehandler"], conversation_id=conversation.pk, notes=f"Rettet notat {round_}."
        )
        seat = services.team_member_change(
            actor=demo["koordinator"],
            seat_id=seat.pk,
            task=f"Oppgave {round_}",
            role=seat.role,
            expected_version=seat.version,
        )
        for name, url in pages.items():
            client.get(url)  # warm: the first request of a session may touch the session table differently
            with django_assert_max_num_queries(PAGE_LIMITS[name]):
                assert client.get(url).status_code == 200, name


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
