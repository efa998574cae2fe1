"""The ecomap and the indicator chart as SVG: parsed, not eyeballed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from django.utils import translation

from utvei.network import drawing
from utvei.network.drawing import NodeState
from utvei.network.models import Closeness, Formality, NodeKind, Relation, Valence

SVG = "{http://www.w3.org/2000/svg}"


def _state(node_id: int, **overrides: str) -> NodeState:
    values = {
        "label": f"Node {node_id}",
        "kind": NodeKind.PERSON,
        "formality": Formality.INFORMAL,
        "relation": Relation.FRIEND,
        "closeness": Closeness.EFFECTIVE,
        "valence": Valence.SUPPORTIVE,
    }
    values.update(overrides)
    return NodeState(id=node_id, **values)  # type: ignore[arg-type]


STATES = [
    _state(1, valence=Valence.SUPPORTIVE, closeness=Closeness.INTIMATE),
    _state(2, valence=Valence.NEUTRAL, formality=Formality.FORMAL, kind=NodeKind.ORGANISATION),
    _state(3, valence=Valence.RISK, risk_nature="threats", closeness=Closeness.PERIPHERAL),
    _state(4, valence=Valence.UNKNOWN, formality=Formality.FORMAL, closeness=Closeness.AVAILABLE),
    _state(5, valence=Valence.SUPPORTIVE, formality=Formality.FORMAL, closeness=Closeness.EFFECTIVE),
]


def _svg(states: list[NodeState]) -> ET.Element:
    with translation.override("en"):
        html = render_to_string("network/_ecomap.html", {"map": drawing.ecomap(states), "title": "Network map"})
    return ET.fromstring(html[html.index("<svg") :].strip())


def test_the_svg_is_an_image_with_a_title_and_a_description() -> None:
    root = _svg(STATES)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Network map"
    assert desc is not None and "5 ties" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_one_node_element_per_visible_node() -> None:
    root = _svg(STATES)
    nodes = root.findall(f".//{SVG}g[@data-node]")
    assert sorted(int(n.get("data-node", "0")) for n in nodes) == [1, 2, 3, 4, 5]
    organisation = next(n for n in nodes if n.get("data-node") == "2")
    assert organisation.find(f"{SVG}rect") is not None


def test_the_legend_names_every_valence_with_its_own_line_style_and_pattern() -> None:
    root = _svg(STATES)
    legend = root.find(f".//{SVG}g[@data-part='legend']")
    assert legend is not None
    entries = legend.findall(f"{SVG}g[@data-legend]")
    assert [e.get("data-legend") for e in entries] == [v.value for v in Valence]
    dashes = {e.get("data-legend"): e.find(f"{SVG}line").get("stroke-dasharray", "") for e in entries}  # type: ignore[union-attr]
    assert len(set(dashes.values())) == 4, "each valence needs its own line style, not colour alone"
    patterns = {p.get("id"): p.get("data-pattern") for p in root.iter(f"{SVG}pattern")}
    assert len(set(patterns.values())) == 4


def test_ties_are_styled_by_valence_and_not_by_colour_alone() -> None:
    root = _svg(STATES)
    ties = root.find(f".//{SVG}g[@data-part='ties']")
    assert ties is not None
    style = {line.get("data-valence"): (line.get("stroke-dasharray", ""), line.get("stroke-width")) for line in ties}
    assert style[Valence.SUPPORTIVE] != style[Valence.RISK] != style[Valence.NEUTRAL]
    symbols = {
        g.get("data-valence"): [t.text for t in g.findall(f"{SVG}text")][0]
        for g in root.findall(f".//{SVG}g[@data-node]")
    }
    assert symbols[Valence.RISK] == "!" and symbols[Valence.SUPPORTIVE] == "+"


def test_formal_ties_are_drawn_right_of_the_person_and_informal_ties_left() -> None:
    placed = drawing.ecomap(STATES).nodes
    half = drawing.SIZE / 2
    for node in placed:
        if node.node.formality == Formality.FORMAL:
            assert node.x > half
        else:
            assert node.x < half


def test_closer_ties_are_drawn_on_inner_rings() -> None:
    placed = {p.node.id: p for p in drawing.ecomap(STATES).nodes}
    half = drawing.SIZE / 2

    def distance(node_id: int) -> float:
        return float(((placed[node_id].x - half) ** 2 + (placed[node_id].y - half) ** 2) ** 0.5)

    assert distance(1) < distance(5) < distance(4) < distance(3)


def test_an_empty_network_draws_the_person_and_the_rings_only() -> None:
    root = _svg([])
    assert root.findall(f".//{SVG}g[@data-node]") == []
    assert len(root.findall(f".//{SVG}g[@data-part='rings']/{SVG}circle")) == 4


def test_the_export_legend_leaves_out_the_risk_entry() -> None:
    assert Valence.RISK not in [s.valence for s in drawing.ecomap([], without_risk=True).styles]


def test_the_indicator_chart_has_a_point_per_time_and_a_data_table() -> None:
    indicators = [
        drawing.indicator("1", STATES),
        drawing.indicator("2", [s for s in STATES if s.valence != Valence.RISK]),
    ]
    assert indicators[0].share_supportive == 40
    with translation.override("en"):
        html = render_to_string("network/_chart.html", {"chart": drawing.chart(indicators), "indicators": indicators})
    body = html[html.index("<svg") :]
    svg = ET.fromstring(body[: body.index("</svg>") + 6])
    assert svg.get("role") == "img"
    assert len(svg.findall(f"{SVG}circle")) == 2  # the supportive markers
    assert "Share supportive" in body and "<td>40 %</td>" in body


def test_compare_lists_added_removed_and_changed_ties() -> None:
    before = [_state(1), _state(2, valence=Valence.RISK, risk_nature="threats")]
    after = [_state(2, valence=Valence.NEUTRAL, closeness=Closeness.PERIPHERAL), _state(3)]
    changes = [(c.kind, c.label) for c in drawing.compare(before, after)]
    assert changes == [
        ("added", "Node 3"),
        ("removed", "Node 1"),
        ("valence", "Node 2"),
        ("closeness", "Node 2"),
    ]
