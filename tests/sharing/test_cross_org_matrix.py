"""The cross-organisation authorization matrix (G05): for every demo role, which categories of
a case-1 item owned by another organisation are visible, without consent and with consent.

The expected tables are written by hand from DOMAIN.md and D17: the owner's members on the team see
everything; a recipient organisation sees exactly the categories a current consent names; withdrawal
hides them at once; users without a seat on the case see nothing, whatever their organisation. The
mentor is left out: a mentor-only seat is narrowed further by the mentor agreement (R26, mentoring).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers import sees
from utvei.access.categories import Category
from utvei.accounts.models import Organisation, User
from utvei.cases.models import Case, CaseAdvice
from utvei.sharing import services
from utvei.sharing.demo import NAV_CATEGORIES, SCHOOL_CATEGORIES
from utvei.sharing.models import Consent

ALL = frozenset(Category.values)
NONE: frozenset[str] = frozenset()
ROLES = ["saksbehandler", "koordinator", "slt", "politikontakt", "skole", "barnevern", "nav", "helse"]
ROLES += ["personvern", "admin", "nabo"]


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _item(owner: str) -> CaseAdvice:
    """Give an item of case 1 owned by ``owner`` (the engine reads its case and its owner, not its kind)."""
    return CaseAdvice(case=Case.objects.get(person__given_name="Jonas"), owner_organisation=_org(owner))


def _visible(user: User, item: CaseAdvice) -> frozenset[str]:
    return frozenset(c for c in Category.values if sees(user, item, c))


def _start_from_nothing() -> None:
    for consent in Consent.objects.current(timezone.localdate()):
        services.consent_withdraw(actor=consent.recorded_by, consent_id=consent.pk)


def _consent(actor: User, discloser: str, recipient: str, categories: tuple[str, ...]) -> Consent:
    today = timezone.localdate()
    return services.consent_record(
        actor=actor,
        person_id=Case.objects.get(person__given_name="Jonas").person_id,
        organisation=_org(discloser),
        recipients=[_org(recipient)],
        categories=list(categories),
        purpose="coordination",
        valid_from=today,
        valid_to=today + timedelta(days=180),
        given_by="person",
        form="written",
        evidence_note="Signert skjema.",
        how_informed="Gjennomgått muntlig.",
    )


MUNICIPALITY_OWNERS = {"saksbehandler": ALL, "koordinator": ALL}

WITHOUT_CONSENT = dict.fromkeys(ROLES, NONE) | MUNICIPALITY_OWNERS
WITH_CONSENT = WITHOUT_CONSENT | {"nav": frozenset(NAV_CATEGORIES), "skole": frozenset(SCHOOL_CATEGORIES)}


@pytest.mark.parametrize("role", ROLES)
def test_G05_an_item_of_the_municipality_without_consent(demo: dict[str, User], role: str) -> None:
    _start_from_nothing()
    assert _visible(demo[role], _item("Demo kommune")) == WITHOUT_CONSENT[role]


def test_G05_an_item_of_the_municipality_with_consent_and_after_withdrawal(demo: dict[str, User]) -> None:
    _start_from_nothing()
    coordinator = demo["koordinator"]
    to_nav = _consent(coordinator, "Demo kommune", "Nav Demo", NAV_CATEGORIES)
    _consent(coordinator, "Demo kommune", "Demo videregående skole", SCHOOL_CATEGORIES)
    item = _item("Demo kommune")
    got = {role: _visible(demo[role], item) for role in ROLES}
    assert got == WITH_CONSENT
    services.consent_withdraw(actor=coordinator, consent_id=to_nav.pk)
    assert _visible(demo["nav"], item) == NONE
    assert _visible(demo["skole"], item) == frozenset(SCHOOL_CATEGORIES)


def test_G05_an_item_of_nav_is_opened_to_the_municipality_only_by_navs_own_consent(demo: dict[str, User]) -> None:
    _start_from_nothing()
    item = _item("Nav Demo")
    expected = dict.fromkeys(ROLES, NONE) | {"nav": ALL}
    assert {role: _visible(demo[role], item) for role in ROLES} == expected
    # A consent recorded by the municipality does not open NAV's items: the discloser must be the owner.
    _consent(demo["koordinator"], "Demo kommune", "Nav Demo", (Category.WORK,))
    assert _visible(demo["koordinator"], item) == NONE
    _consent(demo["nav"], "Nav Demo", "Demo kommune", (Category.WORK,))
    opened = expected | {"saksbehandler": frozenset({Category.WORK}), "koordinator": frozenset({Category.WORK})}
    assert {role: _visible(demo[role], item) for role in ROLES} == opened


def test_done_means_nav_sees_exactly_the_categories_consented_to_nav_in_the_demo(demo: dict[str, User]) -> None:
    nav, item = demo["nav"], _item("Demo kommune")
    consented: set[str] = set()
    for consent in Consent.objects.current(timezone.localdate()).filter(
        recorded_for_organisation=_org("Demo kommune"), person__given_name="Jonas"
    ):
        if _org("Nav Demo").pk in consent.recipients:
            consented |= set(consent.categories)
    visible = _visible(nav, item)
    assert visible == consented
    assert set(NAV_CATEGORIES) <= visible
    assert not visible & {Category.HEALTH, Category.POLICE, Category.CONCERN, Category.CONVERSATIONS, Category.IDENTITY}
    for consent in Consent.objects.current(timezone.localdate()).filter(person__given_name="Jonas"):
        if _org("Nav Demo").pk in consent.recipients:
            services.consent_withdraw(actor=consent.recorded_by, consent_id=consent.pk)
    assert _visible(nav, item) == NONE


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
