"""Demo data of the privacy app: the team of Jonas Berg's case reads it, as a working week would.

The reads go through the case page's own selector, so the audit log holds real, chained read entries by
the coordinator, the police, NAV, the school, health and the mentor, each for their own organisation. The
data protection officer of Demo kommune then finds them all in one search by Jonas's name, and the
coordinator can print Jonas's access log.

The SLT coordinator, who is not on case 1's team, then opens it once under break-glass access, reads it and
ends the access, so the officer finds one unreviewed grant in the review queue and Jonas's access log shows
the read as emergency access.
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
    _seed_break_glass(world)


def _seed_break_glass(world: DemoWorld) -> None:
    from django.utils import timezone

    from utvei.cases.selectors import case_overview
    from utvei.privacy.models import GrantReason
    from utvei.privacy.services import access_grant_end, access_grant_request

    case, slt = world.cases[0], world.users["slt"]
    grant = access_grant_request(
        actor=slt,
        case_reference=case.reference,
        reason_code=GrantReason.CRISIS_CONTACT,
        reason="Jonas rang the SLT line at night in crisis; his coordinator could not be reached.",
        hours=2,
        reauthenticated_at=timezone.now(),
    )
    case_overview(actor=slt, case_id=case.pk)
    access_grant_end(actor=slt, grant_id=grant.pk)
