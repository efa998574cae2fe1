"""G07: consents under any sequence of grant, narrowing, withdrawal, expiry and use.

A Hypothesis state machine drives the real services on the demo world (each example inside a savepoint
that is rolled back) and keeps a model of what the person has agreed to. Its invariants: no use without
a consent in force that covers it, and disclosures already made are never changed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from utvei.access.categories import Category
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.cases.models import Case
from utvei.sharing import services
from utvei.sharing.models import Consent, Disclosure

CATEGORIES = [Category.PLAN, Category.WORK, Category.SCHOOL]
RECIPIENT = "Demo helsetjeneste"


def _snapshot(disclosure: Disclosure) -> tuple[object, ...]:
    return (
        disclosure.consent_id,
        disclosure.basis,
        tuple(disclosure.categories),
        disclosure.recipient_organisation_id,
        disclosure.content_summary,
        disclosure.decided_at,
        disclosure.legal_basis_id,
    )


class ConsentMachine(RuleBasedStateMachine):
    """Drive one person's consents towards one recipient and check every use against a model."""

    actor: User

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        start = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))
        self._clock = time_machine.travel(start, tick=False)
        self._coordinates = self._clock.start()
        self.case = Case.objects.select_related("person").get(person__given_name="Jonas")
        self.discloser = Organisation.objects.get(name="Demo kommune")
        self.recipient = Organisation.objects.get(name=RECIPIENT)
        # The model: consent id -> (categories, last day), for the versions the person's word keeps in force.
        self.in_force: dict[int, tuple[frozenset[str], object]] = {}
        self.made: dict[int, tuple[object, ...]] = {}

    def teardown(self) -> None:
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the model --------------------------------------------------------------------------------------

    def _today(self) -> object:
        return timezone.localdate()

    def _expire(self) -> None:
        today = self._today()
        self.in_force = {pk: (cats, end) for pk, (cats, end) in self.in_force.items() if end >= today}  # type: ignore[operator]

    def _covered(self, category: str) -> bool:
        self._expire()
        return any(category in cats for cats, _end in self.in_force.values())

    def _replace(self, new_pk: int, categories: frozenset[str], end: object) -> None:
        # The person's newer word towards this recipient takes the place of every older one it overlaps.
        self._expire()
        self.in_force = {pk: v for pk, v in self.in_force.items() if not v[0] & categories}
        self.in_force[new_pk] = (categories, end)

    # --- rules ---------------------------------------------------------------------------------------------

    @rule(categories=st.sets(st.sampled_from(CATEGORIES), min_size=1), days=st.integers(min_value=1, max_value=90))
    def grant(self, categories: set[str], days: int) -> None:
        today = self._today()
        try:
            consent = services.consent_record(
                actor=self.actor,
                person_id=self.case.person_id,
                organisation=self.discloser,
                recipients=[self.recipient],
                categories=sorted(categories),
                purpose="coordination",
                valid_from=today,  # type: ignore[arg-type]
                valid_to=today + timedelta(days=days),  # type: ignore[operator]
                given_by="person",
                form="written",
                evidence_note="Signert skjema.",
                how_informed="Gjennomgått.",
            )
        except ValidationError as exc:
            # Only a twin of a consent in force may be refused here.
            assert "already recorded" in str(exc) or "allerede registrert" in str(exc)
            return
        self._replace(consent.pk, frozenset(categories), consent.valid_to)

    @precondition(lambda self: bool(self.in_force))
    @rule(data=st.data())
    def narrow(self, data: st.DataObject) -> None:
        self._expire()
        if not self.in_force:
            return
        pk = data.draw(st.sampled_from(sorted(self.in_force)))
        categories, end = self.in_force[pk]
        if len(categories) < 2:
            return
        kept = data.draw(st.sets(st.sampled_from(sorted(categories)), min_size=1, max_size=len(categories) - 1))
        old = Consent.objects.get(pk=pk)
        try:
            new = services.consent_amend(
                actor=self.actor,
                consent_id=pk,
                recipients=[self.recipient],
                categories=sorted(kept),
                purpose=old.purpose,
                valid_from=self._today(),  # type: ignore[arg-type]
                valid_to=old.valid_to,
                given_by=old.given_by,
                form=old.form,
                evidence_note=old.evidence_note,
                how_informed=old.how_informed,
                expected_version=old.version,
            )
        except ValidationError as exc:
            assert "already recorded" in str(exc) or "allerede registrert" in str(exc)
            return
        del self.in_force[pk]
        self._replace(new.pk, frozenset(kept), new.valid_to)

    @precondition(lambda self: bool(self.in_force))
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        pk = data.draw(st.sampled_from(sorted(self.in_force)))
        services.consent_withdraw(actor=self.actor, consent_id=pk)
        del self.in_force[pk]

    @rule(days=st.integers(min_value=1, max_value=60))
    def expire(self, days: int) -> None:
        self._coordinates.shift(timedelta(days=days))
        self._expire()

    @rule(category=st.sampled_from(CATEGORIES))
    def use(self, category: str) -> None:
        expected = self._covered(category)
        try:
            disclosure = services.disclosure_record(
                actor=self.actor,
                case_id=self.case.pk,
                recipient_organisation=self.recipient,
                recipient_kind=OrganisationKind.HEALTH,
                categories=[category],
                basis="consent",
                content_summary="Kort sammendrag.",
                purpose="coordination",
                person_informed=True,
                find_consent=True,
            )
        except ValidationError:
            assert not expected, f"a consent in force covers {category}, but the use was refused"
            return
        assert expected, f"{category} was shared although no consent in force covers it"
        # The consent it rests on is in force today and covers what was shared.
        assert disclosure.consent is not None
        assert Consent.objects.current(self._today()).filter(pk=disclosure.consent_id).exists()  # type: ignore[arg-type]
        assert category in disclosure.consent.categories
        self.made[disclosure.pk] = _snapshot(disclosure)

    # --- invariants --------------------------------------------------------------------------------------

    @invariant()
    def no_consent_in_force_beyond_the_persons_word(self) -> None:
        self._expire()
        current = Consent.objects.current(self._today()).filter(  # type: ignore[arg-type]
            person_id=self.case.person_id, recorded_for_organisation=self.discloser
        )
        to_recipient = {
            category
            for consent in current
            if self.recipient.pk in consent.recipients
            for category in consent.categories
        }
        assert to_recipient == {category for cats, _end in self.in_force.values() for category in cats}

    @invariant()
    def disclosures_already_made_are_never_changed(self) -> None:
        for disclosure in Disclosure.objects.filter(pk__in=self.made):
            assert _snapshot(disclosure) == self.made[disclosure.pk]
        assert Disclosure.objects.filter(pk__in=self.made).count() == len(self.made)


def test_G07_no_use_without_a_consent_in_force_and_disclosures_are_never_changed(demo: dict[str, User]) -> None:
    ConsentMachine.actor = demo["koordinator"]
    run_state_machine_as_test(
        ConsentMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
