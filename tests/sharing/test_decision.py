"""The sharing decision, row by row (S1–S15) and rule by rule (R12–R16, R19–R21).

None of these tests has database access (pytest-django refuses it unless asked), which proves that
``decide`` is pure. The legal references come from a fake lookup; the seeded ones are tested in
``test_legal_bases.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from utvei.access.categories import Category
from utvei.accounts.models import OrganisationKind as Kind
from utvei.sharing.decision import (
    ROW,
    BasisCode,
    ChildWelfareCondition,
    ConsentScope,
    LegalReference,
    OtherRecipient,
    Purpose,
    SharingDecision,
    SharingRequest,
    decide,
    record_fields,
)

ON = date(2026, 6, 1)
B = BasisCode


def _lookup(code: str, on: date) -> LegalReference | None:
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
    }
    fields.update(overrides)
    return ConsentScope(**fields)


def _request(**overrides: object) -> SharingRequest:
    # A municipal case worker sharing plan information with NAV for coordination, with no basis at all.
    fields: dict[str, object] = {
        "discloser_kind": Kind.MUNICIPALITY,
        "recipient_kind": Kind.NAV,
        "categories": frozenset({Category.PLAN}),
        "purpose": Purpose.COORDINATION,
        "on": ON,
    }
    fields.update(overrides)
    return SharingRequest(**fields)


def _decide(**overrides: object) -> SharingDecision:
    return decide(_request(**overrides), lookup=_lookup)


HEALTH = {"discloser_kind": Kind.HEALTH, "discloser_is_health_personnel": True}
TO_POLICE = {"recipient_kind": Kind.POLICE_DISTRICT, "purpose": Purpose.SECURITY}

# (id, request, allowed, first basis). Every row of the decision table has an allowed and a denied case.
TABLE: list[tuple[str, SharingRequest, bool, BasisCode | None]] = [
    ("S1-consent-within-scope-allowed", _request(consent=_consent()), True, B.CONSENT),
    ("S1-no-consent-denied", _request(), False, None),
    (
        "S2-anonymised-consultation-allowed",
        _request(
            recipient_kind=Kind.OTHER,
            purpose=Purpose.CONSULTATION,
            categories=frozenset({Category.CONCERN, Category.CONVERSATIONS}),
            anonymised=True,
        ),
        True,
        B.ANONYMISED,
    ),
    (
        "S2-anonymised-flag-with-identity-category-denied",
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
        "S3-same-municipality-to-its-school-allowed",
        _request(recipient_kind=Kind.SCHOOL, same_organ=True),
        True,
        B.SAME_ORGAN,
    ),
    (
        "S3-health-personnel-same-organ-denied-R15",
        _request(recipient_kind=Kind.SCHOOL, same_organ=True, discloser_is_health_personnel=True),
        False,
        None,
    ),
    (
        "S4-own-tasks-to-another-public-body-allowed",
        _request(
            discloser_kind=Kind.CORRECTIONAL_SERVICE, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True
        ),
        True,
        B.OWN_TASKS,
    ),
    (
        "S4-own-tasks-to-a-private-provider-denied",
        _request(recipient_kind=Kind.OTHER, necessary_for_own_tasks=True),
        False,
        None,
    ),
    (
        "S4-own-tasks-from-NAV-denied-R14",
        _request(discloser_kind=Kind.NAV, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True),
        False,
        None,
    ),
    (
        "S5-offence-to-police-allowed",
        _request(**TO_POLICE, categories=frozenset({Category.POLICE}), offence_concern=True),
        True,
        B.OFFENCES,
    ),
    ("S5-offence-to-school-denied", _request(recipient_kind=Kind.SCHOOL, offence_concern=True), False, None),
    (
        "S6-danger-to-a-private-person-allowed",
        _request(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True),
        True,
        B.DANGER,
    ),
    (
        "S6-danger-to-anyone-who-can-act-allowed",
        _request(recipient_kind=OtherRecipient.ANYONE, danger_to_life_or_health=True),
        True,
        B.DANGER,
    ),
    ("S6-no-danger-to-a-private-person-denied", _request(recipient_kind=OtherRecipient.PRIVATE_PERSON), False, None),
    ("S7-regulation-in-force-allowed", _request(**TO_POLICE, regulation_in_force=True), True, B.REGULATION),
    ("S7-no-regulation-by-default-denied", _request(**TO_POLICE), False, None),
    (
        "S8-duty-to-avert-overrides-health-confidentiality-allowed",
        _request(**HEALTH, **TO_POLICE, categories=frozenset({Category.HEALTH}), avert_listed_offence_most_likely=True),
        True,
        B.DUTY_TO_AVERT,
    ),
    (
        "S8-suspicion-below-most-likely-from-NAV-denied",
        _request(discloser_kind=Kind.NAV, **TO_POLICE, offence_concern=True),
        False,
        None,
    ),
    (
        "S9-imminent-danger-health-personnel-allowed",
        _request(**HEALTH, recipient_kind=OtherRecipient.PRIVATE_PERSON, imminent_danger_to_life=True),
        True,
        B.DUTY_TO_HELP,
    ),
    (
        "S9-no-imminent-danger-health-personnel-denied",
        _request(**HEALTH, recipient_kind=OtherRecipient.PRIVATE_PERSON),
        False,
        None,
    ),
    (
        "S10-minor-with-serious-behavioural-problems-to-child-welfare-allowed",
        _request(
            discloser_kind=Kind.SCHOOL,
            recipient_kind=Kind.CHILD_WELFARE,
            categories=frozenset({Category.SCHOOL, Category.CONCERN}),
            person_is_minor=True,
            child_welfare_conditions=frozenset({ChildWelfareCondition.SERIOUS_BEHAVIOURAL_PROBLEMS}),
        ),
        True,
        B.CHILD_WELFARE_DUTY,
    ),
    (
        "S10-adult-to-child-welfare-denied",
        _request(
            recipient_kind=Kind.CHILD_WELFARE,
            child_welfare_conditions=frozenset({ChildWelfareCondition.SERIOUS_BEHAVIOURAL_PROBLEMS}),
        ),
        False,
        None,
    ),
    (
        "S10-minor-without-any-condition-denied",
        _request(recipient_kind=Kind.CHILD_WELFARE, person_is_minor=True),
        False,
        None,
    ),
    (
        "S10-minor-with-condition-to-police-instead-of-child-welfare-denied",
        _request(
            **TO_POLICE,
            person_is_minor=True,
            child_welfare_conditions=frozenset({ChildWelfareCondition.MALTREATMENT}),
        ),
        False,
        None,
    ),
    (
        "S11-health-personnel-weighty-interest-allowed",
        _request(**HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE, offence_concern=True),
        True,
        B.HEALTH_RIGHT,
    ),
    (
        "S11-health-personnel-without-weighty-interest-denied",
        _request(**HEALTH, recipient_kind=Kind.CORRECTIONAL_SERVICE),
        False,
        None,
    ),
    (
        "S12-health-personnel-alerts-police-to-danger-allowed",
        _request(**HEALTH, **TO_POLICE, danger_to_life_or_health=True),
        True,
        B.HEALTH_EMERGENCY,
    ),
    ("S12-health-personnel-to-police-without-danger-denied", _request(**HEALTH, **TO_POLICE), False, None),
    (
        "S13-police-share-under-own-rules-allowed",
        _request(
            discloser_kind=Kind.POLICE_DISTRICT,
            recipient_kind=Kind.MUNICIPALITY,
            categories=frozenset({Category.POLICE}),
            police_shared_under_own_rules=True,
        ),
        True,
        B.POLICE_RULES,
    ),
    (
        "S13-municipality-cannot-use-police-rules-denied",
        _request(recipient_kind=Kind.SCHOOL, police_shared_under_own_rules=True),
        False,
        None,
    ),
    (
        "S14-unclassified-duty-to-avert-allowed",
        _request(**TO_POLICE, avert_listed_offence_most_likely=True),
        True,
        B.DUTY_TO_AVERT,
    ),
    (
        "S14-classified-refused-even-with-consent-R20",
        _request(consent=_consent(), classified=True),
        False,
        None,
    ),
    (
        "S14-classified-refused-even-with-duty-to-avert-R20",
        _request(**TO_POLICE, avert_listed_offence_most_likely=True, classified=True),
        False,
        None,
    ),
    (
        "S15-report-of-offence-to-PST-allowed",
        _request(recipient_kind=Kind.PST, purpose=Purpose.REPORT_CONCERN, offence_concern=True),
        True,
        B.OFFENCES,
    ),
    (
        "S15-report-under-duty-to-avert-allowed",
        _request(
            recipient_kind=Kind.POLICE_DISTRICT, purpose=Purpose.REPORT_CONCERN, avert_listed_offence_most_likely=True
        ),
        True,
        B.DUTY_TO_AVERT,
    ),
    (
        "S15-report-resting-on-own-tasks-only-denied",
        _request(recipient_kind=Kind.POLICE_DISTRICT, purpose=Purpose.REPORT_CONCERN, necessary_for_own_tasks=True),
        False,
        None,
    ),
    (
        "S15-report-resting-on-a-regulation-only-denied",
        _request(recipient_kind=Kind.PST, purpose=Purpose.REPORT_CONCERN, regulation_in_force=True),
        False,
        None,
    ),
]


@pytest.mark.parametrize(("request_", "allowed", "first"), [case[1:] for case in TABLE], ids=[c[0] for c in TABLE])
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


def test_the_table_covers_every_row_with_an_allowed_and_a_denied_case() -> None:
    outcomes: dict[str, set[bool]] = {}
    for case_id, _, allowed, _ in TABLE:
        outcomes.setdefault(case_id.split("-")[0], set()).add(allowed)
    assert outcomes == {row: {True, False} for row in ROW.values()}


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
        pytest.param({"on": date(2027, 1, 1)}, {}, "expired on 2026-12-31", id="R12-expired"),
        pytest.param({"on": date(2025, 12, 31)}, {}, "applies only from 2026-01-01", id="R12-not-yet-valid"),
        pytest.param({}, {"withdrawn_at": ON}, "withdrawn on 2026-06-01", id="R13-withdrawn"),
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


def test_R13_withdrawn_consent_blocks_consent_based_sharing() -> None:
    decision = _decide(consent=_consent(withdrawn_at=date(2026, 5, 1)))
    assert not decision.allowed
    assert "trukket tilbake 1.5.2026" in decision.explanation_nb


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
    assert decision.allowed
    assert decision.bases == (B.DUTY_TO_AVERT,)


# --- R14 NAV and social services ----------------------------------------------------------------------

NAV_DISCLOSERS = [
    pytest.param({"discloser_kind": Kind.NAV}, id="R14-NAV"),
    pytest.param({"discloser_is_social_services": True}, id="R14-social-services"),
]


@pytest.mark.parametrize("discloser", NAV_DISCLOSERS)
def test_R14_nav_cannot_share_for_own_tasks_or_about_offences(discloser: dict[str, object]) -> None:
    decision = _decide(**discloser, **TO_POLICE, necessary_for_own_tasks=True, offence_concern=True)
    assert not decision.allowed
    assert B.OWN_TASKS not in decision.candidates
    assert B.OFFENCES not in decision.candidates
    assert [notice.rule for notice in decision.warnings] == ["R14"]


@pytest.mark.parametrize("discloser", NAV_DISCLOSERS)
def test_R14_nav_may_still_share_by_consent_duty_or_to_avert_danger(discloser: dict[str, object]) -> None:
    assert _decide(**discloser, consent=_consent(recipients=frozenset({Kind.NAV}))).bases == (B.CONSENT,)
    assert _decide(**discloser, **TO_POLICE, avert_listed_offence_most_likely=True).bases == (B.DUTY_TO_AVERT,)
    assert _decide(**discloser, **TO_POLICE, danger_to_life_or_health=True).bases == (B.DANGER,)


# --- R15 health personnel -----------------------------------------------------------------------------

HEALTH_OPTIONS = {
    B.CONSENT,
    B.ANONYMISED,
    B.DUTY_TO_AVERT,
    B.DUTY_TO_HELP,
    B.CHILD_WELFARE_DUTY,
    B.HEALTH_RIGHT,
    B.HEALTH_EMERGENCY,
}


@pytest.mark.parametrize(
    "recipient", [Kind.POLICE_DISTRICT, Kind.CHILD_WELFARE, Kind.MUNICIPALITY, OtherRecipient.PRIVATE_PERSON]
)
def test_R15_health_personnel_are_offered_only_consent_their_own_act_and_duties(recipient: str) -> None:
    decision = _decide(**HEALTH, recipient_kind=recipient)
    assert set(decision.candidates) <= HEALTH_OPTIONS
    assert not {B.SAME_ORGAN, B.OWN_TASKS, B.OFFENCES, B.DANGER, B.REGULATION} & set(decision.candidates)


def test_R15_health_personnel_cannot_share_for_own_tasks() -> None:
    decision = _decide(**HEALTH, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True)
    assert not decision.allowed
    assert "R15" in [notice.rule for notice in decision.warnings]


def test_R15_health_personnel_share_danger_under_their_own_act_not_the_administration_act() -> None:
    decision = _decide(**HEALTH, recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True)
    assert decision.bases == (B.HEALTH_RIGHT,)
    assert "content_summary" not in decision.must_record  # the content stays in the health record


def test_R15_a_health_service_counts_as_health_even_without_the_personnel_flag() -> None:
    decision = _decide(discloser_kind=Kind.HEALTH, recipient_kind=Kind.MUNICIPALITY, necessary_for_own_tasks=True)
    assert not decision.allowed


@pytest.mark.parametrize(
    ("overrides", "first"),
    [
        pytest.param(
            {"consent": _consent(recipients=frozenset({Kind.MUNICIPALITY}), categories=frozenset({Category.HEALTH}))},
            B.CONSENT,
            id="R15-S1-consent",
        ),
        pytest.param(
            {**TO_POLICE, "avert_listed_offence_most_likely": True}, B.DUTY_TO_AVERT, id="R15-S8-duty-to-avert"
        ),
        pytest.param(
            {
                "recipient_kind": Kind.CHILD_WELFARE,
                "person_is_minor": True,
                "child_welfare_conditions": frozenset({ChildWelfareCondition.UNTREATED_ILLNESS_OR_NEEDS}),
            },
            B.CHILD_WELFARE_DUTY,
            id="R15-S10-child-welfare-duty",
        ),
        pytest.param({**TO_POLICE, "danger_to_life_or_health": True}, B.HEALTH_EMERGENCY, id="R15-S12-alert-police"),
    ],
)
def test_R15_health_personnel_can_share_by_consent_or_duty(overrides: dict[str, object], first: BasisCode) -> None:
    request = {"recipient_kind": Kind.MUNICIPALITY, "categories": frozenset({Category.HEALTH}), **overrides}
    decision = _decide(**HEALTH, **request)
    assert decision.allowed
    assert decision.bases[0] == first
    # The patient is to be told what was shared.
    assert any("patient must be told" in notice.text_en for notice in decision.warnings)


# --- R16 minimal danger disclosures -------------------------------------------------------------------


def test_R16_danger_disclosure_warns_to_stay_minimal_and_records_why_anonymised_was_not_enough() -> None:
    decision = _decide(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True)
    assert [notice.rule for notice in decision.warnings] == ["R16"]
    assert "why anonymised information was not enough" in decision.warnings[0].text_en
    assert {"danger_assessment", "why_not_anonymised"} <= set(decision.must_record)


def test_R16_no_minimality_warning_when_consent_is_the_basis_used() -> None:
    decision = _decide(consent=_consent(), danger_to_life_or_health=True)
    assert decision.bases == (B.CONSENT, B.DANGER)
    assert "R16" not in [notice.rule for notice in decision.warnings]


# --- R20 classified, R21 police -----------------------------------------------------------------------


def test_R20_classified_information_is_always_refused_even_with_every_basis() -> None:
    decision = _decide(
        **TO_POLICE,
        discloser_kind=Kind.POLICE_DISTRICT,
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
        recipient_kind=Kind.MUNICIPALITY,
        categories=frozenset({Category.POLICE}),
        police_shared_under_own_rules=True,
    )
    assert decision.bases == (B.POLICE_RULES,)
    assert [notice.rule for notice in decision.warnings] == ["R21"]
    assert "shared by the police under their rules, summary only" in decision.warnings[0].text_en
    assert decision.must_record == record_fields(B.POLICE_RULES)
    assert "content_summary" in decision.must_record


# --- S8, S10, S15 details -----------------------------------------------------------------------------


def test_S8_duty_to_avert_records_the_likelihood_assessment_and_warns_that_the_duty_is_personal() -> None:
    decision = _decide(**TO_POLICE, avert_listed_offence_most_likely=True)
    assert {"facts", "likelihood_assessment", "offence_category", "known_at", "action_taken"} <= set(
        decision.must_record
    )
    assert [notice.rule for notice in decision.warnings] == ["S8"]


def test_S10_explanation_names_the_conditions_and_record_asks_whether_parents_were_told() -> None:
    decision = _decide(
        recipient_kind=Kind.CHILD_WELFARE,
        person_is_minor=True,
        child_welfare_conditions=frozenset({"a", "d"}),
    )
    assert decision.bases == (B.CHILD_WELFARE_DUTY,)
    assert "(vilkår a, d)" in decision.explanation_nb
    assert {"conditions", "parents_informed"} <= set(decision.must_record)


def test_R19_minor_with_a_child_welfare_condition_is_reminded_to_inform_child_welfare() -> None:
    decision = _decide(
        **TO_POLICE,
        person_is_minor=True,
        child_welfare_conditions=frozenset({ChildWelfareCondition.MALTREATMENT}),
        avert_listed_offence_most_likely=True,
    )
    assert "R19" in [notice.rule for notice in decision.warnings]


def test_R19_consent_for_a_minor_asks_for_parents_consent_and_the_childs_view() -> None:
    decision = _decide(consent=_consent(), person_is_minor=True)
    assert decision.bases == (B.CONSENT,)
    assert [notice.rule for notice in decision.warnings] == ["R19"]


def test_S15_report_records_channel_and_reference_and_says_call_112_first() -> None:
    decision = _decide(recipient_kind=Kind.PST, purpose=Purpose.REPORT_CONCERN, offence_concern=True)
    assert decision.bases == (B.OFFENCES, B.REPORT_TO_POLICE)
    assert {"channel", "reference", "reassess_on"} <= set(decision.must_record)
    assert [notice.rule for notice in decision.warnings] == ["S15"]


def test_S15_report_of_an_identifiable_person_ignores_own_tasks_and_anonymisation() -> None:
    decision = _decide(
        recipient_kind=Kind.POLICE_DISTRICT,
        purpose=Purpose.REPORT_CONCERN,
        necessary_for_own_tasks=True,
        regulation_in_force=True,
    )
    assert not decision.allowed
    assert {B.OWN_TASKS, B.REGULATION, B.ANONYMISED, B.SAME_ORGAN}.isdisjoint(decision.candidates)
    assert "being useful for one's own tasks is not enough" in decision.explanation_en


# --- explanations, versioned references, input checks -------------------------------------------------


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


def test_a_basis_whose_reference_is_not_in_force_on_the_date_cannot_be_used() -> None:
    def before_2022(code: str, on: date) -> LegalReference | None:
        return None if code == B.DANGER and on < date(2022, 1, 1) else _lookup(code, on)

    request = _request(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True)
    assert decide(request, lookup=before_2022).allowed
    old = _request(recipient_kind=OtherRecipient.PRIVATE_PERSON, danger_to_life_or_health=True, on=date(2021, 6, 1))
    decision = decide(old, lookup=before_2022)
    assert not decision.allowed
    assert B.DANGER not in decision.candidates
    assert "These bases were not in force on 2021-06-01: S6 (danger)." in decision.explanation_en


def test_plain_strings_from_the_database_are_accepted_and_normalised() -> None:
    request = SharingRequest(
        discloser_kind="school",
        recipient_kind="child_welfare",
        categories=frozenset({"school"}),
        purpose="coordination",
        on=ON,
        person_is_minor=True,
        child_welfare_conditions=frozenset({"c"}),
    )
    assert request.recipient_kind is Kind.CHILD_WELFARE
    assert decide(request, lookup=_lookup).bases == (B.CHILD_WELFARE_DUTY,)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"recipient_kind": "bank"}, "Unknown recipient kind", id="unknown-recipient"),
        pytest.param({"discloser_kind": "private_person"}, "Unknown discloser kind", id="private-discloser"),
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


def test_the_decision_module_writes_no_section_numbers_legal_references_are_data() -> None:
    source = Path(decide.__code__.co_filename).read_text(encoding="utf-8")
    assert "§" not in source
