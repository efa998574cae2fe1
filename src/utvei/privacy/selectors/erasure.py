"""Reads of erasure requests: the request page of a case, the officer's queue and one request to decide."""

from __future__ import annotations

from dataclasses import dataclass

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.models import Case
from utvei.privacy.models import ErasureRequest, ErasureStatus
from utvei.privacy.selectors.access_log import request_case


@dataclass(frozen=True)
class ErasureFormData:
    """Hold what the request page shows: the case, and the person's requests so far."""

    case: Case
    requests: list[ErasureRequest]


def erasure_may_file(*, actor: User, case: Case) -> bool:
    """Tell whether the actor may file an erasure request for the case's person (no query, not audited:
    it only decides whether the page offers the link)."""
    candidate = ErasureRequest(case=case, organisation_id=case.responsible_organisation_id, requested_by=actor)
    return policy.can(actor, Action.CREATE, candidate)


def erasure_form_data(*, actor: User, case_id: int) -> ErasureFormData:
    """Give the case and the person's earlier requests to an actor who may file a request for it.

    Audited as VIEW of the case.

    :raises NotFound: the case does not exist or the actor may not file for it (a case editor seated on it
        for another organisation than the controller, any other role).
    """
    with reading():
        case = request_case(actor, case_id)
        candidate = ErasureRequest(
            person=case.person, case=case, organisation_id=case.responsible_organisation_id, requested_by=actor
        )
        policy.require(actor, Action.CREATE, candidate)
        requests = list(
            policy.scope(actor, Action.VIEW, ErasureRequest.objects.filter(person_id=case.person_id)).order_by(
                "-requested_at"
            )
        )
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case, categories=["erasure"])
    return ErasureFormData(case=case, requests=requests)


@dataclass(frozen=True)
class ErasureQueue:
    """Hold the officer's queue: requests to decide, their own awaiting another officer, and recent ones."""

    to_decide: list[ErasureRequest]
    filed_by_me: list[ErasureRequest]
    decided: list[ErasureRequest]


def erasure_queue(*, actor: User) -> ErasureQueue:
    """List the erasure requests the actor may see (the latest 50), pending first.

    Each listed request is audited as a VIEW with its case and person, since the queue names the person.
    """
    with reading():
        seen = policy.scope(actor, Action.VIEW, ErasureRequest.objects.all()).select_related(
            "person", "case", "requested_by", "decided_by"
        )
        rows = list(seen.order_by("-requested_at")[:50])
        decidable = set(
            policy.scope(actor, Action.UPDATE, ErasureRequest.objects.filter(status=ErasureStatus.PENDING)).values_list(
                "pk", flat=True
            )
        )
        for row in rows:
            record(actor=actor, event=AuditEvent.VIEW, target=row, case_id=row.case_id, person_id=row.person_id)
    pending = [r for r in rows if r.status == ErasureStatus.PENDING]
    return ErasureQueue(
        to_decide=[r for r in pending if r.pk in decidable],
        filed_by_me=[r for r in pending if r.requested_by_id == actor.pk],
        decided=[r for r in rows if r.status != ErasureStatus.PENDING],
    )


def erasure_request_get(*, actor: User, request_id: int) -> ErasureRequest:
    """Fetch one erasure request the actor may see, with its person, case and users; audited as VIEW.

    :raises NotFound: the request does not exist or the actor may not see it.
    """
    with reading():
        request = (
            ErasureRequest.objects.select_related("person", "case", "requested_by", "decided_by", "receipt")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise NotFound(ErasureRequest._meta.label, request_id)
        policy.require(actor, Action.VIEW, request)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=request,
            case_id=request.case_id,
            person_id=request.person_id,
        )
    return request
