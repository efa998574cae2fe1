"""Authorization rows for the correction pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles: correcting a record is changing it, so only the editors of an open
case who may change that record get the page (case worker and exit coordinator of Demo kommune on case 1);
every other team member (the mentor, NAV, the school, health, the police contact) and the case worker of
another municipality get the same 404 as for a missing record, and roles without case access get 403. An
empty POST is an invalid form for the editors (422: nothing changes), except the contact details, whose
fields may all be empty, so an empty POST saves and goes back to the case (302).
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, Row, case_edit


def _page(name: str, kwargs: dict[str, str], post: int) -> list[Row]:
    return [
        Row(name, "GET", case_edit(CASE1_EDITORS), kwargs=kwargs),
        Row(name, "POST", case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, post), kwargs=kwargs),
    ]


ROWS: list[Row] = [
    *_page("cases:team_end", {"seat_id": "seat:1"}, 422),
    Row("cases:team_end", "GET", case_edit(set()), kwargs={"seat_id": "seat:missing"}),
    *_page("cases:task_correct", {"task_id": "task:1"}, 422),
    Row("cases:task_correct", "GET", case_edit(set()), kwargs={"task_id": "task:missing"}),
    *_page("cases:person_contact", {"case_id": "case:1"}, 302),
    Row("cases:person_contact", "GET", case_edit(set()), kwargs={"case_id": "case:missing"}),
    *_page("contacts:conversation_correct", {"conversation_id": "conversation:1"}, 422),
    Row("contacts:conversation_correct", "GET", case_edit(set()), kwargs={"conversation_id": "conversation:missing"}),
    *_page("contacts:consultation_correct", {"consultation_id": "consultation:1"}, 422),
    Row("contacts:consultation_correct", "GET", case_edit(set()), kwargs={"consultation_id": "consultation:missing"}),
]
