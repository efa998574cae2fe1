"""Authorization rows for the inbox, merged into the oracle in matrix.py.

Written by hand: every logged-in user has an inbox and e-mail choices of their own (the function
OWN_ACCOUNT, which every role holds). A notification is its recipient's alone: the demo tells
`koordinator` of the seat on case 1, so only `koordinator` may open or mark it; every other user gets the
404 of a missing notification, whatever their roles on the case.
"""

from __future__ import annotations

from tests.access.matrix import Row, everyone

KOORDINATOR_S = {"notification_id": "notification:koordinator"}


def _recipient_only(answer: int) -> dict[str, int | str]:
    return everyone(404) | {"koordinator": answer}


ROWS: list[Row] = [
    Row("notifications:inbox", "GET", everyone(200)),
    Row("notifications:inbox", "POST", everyone(405)),
    Row("notifications:read_all", "POST", everyone(302)),
    Row("notifications:read_all", "GET", everyone(405)),
    Row("notifications:settings", "GET", everyone(200)),
    Row("notifications:settings", "POST", everyone(302)),
    Row("notifications:settings", "POST", everyone(422), data={"kinds": "nonsense"}),
    Row("notifications:open", "POST", _recipient_only(302), kwargs=KOORDINATOR_S),
    Row("notifications:open", "GET", everyone(405), kwargs=KOORDINATOR_S),
    Row("notifications:read", "POST", _recipient_only(302), kwargs=KOORDINATOR_S),
    Row("notifications:read", "GET", everyone(405), kwargs=KOORDINATOR_S),
]
