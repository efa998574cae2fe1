"""Authorization rows for the erasure pages, merged into the oracle in matrix.py.

Written by hand from docs/retention.md (erasure on request): the request page belongs to the case editors
seated on the case for the controller (saksbehandler and koordinator of Demo kommune on case 1); other
case roles get the 404 of a missing case, roles without case access 403. The queue and the decision page
belong to the data protection officer (`personvern`); every other role gets 403. A missing request is a
404 for the officer. Deciding a real request is covered role by role in tests/privacy/test_erasure.py.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, Row, case_view, only

CASE1 = {"case_id": "case:1"}
MISSING_CASE = {"case_id": "case:missing"}
MISSING_REQUEST = {"request_id": "literal:999999"}

ROWS: list[Row] = [
    Row("privacy:erasure_new", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:erasure_new", "POST", case_view(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422), kwargs=CASE1),
    Row("privacy:erasure_new", "GET", case_view(set()), kwargs=MISSING_CASE),
    Row("privacy:erasure_queue", "GET", only({"personvern": 200})),
    Row("privacy:erasure_queue", "POST", only({"personvern": 405})),
    Row("privacy:erasure_decide", "GET", only({"personvern": 404}), kwargs=MISSING_REQUEST),
    Row("privacy:erasure_decide", "POST", only({"personvern": 404}), kwargs=MISSING_REQUEST),
]
