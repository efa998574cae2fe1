"""Template filters that give the names behind stored codes (categories, external recipients)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils import translation

from utvei.sharing.models import Disclosure
from utvei.sharing.selectors import category_labels

register = template.Library()


@register.filter
def category_names(values: Iterable[str]) -> str:
    """Give the names of categories, in the catalogue's order, in the active language."""
    return ", ".join(category_labels(values))


@register.filter
def recipient_name(disclosure: Disclosure) -> str:
    """Give a disclosure's recipient: the organisation, or the register's party with the detail recorded."""
    if disclosure.recipient_organisation is not None:
        return disclosure.recipient_organisation.name
    parts = []
    if disclosure.recipient_party is not None:
        parts.append(disclosure.recipient_party.name_in(translation.get_language() or "nb"))
    if disclosure.recipient_external:
        parts.append(disclosure.recipient_external)
    return " – ".join(parts)
