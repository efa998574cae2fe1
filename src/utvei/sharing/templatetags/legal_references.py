"""Template tags that cite legal references from the versioned data, so no template writes a section number."""

from __future__ import annotations

from django import template
from django.utils import timezone

from utvei.sharing.decision import wording
from utvei.sharing.selectors import legal_basis_reference

register = template.Library()


@register.simple_tag
def legal_citation(code: str) -> str:
    """Give "(title: act section)" for the version of a reference in force today, or nothing."""
    reference = legal_basis_reference(code, timezone.localdate())
    return f"({wording.title(reference)})" if reference is not None else ""


@register.simple_tag
def legal_citations(*codes: str) -> str:
    """Give the citations of several references in force today, separated by semicolons."""
    today = timezone.localdate()
    found = [legal_basis_reference(code, today) for code in codes]
    return "; ".join(reference.citation() for reference in found if reference is not None and reference.citation())
