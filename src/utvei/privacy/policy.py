"""Access rules of the privacy app.

The person's access log, the copy of their data and the exceptions to the log are handled by the workers
and coordinators of the person's case (case editors), open or closed: they answer the person's request.
Other team members, the data protection officer and administrators get the same answer as for a missing
case. The officer's reading of the audit log is the audit app's rule (``utvei.audit.policy``).

An erasure request is filed by a case editor seated on the case for the controller organisation (the
case's responsible organisation) and decided by that organisation's data protection officer, never by
the requester (four-eyes). Both see the request; nobody else does.

Break-glass grants: the engine learns a user's live grants from here (one query per request) and reads
each as a ground on its case. A grant is seen and ended by the user who holds it, and seen and reviewed
by the data protection officer of the case's responsible organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from utvei.access import engine, policy
from utvei.access.engine import AccessContext, Actor, GrantFact
from utvei.access.policy import Action
from utvei.accounts.models import Role
from utvei.cases.policy import CASE_EDITOR_ROLES
from utvei.privacy.models import AccessGrant, AccessLogException, ErasureRequest

# Roles that may ask for break-glass access to a case of their own organisation. Not the mentor (a narrow
# seat, R26), not the administrator or the officer (no case content), not partners' staff.
BREAK_GLASS_ROLES = CASE_EDITOR_ROLES


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

def grants_in_force(actor: Actor) -> Iterable[GrantFact]:
    """Give the engine the actor's grants not ended and not yet expired (one query)."""
    rows = AccessGrant.objects.filter(user_id=actor.pk, ended_at__isnull=True, expires_at__gt=timezone.now())
    return [
        GrantFact(pk, case_id, person_id, org_id, expires)
        for pk, case_id, person_id, org_id, expires in rows.values_list(
            "pk", "case_id", "case__person_id", "organisation_id", "expires_at"
        )
    ]


def _officer_organisations(ctx: AccessContext) -> list[int]:
    return sorted(ctx.organisations_with_role(Role.PRIVACY_OFFICER))


class GrantRule:
    """Show a grant to its holder and to the officer of the case's responsible organisation."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds the grant or is the officer of its case's organisation."""
        if not isinstance(obj, AccessGrant):
            return False
        return obj.user_id == ctx.actor_pk or obj.case.responsible_organisation_id in _officer_organisations(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the actor's own grants and those the actor reviews."""
        return qs.filter(Q(user_id=ctx.actor_pk) | Q(case__responsible_organisation_id__in=_officer_organisations(ctx)))


class GrantEndRule:
    """Let the holder end their own grant early."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds the grant."""
        return isinstance(obj, AccessGrant) and obj.user_id == ctx.actor_pk

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the actor's own grants."""
        return qs.filter(user_id=ctx.actor_pk)


class GrantReviewRule:
    """Let the officer of the case's responsible organisation review a grant (never their own)."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the officer of the grant's case's organisation and not its holder."""
        if not isinstance(obj, AccessGrant) or obj.user_id == ctx.actor_pk:
            return False
        return obj.case.responsible_organisation_id in _officer_organisations(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the grants on cases of the organisations the actor is the officer of."""
        return qs.filter(case__responsible_organisation_id__in=_officer_organisations(ctx)).exclude(
            user_id=ctx.actor_pk
        )


def declare() -> None:
    """Declare the privacy app's facts and rules to the access engine."""
    engine.provide_grants(grants_in_force, roles=BREAK_GLASS_ROLES)
    policy.register(AccessLogException, Action.VIEW, ExceptionRule())
    policy.register(ErasureRequest, Action.VIEW, ErasureViewRule())
    policy.register(ErasureRequest, Action.CREATE, ErasureFileRule())
    policy.register(ErasureRequest, Action.UPDATE, ErasureDecideRule())
    policy.register(AccessGrant, Action.VIEW, GrantRule())
    policy.register(AccessGrant, Action.UPDATE, GrantEndRule())
    policy.register(AccessGrant, Action.REVIEW, GrantReviewRule())
