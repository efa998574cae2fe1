"""Authorization rows for the partners' own pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and the demo world. A measure's progress is reported by the
organisation that provides it: case 1's "Arbeidstrening" (measure 1) is NAV's, "Samtaler hos psykolog"
(measure 4) the health service's; nobody else, not the mentor, not another partner, not another
municipality, reaches those pages. The report of serious concern that test_matrix plants on case 1 (escalation 1)
was made by Demo kommune to the police contact: the municipality's seats see it by its category, the police contact
because it received it; only the police contact answers it. Any seat acting for its organisation on an
open case (not the narrow mentor seat) records its own conversations and notes. Empty POSTs are invalid
forms (422 for those allowed, nothing changes).
"""

from __future__ import annotations

from tests.access.matrix import CASE1_TEAM, CASE2_TEAM, Row, case_view

NOTE_WRITERS_CASE1 = CASE1_TEAM - {"mentor"}
REPORT_READERS = {"saksbehandler", "koordinator", "politikontakt"}


def _form(name: str, kwargs: dict[str, str], readers: set[str], writers: set[str]) -> list[Row]:
    post = case_view(readers) | dict.fromkeys(readers - writers, 404) | dict.fromkeys(writers, 422)
    return [Row(name, "GET", case_view(readers), kwargs=kwargs), Row(name, "POST", post, kwargs=kwargs)]


ROWS: list[Row] = [
    *_form("plans:measure_progress", {"measure_id": "measure:1"}, {"nav"}, {"nav"}),
    *_form("plans:measure_progress", {"measure_id": "measure:4"}, {"helse"}, {"helse"}),
    Row("plans:measure_progress", "GET", case_view(set()), kwargs={"measure_id": "measure:missing"}),
    *_form("cases:report", {"escalation_id": "escalation:1"}, REPORT_READERS, {"politikontakt"}),
    Row("cases:report", "GET", case_view(set()), kwargs={"escalation_id": "escalation:missing"}),
    *_form("contacts:note_new", {"case_id": "case:1"}, NOTE_WRITERS_CASE1, NOTE_WRITERS_CASE1),
    *_form("contacts:note_new", {"case_id": "case:2"}, CASE2_TEAM, CASE2_TEAM),
    Row("contacts:note_new", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
]
