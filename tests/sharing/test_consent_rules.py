"""Consents record who gave them and the person's age that day; the age rules, the date rules, the
replacement of older consents and the database's refusal of twins (R12, R13, R19).

Time is moved with time-machine, forward from today, so the demo's memberships and seats stay in force.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from utvei.access.categories import Category
from utvei.accounts.models import Organisation, OrganisationKind, Role, User
from utvei.cases import services as case_services
from utvei.cases.models import Case, Person
from utvei.sharing import selectors, services
from utvei.sharing.demo import NAV_CATEGORIES
from utvei.sharing.models import Consent, ConsentEnd, ConsentGiver

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _at(day: date) -> time_machine.travel:
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(12, 0))), tick=False)


def _years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def _young_case(opener: User, birth_date: date) -> Case:
    """Open a case for an invented young person, with the municipality's case worker on the team."""
    person = case_services.person_create(
        actor=opener,
        organisation=_org("Demo kommune"),
        given_name="Ola",
        family_name="Testesen",
        birth_date=birth_date,
        guardians=[case_services.GuardianInput("Kari Testesen", "mor", "+47 400 00 099")],
    )
    return case_services.case_open(
        actor=opener,
        person=person,
        organisation=_org("Demo kommune"),
        role=Role.CASEWORKER,
        referral_source="family",
        referral_date=TODAY,
        referral_reason="Bekymring fra familien.",
        security_assessment="assessed",
        security_assessed_by="Politiet",
        security_assessed_on=TODAY,
    )


def _record(actor: User, person: Person, **extra: object) -> Consent:
    today = timezone.localdate()
    fields: dict[str, object] = {
        "organisation": _org("Demo kommune"),
        "recipients": [_org("Nav Demo")],
        "categories": [Category.PLAN],
        "purpose": "coordination",
        "valid_from": today,
        "valid_to": today + timedelta(days=300),
        "given_by": ConsentGiver.PERSON,
        "form": "written",
        "evidence_note": "Signert skjema.",
        "how_informed": "Gjennomgått muntlig.",
    }
    fields.update(extra)
    return services.consent_record(actor=actor, person_id=person.pk, **fields)  # type: ignore[arg-type]


def _asks_nav(actor: User, case: Case, categories: list[str]) -> selectors.DecisionView:
    return selectors.sharing_decision(
        actor=actor,
        case_id=case.pk,
        recipient_organisation=_org("Nav Demo"),
        recipient_kind=OrganisationKind.NAV,
        categories=categories,
        purpose="coordination",
        facts={},
        language="en",
    )


# --- dates (R12) ------------------------------------------------------------------------------------------


def test_R12_a_consent_given_more_than_a_week_ago_or_already_expired_is_refused_with_a_clear_message(
    demo: dict[str, User],
) -> None:
    jonas = Person.objects.get(given_name="Jonas")
    actor = demo["koordinator"]
    before = Consent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _record(actor, jonas, given_on=TODAY - timedelta(days=8), valid_from=TODAY - timedelta(days=8))
    assert "within 7 days" in " ".join(exc.value.message_dict["given_on"])
    with pytest.raises(ValidationError) as exc:
        _record(
            actor,
            jonas,
            given_on=TODAY - timedelta(days=3),
            valid_from=TODAY - timedelta(days=3),
            valid_to=TODAY - timedelta(days=1),
        )
    assert "already ended" in " ".join(exc.value.message_dict["valid_to"])
    with pytest.raises(ValidationError) as exc:
        _record(actor, jonas, valid_from=TODAY - timedelta(days=2))
    assert "before the day it was given" in " ".join(exc.value.message_dict["valid_from"])
    with pytest.raises(ValidationError) as exc:
        _record(actor, jonas, given_on=TODAY + timedelta(days=1))
    assert "given_on" in exc.value.message_dict
    assert Consent.objects.count() == before
    # Within the grace period it is recorded, with the day it was given and the person's age that day.
    late = _record(actor, jonas, given_on=TODAY - timedelta(days=7), valid_from=TODAY - timedelta(days=7))
    assert late.given_on == TODAY - timedelta(days=7) and late.person_age == jonas.age_on(late.given_on)


# --- twins --------------------------------------------------------------------------------------------------


def test_a_twin_of_a_consent_in_force_is_refused_by_the_service_and_by_the_database(demo: dict[str, User]) -> None:
    jonas = Person.objects.get(given_name="Jonas")
    actor = demo["koordinator"]
    first = _record(actor, jonas, categories=[Category.HEALTH], recipients=[_org("Demo helsetjeneste")])
    with pytest.raises(ValidationError) as exc:
        _record(actor, jonas, categories=[Category.HEALTH], recipients=[_org("Demo helsetjeneste")])
    assert "already recorded" in str(exc.value)
    # The database itself refuses a second row in force with the same fingerprint, whoever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=first.person,
            given_by=first.given_by,
            recorded_by=actor,
            recorded_for_organisation=first.recorded_for_organisation,
            recipients=first.recipients,
            categories=first.categories,
            purpose=first.purpose,
            valid_from=first.valid_from,
            valid_to=first.valid_to,
            form=first.form,
            evidence_note="x",
            how_informed="y",
            fingerprint=first.fingerprint,
        )
    # Once withdrawn, no twin is left in force, and the same consent may be given again.
    services.consent_withdraw(actor=actor, consent_id=first.pk)
    assert not Consent.objects.current(TODAY).filter(categories=[Category.HEALTH]).exists()
    again = _record(actor, jonas, categories=[Category.HEALTH], recipients=[_org("Demo helsetjeneste")])
    assert again.fingerprint == first.fingerprint


# --- replacement ------------------------------------------------------------------------------------------------


def test_done_a_newer_narrower_consent_replaces_the_older_broader_one(demo: dict[str, User]) -> None:
    jonas = Case.objects.get(person__given_name="Jonas")
    actor = demo["koordinator"]
    older = Consent.objects.get(recipients=[_org("Nav Demo").pk], categories=sorted(NAV_CATEGORIES))
    assert _asks_nav(actor, jonas, [Category.MAPPING]).decision.allowed
    newer = _record(actor, jonas.person, categories=[Category.WORK])
    older.refresh_from_db()
    assert older.ended_reason == ConsentEnd.REPLACED and older.replaced_by == newer and older.withdrawn_at is None
    in_force = Consent.objects.current(TODAY).filter(person=jonas.person)
    to_nav = {category for c in in_force if _org("Nav Demo").pk in c.recipients for category in c.categories}
    assert Category.WORK in to_nav and not {Category.MAPPING, Category.PLAN} & to_nav
    refused = _asks_nav(actor, jonas, [Category.MAPPING])
    assert not refused.decision.allowed and refused.consent == newer
    assert _asks_nav(actor, jonas, [Category.WORK]).decision.bases[0] == "consent"
    # The school's consent (another recipient) is untouched.
    assert in_force.filter(recipients=[_org("Demo videregående skole").pk]).exists()


def test_a_newer_consent_goes_on_for_the_older_ones_other_recipients(demo: dict[str, User]) -> None:
    jonas = Person.objects.get(given_name="Jonas")
    actor = demo["koordinator"]
    both = _record(
        actor, jonas, categories=[Category.HEALTH], recipients=[_org("Nav Demo"), _org("Demo helsetjeneste")]
    )
    _record(actor, jonas, categories=[Category.HEALTH, Category.PLAN], recipients=[_org("Nav Demo")])
    both.refresh_from_db()
    assert both.ended_at is not None
    rest = Consent.objects.current(TODAY).get(person=jonas, categories=[Category.HEALTH])
    assert rest.recipients == [_org("Demo helsetjeneste").pk]
    # A consent about other categories only leaves the older one standing.
    other = _record(actor, jonas, categories=[Category.NETWORK], recipients=[_org("Demo helsetjeneste")])
    rest.refresh_from_db()
    assert rest.ended_at is None and other.ended_at is None


# --- ages (R19), with time-machine ---------------------------------------------------------------------------


def test_R19_age_transitions_15_16_17_and_18(demo: dict[str, User]) -> None:
    worker = demo["saksbehandler"]
    born = TODAY - timedelta(days=15 * 365 + 100)
    case = _young_case(worker, born)
    person = case.person
    assert person.age_on(TODAY) == 15
    # 15: the person cannot consent alone, not even to sharing health information.
    with pytest.raises(ValidationError) as exc:
        _record(worker, person, categories=[Category.HEALTH])
    assert "under 16 the guardians" in " ".join(exc.value.message_dict["given_by"])
    with pytest.raises(ValidationError) as exc:
        _record(worker, person, given_by=ConsentGiver.GUARDIANS)
    assert set(exc.value.message_dict) == {"child_view"}
    guardians = _record(worker, person, given_by=ConsentGiver.GUARDIANS, child_view="Ola synes det er greit.")
    assert (guardians.person_age, guardians.given_by) == (15, ConsentGiver.GUARDIANS)

    sixteen = _years_after(born, 16)
    with _at(sixteen):
        # 16: alone, for health information only.
        health = _record(worker, person, categories=[Category.HEALTH], recipients=[_org("Demo helsetjeneste")])
        assert health.person_age == 16
        with pytest.raises(ValidationError) as exc:
            _record(worker, person, categories=[Category.SCHOOL], recipients=[_org("Demo videregående skole")])
        assert "only to sharing health information" in " ".join(exc.value.message_dict["given_by"])

    seventeen = _years_after(born, 17) + timedelta(days=30)
    with _at(seventeen):
        assert not Consent.objects.current(seventeen).filter(pk=guardians.pk).exists()  # expired after 300 days
        renewed = _record(worker, person, given_by=ConsentGiver.GUARDIANS, child_view="Fortsatt greit.")
        assert renewed.person_age == 17


def test_done_the_person_turning_18_under_a_guardians_consent(demo: dict[str, User]) -> None:
    worker = demo["saksbehandler"]
    born = TODAY - timedelta(days=18 * 365 - 40)  # turns 18 in about 40 days
    case = _young_case(worker, born)
    guardians = _record(worker, case.person, given_by=ConsentGiver.GUARDIANS, child_view="Ola er enig.")
    together = _record(
        worker,
        case.person,
        given_by=ConsentGiver.BOTH,
        child_view="Ola er enig.",
        categories=[Category.WORK],
        recipients=[_org("Nav Demo")],
    )
    assert _asks_nav(worker, case, [Category.PLAN]).decision.allowed
    eighteen = _years_after(born, 18)
    with _at(eighteen - timedelta(days=1)):
        assert Consent.objects.current(eighteen - timedelta(days=1)).filter(pk=guardians.pk).exists()
        assert _asks_nav(worker, case, [Category.PLAN]).decision.allowed
    with _at(eighteen):
        # On the 18th birthday the guardians' consent no longer applies: not for the gate, not for the decision.
        assert not Consent.objects.current(eighteen).filter(pk=guardians.pk).exists()
        refused = _asks_nav(worker, case, [Category.PLAN])
        assert not refused.decision.allowed
        assert "ended when the person turned 18" in refused.explanation
        # A consent the person gave together with the guardians goes on.
        assert Consent.objects.current(eighteen).filter(pk=together.pk).exists()
        assert _asks_nav(worker, case, [Category.WORK]).decision.allowed
        # From now on the person consents alone.
        with pytest.raises(ValidationError):
            _record(worker, case.person, given_by=ConsentGiver.GUARDIANS, child_view="x")
        assert _record(worker, case.person, categories=[Category.SCHOOL]).person_age == 18
