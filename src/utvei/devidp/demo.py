"""The accounts the fake provider offers in the demo: the demo's persons and two of its staff users.

The persons' numbers are those the demo seed gives them (``utvei.cases.demo``: the same birth dates drawn
in the same order from the same seeded generator); a test checks that the two stay equal. One extra
person is known to no organisation, to show the page the portal gives when no one is found.
"""

from __future__ import annotations

import os
import random
from datetime import date

from utvei.core.fnr import synthetic_fodselsnummer
from utvei.devidp.server import Client, Identity

# (given name, family name, birth date) in the order utvei.cases.demo registers them.
DEMO_PERSONS = (
    ("Jonas", "Berg", date(2001, 3, 14)),
    ("Emma", "Lie", date(2010, 9, 2)),
    ("Sander", "Nilsen", date(1998, 11, 23)),
)
DEMO_SEED = 2026
# Demo kommune's staff who may log in through the demo's staff provider (e-mail as the demo seed sets it).
DEMO_STAFF = (("koordinator", "Kari Koordinator"), ("saksbehandler", "Sara Saksbehandler"))
IDPORTEN_CLIENT_ID = "utvei-idporten"
STAFF_CLIENT_ID = "utvei-demo-kommune"
# Public by design, like the demo password: the fake provider exists only outside production.
DEMO_IDPORTEN_SECRET = "demo-idporten-secret-not-for-production"
DEMO_STAFF_SECRET = "demo-staff-secret-not-for-production"


def demo_national_ids() -> list[str]:
    """Give the demo persons' fødselsnummer in DEMO_PERSONS order."""
    rng = random.Random(DEMO_SEED)  # noqa: S311  (synthetic demo data, not security-sensitive)
    return [synthetic_fodselsnummer(born, rng=rng) for _given, _family, born in DEMO_PERSONS]


def person_identities() -> tuple[Identity, ...]:
    """Give the persons the ID-porten stand-in offers, with an unknown one last."""
    found = []
    for (given, family, _born), number in zip(DEMO_PERSONS, demo_national_ids(), strict=True):
        label = f"{given} {family} (fødselsnummer {number})"
        found.append(Identity(key=number, label=label, claims={"sub": f"pairwise-{number[::-1]}", "pid": number}))
    stranger = synthetic_fodselsnummer(date(1990, 1, 1), rng=random.Random(1))  # noqa: S311
    found.append(
        Identity(
            key=stranger,
            label=f"Ukjent person, ikke registrert (fødselsnummer {stranger})",
            claims={"sub": f"pairwise-{stranger[::-1]}", "pid": stranger},
        )
    )
    return tuple(found)


def staff_identities() -> tuple[Identity, ...]:
    """Give the staff users the staff provider stand-in offers."""
    return tuple(
        Identity(
            key=username,
            label=f"{name} ({username}@demo.invalid)",
            claims={"sub": f"demo-{username}", "email": f"{username}@demo.invalid", "name": name},
        )
        for username, name in DEMO_STAFF
    )


def demo_clients(app_urls: list[str]) -> dict[str, Client]:
    """Register the demo's two clients, each sent back only to Utvei's callbacks at ``app_urls``."""
    idporten_secret = os.environ.get("UTVEI_IDPORTEN_CLIENT_SECRET", DEMO_IDPORTEN_SECRET)
    staff_secret = os.environ.get("UTVEI_DEMO_STAFF_CLIENT_SECRET", DEMO_STAFF_SECRET)
    return {
        IDPORTEN_CLIENT_ID: Client(
            client_id=IDPORTEN_CLIENT_ID,
            secret=idporten_secret,
            redirect_uris=tuple(f"{u.rstrip('/')}/oidc/idporten/callback/" for u in app_urls),
            identities=person_identities(),
            person_login=True,
        ),
        STAFF_CLIENT_ID: Client(
            client_id=STAFF_CLIENT_ID,
            secret=staff_secret,
            redirect_uris=tuple(f"{u.rstrip('/')}/oidc/demo-kommune/callback/" for u in app_urls),
            identities=staff_identities(),
        ),
    }
