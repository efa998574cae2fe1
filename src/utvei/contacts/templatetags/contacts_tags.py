"""Template filters for the contacts pages: the catalogue in the interface language, checklist labels."""

from __future__ import annotations

from django import template

from utvei.contacts.models import ConversationMethod
from utvei.contacts.services import PreparationItem

register = template.Library()


@register.filter
def method_name(method: ConversationMethod | None, language: str) -> str:
    """Give a conversation method's name in ``language`` ("" for no method)."""
    return "" if method is None else method.name_in(language or "")


@register.filter
def method_guidance(method: ConversationMethod, language: str) -> str:
    """Give a conversation method's guidance in ``language``."""
    return method.guidance_in(language or "")


@register.filter
def checklist_labels(codes: list[str]) -> list[str]:
    """Give the labels of the preparation items a contact plan records as done."""
    labels = dict(PreparationItem.choices)
    return [str(labels[code]) for code in codes if code in labels]


@register.filter
def checklist_missing(codes: list[str]) -> list[str]:
    """Give the labels of the preparation items not yet recorded as done (R35, W)."""
    return [str(label) for code, label in PreparationItem.choices if code not in codes]
