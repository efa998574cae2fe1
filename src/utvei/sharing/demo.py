"""Synthetic demo data for sharing; called by utvei.accounts.demo.seed_demo after the base world exists.

On case 1 (Jonas, an adult) the person has consented that Demo kommune may share mapping, plan and
work with Nav Demo, and plan and school with the school; the school consent ends within a month, so
``consent_reminders`` has something to remind about. Both were given today: a consent is recorded within a
week of being given and never applies from before that day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from utvei.access.categories import Category
from utvei.accounts.demo import MUNICIPALITY, NAV, SCHOOL
from utvei.sharing import services
from utvei.sharing.models import ConsentForm, ConsentGiver, ConsentPurpose

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld

# What Jonas agreed that the municipality may share with Nav Demo: exactly these categories.
NAV_CATEGORIES = (Category.MAPPING, Category.PLAN, Category.WORK)
SCHOOL_CATEGORIES = (Category.PLAN, Category.SCHOOL)


def seed(world: DemoWorld) -> None:
    """Add this app's demo data to the world, through the services."""
    coordinator = world.users["koordinator"]
    municipality = world.organisations[MUNICIPALITY]
    jonas_case = world.cases[0]
    today = world.today
    services.consent_record(
        actor=coordinator,
        person_id=jonas_case.person_id,
        organisation=municipality,
        recipients=[world.organisations[NAV]],
        categories=list(NAV_CATEGORIES),
        purpose=ConsentPurpose.COORDINATION,
        valid_from=today,
        valid_to=today + timedelta(days=300),
        given_by=ConsentGiver.PERSON,
        form=ConsentForm.WRITTEN,
        evidence_note="Signert samtykkeskjema, arkivert i kommunens sak.",
        how_informed=(
            "Gikk gjennom skjemaet sammen med Jonas: hva som deles, med hvem, hvor lenge, og at han kan trekke det."
        ),
    )
    services.consent_record(
        actor=coordinator,
        person_id=jonas_case.person_id,
        organisation=municipality,
        recipients=[world.organisations[SCHOOL]],
        categories=list(SCHOOL_CATEGORIES),
        purpose=ConsentPurpose.INDIVIDUAL_PLAN,
        valid_from=today,
        valid_to=today + timedelta(days=20),
        given_by=ConsentGiver.PERSON,
        form=ConsentForm.ORAL,
        evidence_note="Muntlig samtykke i møte, notert av koordinator med mentor til stede.",
        how_informed="Forklart muntlig hva skolen får vite og hvorfor.",
    )
