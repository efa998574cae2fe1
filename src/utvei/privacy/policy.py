"""Access rules of the privacy app.

The person's access log, the copy of their data and the exceptions to the log are handled by the workers
and coordinators of the person's case (case editors), open or closed: they answer the person's request.
Other team members, the data protection officer and administrators get the same answer as for a missing
case. The officer's reading of the audit log is the audit app's rule (``utvei.audit.policy``).

An erasure request is filed by a case editor seated on the case for the controller organisation (the
case's responsible organisation) and decided by that organisation's data protection officer, never by
the requester (four-eyes). Both see the request; nobody else does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from utvei.access import policy
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.accounts.models import Role
from utvei.cases.policy import CASE_EDITOR_ROLES
from utvei.privacy.models import AccessLogException, ErasureRequest


class ExceptionRule:
    """Show an exception to the person's log to the editors of the case it was recorded on."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is an editor of the exception's case, open or closed."""
        return isinstance(obj, AccessLogException) and obj.case_id in ctx.case_ids(CASE_EDITOR_ROLES)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the exceptions recorded on cases the actor edits."""
        return qs.filter(case_id__in=sorted(ctx.case_ids(CASE_EDITOR_ROLES)))


def _editor_seats(ctx: AccessContext) -> set[tuple[int, int]]:
    return {(s.case_id, s.organisation_id) for s in ctx.seats if s.role in CASE_EDITOR_ROLES}


def _editor_filter(ctx: AccessContext) -> Q:
    by_org: dict[int, list[int]] = {}
    for case_id, organisation_id in sorted(_editor_seats(ctx)):
        by_org.setdefault(organisation_id, []).append(case_id)
    q = Q(pk__in=[])
    for organisation_id, case_ids in by_org.items():
        q |= Q(organisation_id=organisation_id, case_id__in=case_ids)
    return q


class ErasureFileRule:
    """Let a case editor seated on the case for the controller organisation file (and see) a request."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor edits the request's case for the request's organisation."""
        return isinstance(obj, ErasureRequest) and (obj.case_id, obj.organisation_id) in _editor_seats(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the requests on cases the actor edits for their controller."""
        return qs.filter(_editor_filter(ctx))


class ErasureViewRule:
    """Show a request to those who may file it and to the controller's data protection officer."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor may file the request or is the officer of its organisation."""
        if not isinstance(obj, ErasureRequest):
            return False
        officer = obj.organisation_id in ctx.organisations_with_role(Role.PRIVACY_OFFICER)
        return officer or ErasureFileRule().allows(ctx, obj)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the requests the actor may file or decide."""
        officer_of = sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER))
        return qs.filter(_editor_filter(ctx) | Q(organisation_id__in=officer_of))


class ErasureDecideRule:
    """Let the controller's data protection officer decide a request, unless they filed it (four-eyes)."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the organisation's officer and not the requester."""
        return (
            isinstance(obj, ErasureRequest)
            and obj.organisation_id in ctx.organisations_with_role(Role.PRIVACY_OFFICER)
            and obj.requested_by_id != ctx.actor_pk
        )

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the requests of the officer's organisations that others filed."""
        officer_of = sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER))
        return qs.filter(organisation_id__in=officer_of).exclude(requested_by_id=ctx.actor_pk)


def declare() -> None:
    """Declare the privacy app's rules to the access engine."""
    policy.register(AccessLogException, Action.VIEW, ExceptionRule())
    policy.register(ErasureRequest, Action.VIEW, ErasureViewRule())
    policy.register(ErasureRequest, Action.CREATE, ErasureFileRule())
    policy.register(ErasureRequest, Action.UPDATE, ErasureDecideRule())
