"""Reads for the sharing engine.

Legal bases are public reference data with no personal information, so these reads take no actor, check
no policy and write no audit row (unlike selectors that return case data).
"""

from __future__ import annotations

from datetime import date

from utvei.sharing.decision import LegalReference
from utvei.sharing.models import LegalBasis


def legal_basis_reference(code: str, on: date) -> LegalReference | None:
    """This function will give the version of a basis's legal reference in force on a date, or None.

    It has the shape of :data:`utvei.sharing.decision.ReferenceLookup`, so it can be passed straight to
    ``decide``. Should two versions overlap by mistake, the one that started last wins.
    """
    version = LegalBasis.objects.in_force(on).filter(code=code).order_by("-valid_from").first()
    return None if version is None else version.as_reference()
