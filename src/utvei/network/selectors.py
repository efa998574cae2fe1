"""Reads of the network map, scoped by the policy and audited.

A case's network pages open for those who may see at least part of it: an editor of the case (who may
also start a map), or a team member to whom a consent shows some ties or snapshots. Everyone else gets
the same 404 as for a missing case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case
from utvei.cases.selectors import RevisionRow, revision_history
from utvei.network import drawing
from utvei.network.drawing import NodeState
from utvei.network.models import CATEGORY, NetworkNode, NetworkSnapshot, NodeContact
from utvei.network.services import node_states
from utvei.plans.models import Measure
from utvei.sharing.models import Consent


def _visible_nodes(actor: User, case: Case) -> QuerySet[NetworkNode]:
    qs = NetworkNode.objects.filter(case=case).select_related("valence_assessed_by", "consent")
    return policy.scope(actor, Action.VIEW, qs)


def _by_label(nodes: QuerySet[NetworkNode]) -> list[NetworkNode]:
    # The label is encrypted, so ties are ordered here (by ring, then label) rather than by the database.
    return sorted(nodes, key=lambda n: (n.closeness, n.label.casefold(), n.pk))


def _visible_snapshots(actor: User, case: Case) -> QuerySet[NetworkSnapshot]:
    return policy.scope(actor, Action.VIEW, NetworkSnapshot.objects.filter(case=case))


def _case_for_network(actor: User, case_id: int) -> Case:
    """Load a case whose network the actor may see (some of).

    :raises NotFound: the case does not exist, the actor is not on its team, or sees nothing of its network.
    """
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, Action.VIEW, case)
    if not policy.can(actor, Action.REVIEW, case) and not (
        _visible_nodes(actor, case).exists() or _visible_snapshots(actor, case).exists()
    ):
        raise NotFound(Case._meta.label, case_id)
    return case


@dataclass
class NetworkPage:
    """Hold what the network page shows: live ties, the drawing, snapshots and indicators."""

    case: Case
    nodes: list[NetworkNode]
    ended: list[NetworkNode]
    snapshots: list[NetworkSnapshot]
    ecomap: drawing.Ecomap
    indicators: list[drawing.Indicator]
    chart: drawing.Chart
    can_edit: bool
    editable: set[int] = field(default_factory=set)
    third_parties_not_assessed: int = 0


def _indicators(snapshots: list[NetworkSnapshot], live: list[NodeState]) -> list[drawing.Indicator]:
    from django.utils import formats

    points = [
        drawing.indicator(
            formats.date_format(s.taken_on, "SHORT_DATE_FORMAT"), [NodeState.from_dict(n) for n in s.nodes]
        )
        for s in snapshots
    ]
    points.append(drawing.indicator(_("Now"), live))
    return points


def network_page(*, actor: User, case_id: int) -> NetworkPage:
    """Gather the network page of a case and audit the read.

    :raises NotFound: see :func:`_case_for_network`.
    """
    with reading():
        case = _case_for_network(actor, case_id)
        visible = _by_label(_visible_nodes(actor, case))
        nodes = [n for n in visible if n.ended_on is None]
        ended = [n for n in visible if n.ended_on is not None]
        snapshots = list(_visible_snapshots(actor, case))
        states = node_states(nodes)
        indicators = _indicators(snapshots, states)
        editable = {n.pk for n in policy.scope(actor, Action.UPDATE, NetworkNode.objects.filter(case=case))}
        measures = {m.pk: m for m in _measures(actor, case)}
        for node in visible:
            linked = measures.get(node.measure_id or 0)
            node.measure_title = linked.title if linked else ""
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        if visible:
            record(
                actor=actor,
                event=AuditEvent.LIST,
                target_type=NetworkNode._meta.label,
                target_id=len(visible),
                case=case,
            )
    return NetworkPage(
        case=case,
        nodes=nodes,
        ended=ended,
        snapshots=snapshots,
        ecomap=drawing.ecomap(states),
        indicators=indicators,
        chart=drawing.chart(indicators),
        can_edit=policy.can(actor, Action.UPDATE, case),
        editable=editable,
        third_parties_not_assessed=sum(1 for n in nodes if n.is_third_party and n.informed == "not_assessed"),
    )


@dataclass
class NodeFormData:
    """Hold what the tie form needs: the case, the tie (when editing) and the consents to choose."""

    case: Case
    node: NetworkNode | None
    consents: list[Consent]
    measures: list[Measure] = field(default_factory=list)
    contacts: list[NodeContact] = field(default_factory=list)
    history: list[RevisionRow] = field(default_factory=list)


def _consents(case: Case) -> list[Consent]:
    from django.utils import timezone

    return list(Consent.objects.current(timezone.localdate()).filter(person_id=case.person_id))


def _measures(actor: User, case: Case) -> list[Measure]:
    return list(policy.scope(actor, Action.VIEW, Measure.objects.filter(case=case)))


def node_form_data(*, actor: User, case_id: int) -> NodeFormData:
    """Load the new-tie page for an actor who may change the case, auditing the read.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = Case.objects.select_related("person").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.UPDATE, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        measures = _measures(actor, case)
    return NodeFormData(case=case, node=None, consents=_consents(case), measures=measures)


def node_get_for_edit(*, actor: User, node_id: int) -> NodeFormData:
    """Load one tie the actor may change, with its recorded contacts, auditing the read.

    :raises NotFound: the tie does not exist or the actor may not change it (the same answer for both).
    """
    with reading():
        node = (
            NetworkNode.objects.select_related("case__person", "consent", "valence_assessed_by")
            .filter(pk=node_id)
            .first()
        )
        if node is None:
            raise NotFound(NetworkNode._meta.label, node_id)
        policy.require(actor, Action.UPDATE, node)
        contacts = list(node.contacts.select_related("recorded_by"))
        measures = _measures(actor, node.case)
        history = revision_history(actor=actor, obj=node, person_id=node.case.person_id, case_id=node.case_id)
        record(actor=actor, event=AuditEvent.VIEW, target=node, case=node.case)
    return NodeFormData(
        case=node.case,
        node=node,
        consents=_consents(node.case),
        measures=measures,
        contacts=contacts,
        history=history,
    )


def snapshot_form_data(*, actor: User, case_id: int) -> Case:
    """Load the take-a-snapshot page for an actor who may change the case, auditing the read.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    return node_form_data(actor=actor, case_id=case_id).case


@dataclass
class SnapshotView:
    """Hold one snapshot drawn."""

    snapshot: NetworkSnapshot
    states: list[NodeState]
    ecomap: drawing.Ecomap
    indicator: drawing.Indicator


def _snapshot_view(snapshot: NetworkSnapshot, prefix: str) -> SnapshotView:
    states = [NodeState.from_dict(n) for n in snapshot.nodes]
    return SnapshotView(
        snapshot=snapshot,
        states=states,
        ecomap=drawing.ecomap(states, prefix=prefix),
        indicator=drawing.indicator("", states),
    )


def snapshot_get(*, actor: User, snapshot_id: int) -> SnapshotView:
    """Fetch one snapshot the actor may see, drawn, and audit the read.

    :raises NotFound: the snapshot does not exist or the actor may not see it.
    """
    with reading():
        snapshot = NetworkSnapshot.objects.select_related("case", "taken_by").filter(pk=snapshot_id).first()
        if snapshot is None:
            raise NotFound(NetworkSnapshot._meta.label, snapshot_id)
        policy.require(actor, Action.VIEW, snapshot)
        record(actor=actor, event=AuditEvent.VIEW, target=snapshot, case=snapshot.case)
    return _snapshot_view(snapshot, "snap")


@dataclass
class Comparison:
    """Hold two snapshots side by side and what changed between them."""

    case: Case
    snapshots: list[NetworkSnapshot]
    first: SnapshotView | None
    second: SnapshotView | None
    changes: list[drawing.Change]


def snapshot_compare(*, actor: User, case_id: int, first_id: int | None, second_id: int | None) -> Comparison:
    """Compare two snapshots of a case (by default the earliest and the latest), auditing the reads.

    Ids that are not snapshots of this case the actor may see fall back to the defaults.

    :raises NotFound: see :func:`_case_for_network`.
    """
    with reading():
        case = _case_for_network(actor, case_id)
        snapshots = list(_visible_snapshots(actor, case).select_related("taken_by"))
        by_id = {s.pk: s for s in snapshots}
        first = by_id.get(first_id or 0) or (snapshots[0] if snapshots else None)
        second = by_id.get(second_id or 0) or (snapshots[-1] if snapshots else None)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        for snapshot in {s.pk: s for s in (first, second) if s is not None}.values():
            record(actor=actor, event=AuditEvent.VIEW, target=snapshot, case=case)
    first_view = _snapshot_view(first, "first") if first else None
    second_view = _snapshot_view(second, "second") if second else None
    changes = drawing.compare(first_view.states, second_view.states) if first_view and second_view else []
    return Comparison(case=case, snapshots=snapshots, first=first_view, second=second_view, changes=changes)


@dataclass
class NetworkExport:
    """Hold the ties that may leave the case in a document, and how many were left out (R23)."""

    case: Case
    states: list[NodeState]
    ecomap: drawing.Ecomap
    left_out: int


def network_export(*, actor: User, case_id: int) -> NetworkExport:
    """Prepare the network map for a PDF without risk-labelled ties (R23), audited as an export.

    :raises NotFound: see :func:`_case_for_network`.
    """
    with reading():
        case = _case_for_network(actor, case_id)
        live = node_states([n for n in _visible_nodes(actor, case) if n.ended_on is None])
        kept = [s for s in live if not s.is_risk_labelled]
        record(
            actor=actor,
            event=AuditEvent.EXPORT,
            target=case,
            case=case,
            changed_fields=["network_map"],
        )
    return NetworkExport(
        case=case,
        states=kept,
        ecomap=drawing.ecomap(kept, prefix="pdf", without_risk=True),
        left_out=len(live) - len(kept),
    )


@dataclass
class NetworkSection:
    """Hold what the case page shows of the network: counts, the latest snapshot and links."""

    case: CaseCard
    total: int
    supportive: int
    risk: int
    latest: NetworkSnapshot | None
    snapshot_count: int
    can_open: bool


def section_for_case(*, actor: User, case: Case) -> NetworkSection | None:
    """Count the ties and snapshots of the case the actor may see (the case page audits the read).

    None when the actor may see nothing of the network and may not start one.
    """
    nodes = [n for n in _visible_nodes(actor, case) if n.ended_on is None]
    snapshots = list(_visible_snapshots(actor, case))
    can_open = policy.can(actor, Action.REVIEW, case) or bool(nodes) or bool(snapshots)
    if not can_open:
        return None
    ctx = policy.context(actor)
    grounds = {policy.category_ground(ctx, item, CATEGORY) for item in [*nodes, *snapshots]}
    ctx.note(case.pk, [CATEGORY] if nodes or snapshots else [], {g for g in grounds if g is not None})
    states = node_states(nodes)
    counts = drawing.indicator("", states)
    return NetworkSection(
        case=case_card(case),
        total=counts.total,
        supportive=counts.supportive,
        risk=counts.risk,
        latest=snapshots[-1] if snapshots else None,
        snapshot_count=len(snapshots),
        can_open=True,
    )


def sees_network(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the network tab is offered: never to a narrow seat,
    since the map names third parties and risk ties (R23, R26)."""
    return not policy.context(actor).is_narrow(case.pk)


def latest_node(*, actor: User) -> Subquery:
    """Give when a node was last added to the case's network map, as far as the actor may see (evidence for
    mapping, P4)."""
    nodes = policy.scope(actor, Action.VIEW, NetworkNode.objects.filter(case=OuterRef("pk")))
    return Subquery(nodes.order_by("-created_on").values("created_on")[:1])
