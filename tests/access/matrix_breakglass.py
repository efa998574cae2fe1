"""Authorization rows for break-glass access, merged into the oracle in matrix.py.

Written by hand from DOMAIN.md's roles and the break-glass decision in docs/decisions.md:
- the emergency access page belongs to the roles that open cases (saksbehandler, koordinator, slt, and
  nabo in the other municipality, who is refused per case with the answer of a missing case); every other
  role gets 403. A POST without its fields is refused with the form (422) and opens nothing;
- ending a grant is for its holder: the demo's grant (`grant:1`) is slt's, already ended, so slt is sent
  back (303) and every other case role gets 404; roles without case access get 403;
- signing in again (`accounts:reauth`) is every logged-in user's own step; a POST without a password is
  refused with the form (422);
- the review queue and the review of one grant belong to the data protection officer (`personvern`).
"""

from __future__ import annotations

from tests.access.matrix import CASE_ROLES, Row, creators, everyone, only

GRANT1 = {"grant_id": "grant:1"}

ROWS: list[Row] = [
    Row("accounts:reauth", "GET", everyone(200)),
    Row("accounts:reauth", "POST", everyone(422)),
    Row("privacy:emergency", "GET", creators(200)),
    Row("privacy:emergency", "POST", creators(422)),
    Row("privacy:emergency_end", "GET", everyone(403) | dict.fromkeys(CASE_ROLES, 405), kwargs=GRANT1),
    Row(
        "privacy:emergency_end",
        "POST",
        everyone(403) | dict.fromkeys(CASE_ROLES, 404) | {"slt": 303},
        kwargs=GRANT1,
    ),
    Row("privacy:grant_queue", "GET", only({"personvern": 200})),
    Row("privacy:grant_review", "GET", only({"personvern": 200}), kwargs=GRANT1),
    Row("privacy:grant_review", "POST", only({"personvern": 422}), kwargs=GRANT1),
]
