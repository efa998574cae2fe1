"""Authorization rows for the network pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md (§5) and R23: the network map is seen by default by the case's
coordinators and case workers (here `saksbehandler` and `koordinator` of Demo kommune, which recorded
every tie); other team members only through a consent for category "network". The network demo records
such a consent from Demo kommune to Nav Demo for Jonas (case 1), so `nav` reads the map, snapshots and
comparison, but changes nothing. The mentor, school, health and police members of case 1 get the same
404 as for a missing case. Case 3 has no ties: its editors may open (and start) its map. Writes need an
editing seat in the recording organisation; empty POSTs are invalid (422 for form pages; the contact and
end actions on a tie redirect back with the reason, 302, and change nothing).
The demo world holds tie 1 ("Mor", case 1) and snapshot 1 (the first mapping of case 1).
"""

from __future__ import annotations

from tests.access.matrix import (
    CASE1_EDITORS,
    CASE3_EDITORS,
    CASE_ROLES,
    Row,
    case_edit,
    case_view,
    only,
)

# Editors of case 1 (all in Demo kommune) and NAV through the demo consent for category "network".
NETWORK1_READERS = CASE1_EDITORS | {"nav"}


def _form_page(name: str, kwargs: dict[str, str], editors: set[str]) -> list[Row]:
    return [
        Row(name, "GET", case_edit(editors), kwargs=kwargs),
        Row(name, "POST", case_edit(editors) | dict.fromkeys(editors, 422), kwargs=kwargs),
    ]


def _read_page(name: str) -> list[Row]:
    return [
        Row(name, "GET", case_view(NETWORK1_READERS), kwargs={"case_id": "case:1"}),
        Row(name, "GET", case_view(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
        Row(name, "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
        Row(name, "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs={"case_id": "case:1"}),
    ]


ROWS: list[Row] = [
    *_read_page("network:map"),
    *_read_page("network:compare"),
    Row("network:map_pdf", "GET", case_view(NETWORK1_READERS), kwargs={"case_id": "case:1"}),
    Row("network:map_pdf", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    *_form_page("network:node_new", {"case_id": "case:1"}, CASE1_EDITORS),
    Row("network:node_new", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    *_form_page("network:node_edit", {"node_id": "node:1"}, CASE1_EDITORS),
    Row("network:node_edit", "GET", case_edit(set()), kwargs={"node_id": "node:missing"}),
    Row(
        "network:node_contact",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302),
        kwargs={"node_id": "node:1"},
    ),
    Row("network:node_contact", "GET", only(dict.fromkeys(CASE_ROLES, 405)), kwargs={"node_id": "node:1"}),
    Row(
        "network:node_end",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302),
        kwargs={"node_id": "node:1"},
    ),
    Row("network:node_end", "POST", case_edit(set()), kwargs={"node_id": "node:missing"}),
    *_form_page("network:snapshot_new", {"case_id": "case:1"}, CASE1_EDITORS),
    Row("network:snapshot_new", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    Row("network:snapshot_detail", "GET", case_view(NETWORK1_READERS), kwargs={"snapshot_id": "snapshot:1"}),
    Row("network:snapshot_detail", "GET", case_view(set()), kwargs={"snapshot_id": "snapshot:missing"}),
]
