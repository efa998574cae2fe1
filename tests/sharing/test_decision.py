"""The sharing decision, row by row (S1–S15), rule by rule (R12–R16, R19–R21) and for each sector rule.

None of these tests has database access (pytest-django refuses it unless asked), which proves that
``decide`` is pure. The legal references come from a fake lookup; the seeded ones are tested in
``test_legal_bases.py``. What the records know (sector, confirmed status, public bodies, age) is passed in
as the services pass it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from utvei.access.categories import Category
from utvei.accounts.models import OrganisationKind as Kind
from utvei.accounts.models import ProfessionalStatus as Status
from utvei.accounts.models import Sector
from utvei.sharing.decision import (
    ROW,
    BasisCode,
    ChildWelfareCondition,
    ConsentScope,
    Giver,
    LegalReference,
    OtherRecipient,
    Purpose,
    RuleCode,
    SharingDecision,
    SharingRequest,
    WeightyInterest,
    WeightyInterests,
    decide,
    record_fields,
)

ON = date(2026, 6, 1)
B = BasisCode
AGES = {RuleCode.HEALTH_CONSENT_AGE: 16, RuleCode.AGE_OF_MAJORITY: 18}


def _lookup(code: str, on: date) -> LegalReference | None:
    if code in AGES:
        return LegalReference(
            code=code, law="testloven", section="§ alder", title_nb="alder", title_en="age", age=AGES[code]
        )
    if code == RuleCode.CHILD_HEARD:
        return LegalReference(code=code, law="testloven", section="§ barn", title_nb="barn", title_en="child")
    return LegalReference(
        code=code, law="testloven", section=f"§ {ROW[B(code)]}", title_nb=f"tittel {code}", title_en=f"title {code}"
    )


def _consent(**overrides: object) -> ConsentScope:
    fields: dict[str, object] = {
        "recipients": frozenset({Kind.NAV}),
        "categories": frozenset({Category.PLAN, Category.WORK}),
        "purposes": frozenset({Purpose.COORDINATION, Purpose.INDIVIDUAL_PLAN}),
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2026, 12, 31),
        "given_by": Giver.PERSON,
        "giver_age": 30,
    }
    fields.update(overrides)
    return ConsentScope(**fields)  # type: ignore[arg-type]


def _request(**overrides: object) -> SharingRequest:
    # A municipal case worker sharing plan information about an adult with NAV for coordination, with no basis.
    fields: dict[str, object] = {
        "discloser_kind": Kind.MUNICIPALITY,
        "recipient_kind": Kind.NAV,
        "categories": frozenset({Category.PLAN}),
        "purpose": Purpose.COORDINATION,
        "on": ON,
        "person_age": 30,
    }
    fields.update(overrides)
    return SharingRequest(**fields)  # type: ignore[arg-type]


def _decide(**overrides: object) -> SharingDecision:
    return decide(_request(**overrides), lookup=_lookup)


# Confirmed statuses, as ``request_facts`` reads them from the memberships.
HEALTH = {"discloser_kind": Kind.HEALTH, "discloser_status": Status.HEALTH_PERSONNEL}
TEACHER = {"discloser_kind": Kind.SCHOOL, "discloser_status": Status.TEACHER}
POLICE_OFFICER = {"discloser_kind": Kind.POLICE_DISTRICT, "discloser_status": Status.POLICE}
SOCIAL_SERVICES = {"discloser_kind": Kind.NAV, "discloser_sector": Sector.SOCIAL_SERVICES}
CHILD_WELFARE = {"discloser_kind": Kind.CHILD_WELFARE}
TO_POLICE = {"recipient_kind": Kind.POLICE_DISTRICT, "purpose": Purpose.SECURITY}
MINOR = {"person_age": 16}
CONDITION_C = {"child_welfare_conditions": frozenset({ChildWelfareCondition.SERIOUS_BEHAVIOURAL_PROBLEMS})}
JUDGEMENT = WeightyInterests(
    interests=frozenset({WeightyInterest.SERIOUS_CRIME}),
    reasons="Planlagt vold mot en navngitt person; kriminalomsorgen må kunne hindre det.",
    outweighs_confidentiality=True,
)

# (id, basis under test, request, allowed, first basis). Each basis has an allowed and a denied case.
TABLE: list[tuple[str, BasisCode, SharingRequest, bool, BasisCode | None]] = [
    ("S1-consent-within-scope-allowed", B.CONSENT, _request(consent=_consent()), True, B.CONSENT),
    ("S1-no-consent-denied", B.CONSENT, _request(), False, None),
    (
        "S1-health-consent-of-the-patient-allowed",
        B.HEALTH_CONSENT,
        _request(
            **HEALTH,
            categories=frozenset({Category.HEALTH}),
            consent=_consent(categories=frozenset({Category.HEALTH})),
        ),
        True,
        B.HEALTH_CONSENT,
    ),
    ("S1-health-without-consent-denied", B.HEALTH_CONSENT, _request(**HEALTH), False, None),
    (
        "S2-anonymised-consultation-allowed",
        B.ANONYMISED,
        _request(
            recipient_kind=Kind.RESOURCE_CENTRE,
            purpose=Purpose.CONSULTATION,
            categories=frozenset({Category.CONCERN, Category.CONVERSATIONS}),
            anonymised=True,
        ),
        True,
        B.ANONYMISED,
    ),
    (
        "S2-anonymised-flag-with-identity-category-denied",
        B.ANONYMISED,
        _request(
            recipient_kind=Kind.OTHER,
            purpose=Purpose.CONSULTATION,
            categories=frozenset({Category.IDENTITY, Category.CONCERN}),
            anonymised=True,
        ),
        False,
        None,
    ),
    (
        "S3-same-public-body-from-the-register-allowed",
        B.SAME_ORGAN,
        _request(recipient_kind=Kind.CHILD_WELFARE, discloser_body=1, recipient_body=1),
        True,
        B.SAME_ORGAN,
    ),
    (
        "S3-two-public-bodies-denied",
        B.SAME_ORGAN,
        _request(recipient_kind=Kind.SCHOOL, discloser_body=1, recipient_body=2),
        False,
        None,
    ),
    (
        "S3-child-welfare-within-its-municipality-denied",
        B.SAME_ORGAN,
        _request(**CHILD_WELFARE, recipient_kind=Kind.MUNICIPALITY, discloser_body=1, recipient_body=1),
        False,
        None,
    ),
    (
        "S4-own-tasks-to-another-public-body-allowed",
        B.OWN_TASKS,
        _request(
            discloser_kind=Kind.CORRECTIONAL_SERVICE, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True
        ),
        True,
        B.OWN_TASKS,
    ),
    (
        "S4-own-tasks-to-a-private-provider-denied",
        B.OWN_TASKS,
        _request(recipient_kind=Kind.OTHER, necessary_for_own_tasks=True),
        False,
        None,
    ),
    (
        "S4-NAV-for-its-own-tasks-under-the-NAV-act-allowed",
        B.NAV_SHARING,
        _request(discloser_kind=Kind.NAV, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True),
        True,
        B.NAV_SHARING,
    ),
    (
        "S4-NAV-about-an-offence-only-denied-R14",
        B.NAV_SHARING,
        _request(discloser_kind=Kind.NAV, **TO_POLICE, offence_concern=True),
        False,
        None,
    ),
    (
        "S4-social-services-to-avert-substantial-danger-allowed",
        B.SOCIAL_SERVICES_SHARING,
        _request(**SOCIAL_SERVICES, **TO_POLICE, danger_to_life_or_health=True),
        True,
        B.SOCIAL_SERVICES_SHARING,
    ),
    (
        "S4-social-services-to-a-private-person-denied",
        B.SOCIAL_SERVICES_SHARING,
        _request(**SOCIAL_SERVICES, recipient_kind=OtherRecipient.PRIVATE_PERSON, necessary_for_own_tasks=True),
        False,
        None,
    ),
    (
        "S4-child-welfare-for-its-own-tasks-allowed",
        B.CHILD_WELFARE_SHARING,
        _request(**CHILD_WELFARE, recipient_kind=Kind.SCHOOL, necessary_for_own_tasks=True),
        True,
        B.CHILD_WELFARE_SHARING,
    ),
    (
        "S4-child-welfare-to-police-about-an-offence-denied",
        B.CHILD_WELFARE_SHARING,
        _request(**CHILD_WELFARE, **TO_POLICE, offence_concern=True),
        False,
        None,
    ),
    (
        "S5-offence-to-police-allowed",
        B.OFFENCES,
        _request(**TO_POLICE, categories=frozenset({Category.POLICE}), offence_concern=True),
        True,
        B.OFFENCES,
    ),
    (
        "S5-offence-to-school-denied",
        B.OFFENCES,
        _request(recipient_kind=Kind.SCHOOL, offence_concern=True),
        False,
        None,
    ),
    (
        "S6-danger-to-a-private-person-allowed",
        B.DANGER,
        _request(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True),
        True,
        B.DANGER,
    ),
    (
        "S6-no-danger-to-a-private-person-denied",
        B.DANGER,
        _request(recipient_kind=OtherRecipient.PRIVATE_PERSON),
        False,
        None,
    ),
    (
        "S7-regulation-in-force-allowed",
        B.REGULATION,
        _request(**TO_POLICE, regulation_in_force=True),
        True,
        B.REGULATION,
    ),
    ("S7-no-regulation-by-default-denied", B.REGULATION, _request(**TO_POLICE), False, None),
    (
        "S8-duty-to-avert-overrides-health-confidentiality-allowed",
        B.DUTY_TO_AVERT,
        _request(**HEALTH, **TO_POLICE, categories=frozenset({Category.HEALTH}), avert_listed_offence_most_likely=True),
        True,
        B.DUTY_TO_AVERT,
    ),
    (
        "S8-suspicion-below-most-likely-from-NAV-denied",
        B.DUTY_TO_AVERT,
        _request(discloser_kind=Kind.NAV, **TO_POLICE, offence_concern=True),
        False,
        None,
    ),
    (
        "S9-imminent-danger-health-personnel-allowed",
        B.DUTY_TO_HELP,
        _request(**HEALTH, recipient_kind=OtherRecipient.PRIVATE_PERSON, imminent_danger_to_life=True),
        True,
        B.DUTY_TO_HELP,
    ),
    (
        "S9-no-imminent-danger-health-personnel-denied",
        B.DUTY_TO_HELP,
        _request(**HEALTH, recipient_kind=OtherRecipient.PRIVATE_PERSON),
        False,
        None,
    ),
    (
        "S10-municipal-worker-minor-with-serious-behavioural-problems-allowed",
        B.CHILD_WELFARE_DUTY,
        _request(recipient_kind=Kind.CHILD_WELFARE, **MINOR, **CONDITION_C),
        True,
        B.CHILD_WELFARE_DUTY,
    ),
    (
        "S10-adult-to-child-welfare-denied",
        B.CHILD_WELFARE_DUTY,
        _request(recipient_kind=Kind.CHILD_WELFARE, **CONDITION_C),
        False,
        None,
    ),
    (
        "S10-minor-without-any-condition-denied",
        B.CHILD_WELFARE_DUTY,
        _request(recipient_kind=Kind.CHILD_WELFARE, **MINOR),
        False,
        None,
    ),
    (
        "S10-health-personnel-under-their-own-act-allowed",
        B.CHILD_WELFARE_DUTY_HEALTH,
        _request(**HEALTH, recipient_kind=Kind.CHILD_WELFARE, **MINOR, **CONDITION_C),
        True,
        B.CHILD_WELFARE_DUTY_HEALTH,
    ),
    (
        "S10-health-personnel-about-an-adult-denied",
        B.CHILD_WELFARE_DUTY_HEALTH,
        _request(**HEALTH, recipient_kind=Kind.CHILD_WELFARE, **CONDITION_C),
        False,
        None,
    ),
    (
        "S10-teacher-under-the-education-act-allowed",
        B.CHILD_WELFARE_DUTY_SCHOOL,
        _request(**TEACHER, recipient_kind=Kind.CHILD_WELFARE, **MINOR, **CONDITION_C),
        True,
        B.CHILD_WELFARE_DUTY_SCHOOL,
    ),
    (
        "S10-teacher-to-police-instead-of-child-welfare-denied",
        B.CHILD_WELFARE_DUTY_SCHOOL,
        _request(**TEACHER, **TO_POLICE, **MINOR, **CONDITION_C),
        False,
        None,
    ),
    (
        "S11-health-personnel-recorded-weighty-interests-judgement-allowed",
        B.HEALTH_RIGHT,
        _request(**HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE, weighty_interests=JUDGEMENT),
        True,
        B.HEALTH_RIGHT,
    ),
    (
        "S11-an-offence-alone-is-no-weighty-interests-judgement-denied",
        B.HEALTH_RIGHT,
        _request(**HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE, offence_concern=True),
        False,
        None,
    ),
    (
        "S11-a-judgement-without-reasons-denied",
        B.HEALTH_RIGHT,
        _request(
            **HEALTH,
            recipient_kind=Kind.CORRECTIONAL_SERVICE,
            weighty_interests=WeightyInterests(
                interests=frozenset({WeightyInterest.SERIOUS_CRIME}), reasons="  ", outweighs_confidentiality=True
            ),
        ),
        False,
        None,
    ),
    (
        "S12-health-personnel-alerts-police-to-danger-allowed",
        B.HEALTH_EMERGENCY,
        _request(**HEALTH, **TO_POLICE, danger_to_life_or_health=True),
        True,
        B.HEALTH_EMERGENCY,
    ),
    (
        "S12-health-service-worker-without-confirmed-status-denied",
        B.HEALTH_EMERGENCY,
        _request(discloser_kind=Kind.HEALTH, **TO_POLICE, danger_to_life_or_health=True),
        False,
        None,
    ),
    (
        "S13-police-share-under-own-rules-allowed",
        B.POLICE_RULES,
        _request(
            **POLICE_OFFICER,
            recipient_kind=Kind.MUNICIPALITY,
            categories=frozenset({Category.POLICE}),
            police_shared_under_own_rules=True,
        ),
        True,
        B.POLICE_RULES,
    ),
    (
        "S13-police-district-staff-without-police-status-denied",
        B.POLICE_RULES,
        _request(discloser_kind=Kind.POLICE_DISTRICT, recipient_kind=Kind.SCHOOL, police_shared_under_own_rules=True),
        False,
        None,
    ),
    (
        "S14-unclassified-duty-to-avert-allowed",
        B.CLASSIFIED,
        _request(**TO_POLICE, avert_listed_offence_most_likely=True),
        True,
        B.DUTY_TO_AVERT,
    ),
    (
        "S14-classified-refused-even-with-consent-R20",
        B.CLASSIFIED,
        _request(consent=_consent(), classified=True),
        False,
        None,
    ),
    (
        "S15-report-of-offence-to-PST-allowed",
        B.REPORT_TO_POLICE,
        _request(recipient_kind=Kind.PST, purpose=Purpose.REPORT_CONCERN, offence_concern=True),
        True,
        B.OFFENCES,
    ),
    (
        "S15-report-resting-on-own-tasks-only-denied",
        B.REPORT_TO_POLICE,
        _request(recipient_kind=Kind.POLICE_DISTRICT, purpose=Purpose.REPORT_CONCERN, necessary_for_own_tasks=True),
        False,
        None,
    ),
]


@pytest.mark.parametrize(
    ("request_", "allowed", "first"), [case[2:] for case in TABLE], ids=[case[0] for case in TABLE]
)
def test_decision_table_row(request_: SharingRequest, allowed: bool, first: BasisCode | None) -> None:
    decision = decide(request_, lookup=_lookup)
    assert decision.allowed is allowed, decision.explanation_en
    if allowed:
        assert decision.bases[0] == first
        assert decision.must_record[0] == "basis"
        assert decision.explanation_nb.startswith("Delingen er tillatt.")
        assert decision.explanation_en.startswith("Sharing is allowed.")
    else:
        assert decision.bases == ()
        assert decision.must_record == ()
        assert decision.explanation_nb.startswith("Delingen er")
        assert "not allowed" in decision.explanation_en or "refused" in decision.explanation_en


def test_the_table_covers_every_row_and_every_basis_with_an_allowed_and_a_denied_case() -> None:
    by_row: dict[str, set[bool]] = {}
    by_code: dict[BasisCode, set[bool]] = {}
    for case_id, code, _, allowed, _unused in TABLE:
        by_row.setdefault(case_id.split("-")[0], set()).add(allowed)
        by_code.setdefault(code, set()).add(allowed)
    assert by_row == {row: {True, False} for row in ROW.values()}
    assert by_code == {code: {True, False} for code in BasisCode}


# --- facts from the records, not ticks ------------------------------------------------------------------


def test_done_a_municipal_worker_a_health_worker_and_a_teacher_asking_the_same_question_get_different_answers() -> None:
    # The same question: a 16-year-old shows serious behavioural problems; tell child welfare, and, for the
    # follow-up, share it with the correctional service.
    question = {"recipient_kind": Kind.CHILD_WELFARE, **MINOR, **CONDITION_C}
    municipal = _decide(**question)
    health = _decide(**HEALTH, **question)
    teacher = _decide(**TEACHER, **question)
    assert (municipal.bases, health.bases, teacher.bases) == (
        (B.CHILD_WELFARE_DUTY,),
        (B.CHILD_WELFARE_DUTY_HEALTH,),
        (B.CHILD_WELFARE_DUTY_SCHOOL,),
    )
    assert "title child_welfare_duty_health" in health.explanation_en
    onward = {"recipient_kind": Kind.CORRECTIONAL_SERVICE, "necessary_for_own_tasks": True}
    assert _decide(**onward).bases == (B.OWN_TASKS,)
    assert not _decide(**HEALTH, **onward).allowed  # the health rules give no "own tasks" right (R15)
    assert _decide(**TEACHER, **onward).bases == (B.OWN_TASKS,)


def test_a_health_service_worker_without_confirmed_status_is_bound_but_gets_no_health_rights() -> None:
    decision = _decide(
        discloser_kind=Kind.HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE, weighty_interests=JUDGEMENT
    )
    assert not decision.allowed
    assert B.HEALTH_RIGHT not in decision.candidates
    assert {B.OWN_TASKS, B.DANGER, B.OFFENCES} & set(decision.candidates) == set()
    assert "no professional status as authorised health personnel is confirmed" in " ".join(
        notice.text_en for notice in decision.warnings
    )


def test_a_municipal_worker_never_gets_the_health_personnel_act() -> None:
    decision = _decide(**TO_POLICE, danger_to_life_or_health=True, weighty_interests=JUDGEMENT)
    assert decision.bases == (B.DANGER,)
    assert {B.HEALTH_RIGHT, B.HEALTH_EMERGENCY, B.HEALTH_CONSENT}.isdisjoint(decision.candidates)


def test_same_organ_comes_only_from_the_register_of_public_bodies() -> None:
    assert not _decide(recipient_kind=Kind.SCHOOL).allowed
    assert not _decide(recipient_kind=Kind.SCHOOL, discloser_body=None, recipient_body=None).allowed
    assert _decide(recipient_kind=Kind.SCHOOL, discloser_body=7, recipient_body=7).bases == (B.SAME_ORGAN,)


# --- S1 consent scope (R12) and withdrawal (R13) ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "consent_overrides", "phrase"),
    [
        pytest.param(
            {"recipient_kind": Kind.POLICE_DISTRICT}, {}, "does not cover the recipient", id="R12-wrong-recipient"
        ),
        pytest.param(
            {"categories": frozenset({Category.PLAN, Category.HEALTH})},
            {},
            "does not cover the categories Health",
            id="R12-missing-category",
        ),
        pytest.param(
            {"purpose": Purpose.SECURITY}, {}, "does not cover the purpose (security)", id="R12-wrong-purpose"
        ),
        pytest.param({"on": date(2027, 1, 1)}, {}, "expired on 31 Dec 2026", id="R12-expired"),
        pytest.param({"on": date(2025, 12, 31)}, {}, "applies only from 1 Jan 2026", id="R12-not-yet-valid"),
        pytest.param({}, {"withdrawn_at": ON}, "withdrawn on 1 Jun 2026", id="R13-withdrawn"),
    ],
)
def test_consent_outside_its_scope_does_not_allow_sharing(
    overrides: dict[str, object], consent_overrides: dict[str, object], phrase: str
) -> None:
    decision = _decide(consent=_consent(**consent_overrides), **overrides)
    assert not decision.allowed
    assert phrase in decision.explanation_en
    assert "Samtykket dekker ikke delingen" in decision.explanation_nb
    # Consent is still offered as the way forward (R12: block and offer another basis).
    assert B.CONSENT in decision.candidates


def test_R12_consent_on_its_last_day_still_allows_sharing() -> None:
    assert _decide(consent=_consent(), on=date(2026, 12, 31)).bases == (B.CONSENT,)


def test_R12_consent_covering_only_some_categories_is_not_enough() -> None:
    decision = _decide(consent=_consent(), categories=frozenset({Category.PLAN, Category.WORK, Category.NETWORK}))
    assert not decision.allowed
    assert "Network" in decision.explanation_en
    assert "Plan" not in decision.explanation_en.split("does not cover the categories")[1]


def test_R12_a_consent_must_name_its_recipients() -> None:
    with pytest.raises(ValueError, match="name its recipients"):
        _consent(recipients=frozenset({OtherRecipient.ANYONE}))
    with pytest.raises(ValueError, match="at least one recipient"):
        _consent(recipients=frozenset())


def test_R13_withdrawn_consent_blocks_consent_based_sharing_with_the_date_in_the_locale_format() -> None:
    decision = _decide(consent=_consent(withdrawn_at=date(2026, 5, 1)))
    assert not decision.allowed
    assert "trukket tilbake 01.05.2026" in decision.explanation_nb
    assert "withdrawn on 1 May 2026" in decision.explanation_en


def test_R13_withdrawal_after_the_date_leaves_earlier_sharing_lawful() -> None:
    assert _decide(consent=_consent(withdrawn_at=ON + timedelta(days=1))).bases == (B.CONSENT,)


def test_R13_withdrawn_consent_leaves_duty_to_avert_sharing_allowed() -> None:
    consent = _consent(recipients=frozenset({Kind.POLICE_DISTRICT}), purposes=frozenset({Purpose.SECURITY}))
    assert _decide(consent=consent, **TO_POLICE).bases[0] == B.CONSENT
    withdrawn = _consent(
        recipients=frozenset({Kind.POLICE_DISTRICT}), purposes=frozenset({Purpose.SECURITY}), withdrawn_at=ON
    )
    assert not _decide(consent=withdrawn, **TO_POLICE).allowed
    decision = _decide(consent=withdrawn, **TO_POLICE, avert_listed_offence_most_likely=True)
    assert decision.bases == (B.DUTY_TO_AVERT,)


# --- R19 age rules per category, each from the data -----------------------------------------------------


@pytest.mark.parametrize(
    ("giver", "giver_age", "person_age", "categories", "allowed", "phrase"),
    [
        pytest.param(Giver.PERSON, 15, 15, {Category.HEALTH}, False, "under 16 the guardians", id="15-alone-health"),
        pytest.param(Giver.PERSON, 16, 16, {Category.HEALTH}, True, "", id="16-alone-health"),
        pytest.param(Giver.PERSON, 16, 16, {Category.PLAN}, False, "covers health information only", id="16-plan"),
        pytest.param(Giver.PERSON, 17, 17, {Category.HEALTH, Category.PLAN}, False, "for Plan", id="17-mixed"),
        pytest.param(Giver.GUARDIANS, 17, 17, {Category.PLAN}, True, "", id="17-guardians"),
        pytest.param(Giver.GUARDIANS, 17, 18, {Category.PLAN}, False, "ended when the person turned 18", id="18"),
        pytest.param(Giver.BOTH, 17, 18, {Category.PLAN}, True, "", id="18-both-holds"),
        pytest.param(Giver.PERSON, 30, 30, {Category.PLAN}, True, "", id="adult"),
    ],
)
def test_R19_age_rules_apply_per_category_with_their_sources(
    giver: Giver, giver_age: int, person_age: int, categories: set[Category], allowed: bool, phrase: str
) -> None:
    consent = _consent(
        given_by=giver,
        giver_age=giver_age,
        categories=frozenset(categories),
        recipients=frozenset({Kind.NAV}),
        child_heard=giver != Giver.PERSON,
    )
    decision = _decide(person_age=person_age, consent=consent, categories=frozenset(categories))
    assert decision.allowed is allowed, decision.explanation_en
    assert phrase in decision.explanation_en


def test_R19_the_health_consent_age_is_read_from_the_data_not_the_code() -> None:
    def fifteen(code: str, on: date) -> LegalReference | None:
        reference = _lookup(code, on)
        if code == RuleCode.HEALTH_CONSENT_AGE and reference is not None:
            return LegalReference(code, reference.law, reference.section, "", "", age=15)
        return reference

    request = _request(
        person_age=15,
        categories=frozenset({Category.HEALTH}),
        consent=_consent(given_by=Giver.PERSON, giver_age=15, categories=frozenset({Category.HEALTH})),
    )
    assert not decide(request, lookup=_lookup).allowed
    assert decide(request, lookup=fifteen).allowed


def test_R19_a_guardians_consent_without_the_childs_view_is_not_enough() -> None:
    consent = _consent(given_by=Giver.GUARDIANS, giver_age=14, child_heard=False)
    decision = _decide(person_age=14, consent=consent)
    assert not decision.allowed
    assert "child's own view was not recorded" in decision.explanation_en


def test_R19_an_unknown_age_cannot_pass_the_age_rules() -> None:
    decision = _decide(person_age=None, consent=_consent())
    assert not decision.allowed
    assert "age on the day is not known" in decision.explanation_en


def test_R19_consent_for_a_minor_reminds_who_consented_and_the_childs_view() -> None:
    consent = _consent(given_by=Giver.GUARDIANS, giver_age=16, child_heard=True)
    decision = _decide(consent=consent, **MINOR)
    assert decision.bases == (B.CONSENT,)
    assert [notice.rule for notice in decision.warnings] == ["R19"]


# --- R14 sector rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discloser", "code"),
    [
        pytest.param({"discloser_kind": Kind.NAV}, B.NAV_SHARING, id="R14-NAV"),
        pytest.param(SOCIAL_SERVICES, B.SOCIAL_SERVICES_SHARING, id="R14-social-services"),
        pytest.param(CHILD_WELFARE, B.CHILD_WELFARE_SHARING, id="R14-child-welfare"),
    ],
)
def test_R14_sector_rules_replace_own_tasks_and_offences(discloser: dict[str, object], code: BasisCode) -> None:
    offence = _decide(**discloser, **TO_POLICE, offence_concern=True)
    assert not offence.allowed
    assert {B.OWN_TASKS, B.OFFENCES, B.DANGER, B.SAME_ORGAN}.isdisjoint(offence.candidates)
    assert code in offence.candidates
    assert [notice.rule for notice in offence.warnings] == ["R14"]
    tasks = _decide(**discloser, **TO_POLICE, necessary_for_own_tasks=True)
    assert tasks.bases == (code,)
    assert "why_necessary" in tasks.must_record
    danger = _decide(**discloser, **TO_POLICE, danger_to_life_or_health=True, why_not_anonymised="Navnet trengs.")
    assert danger.bases == (code,)
    assert "why_not_anonymised" in danger.must_record
    assert _decide(
        **discloser,
        consent=_consent(recipients=frozenset({Kind.POLICE_DISTRICT}), purposes=frozenset({Purpose.SECURITY})),
        **TO_POLICE,
    ).bases == (B.CONSENT,)
    assert _decide(**discloser, **TO_POLICE, avert_listed_offence_most_likely=True).bases == (B.DUTY_TO_AVERT,)


# --- R15 health personnel -----------------------------------------------------------------------------

HEALTH_OPTIONS = {
    B.HEALTH_CONSENT,
    B.ANONYMISED,
    B.DUTY_TO_AVERT,
    B.DUTY_TO_HELP,
    B.CHILD_WELFARE_DUTY_HEALTH,
    B.HEALTH_RIGHT,
    B.HEALTH_EMERGENCY,
}


@pytest.mark.parametrize(
    "recipient", [Kind.POLICE_DISTRICT, Kind.CHILD_WELFARE, Kind.MUNICIPALITY, OtherRecipient.PRIVATE_PERSON]
)
def test_R15_health_personnel_are_offered_only_consent_their_own_act_and_duties(recipient: str) -> None:
    decision = _decide(**HEALTH, recipient_kind=recipient)
    assert set(decision.candidates) <= HEALTH_OPTIONS
    assert not {B.SAME_ORGAN, B.OWN_TASKS, B.OFFENCES, B.DANGER, B.REGULATION, B.CONSENT} & set(decision.candidates)


def test_R15_health_personnel_share_danger_under_their_own_act_with_a_judgement() -> None:
    judgement = WeightyInterests(
        interests=frozenset({WeightyInterest.LIFE_OR_HEALTH}),
        reasons="Trussel mot søsteren.",
        outweighs_confidentiality=True,
    )
    decision = _decide(
        **HEALTH,
        recipient_kind=OtherRecipient.PRIVATE_PERSON,
        danger_to_life_or_health=True,
        weighty_interests=judgement,
    )
    assert decision.bases == (B.HEALTH_RIGHT,)
    assert "content_summary" not in decision.must_record  # the content stays in the health record
    assert "why_not_anonymised" in decision.must_record  # R16 on every danger basis
    assert any("patient must be told" in notice.text_en for notice in decision.warnings)


def test_R15_a_judgement_that_does_not_conclude_is_not_a_basis() -> None:
    undecided = WeightyInterests(
        interests=frozenset({WeightyInterest.SERIOUS_CRIME}), reasons="Usikkert.", outweighs_confidentiality=False
    )
    assert not _decide(**HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE, weighty_interests=undecided).allowed


# --- R16 minimal danger disclosures on every danger basis ------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "first"),
    [
        pytest.param(
            {"recipient_kind": OtherRecipient.PRIVATE_PERSON, "danger_to_life_or_health": True}, B.DANGER, id="S6"
        ),
        pytest.param(
            {"recipient_kind": OtherRecipient.ANYONE, "imminent_danger_to_life": True}, B.DUTY_TO_HELP, id="S9"
        ),
        pytest.param({**HEALTH, **TO_POLICE, "danger_to_life_or_health": True}, B.HEALTH_EMERGENCY, id="S12"),
        pytest.param(
            {"discloser_kind": Kind.NAV, **TO_POLICE, "danger_to_life_or_health": True}, B.NAV_SHARING, id="NAV"
        ),
    ],
)
def test_R16_every_danger_basis_warns_and_records_why_anonymised_was_not_enough(
    overrides: dict[str, object], first: BasisCode
) -> None:
    decision = _decide(**overrides)
    assert decision.bases[0] == first
    assert "R16" in [notice.rule for notice in decision.warnings]
    assert "why_not_anonymised" in decision.must_record


def test_R16_applies_even_when_the_danger_basis_is_not_the_first() -> None:
    decision = _decide(consent=_consent(), danger_to_life_or_health=True)
    assert decision.bases == (B.CONSENT, B.DANGER)
    assert "R16" in [notice.rule for notice in decision.warnings]
    assert "why_not_anonymised" in decision.must_record


# --- R20 classified, R21 police -----------------------------------------------------------------------


def test_R20_classified_information_is_always_refused_even_with_every_basis() -> None:
    decision = _decide(
        **TO_POLICE,
        **POLICE_OFFICER,
        consent=_consent(recipients=frozenset({Kind.POLICE_DISTRICT}), purposes=frozenset({Purpose.SECURITY})),
        anonymised=True,
        offence_concern=True,
        danger_to_life_or_health=True,
        imminent_danger_to_life=True,
        avert_listed_offence_most_likely=True,
        police_shared_under_own_rules=True,
        regulation_in_force=True,
        classified=True,
    )
    assert not decision.allowed
    assert decision.bases == decision.candidates == decision.must_record == ()
    assert "security-classified (title classified (testloven § S14))" in decision.explanation_en
    assert "sikkerhetsgraderte" in decision.explanation_nb
    assert [notice.rule for notice in decision.warnings] == ["R20"]


def test_R21_police_contribution_is_recorded_as_shared_under_police_rules_with_a_summary_only() -> None:
    decision = _decide(
        discloser_kind=Kind.PST,
        discloser_status=Status.POLICE,
        recipient_kind=Kind.MUNICIPALITY,
        categories=frozenset({Category.POLICE}),
        police_shared_under_own_rules=True,
    )
    assert decision.bases == (B.POLICE_RULES,)
    assert [notice.rule for notice in decision.warnings] == ["R21"]
    assert "shared by the police under their rules, summary only" in decision.warnings[0].text_en
    assert decision.must_record == record_fields(B.POLICE_RULES)


# --- S8, S10, S15 details -----------------------------------------------------------------------------


def test_S8_duty_to_avert_records_the_likelihood_and_the_time_of_knowledge() -> None:
    decision = _decide(**TO_POLICE, avert_listed_offence_most_likely=True)
    assert {"facts", "likelihood_assessment", "offence_category", "known_at", "action_taken"} <= set(
        decision.must_record
    )
    assert [notice.rule for notice in decision.warnings] == ["S8"]


def test_S10_explanation_names_the_conditions_and_record_asks_whether_parents_were_told() -> None:
    decision = _decide(recipient_kind=Kind.CHILD_WELFARE, **MINOR, child_welfare_conditions=frozenset({"a", "d"}))
    assert decision.bases == (B.CHILD_WELFARE_DUTY,)
    assert "(vilkår a, d)" in decision.explanation_nb
    assert {"conditions", "parents_informed"} <= set(decision.must_record)


def test_R19_minor_with_a_child_welfare_condition_is_reminded_to_inform_child_welfare() -> None:
    decision = _decide(**TO_POLICE, **MINOR, **CONDITION_C, avert_listed_offence_most_likely=True)
    assert "R19" in [notice.rule for notice in decision.warnings]


def test_S15_report_records_channel_reference_and_time_and_says_call_112_first() -> None:
    decision = _decide(recipient_kind=Kind.PST, purpose=Purpose.REPORT_CONCERN, offence_concern=True)
    assert decision.bases == (B.OFFENCES, B.REPORT_TO_POLICE)
    assert {"channel", "reference", "known_at", "reassess_on"} <= set(decision.must_record)
    assert [notice.rule for notice in decision.warnings] == ["S15"]


# --- the law in force on the day ------------------------------------------------------------------------


def test_done_a_2022_child_welfare_report_cites_the_act_in_force_that_day() -> None:
    def by_date(code: str, on: date) -> LegalReference | None:
        if code == B.CHILD_WELFARE_DUTY:
            if on < date(2023, 1, 1):
                return LegalReference(code, "barnevernloven (1992)", "§ 6-4", "opplysningsplikt", "duty to inform")
            return LegalReference(code, "barnevernsloven", "§ 13-2", "opplysningsplikt", "duty to inform")
        return _lookup(code, on)

    question = {"recipient_kind": Kind.CHILD_WELFARE, **MINOR, **CONDITION_C}
    in_2022 = decide(_request(**question, on=date(2022, 6, 1)), lookup=by_date)
    in_2023 = decide(_request(**question, on=date(2023, 6, 1)), lookup=by_date)
    assert "barnevernloven (1992) § 6-4" in in_2022.explanation_nb
    assert "barnevernsloven § 13-2" in in_2023.explanation_nb


def test_a_new_act_is_a_new_version_of_the_data_not_a_code_change() -> None:
    # The new public administration act: once its date is known, its references start as new versions.
    def with_new_act(code: str, on: date) -> LegalReference | None:
        if code == B.OFFENCES and on >= date(2027, 1, 1):
            return LegalReference(code, "forvaltningsloven (2025)", "§ ny", "lovbrudd", "offences")
        return _lookup(code, on)

    question = {**TO_POLICE, "offence_concern": True}
    assert "testloven § S5" in decide(_request(**question), lookup=with_new_act).explanation_en
    assert (
        "forvaltningsloven (2025) § ny"
        in decide(_request(**question, on=date(2027, 2, 1)), lookup=with_new_act).explanation_en
    )


def test_a_basis_whose_reference_is_not_in_force_on_the_date_cannot_be_used() -> None:
    def before_2022(code: str, on: date) -> LegalReference | None:
        return None if code == B.DANGER and on < date(2022, 1, 1) else _lookup(code, on)

    old = _request(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True, on=date(2021, 6, 1))
    decision = decide(old, lookup=before_2022)
    assert not decision.allowed
    assert B.DANGER not in decision.candidates
    assert "These bases were not in force on 1 Jun 2021: S6 (danger)." in decision.explanation_en


# --- explanations and input checks -------------------------------------------------------------------


def test_allowed_explanation_cites_the_reference_from_the_lookup_in_both_languages() -> None:
    decision = _decide(consent=_consent())
    assert "Grunnlag: tittel consent (testloven § S1)" in decision.explanation_nb
    assert "Basis: title consent (testloven § S1)" in decision.explanation_en


def test_allowed_explanation_lists_the_other_bases_that_apply() -> None:
    decision = _decide(**TO_POLICE, offence_concern=True, danger_to_life_or_health=True)
    assert decision.bases == (B.OFFENCES, B.DANGER)
    assert "These bases apply as well: title danger (testloven § S6)." in decision.explanation_en


def test_denied_explanation_says_what_could_make_it_lawful_consent_first() -> None:
    decision = _decide()
    assert "What could make it lawful: a consent from the person" in decision.explanation_en
    assert "Dette kan gjøre delingen lovlig: et samtykke fra personen" in decision.explanation_nb
    assert decision.explanation_en.endswith("When in doubt, ask the person for consent.")
    assert decision.explanation_nb.endswith("Er du i tvil, be personen om samtykke.")


def test_denied_explanation_states_discloser_recipient_categories_and_purpose() -> None:
    decision = _decide()
    assert "Discloser: Municipality. Recipient: NAV. Categories: Plan. Purpose: coordination." in (
        decision.explanation_en
    )
    assert "Formål: samordning." in decision.explanation_nb


def test_plain_strings_from_the_database_are_accepted_and_normalised() -> None:
    request = SharingRequest(
        discloser_kind="school",  # type: ignore[arg-type]
        discloser_sector="education",  # type: ignore[arg-type]
        recipient_kind="child_welfare",  # type: ignore[arg-type]
        categories=frozenset({"school"}),  # type: ignore[arg-type]
        purpose="coordination",  # type: ignore[arg-type]
        on=ON,
        person_age=15,
        child_welfare_conditions=frozenset({"c"}),  # type: ignore[arg-type]
    )
    assert request.recipient_kind is Kind.CHILD_WELFARE
    assert request.discloser_sector is Sector.EDUCATION
    assert decide(request, lookup=_lookup).bases == (B.CHILD_WELFARE_DUTY,)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"recipient_kind": "bank"}, "Unknown recipient kind", id="unknown-recipient"),
        pytest.param({"discloser_kind": "private_person"}, "Unknown discloser kind", id="private-discloser"),
        pytest.param({"discloser_sector": "church"}, "Unknown sector", id="unknown-sector"),
        pytest.param({"discloser_status": "judge"}, "Unknown professional status", id="unknown-status"),
        pytest.param({"person_age": -1}, "negative", id="negative-age"),
        pytest.param({"categories": frozenset({"diary"})}, "Unknown category", id="unknown-category"),
        pytest.param({"categories": frozenset()}, "At least one category", id="no-category"),
        pytest.param({"purpose": "marketing"}, "Unknown purpose", id="unknown-purpose"),
        pytest.param(
            {"child_welfare_conditions": frozenset({"e"})}, "Unknown child welfare condition", id="condition-e"
        ),
    ],
)
def test_unknown_values_are_refused_rather_than_guessed(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _request(**overrides)


def test_every_basis_has_a_record_list_naming_the_basis_first() -> None:
    for code in BasisCode:
        fields = record_fields(code)
        if code in (B.CLASSIFIED, B.REPORT_TO_POLICE):
            continue  # nothing is disclosed on S14; S15 adds to the basis it rests on
        assert fields[0] == "basis"
        assert {"recipient", "categories", "decided_by", "decided_at"} <= set(fields)


def test_the_decision_package_writes_no_section_numbers_legal_references_are_data() -> None:
    package = Path(decide.__code__.co_filename).parent
    for module in package.glob("*.py"):
        assert "§" not in module.read_text(encoding="utf-8"), module.name
