"""Reads for the sharing engine.

Legal bases are public reference data with no personal information, so those reads take no actor, check
no policy and write no audit row. Disclosures are case data: their reads check the policy and are audited.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case
from utvei.sharing.decision import LegalReference
from utvei.sharing.models import Disclosure, LegalBasis


def legal_basis_reference(code: str, on: date) -> LegalReference | None:
    """This function will give the version of a basis's legal reference in force on a date, or None.

    It has the shape of :data:`utvei.sharing.decision.ReferenceLookup`, so it can be passed straight to
    ``decide``. Should two versions overlap by mistake, the one that started last wins.
    """
    version = LegalBasis.objects.in_force(on).filter(code=code).order_by("-valid_from").first()
    return None if version is None else version.as_reference()


def disclosure_list_for_person(*, actor: User, person_id: int) -> list[Disclosure]:
    """This function will list the disclosures about a person on the cases the actor may see, newest first.

    The listing is audited (LIST) with the person's id and the number of rows, never their content.
    """
    with transaction.atomic():
        cases = policy.scope(actor, Action.VIEW, Case.objects.filter(person_id=person_id))
        disclosures = list(
            Disclosure.objects.filter(case__in=cases)
            .select_related("discloser", "recipient_organisation", "legal_basis", "consent", "decided_by")
            .order_by("-decided_at", "-pk")
        )
        record(
            actor=actor,
            event=AuditEvent.LIST,
            target_type=Disclosure._meta.label,
            target_id=len(disclosures),
            person_id=person_id,
        )
    return disclosures
