"""Access rules of the privacy app.

The person's access log, the copy of their data and the exceptions to the log are handled by the workers
and coordinators of the person's case (case editors), open or closed: they answer the person's request.
Other team members, the data protection officer and administrators get the same answer as for a missing
case. The officer's reading of the audit log is the audit app's rule (``utvei.audit.policy``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from utvei.access import policy
from utvei.access.engine import AccessContext
from utvei.access.policy import Action
from utvei.cases.policy import CASE_EDITOR_ROLES
from utvei.privacy.models import AccessLogException


class ExceptionRule:
    """Show an exception to the person's log to the editors of the case it was recorded on."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is an editor of the exception's case, open or closed."""
        return isinstance(obj, AccessLogException) and obj.case_id in ctx.case_ids(CASE_EDITOR_ROLES)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the exceptions recorded on cases the actor edits."""
        return qs.filter(case_id__in=sorted(ctx.case_ids(CASE_EDITOR_ROLES)))


def declare() -> None:
    """Declare the privacy app's rules to the access engine."""
    policy.register(AccessLogException, Action.VIEW, ExceptionRule())
