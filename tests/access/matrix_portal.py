"""Authorization rows for the person's portal, merged into the oracle in matrix.py, and the person's own rows.

Written by hand from DOMAIN.md (the person is the data subject, not a staff role):
- every page of the portal needs a portal session: a staff user or an anonymous visitor is sent to the
  portal's login (302), whatever the method; the login page itself is open to all;
- the workers' page of what the person sent is for the case's editors (saksbehandler and koordinator on
  case 1); other case roles get the 404 of a missing case, roles without case access 403. Deciding a
  block with an empty form is a 422 for them.

``PERSON_ROWS`` give the person's (Jonas Berg, case 1) answers on the portal; on every other URL the
person gets what the anonymous visitor gets (tests/portal/test_person_matrix.py).
"""

from __future__ import annotations

from tests.access.matrix import CASE1_EDITORS, Row, case_view, everyone

CASE1 = {"case_id": "case:1"}
PORTAL_GET = [
    "portal:home",
    "portal:plan",
    "portal:consents",
    "portal:log",
    "portal:settings",
    "portal:requests",
    "portal:network",
    "portal:pdf",
]
TO_PORTAL_LOGIN = everyone(302, anonymous=302)

ROWS: list[Row] = [
    Row("portal:login", "GET", everyone(200, anonymous=200)),
    Row("portal:login", "POST", everyone(405, anonymous=405)),
    *[Row(name, "GET", TO_PORTAL_LOGIN) for name in PORTAL_GET],
    Row("portal:settings", "POST", TO_PORTAL_LOGIN),
    Row("portal:requests", "POST", TO_PORTAL_LOGIN),
    Row("portal:logout", "POST", TO_PORTAL_LOGIN),
    Row("portal:goal_message", "POST", TO_PORTAL_LOGIN, kwargs={"goal_id": "goal:1"}),
    Row("portal:consent_withdraw", "POST", TO_PORTAL_LOGIN, kwargs={"consent_id": "consent:1"}),
    Row("portal_staff:from_person", "GET", case_view(CASE1_EDITORS), kwargs=CASE1),
    Row("portal_staff:from_person", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    Row(
        "portal_staff:block_decide",
        "POST",
        case_view(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs={"case_id": "case:1", "request_id": "literal:999999"},
    ),
]

# The person's answers on the portal (what a staff user or anonymous visitor gets is in ROWS).
PERSON_ROWS: list[tuple[str, str, int, dict[str, str]]] = [
    *[(name, "GET", 200, {}) for name in PORTAL_GET],
    ("portal:login", "GET", 302, {}),  # already logged in: to the front page
    ("portal:goal_message", "POST", 400, {"goal_id": "goal:1"}),  # no one-time token
    ("portal:consent_withdraw", "POST", 404, {"consent_id": "consent:missing"}),
    ("portal:logout", "POST", 302, {}),
]
