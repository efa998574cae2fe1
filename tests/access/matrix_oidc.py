"""Authorization rows for the OpenID Connect login and the minimal portal pages, merged in matrix.py.

Written by hand. These views are public by nature: they are how a visitor who is nobody yet becomes a
staff user or a person with a portal session, so every visitor, logged in or not, gets the same answer.
In the test world ID-porten is not configured (its start is a 404), no staff provider exists (any
provider address is a 404), a callback without a pending login is refused (400), and the portal's home
sends a visitor without a portal session to the portal's login page (302).
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
    Row("portal:login", "GET", everyone(200, anonymous=200)),
    Row("portal:login", "POST", everyone(405, anonymous=405)),
    Row("portal:home", "GET", everyone(302, anonymous=302)),
    Row("portal:home", "POST", everyone(405, anonymous=405)),
]
