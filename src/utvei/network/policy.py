"""Access rules for the network map (R23): by default the case's coordinators and case workers of the
organisation that recorded a tie; other organisations only through a consent for category "network".

Team members without an editing role in the recording organisation (a mentor, say) do not see the map
by default, because the map names third parties and risk ties. A current consent that names their
organisation as recipient for category "network" opens it to them, read-only. Only members of the
recording organisation with an editing seat on an open case change a tie.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import Membership, User
from utvei.cases.policy import CASE_EDITOR_ROLES, EDIT_CASE, VIEW_CASE, CaseRule
from utvei.network.models import CATEGORY, NetworkNode, NetworkSnapshot, NodeContact

# Coordinators and case workers on the team, open case or closed (they read the history too).
EDITOR_SEAT = CaseRule(CASE_EDITOR_ROLES)


def _organisations(user: User) -> QuerySet[Membership, int]:
    return Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True)


class NetworkViewRule:
    """Show a network record to editors of the case in the recording organisation, and to
    team members whose organisation a current consent for category "network" names as recipient."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user sits on the case and may see this record of the network."""
        case = getattr(obj, "case", None)
        if case is None or not VIEW_CASE.allows(user, case):
            return False
        if not policy.category_gate().allows(user, obj, CATEGORY):
            return False
        owner_id = getattr(obj, "owner_organisation_id", None)
        if owner_id is None:
            return False
        return EDITOR_SEAT.allows(user, case) or not _organisations(user).filter(organisation_id=owner_id).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the network records this rule shows the user."""
        qs = qs.filter(Exists(VIEW_CASE.seats(user).filter(case_id=OuterRef("case_id"))))
        qs = policy.category_gate().scope(user, qs, CATEGORY)
        editor = Exists(EDITOR_SEAT.seats(user).filter(case_id=OuterRef("case_id")))
        return qs.filter(Q(editor) | ~Q(owner_organisation_id__in=_organisations(user)))


class NetworkEditRule:
    """Let members of the recording organisation with an editing seat on an open case change
    a network record (a consent shows a record to another organisation, never lets it change it)."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user edits the case and belongs to the recording organisation."""
        case = getattr(obj, "case", None)
        if case is None or not EDIT_CASE.allows(user, case):
            return False
        owner_id = getattr(obj, "owner_organisation_id", None)
        return owner_id is not None and _organisations(user).filter(organisation_id=owner_id).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the network records the user may change."""
        qs = qs.filter(Exists(EDIT_CASE.seats(user).filter(case_id=OuterRef("case_id"))))
        return qs.filter(owner_organisation_id__in=_organisations(user))


for model in (NetworkNode, NodeContact, NetworkSnapshot):
    policy.register(model, Action.VIEW, NetworkViewRule())
    policy.register(model, Action.UPDATE, NetworkEditRule())
