"""Authorization rows for the work list's week view, merged into the oracle in matrix.py.

The week view, like the work list, belongs to every case role (it shows only the actor's own cases, so the
other municipality and the mentor get a page with none of the rest); roles without case access get 403.
"""

from __future__ import annotations

from tests.access.matrix import CASE_ROLES, Row, only

ROWS: list[Row] = [
    Row("cases:week", "GET", only(dict.fromkeys(CASE_ROLES, 200))),
    Row("cases:week", "POST", only(dict.fromkeys(CASE_ROLES, 405))),
]
