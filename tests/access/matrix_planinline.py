"""Authorization rows for the case workspace's inline work, merged into the oracle in matrix.py.

Accepting a suggested phase is for the case's editors alone: every other case role, a team reader such as
NAV or the school, the mentor and `nabo` of another municipality, gets the same 404 as for a missing case,
before anything is parsed. The row posts a move from a phase the case is not in, so an editor's answer is
the redirect back to the case with the refusal (nothing moves). The inline goal and measure forms are the
plan's own views (rows in matrix_plans.py); an inline post of an empty goal is refused the same way.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE_ROLES, Row, case_edit, only

CASE1 = {"case_id": "case:1"}
PLAN = {"plan_id": "plan:1"}

ROWS: list[Row] = [
    Row(
        "cases:phase_accept",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302),
        kwargs=CASE1,
        data={"from_phase": "P0", "to_phase": "P9"},
    ),
    Row("cases:phase_accept", "POST", case_edit(set()), kwargs={"case_id": "case:missing"}, data={"to_phase": "P1"}),
    Row("cases:phase_accept", "GET", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=CASE1),
    Row(
        "plans:goal_new",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs=PLAN,
        data={"goal-new-text": "", "text": ""},
    ),
    Row(
        "plans:measure_new",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs=PLAN,
        data={"measure-new-title": "", "title": ""},
    ),
]
