"""Authorization rows for the OpenID Connect login, merged in matrix.py (the portal's are in matrix_portal.py).

Written by hand. These views are public by nature: they are how a visitor who is nobody yet becomes a
staff user or a person with a portal session, so every visitor, logged in or not, gets the same answer.
In the test world ID-porten is not configured (its start is a 404), no staff provider exists (any
provider address is a 404) and a callback without a pending login is refused (400).
"""

from __future__ import annotations

from tests.access.matrix import Row, everyone

NOWHERE = {"slug": "literal:nowhere"}

ROWS: list[Row] = [
    Row("oidc:idporten_start", "GET", everyone(404, anonymous=404)),
    Row("oidc:idporten_start", "POST", everyone(405, anonymous=405)),
    Row("oidc:idporten_callback", "GET", everyone(400, anonymous=400)),
    Row("oidc:idporten_callback", "POST", everyone(405, anonymous=405)),
    Row("oidc:staff_start", "GET", everyone(404, anonymous=404), kwargs=NOWHERE),
    Row("oidc:staff_start", "POST", everyone(405, anonymous=405), kwargs=NOWHERE),
    Row("oidc:staff_callback", "GET", everyone(404, anonymous=404), kwargs=NOWHERE),
    Row("oidc:staff_callback", "POST", everyone(405, anonymous=405), kwargs=NOWHERE),
]
