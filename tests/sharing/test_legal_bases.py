"""Legal bases as versioned data: the seed, versions by date, constraints, and decide() on the real data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from utvei.access.categories import Category
from utvei.accounts.models import OrganisationKind
from utvei.sharing.decision import BasisCode, OtherRecipient, Purpose, RuleCode, SharingRequest, decide
from utvei.sharing.models import ExternalRecipient, LegalBasis
from utvei.sharing.selectors import legal_basis_reference

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def test_every_basis_and_rule_code_the_decision_uses_is_seeded_and_nothing_else() -> None:
    seeded = set(LegalBasis.objects.values_list("code", flat=True))
    assert seeded == {code.value for code in BasisCode} | {code.value for code in RuleCode}


def test_each_seeded_code_has_exactly_one_version_in_force() -> None:
    for code in [*BasisCode, *RuleCode]:
        assert LegalBasis.objects.in_force(TODAY).filter(code=code).count() == 1, code


def test_only_the_acts_replaced_before_today_have_closed_versions() -> None:
    # The 1992 child welfare act and the 1998 education act; the current forvaltningsloven stays open until
    # the new act's date of entry into force is known.
    closed = set(LegalBasis.objects.filter(valid_to__isnull=False).values_list("law", flat=True))
    assert closed == {"barnevernloven (1992)", "opplæringslova (1998)"}


def test_no_title_carries_a_section_number_or_a_developers_note() -> None:
    for basis in LegalBasis.objects.all():
        for title in (basis.title_nb, basis.title_en):
            assert "§" not in title and "verifisert" not in title and "verified" not in title, basis


def test_the_age_rules_carry_their_age_limits_in_the_data() -> None:
    health = legal_basis_reference(RuleCode.HEALTH_CONSENT_AGE, TODAY)
    majority = legal_basis_reference(RuleCode.AGE_OF_MAJORITY, TODAY)
    assert health is not None and health.age == 16
    assert health.citation() == "pasient- og brukerrettighetsloven § 4-3 første ledd bokstav b"
    assert majority is not None and majority.age == 18


def test_unverified_references_are_marked_in_the_data_and_listed_in_the_docs() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sharing.md").read_text(encoding="utf-8")
    unverified = LegalBasis.objects.filter(verified=False)
    assert unverified.exists()
    for basis in unverified:
        assert f"`{basis.code}` ({basis.valid_from.isoformat()})" in docs, basis


def test_a_2022_child_welfare_report_cites_the_1992_act_from_the_data() -> None:
    in_2022 = legal_basis_reference(BasisCode.CHILD_WELFARE_DUTY, date(2022, 6, 1))
    in_2023 = legal_basis_reference(BasisCode.CHILD_WELFARE_DUTY, date(2023, 1, 1))
    assert in_2022 is not None and in_2022.citation() == "barnevernloven (1992) § 6-4 annet ledd"
    assert in_2023 is not None and in_2023.citation() == "barnevernsloven § 13-2"


def test_the_register_of_external_recipients_holds_konfliktradet_rvts_and_the_police_routes() -> None:
    kinds = dict(ExternalRecipient.objects.values_list("code", "kind"))
    assert kinds["konfliktradet"] == "mediation_service"
    assert kinds["rvts"] == "resource_centre"
    assert kinds["pst"] == "pst"
    assert kinds["police_02800"] == kinds["emergency_112"] == "police_district"


@pytest.mark.parametrize(
    ("code", "citation", "valid_from"),
    [
        (BasisCode.CONSENT, "forvaltningsloven § 13 a nr. 1", date(2022, 1, 1)),
        (BasisCode.HEALTH_CONSENT, "helsepersonelloven § 22", date(2001, 1, 1)),
        (BasisCode.CHILD_WELFARE_DUTY_HEALTH, "helsepersonelloven § 33", date(2001, 1, 1)),
        (BasisCode.SOCIAL_SERVICES_SHARING, "sosialtjenesteloven § 44", date(2010, 1, 1)),
        (BasisCode.NAV_SHARING, "NAV-loven § 7", date(2006, 7, 1)),
        (BasisCode.ANONYMISED, "forvaltningsloven § 13 a nr. 2", date(2022, 1, 1)),
        (BasisCode.OWN_TASKS, "forvaltningsloven § 13 b nr. 5", date(2022, 1, 1)),
        (BasisCode.OFFENCES, "forvaltningsloven § 13 b nr. 6", date(2022, 1, 1)),
        (BasisCode.DANGER, "forvaltningsloven § 13 b nr. 7", date(2022, 1, 1)),
        (BasisCode.REGULATION, "forvaltningsloven § 13 g", date(2022, 1, 1)),
        (BasisCode.DUTY_TO_AVERT, "straffeloven § 196", date(2015, 10, 1)),
        (BasisCode.DUTY_TO_HELP, "straffeloven § 287", date(2015, 10, 1)),
        (BasisCode.CHILD_WELFARE_DUTY, "barnevernsloven § 13-2", date(2023, 1, 1)),
        (BasisCode.HEALTH_RIGHT, "helsepersonelloven § 23 nr. 4", date(2001, 1, 1)),
        (BasisCode.HEALTH_EMERGENCY, "helsepersonelloven § 31", date(2001, 1, 1)),
        (BasisCode.CLASSIFIED, "sikkerhetsloven §§ 5-3 og 5-4", date(2019, 1, 1)),
        (BasisCode.REPORT_TO_POLICE, "", date(2022, 1, 1)),
    ],
)
def test_seed_holds_the_research_table_references(code: BasisCode, citation: str, valid_from: date) -> None:
    basis = LegalBasis.objects.in_force(TODAY).get(code=code)
    assert basis.citation() == citation
    assert basis.valid_from == valid_from
    assert basis.title_nb and basis.title_en


def test_in_force_picks_the_version_valid_on_the_date() -> None:
    # A made-up later version: the new act's real section numbers are not invented here.
    current = LegalBasis.objects.in_force(TODAY).get(code=BasisCode.DANGER)
    current.valid_to = date(2027, 6, 30)
    current.save()
    LegalBasis.objects.create(
        code=BasisCode.DANGER,
        law="testloven",
        section="§ 99",
        title_nb="Avverge fare (testversjon)",
        title_en="Averting danger (test version)",
        valid_from=date(2027, 7, 1),
    )

    def section_on(day: date) -> list[str]:
        return list(LegalBasis.objects.in_force(day).filter(code=BasisCode.DANGER).values_list("section", flat=True))

    assert section_on(date(2021, 12, 31)) == []
    assert section_on(date(2022, 1, 1)) == ["§ 13 b nr. 7"]
    assert section_on(date(2027, 6, 30)) == ["§ 13 b nr. 7"]
    assert section_on(date(2027, 7, 1)) == ["§ 99"]
    reference = legal_basis_reference(BasisCode.DANGER, date(2027, 7, 1))
    assert reference is not None and reference.citation() == "testloven § 99"


def test_a_basis_cannot_have_two_versions_starting_the_same_day() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalBasis.objects.create(
            code=BasisCode.CONSENT, law="x", section="y", title_nb="t", title_en="t", valid_from=date(2022, 1, 1)
        )


def test_a_version_cannot_end_before_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalBasis.objects.create(
            code="test",
            law="x",
            section="y",
            title_nb="t",
            title_en="t",
            valid_from=date(2030, 1, 1),
            valid_to=date(2029, 1, 1),
        )


def _danger_to_private_person(on: date) -> SharingRequest:
    return SharingRequest(
        discloser_kind=OrganisationKind.MUNICIPALITY,
        recipient_kind=OtherRecipient.PRIVATE_PERSON,
        categories=frozenset({Category.IDENTITY}),
        purpose=Purpose.SECURITY,
        on=on,
        person_age=30,
        danger_to_life_or_health=True,
    )


def test_decide_with_the_database_lookup_cites_the_seeded_reference() -> None:
    decision = decide(_danger_to_private_person(TODAY), lookup=legal_basis_reference)
    assert decision.bases == (BasisCode.DANGER,)
    assert "(forvaltningsloven § 13 b nr. 7)" in decision.explanation_nb
    assert "(forvaltningsloven § 13 b nr. 7)" in decision.explanation_en


def test_S6_danger_basis_is_not_available_before_the_2021_amendment_came_into_force() -> None:
    decision = decide(_danger_to_private_person(date(2021, 12, 31)), lookup=legal_basis_reference)
    assert not decision.allowed
    assert BasisCode.DANGER not in decision.candidates


def test_R20_refusal_cites_the_security_act_from_the_data() -> None:
    request = SharingRequest(
        discloser_kind=OrganisationKind.POLICE_DISTRICT,
        recipient_kind=OrganisationKind.MUNICIPALITY,
        categories=frozenset({Category.POLICE}),
        purpose=Purpose.COORDINATION,
        on=TODAY,
        police_shared_under_own_rules=True,
        classified=True,
    )
    decision = decide(request, lookup=legal_basis_reference)
    assert not decision.allowed
    assert "sikkerhetsloven §§ 5-3 og 5-4" in decision.explanation_nb
