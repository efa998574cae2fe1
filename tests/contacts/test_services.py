"""Contact plans, conversations and consultations through the services: rules, ownership, audit, drafts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.contacts.factories import World, make_case, make_person, make_world, record_conversation
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import services as case_services
from utvei.cases.models import ClosureReason
from utvei.contacts import selectors, services
from utvei.contacts.models import Consultation, ConsultedParty, ContactPlan, Conversation, ConversationMethod
from utvei.contacts.rules import REMOVED
from utvei.core.fnr import synthetic_fodselsnummer
from utvei.core.models import Draft
from utvei.core.services import draft_load, draft_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _audit_rows_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _assert_no_values(rows: list[AuditEntry], *values: str) -> None:
    # Audit rows carry ids and field names only: no stored text may appear in any column.
    for row in rows:
        dump = " ".join(str(getattr(row, f.attname)) for f in row._meta.fields)
        for value in values:
            assert value not in dump, f"{value!r} leaked into audit row {row.seq}"


def _save_plan(world: World, actor: User | None = None, **overrides: object) -> ContactPlan:
    fields: dict[str, object] = {
        "initiator": world.caseworker,
        "method": "meeting",
        "attendees": "Saksbehandler og mor",
        "interpreter_needed": False,
        "interpreter_language": "",
        "checklist": ["attendees", "family_network"],
        "preparation_notes": "Bor med mor; far har kontakt med miljøet.",
        "planned_on": timezone.localdate() + timedelta(days=7),
    }
    fields.update(overrides)
    # The version the form would have been loaded with: the plan's current one, 0 before the first.
    current = ContactPlan.objects.filter(case=world.case).values_list("version", flat=True).first()
    fields.setdefault("expected_version", current or 0)
    return services.contact_plan_save(actor=actor or world.caseworker, case_id=world.case.pk, **fields)  # type: ignore[arg-type]


# Contact plan (R35)


def test_r35_contact_plan_is_owned_by_the_actors_organisation_and_audited_by_field_name(world: World) -> None:
    seq = _last_seq()
    plan = _save_plan(world, actor=world.coordinator)
    assert plan.owner_organisation == world.municipality
    assert plan.checklist == ["attendees", "family_network"]
    [row] = _audit_rows_since(seq)
    assert (row.event, row.target_type, row.target_id) == (AuditEvent.CREATE, "contacts.ContactPlan", str(plan.pk))
    assert (row.case_id, row.person_id, row.actor) == (world.case.pk, world.person.pk, world.coordinator)
    assert set(row.changed_fields) == set(services.PLAN_FIELDS)
    _assert_no_values([row], "Saksbehandler og mor", "far har kontakt")


def test_r35_saving_again_updates_the_single_plan_and_names_only_changed_fields(world: World) -> None:
    first = _save_plan(world)
    seq = _last_seq()
    second = _save_plan(
        world, initiator=world.coordinator, checklist=["family_network", "attendees", "attendees", "interpreter"]
    )
    assert second.pk == first.pk
    assert ContactPlan.objects.filter(case=world.case).count() == 1
    second.refresh_from_db()
    assert second.initiator == world.coordinator
    assert second.checklist == ["attendees", "interpreter", "family_network"]  # the list's order, once each
    [row] = _audit_rows_since(seq)
    assert row.event == AuditEvent.UPDATE
    assert row.changed_fields == ["checklist", "initiator"]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"method": "carrier_pigeon"}, "method"),
        ({"checklist": ["attendees", "horoscope"]}, "checklist"),
        ({"interpreter_needed": True, "interpreter_language": "  "}, "interpreter_language"),
    ],
)
def test_r35_invalid_contact_plan_is_refused_and_changes_nothing(
    world: World, overrides: dict[str, object], field: str
) -> None:
    seq = _last_seq()
    with pytest.raises(ValidationError) as exc:
        _save_plan(world, **overrides)
    assert field in exc.value.message_dict
    assert not ContactPlan.objects.exists()
    assert _last_seq() == seq


def test_r35_the_initiator_must_be_on_the_team(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _save_plan(world, initiator=world.outsider)
    assert "initiator" in exc.value.message_dict
    assert not ContactPlan.objects.exists()


def test_interpreter_language_is_cleared_when_no_interpreter_is_needed(world: World) -> None:
    plan = _save_plan(world, interpreter_needed=False, interpreter_language="arabisk")
    assert plan.interpreter_language == ""


@pytest.mark.parametrize("who", ["nav", "mentor", "police_contact", "outsider", "privacy_officer"])
def test_only_editors_on_the_team_may_save_a_contact_plan(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        _save_plan(world, actor=getattr(world, who))
    assert not ContactPlan.objects.exists()


def test_contact_plan_form_data_requires_update_and_audits_the_read(world: World) -> None:
    seq = _last_seq()
    case, plan, team = selectors.contact_plan_form_data(actor=world.caseworker, case_id=world.case.pk)
    assert (case, plan) == (world.case, None)
    assert {seat.user for seat in team} >= {world.caseworker, world.nav, world.mentor}
    [row] = _audit_rows_since(seq)
    assert (row.event, row.target_type, row.case_id) == (AuditEvent.VIEW, "cases.Case", world.case.pk)
    saved = _save_plan(world)
    seq = _last_seq()
    assert selectors.contact_plan_form_data(actor=world.coordinator, case_id=world.case.pk).plan == saved
    [row] = _audit_rows_since(seq)
    assert (row.event, row.target_type, row.target_id) == (AuditEvent.VIEW, "contacts.ContactPlan", str(saved.pk))
    for reader in (world.nav, world.mentor, world.outsider):
        with pytest.raises(NotFound):
            selectors.contact_plan_form_data(actor=reader, case_id=world.case.pk)


# Conversations


def test_conversation_is_owned_by_the_recording_organisation_and_audited_by_field_name(world: World) -> None:
    seq = _last_seq()
    conversation = record_conversation(world, notes="Snakket om jobb.", persons_own_words="Jeg vil videre.")
    assert conversation.owner_organisation == world.municipality
    assert conversation.recorded_by == world.caseworker
    assert conversation.is_first_of_case
    [row] = _audit_rows_since(seq)
    assert (row.event, row.target_type, row.target_id) == (
        AuditEvent.CREATE,
        "contacts.Conversation",
        str(conversation.pk),
    )
    assert (row.case_id, row.person_id) == (world.case.pk, world.person.pk)
    assert set(row.changed_fields) == set(services.CONVERSATION_FIELDS)
    _assert_no_values([row], "Snakket om jobb", "Jeg vil videre", "Saksbehandler og personen")


def test_only_the_first_conversation_by_date_is_first(world: World) -> None:
    today = timezone.localdate()
    first = record_conversation(world, held_on=today - timedelta(days=5))
    later = record_conversation(world, held_on=today - timedelta(days=1))
    same_day = record_conversation(world, held_on=today - timedelta(days=5))
    assert first.is_first_of_case and not later.is_first_of_case and not same_day.is_first_of_case
    assert selectors.conversation_get(actor=world.caseworker, conversation_id=first.pk).is_first_of_case
    assert not selectors.conversation_get(actor=world.caseworker, conversation_id=same_day.pk).is_first_of_case


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        (
            {
                "held_on": timezone.localdate() - timedelta(days=3),
                "next_contact_on": timezone.localdate() - timedelta(days=4),
            },
            "next_contact_on",
        ),
        ({"participants": "   "}, "participants"),
        ({"form": "telepathy"}, "form"),
    ],
)
def test_invalid_conversation_is_refused_and_changes_nothing(
    world: World, overrides: dict[str, object], field: str
) -> None:
    draft_save(actor=world.caseworker, form_key="conversation-new-1", field="notes", text="halvferdig notat")
    seq = _last_seq()
    with pytest.raises(ValidationError) as exc:
        record_conversation(world, draft_key="conversation-new-1", **overrides)
    assert field in exc.value.message_dict
    assert not Conversation.objects.exists()
    assert _last_seq() == seq
    assert draft_load(actor=world.caseworker, form_key="conversation-new-1") == {"notes": "halvferdig notat"}


def test_next_contact_on_the_same_day_is_allowed(world: World) -> None:
    day = timezone.localdate()
    assert record_conversation(world, held_on=day, next_contact_on=day).next_contact_on == day


def test_a_retired_method_cannot_be_chosen(world: World) -> None:
    method = ConversationMethod.objects.get(code="motiverende-samtale")
    method.is_active = False
    method.save()
    with pytest.raises(ValidationError) as exc:
        record_conversation(world, method=method)
    assert "method" in exc.value.message_dict


def test_saving_a_conversation_discards_the_actors_drafts_of_that_form_only(world: World) -> None:
    key = f"conversation-new-{world.case.pk}"
    draft_save(actor=world.caseworker, form_key=key, field="notes", text="utkast")
    draft_save(actor=world.caseworker, form_key=key, field="next_steps", text="utkast 2")
    draft_save(actor=world.caseworker, form_key="other-form", field="notes", text="annet")
    draft_save(actor=world.coordinator, form_key=key, field="notes", text="kollegas utkast")
    record_conversation(world, draft_key=key)
    assert draft_load(actor=world.caseworker, form_key=key) == {}
    assert draft_load(actor=world.caseworker, form_key="other-form") == {"notes": "annet"}
    assert draft_load(actor=world.coordinator, form_key=key) == {"notes": "kollegas utkast"}


@pytest.mark.parametrize("who", ["nav", "mentor", "police_contact", "outsider", "privacy_officer"])
def test_non_editors_cannot_record_a_conversation(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        record_conversation(world, actor=getattr(world, who))
    assert not Conversation.objects.exists()


def test_editors_cannot_record_on_a_closed_case(world: World) -> None:
    case_services.case_close(
        actor=world.caseworker,
        case_id=world.case.pk,
        reason=ClosureReason.OTHER,
        outcome="Flyttet.",
        handovers=[case_services.HandoverInput("NAV", "Kontaktopplysninger, samtykke")],
    )
    with pytest.raises(NotFound):
        record_conversation(world)


def test_another_organisation_on_the_team_cannot_see_the_conversation(world: World) -> None:
    conversation = record_conversation(world)
    for reader in (world.nav, world.police_contact, world.outsider):
        with pytest.raises(NotFound):
            selectors.conversation_get(actor=reader, conversation_id=conversation.pk)
    nav_view = selectors.contacts_for_case(actor=world.nav, case=world.case)
    assert nav_view.conversations == []
    # Counts follow the policy too: a warning must not tell NAV that the municipality has talked to the person.
    assert nav_view.conversation_count == 0
    assert selectors.contact_facts(actor=world.nav, case=world.case)["conversations"] == 0
    assert selectors.contact_facts(actor=world.caseworker, case=world.case)["conversations"] == 1
    # Members of the recording organisation see it; a mentor of the same organisation does not (R26).
    for reader in (world.caseworker, world.coordinator):
        assert selectors.conversation_get(actor=reader, conversation_id=conversation.pk) == conversation
        assert selectors.contacts_for_case(actor=reader, case=world.case).conversations == [conversation]
    with pytest.raises(NotFound):
        selectors.conversation_get(actor=world.mentor, conversation_id=conversation.pk)


def test_reading_a_conversation_is_audited_with_ids_and_a_missing_one_is_not_found(world: World) -> None:
    conversation = record_conversation(world)
    seq = _last_seq()
    selectors.conversation_get(actor=world.coordinator, conversation_id=conversation.pk)
    [row] = _audit_rows_since(seq)
    assert (row.event, row.actor, row.target_id) == (AuditEvent.VIEW, world.coordinator, str(conversation.pk))
    assert (row.case_id, row.person_id, row.changed_fields) == (world.case.pk, world.person.pk, [])
    with pytest.raises(NotFound):
        selectors.conversation_get(actor=world.caseworker, conversation_id=conversation.pk + 1000)


def test_conversation_text_is_encrypted_at_rest(world: World) -> None:
    canary = "KANARI-7f3a9c"
    conversation = record_conversation(
        world,
        participants=f"{canary} deltakere",
        notes=f"{canary} notat",
        persons_own_words=f"{canary} egne ord",
        next_steps=f"{canary} neste steg",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM contacts_conversation")
        rows = cursor.fetchall()
    assert rows
    for row in rows:
        for column in row:
            assert canary not in str(column)
    assert sum(str(column).startswith("v2:d.") for column in rows[0]) >= 4  # sealed under the person's key
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.notes == f"{canary} notat"
    assert stored.persons_own_words == f"{canary} egne ord"
    assert stored.next_steps == f"{canary} neste steg"


def test_contact_plan_and_consultation_text_is_encrypted_at_rest(world: World) -> None:
    canary = "KANARI-41b2"
    _save_plan(world, attendees=f"{canary} a", preparation_notes=f"{canary} b")
    services.consultation_record(
        actor=world.caseworker,
        case_id=world.case.pk,
        conversation_id=None,
        held_on=timezone.localdate(),
        consulted=ConsultedParty.SUPERVISOR,
        consulted_organisation="",
        anonymised=False,
        summary=f"{canary} c",
        decision=f"{canary} d",
    )
    with connection.cursor() as cursor:
        for table in ("contacts_contactplan", "contacts_consultation"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed table names)
            assert all(canary not in str(column) for row in cursor.fetchall() for column in row)


# Consultations (R05)


def _consult(world: World, **overrides: object) -> Consultation:
    fields: dict[str, object] = {
        "conversation_id": None,
        "held_on": timezone.localdate(),
        "consulted": ConsultedParty.SUPERVISOR,
        "consulted_organisation": "RVTS Øst",
        "anonymised": True,
        "summary": "Drøftet en ung person med tvil om miljøet.",
        "decision": "Fortsette samtalene.",
    }
    fields.update(overrides)
    return services.consultation_record(actor=world.caseworker, case_id=world.case.pk, **fields)  # type: ignore[arg-type]


def test_r05_anonymised_consultation_after_the_first_conversation(world: World) -> None:
    conversation = record_conversation(world)
    before = selectors.contact_facts(actor=world.caseworker, case=world.case)
    assert before["conversations"] == 1 and not before["consulted_after_first"]
    person = world.person
    summary = (
        f"{person.given_name} {person.family_name} ({person.national_id}), født "
        f"{person.birth_date:%d.%m.%Y}, tlf {person.phone}, {person.email}, bor i Storgata 12 B. "
        "Ola sier han vil ut av miljøet."
    )
    seq = _last_seq()
    consultation = _consult(world, conversation_id=conversation.pk, summary=summary)
    consultation.refresh_from_db()
    stored = consultation.summary
    for identifying in ("Ola", "Nordmann", person.national_id, "1995", "912", "example.invalid", "Storgata"):
        assert identifying not in stored
    assert stored.count(REMOVED) >= 7
    assert "sier han vil ut av miljøet" in stored
    assert consultation.conversation == conversation
    assert consultation.owner_organisation == world.municipality
    after = selectors.contacts_for_case(actor=world.caseworker, case=world.case)
    assert selectors.contact_facts(actor=world.caseworker, case=world.case)["consulted_after_first"]
    assert after.consultations == [consultation]
    [row] = _audit_rows_since(seq)
    assert (row.event, row.target_type, row.case_id) == (AuditEvent.CREATE, "contacts.Consultation", world.case.pk)
    assert set(row.changed_fields) == set(services.CONSULTATION_FIELDS)
    _assert_no_values([row], "miljøet", "Fortsette")


def test_r05_guardians_are_anonymised_too(world: World) -> None:
    minor_born = timezone.localdate().replace(year=timezone.localdate().year - 15, day=1)
    minor = make_person(
        world.caseworker,
        world.municipality,
        given_name="Emma",
        family_name="Lie",
        birth_date=minor_born,
        national_id=synthetic_fodselsnummer(minor_born),
        guardians=[case_services.GuardianInput("Kari Strand", "mor")],
    )
    case = make_case(world.caseworker, minor, world.municipality)
    consultation = services.consultation_record(
        actor=world.caseworker,
        case_id=case.pk,
        conversation_id=None,
        held_on=timezone.localdate(),
        consulted=ConsultedParty.PARTNER_AGENCY,
        consulted_organisation="",
        anonymised=True,
        summary="Emma og moren Kari Strand møtte.",
        decision="Videre samtaler.",
    )
    assert consultation.summary == f"{REMOVED} og moren {REMOVED} møtte."


def test_r05_an_identity_number_left_in_an_anonymised_summary_is_refused(world: World) -> None:
    brothers_number = synthetic_fodselsnummer(world.person.birth_date.replace(year=1990))
    seq = _last_seq()
    with pytest.raises(ValidationError) as exc:
        _consult(world, summary=f"Broren har fnr {brothers_number}.")
    assert "summary" in exc.value.message_dict
    assert not Consultation.objects.exists()
    assert _last_seq() == seq


def test_r05_a_consultation_with_consent_keeps_the_text(world: World) -> None:
    text = "Ola Nordmann samtykket til drøfting med NAV."
    assert _consult(world, anonymised=False, summary=text).summary == text


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"consulted": "astrologer"}, "consulted"),
        ({"summary": " "}, "summary"),
        ({"decision": ""}, "decision"),
        ({"conversation_id": 999_999}, "conversation"),
    ],
)
def test_r05_invalid_consultation_is_refused_and_changes_nothing(
    world: World, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _consult(world, **overrides)
    assert field in exc.value.message_dict
    assert not Consultation.objects.exists()


def test_r05_a_consultation_cannot_precede_its_conversation_or_link_another_cases(world: World) -> None:
    conversation = record_conversation(world, held_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        _consult(world, conversation_id=conversation.pk, held_on=timezone.localdate() - timedelta(days=2))
    assert "held_on" in exc.value.message_dict
    other_person = make_person(
        world.caseworker, world.municipality, given_name="Per", national_id="", phone="", email=""
    )
    other_case = make_case(world.caseworker, other_person, world.municipality)
    foreign = services.conversation_record(
        actor=world.caseworker,
        case_id=other_case.pk,
        held_on=timezone.localdate(),
        form="phone",
        participants="x",
        method=None,
        notes="",
        persons_own_words="",
        told_mandate=False,
        told_confidentiality=False,
        told_reporting_duty=False,
        next_steps="",
        next_contact_on=None,
    )
    with pytest.raises(ValidationError) as exc:
        _consult(world, conversation_id=foreign.pk)
    assert "conversation" in exc.value.message_dict


def test_non_editors_cannot_record_a_consultation(world: World) -> None:
    for who in (world.nav, world.mentor, world.outsider):
        with pytest.raises(NotFound):
            services.consultation_record(
                actor=who,
                case_id=world.case.pk,
                conversation_id=None,
                held_on=timezone.localdate(),
                consulted=ConsultedParty.SUPERVISOR,
                consulted_organisation="",
                anonymised=True,
                summary="x",
                decision="y",
            )
    assert not Consultation.objects.exists()


# The method catalogue


def test_the_seeded_catalogue_has_the_three_methods_with_guidance_in_both_languages() -> None:
    methods = {m.code: m for m in selectors.method_list()}
    assert {"samtaleverktoy", "endring-gjennom-samtale", "motiverende-samtale"} <= set(methods)
    assert "regjeringen.no" in methods["samtaleverktoy"].source
    assert "utveier.no" in methods["endring-gjennom-samtale"].source
    for method in methods.values():
        for text in (method.guidance_nb, method.guidance_en):
            sentences = [s for s in text.replace("?", ".").split(". ") if s.strip()]
            assert 4 <= len(sentences) <= 8, (method.code, len(sentences))
        assert method.name_in("en") == method.name_en and method.name_in("nb") == method.name_nb
        assert method.guidance_in("en-gb") == method.guidance_en


def test_retired_methods_leave_the_catalogue() -> None:
    ConversationMethod.objects.filter(code="motiverende-samtale").update(is_active=False)
    assert "motiverende-samtale" not in {m.code for m in selectors.method_list()}


def test_opening_the_conversation_form_keeps_the_drafts(world: World) -> None:
    draft_save(actor=world.caseworker, form_key=f"conversation-new-{world.case.pk}", field="notes", text="x")
    selectors.conversation_form_data(actor=world.caseworker, case_id=world.case.pk)
    assert Draft.objects.count() == 1
