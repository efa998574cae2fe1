"""Authorization rows for the sharing pages, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and docs/sharing.md:
- the consent list, the sharing page and the disclosure list belong to the case's team, except a seat that
  is only a mentor seat: the mentor sees what the agreement names and nothing else (R26), so 404;
- recording a consent needs a seat that is not only a mentor seat (the mentor's view is narrow, R26);
- changing or withdrawing a consent needs such a seat for the consent's discloser. Consent 1 is the demo
  consent of Demo kommune to Nav Demo on case 1: on case 1, Demo kommune's non-mentor seats are
  saksbehandler and koordinator;
- the overview for the person is put together by the case's workers and coordinators (case editors).
Other case roles get the same 404 as for a missing case; roles without case access get 403.
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, CASE1_TEAM, CASE3_TEAM, CASE_ROLES, Row, case_view, only

CASE1 = {"case_id": "case:1"}
# Case 1's team members whose seat is not a mentor seat.
CASE1_CONSENT_SEATS = CASE1_TEAM - {"mentor"}
# Seats of Demo kommune (the discloser of consent 1) on case 1, mentor excluded.
CONSENT1_KEEPERS = {"saksbehandler", "koordinator"}


def _form(name: str, kwargs: dict[str, str], allowed: set[str]) -> list[Row]:
    # An empty POST is an invalid form: the allowed users get 422 (nothing is saved), everyone else the GET answer.
    return [
        Row(name, "GET", case_view(allowed), kwargs=kwargs),
        Row(name, "POST", case_view(allowed) | dict.fromkeys(allowed, 422), kwargs=kwargs),
    ]


CONSENT1 = {"case_id": "case:1", "consent_id": "consent:1"}

ROWS: list[Row] = [
    Row("sharing:consents", "GET", case_view(CASE1_CONSENT_SEATS), kwargs=CASE1),
    Row("sharing:consents", "GET", case_view(CASE3_TEAM), kwargs={"case_id": "case:3"}),
    Row("sharing:consents", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    Row("sharing:consents", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=CASE1),
    *_form("sharing:consent_new", CASE1, CASE1_CONSENT_SEATS),
    Row("sharing:consent_new", "GET", case_view(CASE3_TEAM), kwargs={"case_id": "case:3"}),
    *_form("sharing:consent_change", CONSENT1, CONSENT1_KEEPERS),
    Row(
        "sharing:consent_change",
        "GET",
        case_view(set()),
        kwargs={"case_id": "case:1", "consent_id": "consent:missing"},
    ),
    # Consent 1 is Jonas's: asked through Emma's case it is not found.
    Row("sharing:consent_change", "GET", case_view(set()), kwargs={"case_id": "case:2", "consent_id": "consent:1"}),
    *_form("sharing:consent_withdraw", CONSENT1, CONSENT1_KEEPERS),
    *_form("sharing:share", CASE1, CASE1_CONSENT_SEATS),
    Row("sharing:share", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    Row("sharing:disclosures", "GET", case_view(CASE1_CONSENT_SEATS), kwargs=CASE1),
    Row("sharing:disclosures", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=CASE1),
    # The demo has no report of concern: a missing report is the same 404 as a forbidden one.
    Row(
        "sharing:report_complete",
        "GET",
        case_view(set()),
        kwargs={"case_id": "case:1", "escalation_id": "case:missing"},
    ),
    Row("sharing:person_overview", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("sharing:person_overview", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    Row("sharing:person_overview_pdf", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("sharing:person_overview_pdf", "POST", only(dict.fromkeys(CASE_ROLES, 405)), kwargs=CASE1),
]
