"""The network map through its services and selectors: ties, contact permission (R22), third parties
(R38), visibility (R23), snapshots and comparison, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.contacts.factories import World, make_world
from utvei.access.policy import NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.network import selectors, services
from utvei.network.drawing import NodeState
from utvei.network.models import (
    Closeness,
    ContactPermission,
    Formality,
    InformedAssessment,
    NetworkNode,
    NetworkSnapshot,
    NodeContact,
    NodeKind,
    Relation,
    RiskNature,
    SnapshotReason,
    Source,
    Valence,
)
from utvei.network.services import ContactRefused, NodeInput
from utvei.sharing import services as sharing_services
from utvei.sharing.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in the source language; the Bokmål catalogue is checked by tests/core/test_i18n.py.
    with translation.override("en"):
        yield


def _input(**overrides: object) -> NodeInput:
    values: dict[str, object] = {
        "kind": NodeKind.PERSON,
        "label": "Onkel (M)",
        "formality": Formality.INFORMAL,
        "relation": Relation.FAMILY,
        "closeness": Closeness.EFFECTIVE,
        "valence": Valence.SUPPORTIVE,
        "source": Source.PERSON,
    }
    values.update(overrides)
    return NodeInput(**values)  # type: ignore[arg-type]


def _consent(world: World, **overrides: object) -> Consent:
    today = timezone.localdate()
    fields: dict[str, object] = {
        "organisation": world.municipality,
        "recipients": [world.nav_office],
        "categories": ["network"],
        "purpose": "coordination",
        # A consent never applies from before the day it was given (sharing, R12).
        "valid_from": today,
        "valid_to": today + timedelta(days=100),
        "given_by": "person",
        "form": "written",
        "evidence_note": "Signert skjema.",
        "how_informed": "Muntlig gjennomgang.",
    }
    fields.update(overrides)
    return sharing_services.consent_record(actor=world.caseworker, person_id=world.person.pk, **fields)  # type: ignore[arg-type]


def _add(world: World, actor: User | None = None, **overrides: object) -> NetworkNode:
    return services.node_create(actor=actor or world.caseworker, case_id=world.case.pk, data=_input(**overrides))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_a_tie_is_recorded_with_who_assessed_it_and_when_and_audited_without_values(world: World) -> None:
    before = _last_seq()
    node = _add(world, label="Tante (K)")
    assert node.owner_organisation == world.municipality
    assert node.valence_assessed_by == world.caseworker
    assert node.valence_assessed_on == timezone.localdate()
    rows = list(AuditEntry.objects.filter(seq__gt=before))
    assert [r.event for r in rows] == [AuditEvent.CREATE]
    assert "label" in rows[0].changed_fields
    assert all("Tante" not in str(getattr(r, f.attname)) for r in rows for f in r._meta.fields)


def test_a_risk_tie_must_name_the_nature_of_the_risk_and_other_ties_none(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(world, valence=Valence.RISK)
    assert "risk_nature" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _add(world, valence=Valence.SUPPORTIVE, risk_nature=RiskNature.THREATS)
    assert "risk_nature" in refused.value.message_dict
    assert not NetworkNode.objects.exists()
    node = _add(world, valence=Valence.RISK, risk_nature=RiskNature.RECRUITMENT)
    assert node.risk_nature == RiskNature.RECRUITMENT


def test_r22_may_contact_needs_a_current_consent_of_the_person(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(world, contact_permission=ContactPermission.MAY_CONTACT)
    assert "consent" in refused.value.message_dict
    assert not NetworkNode.objects.exists()
    consent = _consent(world)
    node = _add(world, contact_permission=ContactPermission.MAY_CONTACT, consent_id=consent.pk)
    assert node.consent == consent


def test_r22_contact_is_refused_without_permission_and_nothing_is_recorded(world: World) -> None:
    today = timezone.localdate()
    for permission, phrase in (
        (ContactPermission.MAY_NOT, "may not be contacted"),
        (ContactPermission.VIA_PERSON, "only through the person"),
    ):
        node = _add(world, contact_permission=permission)
        before = _last_seq()
        with pytest.raises(ContactRefused) as refused:
            services.node_contact_record(actor=world.caseworker, node_id=node.pk, contacted_on=today, purpose="Møte")
        assert phrase in " ".join(refused.value.messages)
        assert "The contact was not recorded." in " ".join(refused.value.messages)
        assert not NodeContact.objects.exists()
        assert _last_seq() == before


def test_r22_contact_is_recorded_with_permission_and_refused_after_the_consent_is_withdrawn(world: World) -> None:
    consent = _consent(world)
    node = _add(world, contact_permission=ContactPermission.MAY_CONTACT, consent_id=consent.pk, full_name="Ola Onkel")
    today = timezone.localdate()
    contact = services.node_contact_record(actor=world.caseworker, node_id=node.pk, contacted_on=today, purpose="Møte")
    assert contact.node == node and contact.owner_organisation == world.municipality
    sharing_services.consent_withdraw(actor=world.caseworker, consent_id=consent.pk)
    with pytest.raises(ContactRefused) as refused:
        services.node_contact_record(actor=world.caseworker, node_id=node.pk, contacted_on=today, purpose="Igjen")
    assert "consent" in " ".join(refused.value.messages)
    assert NodeContact.objects.count() == 1


def test_a_contact_needs_a_date_that_is_not_in_the_future(world: World) -> None:
    consent = _consent(world)
    node = _add(world, contact_permission=ContactPermission.MAY_CONTACT, consent_id=consent.pk)
    for day in (None, timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.node_contact_record(actor=world.caseworker, node_id=node.pk, contacted_on=day, purpose="")
    assert not NodeContact.objects.exists()


def test_r38_identity_is_kept_only_for_ties_that_may_be_contacted(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(world, full_name="Ola Onkel", contact_permission=ContactPermission.MAY_NOT)
    assert "full_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _add(world, contact_details="+47 900 00 000", contact_permission=ContactPermission.VIA_PERSON)
    assert "full_name" in refused.value.message_dict
    assert not NetworkNode.objects.exists()


def test_r38_an_exception_from_informing_a_third_party_needs_a_reason(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(world, informed=InformedAssessment.EXCEPTION)
    assert "informed_note" in refused.value.message_dict
    node = _add(world, informed=InformedAssessment.EXCEPTION, informed_note="Vil skade oppfølgingen.")
    assert node.is_third_party


def test_r38_the_map_counts_private_persons_without_an_informed_assessment(world: World) -> None:
    _add(world, label="Venn (A)")
    _add(world, label="Venn (B)", informed=InformedAssessment.INFORMED)
    _add(world, label="NAV", kind=NodeKind.ORGANISATION, formality=Formality.FORMAL, relation=Relation.SERVICE)
    page = selectors.network_page(actor=world.caseworker, case_id=world.case.pk)
    assert page.third_parties_not_assessed == 1


def test_a_changed_valence_is_recorded_as_the_editors_assessment_on_the_given_day(world: World) -> None:
    node = _add(world)
    day = timezone.localdate() - timedelta(days=3)
    changed = services.node_update(
        actor=world.coordinator,
        node_id=node.pk,
        data=_input(valence=Valence.RISK, risk_nature=RiskNature.THREATS),
        on=day,
        expected_version=node.version,
    )
    assert changed.valence_assessed_by == world.coordinator
    assert changed.valence_assessed_on == day
    entry = AuditEntry.objects.filter(event=AuditEvent.UPDATE, target_id=str(node.pk)).get()
    assert {"valence", "risk_nature", "valence_assessed_by"} <= set(entry.changed_fields)


def test_an_invalid_change_leaves_the_tie_as_it_was(world: World) -> None:
    node = _add(world)
    with pytest.raises(ValidationError):
        services.node_update(
            actor=world.caseworker,
            node_id=node.pk,
            data=_input(label="  ", valence="bad"),
            expected_version=node.version,
        )
    node.refresh_from_db()
    assert node.label == "Onkel (M)" and node.valence == Valence.SUPPORTIVE


def test_r23_by_default_only_editors_of_the_recording_organisation_see_the_network(world: World) -> None:
    node = _add(world)
    for user in (world.caseworker, world.coordinator):
        assert selectors.network_page(actor=user, case_id=world.case.pk).nodes == [node]
    for user in (world.mentor, world.nav, world.police_contact, world.outsider, world.privacy_officer):
        with pytest.raises(NotFound):
            selectors.network_page(actor=user, case_id=world.case.pk)


def test_r23_a_consent_for_category_network_shows_the_map_to_the_recipient_read_only(world: World) -> None:
    node = _add(world)
    _consent(world)
    page = selectors.network_page(actor=world.nav, case_id=world.case.pk)
    assert page.nodes == [node]
    assert page.editable == set()
    with pytest.raises(NotFound):
        services.node_update(
            actor=world.nav, node_id=node.pk, data=_input(label="Endret"), expected_version=node.version
        )
    with pytest.raises(NotFound):
        selectors.network_page(actor=world.police_contact, case_id=world.case.pk)


def test_a_consent_for_other_categories_does_not_open_the_network(world: World) -> None:
    _add(world)
    _consent(world, categories=["plan"])
    with pytest.raises(NotFound):
        selectors.network_page(actor=world.nav, case_id=world.case.pk)


def test_team_members_without_an_editing_seat_cannot_add_ties(world: World) -> None:
    for user in (world.mentor, world.nav, world.outsider):
        with pytest.raises(NotFound):
            _add(world, actor=user)
    assert not NetworkNode.objects.exists()


def test_a_snapshot_freezes_the_ties_present_on_its_day(world: World) -> None:
    today = timezone.localdate()
    early = services.node_create(
        actor=world.caseworker, case_id=world.case.pk, data=_input(label="Tidlig"), on=today - timedelta(days=20)
    )
    services.node_create(actor=world.caseworker, case_id=world.case.pk, data=_input(label="Senere"), on=today)
    snapshot = services.snapshot_take(
        actor=world.caseworker, case=world.case, reason=SnapshotReason.PLAN_REVIEW, on=today - timedelta(days=10)
    )
    assert [n["label"] for n in snapshot.nodes] == ["Tidlig"]
    services.node_update(
        actor=world.caseworker,
        node_id=early.pk,
        data=_input(label="Tidlig", valence=Valence.NEUTRAL),
        expected_version=early.version,
    )
    snapshot.refresh_from_db()
    assert snapshot.nodes[0]["valence"] == Valence.SUPPORTIVE


def test_an_ended_tie_leaves_the_map_and_later_snapshots(world: World) -> None:
    today = timezone.localdate()
    node = services.node_create(
        actor=world.caseworker, case_id=world.case.pk, data=_input(), on=today - timedelta(days=30)
    )
    services.node_end(actor=world.caseworker, node_id=node.pk, on=today - timedelta(days=5))
    assert selectors.network_page(actor=world.caseworker, case_id=world.case.pk).nodes == []
    before = services.snapshot_take(
        actor=world.caseworker, case=world.case, reason=SnapshotReason.MAPPING, on=today - timedelta(days=10)
    )
    after = services.snapshot_take(actor=world.caseworker, case=world.case, reason=SnapshotReason.CHANGE)
    assert len(before.nodes) == 1 and after.nodes == []
    with pytest.raises(ValidationError):
        services.node_end(actor=world.caseworker, node_id=node.pk, on=today)


def test_a_snapshot_is_refused_with_a_bad_reason_or_a_future_date(world: World) -> None:
    with pytest.raises(ValidationError):
        services.snapshot_take(actor=world.caseworker, case=world.case, reason="whim")
    with pytest.raises(ValidationError):
        services.snapshot_take(
            actor=world.caseworker,
            case=world.case,
            reason=SnapshotReason.MAPPING,
            on=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(NotFound):
        services.snapshot_take(actor=world.mentor, case=world.case, reason=SnapshotReason.MAPPING)
    assert not NetworkSnapshot.objects.exists()


def test_the_comparison_says_what_changed_between_two_snapshots(world: World) -> None:
    today = timezone.localdate()
    risk = services.node_create(
        actor=world.caseworker,
        case_id=world.case.pk,
        data=_input(label="Kamerat", valence=Valence.RISK, risk_nature=RiskNature.RECRUITMENT),
        on=today - timedelta(days=40),
    )
    first = services.snapshot_take(
        actor=world.caseworker, case=world.case, reason=SnapshotReason.MAPPING, on=today - timedelta(days=40)
    )
    services.node_update(
        actor=world.caseworker,
        node_id=risk.pk,
        data=_input(label="Kamerat", valence=Valence.NEUTRAL, closeness=Closeness.PERIPHERAL),
        expected_version=risk.version,
    )
    services.node_create(actor=world.caseworker, case_id=world.case.pk, data=_input(label="Trener"))
    services.snapshot_take(actor=world.caseworker, case=world.case, reason=SnapshotReason.PLAN_REVIEW)
    comparison = selectors.snapshot_compare(
        actor=world.caseworker, case_id=world.case.pk, first_id=first.pk, second_id=None
    )
    kinds = {(c.kind, c.label, c.before, c.after) for c in comparison.changes}
    assert ("added", "Trener", "", Valence.SUPPORTIVE) in kinds
    assert ("valence", "Kamerat", Valence.RISK, Valence.NEUTRAL) in kinds
    assert ("closeness", "Kamerat", Closeness.EFFECTIVE, Closeness.PERIPHERAL) in kinds
    assert comparison.first is not None and comparison.second is not None
    assert (comparison.first.indicator.risk, comparison.second.indicator.risk) == (1, 0)


def test_r23_the_export_leaves_out_risk_ties_and_milieu_contacts_and_is_audited(world: World) -> None:
    _add(world, label="Mor")
    _add(world, label="Kamerat", valence=Valence.RISK, risk_nature=RiskNature.THREATS)
    _add(world, label="Gammel bekjent", relation=Relation.MILIEU_CONTACT, valence=Valence.NEUTRAL)
    before = _last_seq()
    export = selectors.network_export(actor=world.caseworker, case_id=world.case.pk)
    assert [s.label for s in export.states] == ["Mor"]
    assert export.left_out == 2
    assert AuditEntry.objects.filter(seq__gt=before, event=AuditEvent.EXPORT).count() == 1


def test_reads_are_audited(world: World) -> None:
    _add(world)
    before = _last_seq()
    selectors.network_page(actor=world.coordinator, case_id=world.case.pk)
    events = set(AuditEntry.objects.filter(seq__gt=before).values_list("event", flat=True))
    assert {AuditEvent.VIEW, AuditEvent.LIST} <= events


def test_node_states_round_trip_through_a_snapshot(world: World) -> None:
    node = _add(world, valence=Valence.RISK, risk_nature=RiskNature.ONLINE)
    (state,) = services.node_states([node])
    assert NodeState.from_dict(state.as_dict()) == state
    assert state.is_risk_labelled


def test_an_assessment_cannot_be_dated_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.node_create(
            actor=world.caseworker,
            case_id=world.case.pk,
            data=_input(),
            on=timezone.localdate() + timedelta(days=1),
        )
    assert "assessed_on" in refused.value.message_dict
    assert not NetworkNode.objects.exists()
