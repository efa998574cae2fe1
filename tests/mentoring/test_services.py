"""The mentor register, assignments, the mentor log and restorative referrals through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.contacts.factories import make_case, make_person
from tests.mentoring.factories import MentoringWorld, assign, make_mentoring_world, register
from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Guardian, TeamMember
from utvei.cases.services import GuardianInput
from utvei.mentoring import selectors, services
from utvei.mentoring.models import (
    ActivityKind,
    AssignmentEnd,
    DurationBand,
    Mentor,
    MentorAssignment,
    MentorLogEntry,
    MentorScheme,
    MentorTraining,
    NotHeldReason,
    RestorativeReferral,
    RestorativeStatus,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def world() -> MentoringWorld:
    return make_mentoring_world()


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# --- the register ----------------------------------------------------------------------------------


def test_a_mentor_account_is_registered_with_training_and_audited_by_field_name(world: MentoringWorld) -> None:
    before = _last_seq()
    mentor = register(world, contact="mats@example.invalid")
    assert (mentor.organisation, mentor.user, mentor.training) == (world.municipality, world.mentor, "rvts")
    row = AuditEntry.objects.get(seq__gt=before)
    assert (row.event, row.target_id) == (AuditEvent.CREATE, str(mentor.pk))
    assert "training" in row.changed_fields
    assert "mats@example.invalid" not in str(row.changed_fields)


def test_an_external_mentor_needs_a_name(world: MentoringWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        register(world, name="   ")
    assert "name" in exc.value.message_dict
    external = register(world, name="Ola Eksempel", scheme=MentorScheme.CORRECTIONAL)
    assert external.is_external and external.display_name() == "Ola Eksempel"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"training": MentorTraining.RVTS, "trained_on": None}, "trained_on"),
        ({"trained_on": date.today() + timedelta(days=3)}, "trained_on"),
        ({"scheme": "volunteer"}, "scheme"),
        ({"training": "weekend"}, "training"),
    ],
)
def test_bad_register_input_is_refused_and_nothing_is_saved(
    world: MentoringWorld, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        register(world, **overrides)
    assert field in exc.value.message_dict
    assert not Mentor.objects.exists()


def test_only_users_holding_the_mentor_role_are_registered_and_only_once(world: MentoringWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        register(world, user=world.nav)
    assert "user" in exc.value.message_dict
    register(world)
    with pytest.raises(ValidationError):
        register(world)
    assert Mentor.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor", "nav", "privacy_officer"])
def test_roles_that_do_not_keep_the_register_cannot_add_to_it(world: MentoringWorld, who: str) -> None:
    with pytest.raises(NotFound):
        services.mentor_create(
            actor=getattr(world, who),
            user=None,
            name="X",
            contact="",
            scheme=MentorScheme.MUNICIPAL,
            training=MentorTraining.NONE,
            trained_on=None,
        )
    assert not Mentor.objects.exists()


def test_a_register_entry_is_changed_only_by_keepers_of_its_organisation(world: MentoringWorld) -> None:
    mentor = register(world)
    changed = services.mentor_update(
        actor=world.coordinator,
        mentor_id=mentor.pk,
        name="",
        contact="ny@example.invalid",
        scheme=MentorScheme.CORRECTIONAL,
        training=MentorTraining.RVTS,
        trained_on=mentor.trained_on,
        is_active=False,
    )
    assert (changed.scheme, changed.is_active) == (MentorScheme.CORRECTIONAL, False)
    row = AuditEntry.objects.order_by("-seq").first()
    assert row is not None and set(row.changed_fields) == {"contact", "scheme", "is_active"}
    with pytest.raises(NotFound):
        selectors.mentor_for_update(actor=world.outsider, mentor_id=mentor.pk)
    assert selectors.mentor_list(actor=world.outsider) == []


# --- matching and agreement ----------------------------------------------------------------------


def test_assigning_a_mentor_account_seats_them_on_the_team_as_mentor(world: MentoringWorld) -> None:
    mona = register(world, user=world.second_mentor)
    assignment = assign(world, mona, share_contact=True)
    seat = assignment.seat
    assert seat is not None and (seat.user, seat.role) == (world.second_mentor, Role.MENTOR)
    assert policy.can(world.second_mentor, Action.VIEW, world.case)
    events = set(AuditEntry.objects.filter(case_id=world.case.pk).values_list("event", flat=True))
    assert AuditEvent.CREATE in events


def test_assigning_a_mentor_already_seated_links_the_existing_seat(world: MentoringWorld) -> None:
    seats_before = TeamMember.objects.filter(case=world.case, user=world.mentor).count()
    assignment = assign(world, register(world))
    assert assignment.seat is not None and assignment.seat.user == world.mentor
    assert TeamMember.objects.filter(case=world.case, user=world.mentor).count() == seats_before


def test_an_external_mentor_gets_no_seat(world: MentoringWorld) -> None:
    assignment = assign(world, register(world, name="Ola Eksempel"))
    assert assignment.seat is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": date.today() - timedelta(days=30)}, "ends_on"),
        ({"frequency": "daily"}, "frequency"),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_changes(
    world: MentoringWorld, overrides: dict[str, object], field: str
) -> None:
    mona = register(world, user=world.second_mentor)
    with pytest.raises(ValidationError) as exc:
        assign(world, mona, **overrides)
    assert field in exc.value.message_dict
    assert not MentorAssignment.objects.exists()
    assert not TeamMember.objects.filter(user=world.second_mentor).exists()


def test_an_inactive_or_already_assigned_mentor_is_refused(world: MentoringWorld) -> None:
    mentor = register(world)
    assign(world, mentor)
    with pytest.raises(ValidationError) as exc:
        assign(world, mentor)
    assert "mentor" in exc.value.message_dict
    inactive = register(world, user=world.second_mentor)
    Mentor.objects.filter(pk=inactive.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        assign(world, inactive)
    assert MentorAssignment.objects.count() == 1


@pytest.mark.parametrize("who", ["nav", "mentor", "police_contact", "outsider"])
def test_only_editors_of_the_case_assign_a_mentor(world: MentoringWorld, who: str) -> None:
    mentor = register(world)
    with pytest.raises(NotFound):
        services.assignment_create(
            actor=getattr(world, who),
            case_id=world.case.pk,
            mentor_id=mentor.pk,
            starts_on=TODAY(),
            ends_on=None,
            frequency="weekly",
            share_contact=True,
            share_goals=True,
            share_measures=True,
        )
    assert not MentorAssignment.objects.exists()


def test_a_mentor_from_another_organisations_register_cannot_be_assigned(world: MentoringWorld) -> None:
    from tests.contacts.factories import make_user

    other_mentor_user = make_user(world.other_municipality, "otto", Role.MENTOR)
    other_mentor = services.mentor_create(
        actor=world.outsider,
        user=other_mentor_user,
        name="",
        contact="",
        scheme=MentorScheme.MUNICIPAL,
        training=MentorTraining.NONE,
        trained_on=None,
    )
    with pytest.raises(ValidationError) as exc:
        assign(world, other_mentor)
    assert "mentor" in exc.value.message_dict


def test_ending_an_assignment_ends_the_mentor_seat_and_closes_the_case(world: MentoringWorld) -> None:
    mona = register(world, user=world.second_mentor)
    assignment = assign(world, mona)
    with pytest.raises(NotFound):
        services.assignment_end(actor=world.nav, assignment_id=assignment.pk, reason=AssignmentEnd.COMPLETED)
    with pytest.raises(ValidationError):
        services.assignment_end(actor=world.coordinator, assignment_id=assignment.pk, reason="bored")
    ended = services.assignment_end(
        actor=world.coordinator, assignment_id=assignment.pk, reason=AssignmentEnd.COMPLETED
    )
    assert ended.ended_at is not None and ended.end_reason == AssignmentEnd.COMPLETED
    assert not policy.can(world.second_mentor, Action.VIEW, world.case)
    with pytest.raises(NotFound):
        services.assignment_end(actor=world.coordinator, assignment_id=assignment.pk, reason=AssignmentEnd.COMPLETED)


# --- the mentor log --------------------------------------------------------------------------------


def _log(
    world: MentoringWorld, assignment: MentorAssignment, actor: User | None = None, **overrides: object
) -> services.LogResult:
    fields: dict[str, object] = {
        "met_on": TODAY() - timedelta(days=1),
        "duration": DurationBand.ONE_TWO,
        "activity": ActivityKind.ACTIVITY,
        "note": "Kino.",
    }
    fields.update(overrides)
    actor = actor or world.mentor
    return services.log_entry_record(actor=actor, assignment_id=assignment.pk, **fields)  # type: ignore[arg-type]


def test_the_mentor_logs_a_meeting_and_the_coordinator_reads_it(world: MentoringWorld) -> None:
    assignment = assign(world, register(world))
    result = _log(world, assignment)
    assert result.warnings == []
    row = AuditEntry.objects.order_by("-seq").first()
    assert row is not None and row.event == AuditEvent.CREATE and "Kino" not in str(row.changed_fields)
    detail = selectors.assignment_get(actor=world.coordinator, assignment_id=assignment.pk)
    assert [e.pk for e in detail.log] == [result.entry.pk]
    # Another organisation on the team sees neither the assignment nor its log.
    with pytest.raises(NotFound):
        selectors.assignment_get(actor=world.nav, assignment_id=assignment.pk)


def test_only_the_assigned_mentor_writes_the_log(world: MentoringWorld) -> None:
    assignment = assign(world, register(world))
    for who in (world.coordinator, world.caseworker, world.second_mentor, world.nav):
        with pytest.raises(NotFound):
            _log(world, assignment, actor=who)
    assert not MentorLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"note": "x" * 201}, "note"),
        ({"met_on": date.today() + timedelta(days=1)}, "met_on"),
        ({"met_on": date.today() - timedelta(days=60)}, "met_on"),
        ({"met_on": None}, "met_on"),
        ({"duration": "forever"}, "duration"),
        ({"activity": "therapy"}, "activity"),
    ],
)
def test_a_bad_log_entry_is_refused_and_nothing_is_saved(
    world: MentoringWorld, overrides: dict[str, object], field: str
) -> None:
    assignment = assign(world, register(world))
    with pytest.raises(ValidationError) as exc:
        _log(world, assignment, **overrides)
    assert field in exc.value.message_dict
    assert not MentorLogEntry.objects.exists()


def test_R27_a_log_note_with_revealing_words_is_saved_with_a_warning(world: MentoringWorld) -> None:
    assignment = assign(world, register(world))
    result = _log(world, assignment, note="Snakket om ekstremisme.")
    assert result.entry.pk and len(result.warnings) == 1 and "«ekstrem»" in result.warnings[0]
    assert "nøytrale ord" in result.warnings[0] and "R27" not in result.warnings[0]


def test_an_ended_assignment_takes_no_more_log_entries(world: MentoringWorld) -> None:
    assignment = assign(world, register(world, user=world.second_mentor))
    services.assignment_end(actor=world.coordinator, assignment_id=assignment.pk, reason=AssignmentEnd.COMPLETED)
    with pytest.raises(NotFound):
        _log(world, assignment, actor=world.second_mentor)


# --- restorative process -------------------------------------------------------------------------


def _refer(world: MentoringWorld, case: Case | None = None, **overrides: object) -> RestorativeReferral:
    fields: dict[str, object] = {
        "referred_on": TODAY() - timedelta(days=5),
        "konfliktraad": "Konfliktrådet i Test",
        "person_consented": True,
        "parties_consented": True,
        "guardians_consented": False,
        "consent_recorded_on": TODAY() - timedelta(days=6),
    }
    fields.update(overrides)
    return services.restorative_refer(
        actor=world.caseworker,
        case_id=(case or world.case).pk,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("missing", ["person_consented", "parties_consented"])
def test_R25_no_referral_without_the_consent_of_every_party(world: MentoringWorld, missing: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _refer(world, **{missing: False})
    assert missing in exc.value.message_dict
    assert not RestorativeReferral.objects.exists()


def test_R25_a_minor_needs_the_guardians_consent_too(world: MentoringWorld) -> None:
    child = make_person(
        world.caseworker,
        world.municipality,
        given_name="Liv",
        birth_date=TODAY() - timedelta(days=15 * 365),
        guardians=[GuardianInput("Mor Testesen", "mor", "+47 400 00 000")],
    )
    case = make_case(world.caseworker, child, world.municipality)
    with pytest.raises(ValidationError) as exc:
        _refer(world, case=case)
    assert "guardians_consented" in exc.value.message_dict
    assert not RestorativeReferral.objects.exists()
    assert Guardian.objects.filter(person=child).exists()
    referral = _refer(world, case=case, guardians_consented=True)
    assert referral.guardians_consented and referral.status == RestorativeStatus.REFERRED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"konfliktraad": " "}, "konfliktraad"),
        ({"referred_on": date.today() + timedelta(days=1)}, "referred_on"),
        ({"consent_recorded_on": date.today()}, "consent_recorded_on"),
        ({"consent_recorded_on": None}, "consent_recorded_on"),
    ],
)
def test_a_bad_referral_is_refused_and_nothing_is_saved(
    world: MentoringWorld, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _refer(world, **overrides)
    assert field in exc.value.message_dict
    assert not RestorativeReferral.objects.exists()


def test_R25_the_status_moves_to_held_and_agreement_and_only_the_status_is_kept(world: MentoringWorld) -> None:
    referral = _refer(world)
    services.restorative_set_status(
        actor=world.coordinator, referral_id=referral.pk, status="held", status_on=TODAY(), not_held_reason=""
    )
    updated = services.restorative_set_status(
        actor=world.coordinator, referral_id=referral.pk, status="agreement", status_on=TODAY(), not_held_reason=""
    )
    assert updated.status == RestorativeStatus.AGREEMENT
    row = AuditEntry.objects.order_by("-seq").first()
    assert row is not None and set(row.changed_fields) == {"status", "status_on", "not_held_reason"}
    # No field of the model can hold what was said in the meeting.
    text_fields = {f.name for f in RestorativeReferral._meta.fields if f.get_internal_type() == "TextField"}
    assert text_fields == set()


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        ("not_held", "", "not_held_reason"),
        ("held", NotHeldReason.OTHER, "not_held_reason"),
        ("referred", "", "status"),
        ("finished", "", "status"),
    ],
)
def test_a_bad_status_is_refused_and_nothing_changes(
    world: MentoringWorld, status: str, reason: str, field: str
) -> None:
    referral = _refer(world)
    with pytest.raises(ValidationError) as exc:
        services.restorative_set_status(
            actor=world.caseworker, referral_id=referral.pk, status=status, status_on=TODAY(), not_held_reason=reason
        )
    assert field in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == RestorativeStatus.REFERRED


def test_not_held_is_recorded_with_a_coarse_reason_and_the_date_cannot_precede_the_referral(
    world: MentoringWorld,
) -> None:
    referral = _refer(world)
    with pytest.raises(ValidationError):
        services.restorative_set_status(
            actor=world.caseworker,
            referral_id=referral.pk,
            status="not_held",
            status_on=referral.referred_on - timedelta(days=1),
            not_held_reason=NotHeldReason.CONSENT_WITHDRAWN,
        )
    updated = services.restorative_set_status(
        actor=world.caseworker,
        referral_id=referral.pk,
        status="not_held",
        status_on=TODAY(),
        not_held_reason=NotHeldReason.CONSENT_WITHDRAWN,
    )
    assert updated.not_held_reason == NotHeldReason.CONSENT_WITHDRAWN


@pytest.mark.parametrize("who", ["nav", "mentor", "outsider"])
def test_only_editors_refer_and_update_the_status(world: MentoringWorld, who: str) -> None:
    actor = getattr(world, who)
    with pytest.raises(NotFound):
        services.restorative_refer(
            actor=actor,
            case_id=world.case.pk,
            referred_on=TODAY(),
            konfliktraad="K",
            person_consented=True,
            parties_consented=True,
            guardians_consented=False,
            consent_recorded_on=TODAY(),
        )
    referral = _refer(world)
    with pytest.raises(NotFound):
        services.restorative_set_status(
            actor=actor, referral_id=referral.pk, status="held", status_on=TODAY(), not_held_reason=""
        )


def test_the_case_section_shows_assignments_and_referrals_to_the_owner_organisation(world: MentoringWorld) -> None:
    assignment = assign(world, register(world))
    referral = _refer(world)
    section = selectors.mentoring_for_case(actor=world.coordinator, case=world.case)
    assert [a.pk for a in section.assignments] == [assignment.pk]
    assert [r.pk for r in section.referrals] == [referral.pk]
    assert section.can_assign and section.can_refer
    nav_section = selectors.mentoring_for_case(actor=world.nav, case=world.case)
    assert (nav_section.assignments, nav_section.referrals, nav_section.can_assign) == ([], [], False)
