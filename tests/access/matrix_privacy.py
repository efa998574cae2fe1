"""Authorization rows for the privacy pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and docs/retention.md:
- the audit search and its CSV export belong to the data protection officer (`personvern`) alone; every
  other role gets 403 (a function the role lacks);
- the person's access log, its PDF, the exceptions to it and the copy of the person's data are produced by
  the case's workers and coordinators (case editors: saksbehandler and koordinator on case 1). Other case
  roles get the 404 of a missing case; roles without case access get 403.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE_ROLES, Row, case_view, only

CASE1 = {"case_id": "case:1"}
MISSING = {"case_id": "case:missing"}

ROWS: list[Row] = [
    Row("privacy:audit_log", "GET", only({"personvern": 200})),
    Row("privacy:audit_log", "POST", only({"personvern": 405})),
    Row("privacy:audit_export", "GET", only({"personvern": 200})),
    Row("privacy:access_log", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:access_log", "GET", case_view(set()), kwargs=MISSING),
    Row("privacy:access_log", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=CASE1),
    Row("privacy:access_log_pdf", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:exception_new", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:exception_new", "POST", case_view(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422), kwargs=CASE1),
    Row("privacy:exception_new", "GET", case_view(set()), kwargs=MISSING),
    Row("privacy:data_copy_json", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:data_copy_pdf", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("privacy:data_copy_pdf", "GET", case_view(set()), kwargs=MISSING),
]
