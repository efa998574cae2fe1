"""Authorization rows for the contacts pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles: the write pages (contact plan, new conversation, new consultation)
need an editing seat on an open case (case worker, exit coordinator, IP coordinator, SLT coordinator);
other team members and other case roles get the same 404 as for a missing case; roles without case
access get 403. A conversation is seen by team members of the organisation that recorded it (the default
category gate). The demo world must hold conversation 1 on case 1, recorded by `saksbehandler` for Demo
kommune: on case 1's team, Demo kommune is saksbehandler, koordinator and mentor (whose seat is only a
mentor seat, so the mentor agreement decides what they see: never conversations).
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE3_EDITORS, CASE_ROLES, Row, case_edit, case_view, only

# Team members of case 1 who belong to Demo kommune, the organisation that recorded conversation 1; the
# mentor is of Demo kommune too but never sees conversations (R26, mentoring.gate.MentorRestriction).
CONVERSATION1_READERS = {"saksbehandler", "koordinator"}


def _write_page(name: str, case: str, editors: set[str]) -> list[Row]:
    # An empty POST is an invalid form: editors get 422 (nothing is created), everyone else the GET answer.
    kwargs = {"case_id": case}
    return [
        Row(name, "GET", case_edit(editors), kwargs=kwargs),
        Row(name, "POST", case_edit(editors) | dict.fromkeys(editors, 422), kwargs=kwargs),
    ]


ROWS: list[Row] = [
    *_write_page("contacts:plan", "case:1", CASE1_EDITORS),
    Row("contacts:plan", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    Row("contacts:plan", "GET", case_edit(set()), kwargs={"case_id": "case:missing"}),
    *_write_page("contacts:conversation_new", "case:1", CASE1_EDITORS),
    Row("contacts:conversation_new", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    *_write_page("contacts:consultation_new", "case:1", CASE1_EDITORS),
    Row("contacts:consultation_new", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    Row(
        "contacts:conversation_detail",
        "GET",
        case_view(CONVERSATION1_READERS),
        kwargs={"conversation_id": "conversation:1"},
    ),
    Row("contacts:conversation_detail", "GET", case_view(set()), kwargs={"conversation_id": "conversation:missing"}),
    # GET only: the method check answers before any object is looked up.
    Row(
        "contacts:conversation_detail",
        "POST",
        only(dict.fromkeys(CASE_ROLES, 405)),
        kwargs={"conversation_id": "conversation:1"},
    ),
    Row("contacts:methods", "GET", only(dict.fromkeys(CASE_ROLES, 200))),
    Row("contacts:methods", "POST", only(dict.fromkeys(CASE_ROLES, 405))),
]
