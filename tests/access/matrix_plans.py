"""Authorization rows for the plans pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and the demo world: case 1 has an active plan recorded by Demo
kommune (coordinator `koordinator`). The plan is seen by case 1's team members whose organisation may see
the plan category: Demo kommune (saksbehandler, koordinator, and mentor through her mentor agreement,
R26), NAV and the school (current consents for the plan category). The police contact and health see
that the case exists, not the plan (404). Changing the plan, and the PDF for the person, are for the case's
editors and the plan coordinator. Team meetings are plan items: the mentor's agreement does not open them.
Empty POSTs are invalid forms (422 for editors, nothing changes).
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE_ROLES, Row, case_edit, case_view, only

CASE2_EDITORS = {"saksbehandler", "koordinator"}
PLAN_READERS = {"saksbehandler", "koordinator", "mentor", "nav", "skole"}
MEETING_READERS = PLAN_READERS - {"mentor"}


def _write(name: str, kwargs: dict[str, str], editors: set[str] = CASE1_EDITORS) -> list[Row]:
    return [
        Row(name, "GET", case_edit(editors), kwargs=kwargs),
        Row(name, "POST", case_edit(editors) | dict.fromkeys(editors, 422), kwargs=kwargs),
    ]


PLAN = {"plan_id": "plan:1"}

ROWS: list[Row] = [
    *_write("plans:wish", {"case_id": "case:1"}),
    Row("plans:wish", "GET", case_edit(CASE2_EDITORS), kwargs={"case_id": "case:2"}),
    Row("plans:wish", "GET", case_edit(set()), kwargs={"case_id": "case:missing"}),
    # Case 1's person already has a plan: starting another is refused (R07) with the offer to join.
    *_write("plans:start", {"case_id": "case:1"}),
    Row("plans:detail", "GET", case_view(PLAN_READERS), kwargs=PLAN),
    Row("plans:detail", "GET", case_view(set()), kwargs={"plan_id": "plan:missing"}),
    Row("plans:detail", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=PLAN),
    Row("plans:history", "GET", case_view(PLAN_READERS), kwargs=PLAN),
    Row("plans:history", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=PLAN),
    *_write("plans:edit", PLAN),
    *_write("plans:withdraw", PLAN),
    *_write("plans:goal_new", PLAN),
    *_write("plans:goal_edit", {"goal_id": "goal:1"}),
    *_write("plans:domain", PLAN),
    *_write("plans:participant_new", PLAN),
    *_write("plans:measure_new", PLAN),
    *_write("plans:measure_edit", {"measure_id": "measure:1"}),
    Row("plans:measure_edit", "GET", case_edit(set()), kwargs={"measure_id": "measure:missing"}),
    *_write("plans:review_new", PLAN),
    *_write("plans:meeting_new", PLAN),
    # The plan is already active: activating again changes nothing and goes back to the plan.
    Row("plans:activate", "POST", case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302), kwargs=PLAN),
    Row("plans:activate", "GET", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=PLAN),
    Row("plans:meeting", "GET", case_view(MEETING_READERS), kwargs={"meeting_id": "meeting:1"}),
    Row(
        "plans:meeting",
        "POST",
        case_view(set()) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs={"meeting_id": "meeting:1"},
    ),
    Row("plans:pdf", "GET", case_edit(CASE1_EDITORS), kwargs=PLAN),
    Row("plans:pdf", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=PLAN),
]
