"""Authorization rows for the mentoring pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and issue 4: the mentor register is kept by case workers and
coordinators (saksbehandler, koordinator, and nabo for Nabo kommune's own, empty register); the demo's
mentor:1 (Mona Mentor) and mentor:2 (an external mentor) are in Demo kommune's register. assignment:1
matches mentor:1 to case 1's person; it is seen by its mentor and, as case coordination, by the Demo
kommune members of case 1's team. The mentor's own pages need the mentor role. referral:1 is case 1's
konfliktråd referral; assigning, ending, referring and updating status need an editing seat on case 1.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, Row, case_edit, case_view, only

KEEPERS = {"saksbehandler", "koordinator", "nabo"}
MENTOR1_KEEPERS = {"saksbehandler", "koordinator"}
ASSIGNMENT1_READERS = {"saksbehandler", "koordinator", "mentor"}


def _keepers(answer: int) -> dict[str, int | str]:
    return only(dict.fromkeys(KEEPERS, answer))


def _mentor1(answer: int) -> dict[str, int | str]:
    # Keepers of another organisation's register get the same 404 as for a missing mentor.
    return only(dict.fromkeys(KEEPERS, 404) | dict.fromkeys(MENTOR1_KEEPERS, answer))


def _case1_write(name: str, kwargs: dict[str, str]) -> list[Row]:
    # An empty POST is an invalid form: editors get 422 (nothing changes), everyone else the GET answer.
    return [
        Row(name, "GET", case_edit(CASE1_EDITORS), kwargs=kwargs),
        Row(name, "POST", case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422), kwargs=kwargs),
    ]


ROWS: list[Row] = [
    Row("mentoring:mentor_list", "GET", _keepers(200)),
    Row("mentoring:mentor_list", "POST", _keepers(405)),
    Row("mentoring:mentor_new", "GET", _keepers(200)),
    Row("mentoring:mentor_new", "POST", _keepers(422)),
    Row("mentoring:mentor_edit", "GET", _mentor1(200), kwargs={"mentor_id": "mentor:1"}),
    Row("mentoring:mentor_edit", "POST", _mentor1(422), kwargs={"mentor_id": "mentor:1"}),
    Row("mentoring:mentor_edit", "GET", _keepers(404), kwargs={"mentor_id": "mentor:missing"}),
    *_case1_write("mentoring:assignment_new", {"case_id": "case:1"}),
    Row("mentoring:assignment_new", "GET", case_edit(set()), kwargs={"case_id": "case:missing"}),
    Row(
        "mentoring:assignment_detail",
        "GET",
        case_view(ASSIGNMENT1_READERS),
        kwargs={"assignment_id": "assignment:1"},
    ),
    Row("mentoring:assignment_detail", "GET", case_view(set()), kwargs={"assignment_id": "assignment:missing"}),
    *_case1_write("mentoring:assignment_end", {"assignment_id": "assignment:1"}),
    Row("mentoring:log_new", "GET", only({"mentor": 200}), kwargs={"assignment_id": "assignment:1"}),
    Row("mentoring:log_new", "POST", only({"mentor": 422}), kwargs={"assignment_id": "assignment:1"}),
    Row("mentoring:log_new", "GET", only({"mentor": 404}), kwargs={"assignment_id": "assignment:missing"}),
    Row("mentoring:my_mentees", "GET", only({"mentor": 200})),
    Row("mentoring:my_mentees", "POST", only({"mentor": 405})),
    Row("mentoring:mentee", "GET", only({"mentor": 200}), kwargs={"assignment_id": "assignment:1"}),
    Row("mentoring:mentee", "GET", only({"mentor": 404}), kwargs={"assignment_id": "assignment:missing"}),
    *_case1_write("mentoring:restorative_new", {"case_id": "case:1"}),
    *_case1_write("mentoring:restorative_status", {"referral_id": "referral:1"}),
    Row("mentoring:restorative_status", "GET", case_edit(set()), kwargs={"referral_id": "referral:missing"}),
]
