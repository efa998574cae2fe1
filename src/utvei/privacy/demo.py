"""Demo data of the privacy app: the team of Jonas Berg's case reads it, as a working week would.

The reads go through the case page's own selector, so the audit log holds real, chained read entries by
the coordinator, the police, NAV, the school, health and the mentor, each for their own organisation. The
data protection officer of Demo kommune then finds them all in one search by Jonas's name, and the
coordinator can print Jonas's access log.
"""

from __future__ import annotations

from utvei.accounts.demo import DemoWorld

# Who opens case 1 in the demo, in order (usernames of DEMO_USERS on its team).
READERS = ("koordinator", "politikontakt", "nav", "skole", "helse", "mentor", "koordinator")


def seed(world: DemoWorld) -> None:
    """Let the team of case 1 open the case page, each read audited for the reader's organisation."""
    from utvei.cases.selectors import case_overview

    case = world.cases[0]
    for username in READERS:
        case_overview(actor=world.users[username], case_id=case.pk)
