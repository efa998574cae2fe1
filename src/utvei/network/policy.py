"""Access rules for the network map (R23): by default the case's coordinators and case workers of the
organisation that recorded a tie; other organisations only through a consent for category "network".

Team members without an editing role in the recording organisation (a mentor, say) do not see the map
by default, because the map names third parties and risk ties. A current consent that names their
organisation as recipient for category "network" opens it to them, read-only. Only members of the
recording organisation with an editing seat on an open case change a tie.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from utvei.access import policy
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.cases.policy import EDIT_CASE, READ_AS_EDITOR, VIEW_CASE
from utvei.network.models import CATEGORY, NetworkNode, NetworkSnapshot, NodeContact, Valence


class NetworkViewRule:
    """Show a network record to editors of the case in the recording organisation, and to team members
    whose organisation a current consent for category "network" names as recipient."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits on the case and may see this record of the network."""
        case_id = getattr(obj, "case_id", None)
        if not VIEW_CASE.allows_case(ctx, case_id) or policy.category_ground(ctx, obj, CATEGORY) is None:
            return False
        owner_id = getattr(obj, "owner_organisation_id", None)
        return READ_AS_EDITOR.allows_case(ctx, case_id) or owner_id not in ctx.organisation_ids

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the network records this rule shows the actor."""
        qs = qs.filter(policy.category_condition(ctx, qs.model, CATEGORY, case_ids=VIEW_CASE.case_ids(ctx)))
        editor = Q(case_id__in=sorted(READ_AS_EDITOR.case_ids(ctx)))
        return qs.filter(editor | ~Q(owner_organisation_id__in=sorted(ctx.organisation_ids)))


class NetworkEditRule:
    """Let members of the recording organisation with an editing seat on an open case change a network
    record (a consent shows a record to another organisation, never lets it change it)."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor edits the case and belongs to the recording organisation."""
        if not EDIT_CASE.allows_case(ctx, getattr(obj, "case_id", None)):
            return False
        return getattr(obj, "owner_organisation_id", None) in ctx.organisation_ids

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the network records the actor may change."""
        return qs.filter(
            case_id__in=sorted(EDIT_CASE.case_ids(ctx)), owner_organisation_id__in=sorted(ctx.organisation_ids)
        )


class OwnTieRule(policy.OwnRule):
    """Show the person the ties of their own network that are in force, never a tie assessed as a risk
    (R23): the risk assessment is the staff's, and so is the existence of such a tie."""

    def __init__(self) -> None:
        super().__init__("case_id", category=CATEGORY)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the tie is the person's own, in force and not a risk tie."""
        if getattr(obj, "valence", "") == Valence.RISK or getattr(obj, "ended_on", None) is not None:
            return False
        return super().allows(ctx, obj)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the person's own ties in force, risk ties left out."""
        return super().scope(ctx, qs).exclude(valence=Valence.RISK).filter(ended_on__isnull=True)


def declare() -> None:
    """Declare the network rules to the access engine."""
    policy.register(NetworkNode, Action.OWN, OwnTieRule())
    for model in (NetworkNode, NodeContact, NetworkSnapshot):
        policy.register(model, Action.VIEW, NetworkViewRule())
        policy.register(model, Action.UPDATE, NetworkEditRule())
