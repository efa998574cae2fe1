"""Disclosures (R11, R12): every outward sharing is recorded after the sharing decision allows it.

Each rule test names its rule id: R11 (what a disclosure records), R12/R13 (consent scope and withdrawal),
R14 (NAV's limits), R17 (a report of concern is never blocked), R20 (classified content) and S8 (the duty
to avert, without consent).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from utvei.access.categories import Category
from utvei.access.policy import NotFound
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Escalation
from utvei.sharing import selectors, services
from utvei.sharing.decision import BasisCode, Purpose
from utvei.sharing.models import (
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentPurpose,
    Disclosure,
    DisclosureChannel,
    ExternalRecipient,
    LegalBasis,
)

TODAY = timezone.localdate()
CANARY = "KANARIFUGL-utlevering-5521"


@pytest.fixture
def demo(demo: dict[str, User]) -> dict[str, User]:
    """Give the demo world with its demo consents withdrawn: these tests start from nothing agreed."""
    for consent in Consent.objects.current(timezone.localdate()):
        services.consent_withdraw(actor=consent.recorded_by, consent_id=consent.pk)
    return demo


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _consent(actor: User, **extra: object) -> Consent:
    fields: dict[str, object] = {
        "organisation": _org("Demo kommune"),
        "recipients": [_org("Nav Demo")],
        "categories": [Category.CONVERSATIONS, Category.WORK],
        "purpose": ConsentPurpose.COORDINATION,
        "valid_from": TODAY,
        "valid_to": TODAY + timedelta(days=180),
        "given_by": ConsentGiver.PERSON,
        "form": ConsentForm.WRITTEN,
        "evidence_note": "Signert skjema skannet inn.",
        "how_informed": "Muntlig gjennomgang av hva som deles og med hvem.",
    }
    fields.update(extra)
    return services.consent_record(actor=actor, person_id=_jonas().person_id, **fields)  # type: ignore[arg-type]


def _to_nav(actor: User, **extra: object) -> Disclosure:
    fields: dict[str, object] = {
        "recipient_organisation": _org("Nav Demo"),
        "recipient_kind": OrganisationKind.NAV,
        "categories": [Category.CONVERSATIONS],
        "basis": BasisCode.CONSENT,
        "content_summary": f"Samtalenotat om arbeidsønsker. {CANARY}",
        "purpose": Purpose.COORDINATION,
        "person_informed": True,
    }
    fields.update(extra)
    return services.disclosure_record(actor=actor, case_id=_jonas().pk, **fields)  # type: ignore[arg-type]


def _party(code: str) -> ExternalRecipient:
    return ExternalRecipient.objects.get(code=code)


def _avert_to_police(actor: User, **extra: object) -> Disclosure:
    fields: dict[str, object] = {
        "recipient_party": _party("police_02800"),
        "recipient_kind": OrganisationKind.POLICE_DISTRICT,
        "channel": DisclosureChannel.POLICE_02800,
        "reference": "Sak 26-1234",
        "known_at": timezone.now() - timedelta(hours=2),
        "categories": [Category.CONCERN],
        "basis": BasisCode.DUTY_TO_AVERT,
        "content_summary": f"Konkrete planer om et angrep neste uke. {CANARY}",
        "purpose": Purpose.SECURITY,
        "person_informed": False,
        "not_informed_reason": "Å si det kan hindre at handlingen avverges.",
        "not_informed_until": TODAY + timedelta(days=30),
        "facts": {"avert_listed_offence_most_likely": True},
    }
    fields.update(extra)
    return services.disclosure_record(actor=actor, case_id=_jonas().pk, **fields)  # type: ignore[arg-type]


# --- recording (R11, R12, R13) -------------------------------------------------------------------------


def test_R11_R12_a_consent_based_disclosure_records_basis_version_recipient_and_is_audited_without_values(
    demo: dict[str, User],
) -> None:
    actor = demo["koordinator"]
    consent = _consent(actor)
    disclosure = _to_nav(actor, consent_id=consent.pk)
    disclosure.refresh_from_db()
    assert disclosure.basis == BasisCode.CONSENT
    assert disclosure.legal_basis == LegalBasis.objects.in_force(TODAY).get(code="consent")
    assert disclosure.consent == consent
    assert disclosure.discloser == _org("Demo kommune")
    assert disclosure.recipient_organisation == _org("Nav Demo") and disclosure.recipient_external == ""
    assert disclosure.categories == ["conversations"]
    assert disclosure.decided_by == actor and disclosure.decided_at is not None
    assert disclosure.person_informed and disclosure.escalation is None
    entry = AuditEntry.objects.get(
        event=AuditEvent.SHARE, target_type="sharing.Disclosure", target_id=str(disclosure.pk)
    )
    assert entry.person_id == _jonas().person_id and entry.case_id == _jonas().pk
    assert "content_summary" in entry.changed_fields and "basis" in entry.changed_fields
    assert CANARY not in str(entry.__dict__)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_summary FROM sharing_disclosure WHERE id = %s", [disclosure.pk])
        assert CANARY not in cursor.fetchone()[0]


def test_R12_a_consent_based_disclosure_outside_the_consents_scope_is_refused(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    consent = _consent(actor)
    with pytest.raises(ValidationError) as exc, translation.override("nb"):
        _to_nav(actor, consent_id=consent.pk, categories=[Category.HEALTH])
    assert "ikke tillatt" in str(exc.value) and "Helse" in str(exc.value)
    with pytest.raises(ValidationError), translation.override("en"):
        _to_nav(actor, consent_id=consent.pk, purpose=Purpose.SECURITY)
    with pytest.raises(ValidationError) as exc:  # the consent does not name the school
        _to_nav(
            actor,
            consent_id=consent.pk,
            recipient_organisation=_org("Demo videregående skole"),
            recipient_kind=OrganisationKind.SCHOOL,
        )
    assert "consent" in exc.value.message_dict
    assert not Disclosure.objects.exists()


def test_R13_after_withdrawal_the_consent_no_longer_allows_a_disclosure(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    consent = _consent(actor)
    _to_nav(actor, consent_id=consent.pk)
    services.consent_withdraw(actor=actor, consent_id=consent.pk)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _to_nav(actor, consent_id=consent.pk)
    assert "not allowed" in str(exc.value) and "withdrawn" in str(exc.value)
    assert Disclosure.objects.count() == 1  # the earlier disclosure stays recorded


def test_a_consent_disclosure_without_a_consent_is_refused_with_an_explanation(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _to_nav(demo["koordinator"])
    assert "This sharing is not allowed" in str(exc.value) and "consent" in str(exc.value)


def test_S8_a_duty_to_avert_disclosure_to_the_police_needs_no_consent_and_is_recorded(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    assert not Consent.objects.current(TODAY).exists()
    disclosure = _avert_to_police(actor)
    disclosure.refresh_from_db()
    assert disclosure.basis == BasisCode.DUTY_TO_AVERT and disclosure.consent is None
    assert disclosure.legal_basis.code == "duty_to_avert"
    assert disclosure.recipient_organisation is None and disclosure.recipient_party == _party("police_02800")
    assert disclosure.channel == DisclosureChannel.POLICE_02800 and disclosure.reference == "Sak 26-1234"
    assert disclosure.known_at is not None and disclosure.known_at < disclosure.decided_at
    assert not disclosure.person_informed and disclosure.not_informed_reason.startswith("Å si det")
    assert disclosure.not_informed_until == TODAY + timedelta(days=30)
    # Without the fact asserted, the duty does not apply.
    with pytest.raises(ValidationError):
        _avert_to_police(actor, facts={})


def test_a_basis_that_does_not_apply_is_refused_even_when_another_does(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _avert_to_police(demo["koordinator"], basis=BasisCode.DANGER)
    assert "does not apply" in str(exc.value)


def test_R14_nav_as_discloser_cannot_use_its_own_tasks(demo: dict[str, User]) -> None:
    own_tasks: dict[str, object] = {
        "recipient_kind": OrganisationKind.MUNICIPALITY,
        "basis": BasisCode.OWN_TASKS,
        "categories": [Category.WORK],
        "facts": {"necessary_for_own_tasks": True},
    }
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _to_nav(demo["nav"], recipient_organisation=_org("Demo kommune"), **own_tasks)
    assert "does not apply" in str(exc.value)
    # NAV shares for its own tasks under the NAV act instead (R14), cited from the data.
    nav = _to_nav(demo["nav"], recipient_organisation=_org("Demo kommune"), **{**own_tasks, "basis": "nav_sharing"})
    assert nav.legal_basis.citation() == "NAV-loven § 7"
    # The municipality may share for its own tasks with NAV (a public body).
    disclosure = _to_nav(demo["koordinator"], **{**own_tasks, "recipient_kind": OrganisationKind.NAV})
    assert disclosure.basis == BasisCode.OWN_TASKS and disclosure.discloser == _org("Demo kommune")


@pytest.mark.parametrize(
    "summary", ["Dette er GRADERT", "Begrenset etter sikkerhetsloven", "konfidensielt", "STRENGT HEMMELIG: x"]
)
def test_R20_classified_markers_are_refused_and_nothing_is_saved(demo: dict[str, User], summary: str) -> None:
    with pytest.raises(ValidationError) as exc, translation.override("nb"):
        _avert_to_police(demo["koordinator"], content_summary=summary)
    assert exc.value.message_dict["content_summary"][0].startswith("Teksten har en sikkerhetsgraderingsmerking.")
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        _avert_to_police(demo["koordinator"], content_summary=summary)
    assert "never be entered in Utvei" in str(exc.value)
    assert not Disclosure.objects.exists()
    assert not AuditEntry.objects.filter(target_type="sharing.Disclosure").exists()


def test_R20_a_marking_is_told_from_the_ordinary_word() -> None:
    assert services.contains_classified_marker("Hemmelig")
    assert not services.contains_classified_marker("Informasjonen er ugradert.")
    assert not services.contains_classified_marker("Begrenset kontakt med familien siden mai.")


def test_R11_summary_and_the_reason_for_not_telling_the_person_are_required(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc:
        _avert_to_police(demo["koordinator"], content_summary=" ", not_informed_reason="")
    assert {"content_summary", "not_informed_reason"} <= set(exc.value.message_dict)
    assert not Disclosure.objects.exists()


def test_a_disclosure_needs_a_seat_on_the_case_and_exactly_one_recipient(demo: dict[str, User]) -> None:
    with pytest.raises(NotFound):
        _avert_to_police(demo["nabo"])
    with pytest.raises(ValidationError) as exc:
        _avert_to_police(demo["koordinator"], recipient_party=None)
    assert "recipient_organisation" in exc.value.message_dict


def test_S15_a_disclosure_to_the_police_names_the_channel_and_the_reference(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as exc:
        _avert_to_police(demo["koordinator"], channel="", reference=" ")
    assert {"channel", "reference"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _avert_to_police(demo["koordinator"], known_at=timezone.now() + timedelta(days=1))
    assert "known_at" in exc.value.message_dict
    assert not Disclosure.objects.exists()


def test_R16_a_danger_disclosure_says_why_anonymised_information_is_not_enough(demo: dict[str, User]) -> None:
    danger: dict[str, object] = {"basis": BasisCode.DANGER, "facts": {"danger_to_life_or_health": True}}
    with pytest.raises(ValidationError) as exc:
        _avert_to_police(demo["koordinator"], **danger)
    assert "why_not_anonymised" in exc.value.message_dict
    disclosure = _avert_to_police(demo["koordinator"], **danger, why_not_anonymised="Politiet må vite hvem det er.")
    disclosure.refresh_from_db()
    assert disclosure.why_not_anonymised == "Politiet må vite hvem det er."


# --- the report of serious concern as a disclosure (R17) -----------------------------------------------


def _escalate(actor: User, **extra: object) -> Escalation:
    fields: dict[str, object] = {"level": "serious", "recipient": "police"}
    fields.update(extra)
    return services.escalation_report(actor=actor, case_id=_jonas().pk, **fields)  # type: ignore[arg-type]


def test_an_escalation_on_the_duty_to_avert_becomes_a_linked_disclosure(demo: dict[str, User]) -> None:
    escalation = _escalate(
        demo["koordinator"],
        recipient="pst",
        basis="duty_to_avert",
        summary="Observasjoner om planlegging.",
        person_informed=False,
        person_not_informed_reason="Kan hindre avverging",
    )
    disclosure = Disclosure.objects.get(escalation=escalation)
    assert disclosure.basis == BasisCode.DUTY_TO_AVERT and disclosure.recipient_kind == OrganisationKind.PST
    assert disclosure.recipient_party == _party("pst") and disclosure.discloser == escalation.owner_organisation
    assert disclosure.content_summary == "Observasjoner om planlegging."
    assert disclosure.not_informed_reason == "Kan hindre avverging" and disclosure.purpose == Purpose.REPORT_CONCERN
    # One sharing act: the report is the SHARE event, its disclosure record a CREATE.
    assert AuditEntry.objects.filter(event=AuditEvent.SHARE, case_id=_jonas().pk).count() == 1
    assert AuditEntry.objects.filter(event=AuditEvent.CREATE, target_type="sharing.Disclosure").count() == 1


def test_an_escalation_without_a_summary_is_recorded_with_a_placeholder(demo: dict[str, User]) -> None:
    escalation = _escalate(demo["koordinator"], basis="danger", person_informed=True)
    assert Disclosure.objects.get(escalation=escalation).content_summary == "(se meldingen)"


def test_R17_an_escalation_on_consent_without_a_consent_stands_with_no_disclosure(demo: dict[str, User]) -> None:
    escalation = _escalate(demo["koordinator"], basis="consent", summary="Bekymring.")
    assert Escalation.objects.filter(pk=escalation.pk).exists()
    assert not Disclosure.objects.exists()


def test_R17_an_escalation_the_decision_refuses_still_stands(demo: dict[str, User]) -> None:
    # NAV may not share about offences alone (R14: only for its tasks or a substantial danger).
    nav_report = _escalate(demo["nav"], basis="offences", summary="Bekymring.")
    assert Escalation.objects.filter(pk=nav_report.pk).exists()
    assert not Disclosure.objects.exists()


def test_R20_a_report_may_say_a_classified_briefing_took_place_but_never_carry_a_marking(
    demo: dict[str, User],
) -> None:
    briefing = _escalate(demo["koordinator"], basis="danger", summary="Gradert orientering fra PST ble holdt.")
    assert Escalation.objects.filter(pk=briefing.pk).exists()
    with pytest.raises(ValidationError) as exc:
        _escalate(demo["koordinator"], basis="danger", summary="Gradering: BEGRENSET\nInnhold fra PST.")
    assert "summary" in exc.value.message_dict
    assert Escalation.objects.count() == 1


def test_an_escalation_without_a_basis_creates_no_disclosure(demo: dict[str, User]) -> None:
    _escalate(demo["koordinator"])
    assert Escalation.objects.count() == 1 and not Disclosure.objects.exists()


def test_an_escalation_on_consent_uses_the_current_consent_naming_the_recipient(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    consent = _consent(
        actor,
        recipients=[_org("Demo politidistrikt")],
        categories=[Category.CONCERN],
        purpose=ConsentPurpose.REPORT_CONCERN,
    )
    escalation = _escalate(actor, basis="consent", summary="Bekymring.", person_informed=True)
    disclosure = Disclosure.objects.get(escalation=escalation)
    assert disclosure.consent == consent and disclosure.recipient_organisation == _org("Demo politidistrikt")


# --- reading -------------------------------------------------------------------------------------------


def test_disclosures_about_a_person_are_listed_only_to_team_members_and_audited(demo: dict[str, User]) -> None:
    disclosure = _avert_to_police(demo["koordinator"])
    person_id = _jonas().person_id
    assert selectors.disclosure_list_for_person(actor=demo["koordinator"], person_id=person_id) == [disclosure]
    # That a disclosure exists is information of its categories: the police report is not NAV's to see.
    assert selectors.disclosure_list_for_person(actor=demo["nav"], person_id=person_id) == []
    assert selectors.disclosure_list_for_person(actor=demo["nabo"], person_id=person_id) == []
    assert (
        AuditEntry.objects.filter(event=AuditEvent.LIST, target_type="sharing.Disclosure", person_id=person_id).count()
        == 3
    )
