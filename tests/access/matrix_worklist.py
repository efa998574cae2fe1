"""Authorization rows for the work list's week view and calendar address, merged into matrix.py.

The week view and the calendar address page, like the work list, belong to every case role (they show
only the actor's own cases, so the other municipality and the mentor see none of the rest); roles
without case access get 403. The feed is read by its secret address alone: a wrong one is not found.
"""

from __future__ import annotations

from tests.access.matrix import CASE_ROLES, Row, everyone, only

ROWS: list[Row] = [
    Row("cases:week", "GET", only(dict.fromkeys(CASE_ROLES, 200))),
    Row("cases:week", "POST", only(dict.fromkeys(CASE_ROLES, 405))),
]
ROWS += [
    # The calendar address page: every case role may make or revoke its own address.
    Row("cases:calendar", "GET", only(dict.fromkeys(CASE_ROLES, 200))),
    # The feed itself is read by its secret address alone: a wrong one is not found, for everyone.
    Row("cases:calendar_feed", "GET", everyone(404, anonymous=404), kwargs={"token": "literal:not-a-token"}),
    Row("cases:calendar_feed", "POST", everyone(405, anonymous=405), kwargs={"token": "literal:not-a-token"}),
]
