"""Consents (S1) and the consent gate (D17): recording, versions, withdrawal, expiry and visibility.

Each rule test names its rule id: R12 (a consent covers named recipients, categories, purpose and period),
R13 (withdrawal ends it at once for the future and keeps the history), R19 (minors: guardians and the
child's view) and G05 (cross-organisation visibility inside one case).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.helpers import seen, sees
from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import selectors as case_selectors
from utvei.cases.models import Case, Escalation, Person
from utvei.contacts import services as contact_services
from utvei.contacts.models import Conversation, ConversationForm
from utvei.sharing import services
from utvei.sharing.decision import Purpose
from utvei.sharing.models import Consent, ConsentForm, ConsentGiver, ConsentNotice, ConsentNoticeKind, ConsentPurpose

TODAY = timezone.localdate()
CANARY = "KANARIFUGL-samtale-7731"


@pytest.fixture
def demo(demo: dict[str, User]) -> dict[str, User]:
    """Give the demo world with its demo consents withdrawn: these tests start from nothing agreed."""
    for consent in Consent.objects.current(timezone.localdate()):
        services.consent_withdraw(actor=consent.recorded_by, consent_id=consent.pk)
    return demo


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _record(actor: User, person: Person, **extra: object) -> Consent:
    fields: dict[str, object] = {
        "organisation": _org("Demo kommune"),
        "recipients": [_org("Nav Demo")],
        "categories": [Category.CONVERSATIONS],
        "purpose": ConsentPurpose.COORDINATION,
        "valid_from": TODAY,
        "valid_to": TODAY + timedelta(days=180),
        "given_by": ConsentGiver.PERSON,
        "form": ConsentForm.WRITTEN,
        "evidence_note": "Signert skjema skannet inn.",
        "how_informed": "Muntlig gjennomgang av hva som deles og med hvem.",
    }
    fields.update(extra)
    return services.consent_record(actor=actor, person_id=person.pk, **fields)  # type: ignore[arg-type]


def _canary_conversation(actor: User, case: Case) -> Conversation:
    return contact_services.conversation_record(
        actor=actor,
        case_id=case.pk,
        held_on=TODAY,
        form=ConversationForm.MEETING,
        participants="Jonas og saksbehandler",
        method=None,
        notes=CANARY,
        persons_own_words="",
        told_mandate=True,
        told_confidentiality=True,
        told_reporting_duty=True,
        next_steps="",
        next_contact_on=None,
    )


def _nav_sees(nav: User, case: Case, conversation: Conversation) -> bool:
    tab = case_selectors.case_tab(actor=nav, case_id=case.pk, slug="conversations")
    contacts = next(s.data for s in tab.sections if s.template == "contacts/_case_section.html")
    return conversation.pk in {c.pk for c in contacts.conversations}  # type: ignore[attr-defined]


def test_the_sharing_app_declares_the_consents_in_force_to_the_engine_at_startup() -> None:
    from utvei.access import engine
    from utvei.sharing.policy import consents_in_force

    assert engine._providers.consents is consents_in_force  # noqa: SLF001  (start-up wiring under test)


def test_consent_purposes_are_the_purposes_of_the_decision() -> None:
    assert set(ConsentPurpose.values) == {p.value for p in Purpose}


# --- recording -------------------------------------------------------------------------------------


def test_R12_consent_is_recorded_with_its_scope_and_audited_without_values(demo: dict[str, User]) -> None:
    case = _jonas()
    consent = _record(demo["saksbehandler"], case.person)
    consent.refresh_from_db()
    assert consent.version == 1 and consent.previous is None
    assert consent.recipients == [_org("Nav Demo").pk]
    assert consent.categories == ["conversations"]
    assert consent.recorded_for_organisation == _org("Demo kommune")
    entry = AuditEntry.objects.get(event=AuditEvent.CREATE, target_type="sharing.Consent", target_id=str(consent.pk))
    assert entry.person_id == case.person_id
    assert "evidence_note" in entry.changed_fields and "how_informed" in entry.changed_fields
    assert "skannet" not in str(entry.changed_fields)
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence_note, how_informed FROM sharing_consent WHERE id = %s", [consent.pk])
        assert "skannet" not in " ".join(cursor.fetchone())


def test_consent_needs_a_seat_for_the_disclosing_organisation_on_an_open_case(demo: dict[str, User]) -> None:
    person = _jonas().person
    with pytest.raises(NotFound):
        _record(demo["nabo"], person)
    with pytest.raises(NotFound):  # NAV sits on the team, but for NAV, not for the municipality
        _record(demo["nav"], person)


def test_R19_a_minors_consent_is_given_by_the_guardians_with_the_childs_view(demo: dict[str, User]) -> None:
    emma = Person.objects.get(given_name="Emma")
    child_welfare = [_org("Barnevernstjenesten i Demo kommune")]
    with pytest.raises(ValidationError) as exc:
        _record(demo["koordinator"], emma, recipients=child_welfare)
    assert "given_by" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _record(demo["koordinator"], emma, recipients=child_welfare, given_by=ConsentGiver.GUARDIANS)
    assert set(exc.value.message_dict) == {"child_view"}
    consent = _record(
        demo["koordinator"],
        emma,
        recipients=child_welfare,
        given_by=ConsentGiver.GUARDIANS,
        child_view="Emma synes det er greit at barnevernet får vite om samtalene.",
    )
    assert consent.given_by == ConsentGiver.GUARDIANS and consent.child_view.startswith("Emma")


def test_R19_an_adult_consents_for_themselves(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(demo["saksbehandler"], _jonas().person, given_by=ConsentGiver.GUARDIANS)
    assert "given_by" in exc.value.message_dict


@pytest.mark.parametrize(
    "valid_from,valid_to",
    [
        (TODAY, TODAY),  # must end after it starts
        (TODAY, TODAY - timedelta(days=1)),
        (TODAY, TODAY + timedelta(days=400)),  # more than twelve months
    ],
)
def test_R12_the_period_ends_after_it_starts_and_lasts_at_most_twelve_months(
    demo: dict[str, User], valid_from: date, valid_to: date
) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(demo["saksbehandler"], _jonas().person, valid_from=valid_from, valid_to=valid_to)
    assert "valid_to" in exc.value.message_dict


def test_R12_twelve_months_to_the_day_is_allowed_and_29_february_falls_back(demo: dict[str, User]) -> None:
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    consent = _record(demo["saksbehandler"], _jonas().person, valid_to=services.add_months(TODAY, 12))
    assert consent.valid_to == services.add_months(TODAY, 12)


def test_R12_unknown_categories_purpose_form_and_missing_texts_are_refused(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(
            demo["saksbehandler"],
            _jonas().person,
            recipients=[],
            categories=["gossip"],
            purpose="curiosity",
            form="telepathy",
            evidence_note=" ",
            how_informed="",
        )
    assert {"recipients", "categories", "purpose", "form", "evidence_note", "how_informed"} <= set(
        exc.value.message_dict
    )
    with pytest.raises(ValidationError) as exc:
        _record(demo["saksbehandler"], _jonas().person, recipients=[_org("Demo kommune")])
    assert "recipients" in exc.value.message_dict


# --- versions and withdrawal -----------------------------------------------------------------------


def test_R12_a_change_is_a_new_version_and_the_old_one_is_kept_unchanged(demo: dict[str, User]) -> None:
    first = _record(demo["saksbehandler"], _jonas().person)
    second = services.consent_amend(
        actor=demo["saksbehandler"],
        consent_id=first.pk,
        recipients=[_org("Nav Demo")],
        categories=[Category.CONVERSATIONS, Category.WORK],
        purpose=ConsentPurpose.INDIVIDUAL_PLAN,
        valid_from=TODAY,
        valid_to=TODAY + timedelta(days=90),
        given_by=ConsentGiver.PERSON,
        form=ConsentForm.ORAL,
        evidence_note="Muntlig samtykke notert i samtalen.",
        how_informed="Forklart i samtale.",
        expected_version=first.version,
    )
    first.refresh_from_db()
    assert (second.version, second.previous_id) == (2, first.pk)
    assert first.categories == ["conversations"] and first.withdrawn_at is None
    assert list(Consent.objects.current(TODAY)) == [second]
    assert Consent.objects.filter(person=first.person, pk__gte=first.pk).count() == 2  # after the demo consents
    with pytest.raises(ValidationError):  # only the latest version can be changed or withdrawn
        services.consent_withdraw(actor=demo["saksbehandler"], consent_id=first.pk)
    assert AuditEntry.objects.filter(
        event=AuditEvent.CREATE, target_type="sharing.Consent", target_id=str(second.pk)
    ).exists()


def test_R13_withdrawal_keeps_the_history_notifies_each_recipient_and_is_audited(demo: dict[str, User]) -> None:
    recipients = [_org("Nav Demo"), _org("Demo helsetjeneste")]
    consent = _record(demo["saksbehandler"], _jonas().person, recipients=recipients)
    withdrawn = services.consent_withdraw(actor=demo["saksbehandler"], consent_id=consent.pk)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == demo["saksbehandler"]
    notices = ConsentNotice.objects.filter(consent=consent)
    assert {n.organisation for n in notices} == set(recipients)
    assert {n.kind for n in notices} == {ConsentNoticeKind.WITHDRAWN}
    assert Consent.objects.filter(pk=consent.pk).exists() and not Consent.objects.current(TODAY).exists()
    entry = AuditEntry.objects.get(event=AuditEvent.UPDATE, target_type="sharing.Consent", target_id=str(consent.pk))
    assert entry.changed_fields == ["withdrawn_at", "withdrawn_by"]
    services.consent_withdraw(actor=demo["saksbehandler"], consent_id=consent.pk)  # twice changes nothing
    assert notices.count() == 2
    with pytest.raises(ValidationError):
        services.consent_amend(
            actor=demo["saksbehandler"],
            consent_id=consent.pk,
            recipients=recipients,
            categories=[Category.WORK],
            purpose=ConsentPurpose.COORDINATION,
            valid_from=TODAY,
            valid_to=TODAY + timedelta(days=30),
            given_by=ConsentGiver.PERSON,
            form=ConsentForm.WRITTEN,
            evidence_note="x",
            how_informed="y",
            expected_version=consent.version,
        )


# --- visibility through the gate (G05) -------------------------------------------------------------


def test_G05_R13_nav_sees_a_conversation_only_while_a_consent_covers_it(demo: dict[str, User]) -> None:
    case, nav = _jonas(), demo["nav"]
    conversation = _canary_conversation(demo["saksbehandler"], case)
    assert not _nav_sees(nav, case, conversation)
    assert not policy.can(nav, Action.VIEW, conversation)

    consent = _record(demo["saksbehandler"], case.person)
    assert _nav_sees(nav, case, conversation)
    assert policy.can(nav, Action.VIEW, conversation)

    services.consent_withdraw(actor=demo["saksbehandler"], consent_id=consent.pk)
    assert not _nav_sees(nav, case, conversation)  # on the very next call
    assert not policy.can(nav, Action.VIEW, conversation)


def test_G05_R12_an_expired_consent_no_longer_opens_anything(demo: dict[str, User]) -> None:
    case, nav = _jonas(), demo["nav"]
    conversation = _canary_conversation(demo["saksbehandler"], case)
    _record(demo["saksbehandler"], case.person, valid_to=TODAY + timedelta(days=10))
    assert policy.can(nav, Action.VIEW, conversation)
    on_last_day = timezone.make_aware(datetime.combine(TODAY + timedelta(days=10), datetime.min.time()))
    with time_machine.travel(on_last_day + timedelta(hours=12), tick=False):
        assert policy.can(nav, Action.VIEW, conversation)
    with time_machine.travel(on_last_day + timedelta(days=1, hours=12), tick=False):
        assert not policy.can(nav, Action.VIEW, conversation)
        assert not _nav_sees(nav, case, conversation)


def test_G05_R12_a_consent_for_work_does_not_open_conversations(demo: dict[str, User]) -> None:
    case, nav = _jonas(), demo["nav"]
    conversation = _canary_conversation(demo["saksbehandler"], case)
    _record(demo["saksbehandler"], case.person, categories=[Category.WORK])
    assert not _nav_sees(nav, case, conversation)


def test_G05_R12_a_consent_to_nav_does_not_open_for_the_school(demo: dict[str, User]) -> None:
    case = _jonas()
    conversation = _canary_conversation(demo["saksbehandler"], case)
    _record(demo["saksbehandler"], case.person)
    assert _nav_sees(demo["nav"], case, conversation)
    assert not _nav_sees(demo["skole"], case, conversation)


def test_G05_a_consent_from_another_discloser_does_not_open_the_municipalitys_items(demo: dict[str, User]) -> None:
    case = _jonas()
    conversation = _canary_conversation(demo["saksbehandler"], case)
    # The health service waives its own confidentiality towards NAV; the municipality's conversation stays closed.
    _record(demo["helse"], case.person, organisation=_org("Demo helsetjeneste"))
    assert not _nav_sees(demo["nav"], case, conversation)


def test_G05_identity_of_the_person_opens_with_a_consent_for_the_identity_category(demo: dict[str, User]) -> None:
    case, nav = _jonas(), demo["nav"]
    assert not case_selectors.case_overview(actor=nav, case_id=case.pk).person.show_contact
    _record(demo["saksbehandler"], case.person, categories=[Category.IDENTITY])
    assert case_selectors.case_overview(actor=nav, case_id=case.pk).person.show_contact


def test_G05_the_engines_list_agrees_with_its_per_item_check(demo: dict[str, User]) -> None:
    case = _jonas()
    _canary_conversation(demo["saksbehandler"], case)
    emma = Person.objects.get(given_name="Emma")
    nav, health, school, child_welfare = (
        _org("Nav Demo"),
        _org("Demo helsetjeneste"),
        _org("Demo videregående skole"),
        _org("Barnevernstjenesten i Demo kommune"),
    )
    _record(demo["saksbehandler"], case.person, recipients=[nav, school], categories=["conversations", "police"])
    withdrawn = _record(demo["saksbehandler"], case.person, recipients=[health], categories=["conversations"])
    services.consent_withdraw(actor=demo["saksbehandler"], consent_id=withdrawn.pk)
    _record(
        demo["saksbehandler"],
        case.person,
        recipients=[health],
        categories=["identity"],
        valid_to=TODAY + timedelta(days=2),
    )
    _record(
        demo["koordinator"],
        emma,
        recipients=[child_welfare],
        categories=["identity", "conversations"],
        given_by=ConsentGiver.GUARDIANS,
        child_view="Greit.",
    )
    worlds = [
        ("conversations", Conversation.objects.all()),
        ("police", Escalation.objects.all()),
        ("identity", Person.objects.all()),
    ]
    for moment in (TODAY, TODAY + timedelta(days=5)):
        with time_machine.travel(timezone.make_aware(datetime.combine(moment, datetime.min.time())), tick=False):
            for user in demo.values():
                for category, qs in worlds:
                    scoped = seen(user, qs, category)
                    checked = {item.pk for item in qs if sees(user, item, category)}
                    assert scoped == checked, (user.username, category, moment)
    assert seen(demo["nav"], Conversation.objects.all(), "conversations") >= set(
        Conversation.objects.filter(case=case).values_list("pk", flat=True)
    )
