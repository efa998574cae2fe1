"""Phase suggestions that follow recorded work, and the reason a move of more than one step needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import Organisation, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import rules, selectors, services
from utvei.cases.models import Case, Phase, PhaseChange, ReferralSource, SecurityAssessment
from utvei.cases.sections import PhaseEvidence
from utvei.contacts import services as contact_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def _open_case(actor: User, *, coordinator: User | None = None) -> Case:
    organisation = Organisation.objects.get(name="Demo kommune")
    person = services.person_create(
        actor=actor, organisation=organisation, given_name="Fase", family_name="Testesen", birth_date=date(1994, 4, 4)
    )
    case = services.case_open(
        actor=actor,
        person=person,
        organisation=organisation,
        role=Role.CASEWORKER,
        referral_source=ReferralSource.SELF,
        referral_date=TODAY,
        referral_reason="Ber om hjelp.",
        security_assessment=SecurityAssessment.NOT_YET,
    )
    if coordinator is not None:
        services.team_member_add(
            actor=actor,
            case=case,
            user=coordinator,
            organisation=organisation,
            role=Role.EXIT_COORDINATOR,
            task="Koordinerer",
        )
    return case


def _talk(actor: User, case: Case) -> None:
    contact_services.conversation_record(
        actor=actor,
        case_id=case.pk,
        held_on=TODAY,
        form="meeting",
        participants="Personen og saksbehandler",
        method=None,
        notes="Første samtale.",
        persons_own_words="",
        told_mandate=True,
        told_confidentiality=True,
        told_reporting_duty=True,
        next_steps="",
        next_contact_on=None,
    )


def _case(phase: str) -> Case:
    return Case(phase=phase)


# --- the rule, on its own -------------------------------------------------------------------------------


def test_the_furthest_phase_of_recorded_work_ahead_of_the_case_is_suggested() -> None:
    evidence = [
        PhaseEvidence(Phase.P2, TODAY, "a contact plan"),
        PhaseEvidence(Phase.P3, TODAY, "a conversation"),
    ]
    found = rules.phase_suggestion(_case(Phase.P0), evidence, moved_back_on=None, has_exit_coordinator=True)
    assert found is not None and found.phase == Phase.P3 and found.steps == 3
    assert "a conversation" in found.reason and found.problem == ""


def test_no_suggestion_when_the_work_is_not_ahead_of_the_case() -> None:
    evidence = [PhaseEvidence(Phase.P3, TODAY, "a conversation")]
    assert rules.phase_suggestion(_case(Phase.P3), evidence, moved_back_on=None, has_exit_coordinator=True) is None
    assert rules.phase_suggestion(_case(Phase.P6), evidence, moved_back_on=None, has_exit_coordinator=True) is None


def test_a_suggestion_one_step_ahead_needs_no_reason() -> None:
    evidence = [PhaseEvidence(Phase.P3, TODAY, "a conversation")]
    found = rules.phase_suggestion(_case(Phase.P2), evidence, moved_back_on=None, has_exit_coordinator=True)
    assert found is not None and found.steps == 1 and found.reason == "" and found.problem == ""


def test_work_recorded_before_the_case_was_moved_back_does_not_push_it_forward() -> None:
    old_plan = PhaseEvidence(Phase.P6, TODAY - timedelta(days=30), "the plan is active")
    assert rules.phase_suggestion(_case(Phase.P3), [old_plan], moved_back_on=TODAY, has_exit_coordinator=True) is None
    review = PhaseEvidence(Phase.P7, TODAY, "a review meeting")
    found = rules.phase_suggestion(_case(Phase.P6), [old_plan, review], moved_back_on=TODAY, has_exit_coordinator=True)
    assert found is not None and found.phase == Phase.P7


def test_r01_a_suggestion_past_p2_without_an_exit_coordinator_explains_instead_of_offering() -> None:
    evidence = [PhaseEvidence(Phase.P3, TODAY, "a conversation")]
    found = rules.phase_suggestion(_case(Phase.P0), evidence, moved_back_on=None, has_exit_coordinator=False)
    assert found is not None and "exit coordinator" in found.problem


def test_closure_is_never_suggested() -> None:
    evidence = [PhaseEvidence(Phase.P8, TODAY, "x"), PhaseEvidence(Phase.P9, TODAY, "y")]
    assert rules.phase_suggestion(_case(Phase.P6), evidence, moved_back_on=None, has_exit_coordinator=True) is None


# --- the service ------------------------------------------------------------------------------------------


def test_a_move_of_more_than_one_step_needs_a_reason_and_keeps_it(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    with pytest.raises(ValidationError, match="more than one phase"):
        services.case_change_phase(actor=actor, case_id=case.pk, from_phase=Phase.P0, to_phase=Phase.P3)
    with pytest.raises(ValidationError, match="more than one phase"):
        services.case_change_phase(actor=actor, case_id=case.pk, from_phase=Phase.P0, to_phase=Phase.P3, reason="  ")
    case.refresh_from_db()
    assert case.phase == Phase.P0 and not PhaseChange.objects.filter(case=case).exists()

    moved = services.case_change_phase(
        actor=actor, case_id=case.pk, from_phase=Phase.P0, to_phase=Phase.P3, reason="Første samtale er holdt."
    )
    assert moved.phase == Phase.P3
    change = PhaseChange.objects.get(case=case)
    assert change.reason == "Første samtale er holdt." and (change.from_phase, change.to_phase) == ("P0", "P3")
    entry = AuditEntry.objects.filter(event=AuditEvent.UPDATE, case_id=case.pk).order_by("-seq").first()
    assert entry is not None and entry.changed_fields == ["phase", "phase_reason"]
    assert "Første samtale" not in str(entry.__dict__)  # audit rows hold field names, never the reason


def test_moving_back_more_than_one_step_needs_a_reason_too(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    services.case_change_phase(actor=actor, case_id=case.pk, from_phase=Phase.P0, to_phase=Phase.P4, reason="Kartlagt.")
    with pytest.raises(ValidationError, match="more than one phase"):
        services.case_change_phase(actor=actor, case_id=case.pk, from_phase=Phase.P4, to_phase=Phase.P1)
    back = services.case_change_phase(actor=actor, case_id=case.pk, from_phase=Phase.P4, to_phase=Phase.P3)
    assert back.phase == Phase.P3


# --- the overview and the one-click accept ---------------------------------------------------------------------


def test_the_first_conversation_suggests_p3_on_the_overview(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    before = selectors.case_overview(actor=actor, case_id=case.pk).phase_suggestion
    assert before is not None and before.phase == Phase.P2  # the exit coordinator on the team: preparation
    _talk(actor, case)
    found = selectors.case_overview(actor=actor, case_id=case.pk).phase_suggestion
    assert found is not None and found.phase == Phase.P3 and found.steps == 3 and found.problem == ""


def test_a_team_reader_gets_no_suggestion(demo: dict[str, User]) -> None:
    case = Case.objects.get(person__given_name="Jonas")
    assert selectors.case_overview(actor=demo["nav"], case_id=case.pk).phase_suggestion is None


def test_accepting_the_suggestion_is_one_post_with_its_one_time_token(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    _talk(actor, case)
    client = login_verified(FormClient(), actor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    accept = reverse("cases:phase_accept", kwargs={"case_id": case.pk})
    assert f'action="{accept}"' in page and 'name="form_token"' in page
    assert "The recorded work points to phase P3" in page and "a conversation is recorded" in page
    reason = rules.phase_suggestion(
        case,
        [PhaseEvidence(Phase.P3, TODAY, "a conversation is recorded")],
        moved_back_on=None,
        has_exit_coordinator=True,
    )
    assert reason is not None
    response = client.post(accept, {"from_phase": "P0", "to_phase": "P3", "reason": reason.reason})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.P3
    assert PhaseChange.objects.get(case=case).reason == reason.reason != ""


def test_accepting_without_the_reason_changes_nothing_and_says_why(demo: dict[str, User]) -> None:
    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    client = login_verified(FormClient(), actor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    accept = reverse("cases:phase_accept", kwargs={"case_id": case.pk})
    response = client.post(accept, {"from_phase": "P0", "to_phase": "P3", "reason": ""}, follow=True)
    case.refresh_from_db()
    assert case.phase == Phase.P0
    assert "more than one phase at a time" in response.content.decode()


def test_accepting_needs_the_one_time_token(demo: dict[str, User]) -> None:
    from django.test import Client

    actor = demo["saksbehandler"]
    case = _open_case(actor, coordinator=demo["koordinator"])
    client = login_verified(Client(), actor)
    accept = reverse("cases:phase_accept", kwargs={"case_id": case.pk})
    assert client.post(accept, {"from_phase": "P0", "to_phase": "P1"}).status_code == 400
    case.refresh_from_db()
    assert case.phase == Phase.P0
