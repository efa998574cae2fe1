"""Synthetic demo data for mentoring; called by utvei.accounts.demo.seed_demo after the base world exists.

Mona Mentor (Demo kommune) is registered with the RVTS course and assigned to case 1's person with an
agreement that opens contact details and the plan's goals; she has logged a few meetings. Case 1 also has
a konfliktråd referral whose meeting has been held with an agreement reached. Where the plans demo made a
mentor or restorative measure on case 1, the assignment and the referral link to it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from utvei.mentoring import services
from utvei.mentoring.models import ActivityKind, DurationBand, Frequency, MentorScheme, MentorTraining
from utvei.mentoring.models import RestorativeStatus as Status

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld
    from utvei.accounts.models import User
    from utvei.cases.models import Case


def _measure_id(actor: User, case: Case, kind: str) -> int | None:
    """Find the plans demo's measure of this kind on the case, if it made one."""
    from utvei.access import policy
    from utvei.access.policy import Action
    from utvei.plans.models import Measure

    measure = policy.scope(actor, Action.VIEW, Measure.objects.filter(case=case, kind=kind)).first()
    return None if measure is None else measure.pk


def seed(world: DemoWorld) -> None:
    """Add this app's demo data to the world, through the services."""
    today = world.today
    coordinator = world.users["koordinator"]
    mentor_user = world.users["mentor"]
    case1 = world.cases[0]
    mentor = services.mentor_create(
        actor=coordinator,
        user=mentor_user,
        name="",
        contact="mentor@demo.invalid",
        scheme=MentorScheme.MUNICIPAL,
        training=MentorTraining.RVTS,
        trained_on=today - timedelta(days=400),
    )
    services.mentor_create(
        actor=coordinator,
        user=None,
        name="Ola Eksempel",
        contact="+47 400 00 100",
        scheme=MentorScheme.CORRECTIONAL,
        training=MentorTraining.CORRECTIONAL,
        trained_on=today - timedelta(days=700),
    )
    assignment = services.assignment_create(
        actor=coordinator,
        case_id=case1.pk,
        mentor_id=mentor.pk,
        starts_on=today - timedelta(days=45),
        ends_on=today + timedelta(days=320),
        frequency=Frequency.WEEKLY,
        share_contact=True,
        share_goals=True,
        share_measures=False,
        measure_id=_measure_id(coordinator, case1, "mentor"),
    )
    for days_ago, duration, activity, note in [
        (40, DurationBand.ONE_TWO, ActivityKind.TALK, "Første møte, kafé. Bli kjent."),
        (33, DurationBand.HALF_DAY, ActivityKind.ACTIVITY, "Fisketur."),
        (26, DurationBand.SHORT, ActivityKind.ACCOMPANY, "Fulgte til Nav-kontoret."),
        (12, DurationBand.ONE_TWO, ActivityKind.PRACTICAL, "Så på leiligheter sammen."),
        (5, DurationBand.SHORT, ActivityKind.PHONE, ""),
    ]:
        services.log_entry_record(
            actor=mentor_user,
            assignment_id=assignment.pk,
            met_on=today - timedelta(days=days_ago),
            duration=duration,
            activity=activity,
            note=note,
        )
    referral = services.restorative_refer(
        actor=coordinator,
        case_id=case1.pk,
        referred_on=today - timedelta(days=30),
        konfliktraad="Konfliktrådet i Demo",
        person_consented=True,
        parties_consented=True,
        guardians_consented=False,
        consent_recorded_on=today - timedelta(days=32),
        measure_id=_measure_id(coordinator, case1, "restorative"),
    )
    services.restorative_set_status(
        actor=coordinator,
        referral_id=referral.pk,
        status=Status.HELD,
        status_on=today - timedelta(days=14),
        not_held_reason="",
    )
    services.restorative_set_status(
        actor=coordinator,
        referral_id=referral.pk,
        status=Status.AGREEMENT,
        status_on=today - timedelta(days=14),
        not_held_reason="",
    )
