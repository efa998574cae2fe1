"""Synthetic demo data for network; called by utvei.accounts.demo.seed_demo after the base world exists.

Case 1 gets a network mapped with the person about a hundred days ago and reviewed twice since: three
dated snapshots in which the drawing shifts from risk ties in the inner rings to supportive ties. The
coordinator records a consent that shares category "network" with NAV, so NAV's team member sees the
map too (R23: others only through consent). Every name and label is invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from utvei.access import policy
from utvei.access.policy import Action
from utvei.network import services
from utvei.network.models import (
    Closeness,
    ContactPermission,
    Formality,
    InformedAssessment,
    NetworkNode,
    NodeKind,
    Relation,
    RiskNature,
    SnapshotReason,
    Source,
    Valence,
)
from utvei.network.services import NodeInput

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


def _tie(**values: object) -> NodeInput:
    defaults: dict[str, object] = {
        "kind": NodeKind.PERSON,
        "formality": Formality.INFORMAL,
        "source": Source.PERSON,
        "informed": InformedAssessment.EXCEPTION,
        "informed_note": "Opplysningene er gitt av personen selv; å varsle vil kunne skade oppfølgingen.",
    }
    return NodeInput(**{**defaults, **values})  # type: ignore[arg-type]


def _change(node: NetworkNode, **values: object) -> NodeInput:
    current: dict[str, object] = {
        "kind": node.kind,
        "label": node.label,
        "formality": node.formality,
        "relation": node.relation,
        "closeness": node.closeness,
        "valence": node.valence,
        "source": node.source,
        "risk_nature": node.risk_nature,
        "full_name": node.full_name,
        "contact_details": node.contact_details,
        "contact_permission": node.contact_permission,
        "consent_id": node.consent_id,
        "informed": node.informed,
        "informed_note": node.informed_note,
        "plan_role": node.plan_role,
        "measure_id": node.measure_id,
    }
    return NodeInput(**{**current, **values})  # type: ignore[arg-type]


def seed(world: DemoWorld) -> None:
    """Add this app's demo data to the world, through the services."""
    from utvei.accounts.demo import MUNICIPALITY, NAV
    from utvei.plans.models import Measure
    from utvei.sharing import services as sharing_services

    actor = world.users["koordinator"]
    case = world.cases[0]
    today = world.today
    mapped, first_review, second_review = (
        today - timedelta(days=100),
        today - timedelta(days=50),
        today - timedelta(days=10),
    )
    consent = sharing_services.consent_record(
        actor=actor,
        person_id=case.person_id,
        organisation=world.organisations[MUNICIPALITY],
        recipients=[world.organisations[NAV]],
        categories=["network"],
        purpose="coordination",
        valid_from=mapped,
        valid_to=mapped + timedelta(days=360),
        given_by="person",
        # The demo's history starts at the mapping: the consent was given and recorded that day.
        given_on=mapped,
        recorded_on=mapped,
        form="written",
        evidence_note="Signert samtykkeskjema, arkivert i saken.",
        how_informed="Gjennomgått muntlig og skriftlig med Jonas ved nettverkskartleggingen.",
    )

    def add(on: date, **values: object) -> NetworkNode:
        return services.node_create(actor=actor, case_id=case.pk, data=_tie(**values), on=on)

    # The first mapping, together with Jonas: the inner rings are dominated by the old crowd.
    mother = add(
        mapped,
        label="Mor",
        relation=Relation.FAMILY,
        closeness=Closeness.EFFECTIVE,
        valence=Valence.SUPPORTIVE,
        contact_permission=ContactPermission.VIA_PERSON,
        informed=InformedAssessment.INFORMED,
        informed_note="",
    )
    brother = add(
        mapped, label="Bror (A.)", relation=Relation.FAMILY, closeness=Closeness.AVAILABLE, valence=Valence.NEUTRAL
    )
    crowd = add(
        mapped,
        label="Kamerat (K.)",
        relation=Relation.MILIEU_CONTACT,
        closeness=Closeness.INTIMATE,
        valence=Valence.RISK,
        risk_nature=RiskNature.RECRUITMENT,
    )
    forum = add(
        mapped,
        label="Lukket chattegruppe",
        kind=NodeKind.ORGANISATION,
        relation=Relation.ONLINE_COMMUNITY,
        closeness=Closeness.INTIMATE,
        valence=Valence.RISK,
        risk_nature=RiskNature.ONLINE,
        informed=InformedAssessment.NOT_ASSESSED,
        informed_note="",
    )
    old_friend = add(
        mapped,
        label="Gammel venn (T.)",
        relation=Relation.FRIEND,
        closeness=Closeness.EFFECTIVE,
        valence=Valence.RISK,
        risk_nature=RiskNature.CRIMINAL,
        source=Source.PROFESSIONAL,
    )
    nav = add(
        mapped,
        label="Nav-veileder",
        kind=NodeKind.ORGANISATION,
        formality=Formality.FORMAL,
        relation=Relation.SERVICE,
        closeness=Closeness.PERIPHERAL,
        valence=Valence.UNKNOWN,
        informed=InformedAssessment.NOT_ASSESSED,
        informed_note="",
    )
    add(
        mapped,
        label="Kriminalomsorgen",
        kind=NodeKind.ORGANISATION,
        formality=Formality.FORMAL,
        relation=Relation.SERVICE,
        closeness=Closeness.AVAILABLE,
        valence=Valence.NEUTRAL,
        source=Source.PROFESSIONAL,
        informed=InformedAssessment.NOT_ASSESSED,
        informed_note="",
    )
    services.snapshot_take(
        actor=actor, case=case, reason=SnapshotReason.MAPPING, on=mapped, note="Første kartlegging med Jonas."
    )

    # First plan review: the chat group is left, the old crowd moves out, new support comes in.
    services.node_end(actor=actor, node_id=forum.pk, on=first_review - timedelta(days=5))
    crowd = services.node_update(
        actor=actor,
        node_id=crowd.pk,
        data=_change(crowd, closeness=Closeness.PERIPHERAL, risk_nature=RiskNature.THREATS),
        on=first_review,
        expected_version=crowd.version,
    )
    services.node_update(
        actor=actor,
        node_id=nav.pk,
        data=_change(nav, closeness=Closeness.EFFECTIVE, valence=Valence.SUPPORTIVE),
        on=first_review,
        expected_version=nav.version,
    )
    services.node_update(
        actor=actor,
        node_id=brother.pk,
        data=_change(brother, valence=Valence.SUPPORTIVE),
        on=first_review,
        expected_version=brother.version,
    )
    mentor_measure = (
        policy.scope(actor, Action.VIEW, Measure.objects.filter(case=case, kind="mentor")).order_by("pk").first()
    )
    add(
        first_review,
        label="Mentor",
        formality=Formality.FORMAL,
        relation=Relation.SERVICE,
        closeness=Closeness.EFFECTIVE,
        valence=Valence.SUPPORTIVE,
        informed=InformedAssessment.INFORMED,
        informed_note="",
        measure_id=mentor_measure.pk if mentor_measure else None,
        plan_role="Støtteperson på oppfølgingsmøtene og del av tilbakefallsplanen.",
    )
    add(
        first_review,
        label="Fotballaget",
        kind=NodeKind.ORGANISATION,
        relation=Relation.CLUB,
        closeness=Closeness.AVAILABLE,
        valence=Valence.SUPPORTIVE,
        informed=InformedAssessment.NOT_ASSESSED,
        informed_note="",
    )
    services.snapshot_take(
        actor=actor, case=case, reason=SnapshotReason.PLAN_REVIEW, on=first_review, note="Første evaluering av planen."
    )

    # Second plan review: the old friend is no longer around; work and a partner are new supportive ties.
    services.node_end(actor=actor, node_id=old_friend.pk, on=second_review - timedelta(days=10))
    services.node_update(
        actor=actor,
        node_id=mother.pk,
        data=_change(mother, closeness=Closeness.INTIMATE),
        on=second_review,
        expected_version=mother.version,
    )
    employer = add(
        second_review,
        label="Praksisplass (lager)",
        kind=NodeKind.ORGANISATION,
        formality=Formality.FORMAL,
        relation=Relation.EMPLOYER,
        closeness=Closeness.EFFECTIVE,
        valence=Valence.SUPPORTIVE,
        contact_permission=ContactPermission.MAY_CONTACT,
        consent_id=consent.pk,
        full_name="Lager Demo AS v/ Lise Lagerleder",
        contact_details="+47 900 11 222",
        informed=InformedAssessment.INFORMED,
        informed_note="",
    )
    add(
        second_review,
        label="Kjæreste (S.)",
        relation=Relation.PARTNER,
        closeness=Closeness.INTIMATE,
        valence=Valence.SUPPORTIVE,
        informed=InformedAssessment.NOT_ASSESSED,
        informed_note="",
    )
    services.snapshot_take(
        actor=actor, case=case, reason=SnapshotReason.PLAN_REVIEW, on=second_review, note="Andre evaluering."
    )
    services.node_contact_record(
        actor=actor,
        node_id=employer.pk,
        contacted_on=second_review + timedelta(days=2),
        purpose="Avtale om oppstart og oppfølging på arbeidsplassen.",
    )
