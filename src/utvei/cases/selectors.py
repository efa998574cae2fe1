"""Reads of cases. Each returns data already scoped by the access policy and audits the read."""

from __future__ import annotations

from django.db import transaction

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, TeamMember


def case_list(*, actor: User) -> list[Case]:
    """This function will list the cases the actor may see, newest first, and audit the listing."""
    with transaction.atomic():
        cases = list(
            policy.scope(actor, Action.VIEW, Case.objects.all())
            .select_related("responsible_organisation")
            .order_by("-opened_at")
        )
        record(actor=actor, event=AuditEvent.LIST, target_type=Case._meta.label, target_id=len(cases))
    return cases


def case_get(*, actor: User, case_id: int) -> Case:
    """This function will fetch one case the actor may see and audit the read.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    with transaction.atomic():
        case = Case.objects.select_related("responsible_organisation").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.VIEW, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case_id=case.pk)
    return case


def case_detail(*, actor: User, case_id: int) -> tuple[Case, list[TeamMember]]:
    """This function will fetch a case the actor may see with its active team, auditing one read.

    :raises NotFound: the case does not exist or the actor may not see it (the same answer for both).
    """
    with transaction.atomic():
        case = case_get(actor=actor, case_id=case_id)
        team = list(case.team.filter(left_at__isnull=True).select_related("user", "organisation"))
    return case, team
