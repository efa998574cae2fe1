"""Access rules of the privacy app.

The person's access log, the copy of their data and the exceptions to the log are handled by the workers
and coordinators of the person's case (case editors), open or closed: they answer the person's request.
Other team members, the data protection officer and administrators get the same answer as for a missing
case. The officer's reading of the audit log is the audit app's rule (``utvei.audit.policy``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.cases.policy import CASE_EDITOR_ROLES, CaseRule
from utvei.privacy.models import AccessLogException

# Who answers the person's request for access: the case's editors, whether the case is open or closed.
REQUEST_RULE = CaseRule(CASE_EDITOR_ROLES)


class ExceptionRule:
    """Show an exception to the person's log to the editors of the case it was recorded on."""

    def allows(self, user: User, obj: models.Model) -> bool:
        """Tell whether the user is an editor of the exception's case."""
        return isinstance(obj, AccessLogException) and REQUEST_RULE.seats(user).filter(case_id=obj.case_id).exists()

    def scope(self, user: User, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the exceptions recorded on cases the user edits."""
        return qs.filter(Exists(REQUEST_RULE.seats(user).filter(case_id=OuterRef("case_id"))))


policy.register(AccessLogException, Action.VIEW, ExceptionRule())
