"""The ecomap and the indicator chart as data for server-side SVG (no script, no raster library).

Pure functions over :class:`NodeState` values, so the same drawing serves the live map, a snapshot, the
comparison and the PDF. The person is at the centre; one ring per closeness (intimate innermost);
formal ties on the right half, informal ties on the left. Valence is shown by colour *and* by line
style, fill pattern and a symbol, so nothing depends on colour alone.

networkx holds the ego graph (the person and a tie to each node). Its layout functions need numpy,
which is not installed (and no dependency may be added), and its shell layout spreads a ring over the
whole circle where the map needs two halves; so the polar layout (evenly spaced shells, each half of a
ring shared out evenly) is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from utvei.network.models import Closeness, Formality, NodeKind, Relation, Valence

CENTRE = "centre"
SIZE = 640  # the drawing's width and height in user units
MARGIN = 70  # room for labels outside the outer ring
INNER = 84  # the innermost ring's radius: clear of the person in the centre
RINGS = [c.value for c in Closeness]  # innermost first


_CHOICES: dict[str, type[Closeness | Formality | NodeKind | Relation | Valence]] = {
    "closeness": Closeness,
    "formality": Formality,
    "kind": NodeKind,
    "relation": Relation,
    "valence": Valence,
}


def choice_label(attribute: str, value: str) -> str:
    """Give the translated label of a stored code (the code itself if unknown)."""
    choices = _CHOICES.get(attribute)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)


@dataclass(frozen=True)
class NodeState:
    """Hold what the map shows of one node, live or frozen in a snapshot."""

    id: int
    label: str
    kind: str
    formality: str
    relation: str
    closeness: str
    valence: str
    risk_nature: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Give the state as a JSON-ready dict (what a snapshot stores)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NodeState:
        """Rebuild a state from a snapshot's dict, ignoring keys it does not know."""
        return cls(**{key: data.get(key, "") for key in cls.__dataclass_fields__})

    def display(self, attribute: str) -> str:
        """Give the translated label of one of the state's coded attributes."""
        return choice_label(attribute, str(getattr(self, attribute)))

    @property
    def kind_label(self) -> str:
        """Give the kind in words."""
        return self.display("kind")

    @property
    def formality_label(self) -> str:
        """Give formal or informal in words."""
        return self.display("formality")

    @property
    def relation_label(self) -> str:
        """Give the relation in words."""
        return self.display("relation")

    @property
    def closeness_label(self) -> str:
        """Give the closeness in words."""
        return self.display("closeness")

    @property
    def valence_label(self) -> str:
        """Give the valence in words."""
        return self.display("valence")

    @property
    def is_risk_labelled(self) -> bool:
        """Tell whether the node must stay out of exports (R23): a risk tie or a milieu contact."""
        return self.valence == Valence.RISK or self.relation == Relation.MILIEU_CONTACT


@dataclass(frozen=True)
class ValenceStyle:
    """Hold how one valence is drawn: colour, line, pattern and symbol."""

    valence: str
    colour: str
    stroke_width: float
    dasharray: str  # "" for a solid line
    pattern: str  # "solid", "hatch", "dots" or "cross"
    symbol: str
    tint: str  # the light background of the node's fill pattern

    @property
    def label(self) -> str:
        """Give the valence in words (for the legend)."""
        return choice_label("valence", self.valence)


# Colours with at least 4.5:1 contrast on white; line style, pattern and symbol carry the same meaning.
STYLES: dict[str, ValenceStyle] = {
    Valence.SUPPORTIVE: ValenceStyle(Valence.SUPPORTIVE, "#1b6e34", 4.5, "", "solid", "+", "#d7efdd"),
    Valence.NEUTRAL: ValenceStyle(Valence.NEUTRAL, "#4f5b67", 2.0, "10 5", "cross", "=", "#e7eaee"),
    Valence.RISK: ValenceStyle(Valence.RISK, "#b3261e", 3.0, "3 4", "hatch", "!", "#f8dedc"),
    Valence.UNKNOWN: ValenceStyle(Valence.UNKNOWN, "#7a5c00", 1.5, "1 6", "dots", "?", "#f4ecd2"),
}


@dataclass(frozen=True)
class PlacedNode:
    """Hold one node with its place in the drawing and its style."""

    node: NodeState
    x: float
    y: float
    style: ValenceStyle
    short_label: str
    label_y: float

    @property
    def left(self) -> float:
        """Give the left edge of an organisation's square."""
        return round(self.x - 16, 1)

    @property
    def top(self) -> float:
        """Give the top edge of an organisation's square."""
        return round(self.y - 16, 1)

    @property
    def symbol_y(self) -> float:
        """Give the baseline of the valence symbol inside the node."""
        return round(self.y + 5, 1)

    @property
    def is_organisation(self) -> bool:
        """Tell whether the node is drawn as a square (an organisation)."""
        return self.node.kind == NodeKind.ORGANISATION


@dataclass(frozen=True)
class Ring:
    """Hold one closeness ring: its radius and the closeness it stands for."""

    closeness: str
    radius: float


@dataclass(frozen=True)
class Ecomap:
    """Hold everything the SVG template needs for one drawing."""

    prefix: str
    size: int
    rings: list[Ring]
    nodes: list[PlacedNode]
    styles: list[ValenceStyle]
    counts: dict[str, int]

    @property
    def half(self) -> int:
        """Give the centre coordinate."""
        return self.size // 2

    @property
    def height(self) -> int:
        """Give the drawing's height: the map and the legend below it."""
        return self.size + 64

    @property
    def total(self) -> int:
        """Give the number of ties drawn."""
        return len(self.nodes)


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _graph(nodes: Sequence[NodeState]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_node(CENTRE)
    for node in nodes:
        graph.add_node(node.id, state=node)
        graph.add_edge(CENTRE, node.id, valence=node.valence)
    return graph


def _ring_radii() -> dict[str, float]:
    """Give each closeness ring its radius: evenly spaced shells around the person."""
    outer = SIZE / 2 - MARGIN
    step = (outer - INNER) / (len(RINGS) - 1)
    return {closeness: round(INNER + step * index, 1) for index, closeness in enumerate(RINGS)}


def _angles(count: int, formal: bool, ring: int) -> list[float]:
    """Spread ``count`` nodes over one half: right (formal) or left (informal).

    Each node takes the middle of its share of the half; each ring is turned a little so that nodes of
    neighbouring rings do not line up on one ray.
    """
    start, span = (-80.0, 160.0) if formal else (100.0, 160.0)
    share = span / max(count, 1)
    shift = (ring - 1.5) * 0.3 * share
    return [start + (i + 0.5) * share + shift for i in range(count)]


def ecomap(nodes: Iterable[NodeState], *, prefix: str = "map", without_risk: bool = False) -> Ecomap:
    """Lay out the ecomap: rings by closeness, formal right, informal left.

    With ``without_risk`` (exports, R23) the legend leaves out the risk entry too.
    """
    states = sorted(nodes, key=lambda n: (RINGS.index(n.closeness), n.formality, n.label.lower(), n.id))
    graph = _graph(states)
    radii = _ring_radii()
    half = SIZE / 2
    placed: list[PlacedNode] = []
    for closeness in RINGS:
        ring = [graph.nodes[node_id]["state"] for node_id in graph.neighbors(CENTRE)]
        ring = [n for n in ring if n.closeness == closeness]
        ring.sort(key=lambda n: (n.formality, n.label.lower(), n.id))
        for formal in (True, False):
            side = [n for n in ring if (n.formality == Formality.FORMAL) == formal]
            for node, angle in zip(side, _angles(len(side), formal, RINGS.index(closeness)), strict=True):
                turn = math.radians(angle)
                x = half + radii[closeness] * math.cos(turn)
                y = half + radii[closeness] * math.sin(turn)
                placed.append(
                    PlacedNode(
                        node=node,
                        x=round(x, 1),
                        y=round(y, 1),
                        style=STYLES.get(node.valence, STYLES[Valence.UNKNOWN]),
                        short_label=_short(node.label),
                        label_y=round(y + 26, 1),
                    )
                )
    counts = {v.value: sum(1 for n in states if n.valence == v) for v in Valence}
    return Ecomap(
        prefix=prefix,
        size=SIZE,
        rings=[Ring(c, radii[c]) for c in RINGS],
        nodes=placed,
        styles=[STYLES[v] for v in Valence if not (without_risk and v == Valence.RISK)],
        counts=counts,
    )


@dataclass(frozen=True)
class Indicator:
    """Hold the indicators of one point in time."""

    label: str
    supportive: int
    risk: int
    total: int

    @property
    def share_supportive(self) -> int:
        """Give the share of supportive ties in whole percent (0 for an empty network)."""
        return round(100 * self.supportive / self.total) if self.total else 0


def indicator(label: str, nodes: Iterable[NodeState]) -> Indicator:
    """Count supportive and risk ties of one network state."""
    states = list(nodes)
    return Indicator(
        label=label,
        supportive=sum(1 for n in states if n.valence == Valence.SUPPORTIVE),
        risk=sum(1 for n in states if n.valence == Valence.RISK),
        total=len(states),
    )


@dataclass(frozen=True)
class ChartPoint:
    """Hold one point of the indicator chart."""

    x: float
    y_supportive: float
    y_risk: float
    indicator: Indicator


@dataclass(frozen=True)
class Chart:
    """Hold the indicator chart: points, axis ticks and the polylines."""

    width: int
    height: int
    left: int
    bottom: float
    top: int
    points: list[ChartPoint]
    ticks: list[tuple[int, float]]
    supportive_line: str
    risk_line: str


def chart(indicators: Sequence[Indicator], *, width: int = 560, height: int = 240) -> Chart:
    """Scale the indicators into a small line chart (supportive and risk ties over time)."""
    left, right, top, bottom = 48, 24, 20, height - 44
    highest = max([1, *(i.supportive for i in indicators), *(i.risk for i in indicators)])
    span = bottom - top
    step = (width - left - right) / max(1, len(indicators) - 1)

    def y_of(value: int) -> float:
        return round(bottom - span * value / highest, 1)

    points = [
        ChartPoint(
            x=round(left + (step * i if len(indicators) > 1 else (width - left - right) / 2), 1),
            y_supportive=y_of(ind.supportive),
            y_risk=y_of(ind.risk),
            indicator=ind,
        )
        for i, ind in enumerate(indicators)
    ]
    tick_values = sorted({0, highest, *range(0, highest + 1, max(1, math.ceil(highest / 4)))})
    return Chart(
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        top=top,
        points=points,
        ticks=[(v, y_of(v)) for v in tick_values],
        supportive_line=" ".join(f"{p.x},{p.y_supportive}" for p in points),
        risk_line=" ".join(f"{p.x},{p.y_risk}" for p in points),
    )


@dataclass(frozen=True)
class Change:
    """Describe one change between two network states, in plain words' parts."""

    kind: str  # "added", "removed", "closeness", "valence", "relation", "formality"
    label: str
    before: str = ""
    after: str = ""

    @property
    def before_label(self) -> str:
        """Give the earlier value in words."""
        return choice_label("valence" if self.kind in {"added", "removed"} else self.kind, self.before)

    @property
    def after_label(self) -> str:
        """Give the later value in words."""
        return choice_label("valence" if self.kind in {"added", "removed"} else self.kind, self.after)


def compare(before: Iterable[NodeState], after: Iterable[NodeState]) -> list[Change]:
    """List what changed between two network states: ties added, removed, or moved.

    Nodes are matched by id; a changed label alone is not a change of the network.
    """
    old = {n.id: n for n in before}
    new = {n.id: n for n in after}
    changes: list[Change] = []
    for node_id, node in new.items():
        if node_id not in old:
            changes.append(Change("added", node.label, after=node.valence))
    for node_id, node in old.items():
        if node_id not in new:
            changes.append(Change("removed", node.label, before=node.valence))
    for node_id in old.keys() & new.keys():
        a, b = old[node_id], new[node_id]
        for attribute in ("valence", "closeness", "relation", "formality"):
            if getattr(a, attribute) != getattr(b, attribute):
                changes.append(Change(attribute, b.label, before=getattr(a, attribute), after=getattr(b, attribute)))
    order = {"added": 0, "removed": 1, "valence": 2, "closeness": 3, "relation": 4, "formality": 5}
    return sorted(changes, key=lambda c: (order[c.kind], c.label.lower()))
