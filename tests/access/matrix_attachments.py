"""Authorization rows for the attachment pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and the attachments rule: uploading needs an editing seat on an open
case (case worker and exit coordinator on case 1; case worker and SLT coordinator on case 3); other case
roles get the 404 of a missing case, roles without case access 403. An attachment is seen by those who
see the item it belongs to. The demo world holds, on case 1, attachment 1 on conversation 1 and attachment 2
on the case itself, both uploaded by `saksbehandler` for Demo kommune: on case 1's team Demo kommune is
saksbehandler, koordinator and mentor, and the mentor's narrow seat never opens attachments (R26). No demo
consent opens conversations or case coordination to the police, NAV, the school or health, and the other
municipality (`nabo`) is on no team.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE1_TEAM, CASE3_EDITORS, Row, case_edit, case_view

DEMO_KOMMUNE_READERS = {"saksbehandler", "koordinator"}

ROWS: list[Row] = [
    Row("attachments:upload", "GET", case_edit(CASE1_EDITORS), kwargs={"case_id": "case:1"}),
    # An empty POST is an invalid form: editors get 422 (nothing is stored), everyone else the GET answer.
    Row(
        "attachments:upload",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs={"case_id": "case:1"},
    ),
    Row("attachments:upload", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    Row("attachments:upload", "GET", case_edit(set()), kwargs={"case_id": "case:missing"}),
    Row("attachments:download", "GET", case_view(DEMO_KOMMUNE_READERS), kwargs={"attachment_id": "attachment:1"}),
    Row("attachments:download", "GET", case_view(DEMO_KOMMUNE_READERS), kwargs={"attachment_id": "attachment:2"}),
    Row("attachments:download", "GET", case_view(set()), kwargs={"attachment_id": "attachment:missing"}),
    # The tab is offered to every seat that is not narrow; it lists only what each may see.
    Row("cases:tab", "GET", case_view(CASE1_TEAM - {"mentor"}), kwargs={"case_id": "case:1", "tab": "attachments"}),
]
