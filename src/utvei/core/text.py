"""Plain text from users: no invisible bidirectional or zero-width control characters.

A right-to-left override (U+202E) or an isolate can make a name display in another order than it was
typed ("Ola" + U+202E + "nesnaH" shows as "Ola Hansen"), and zero-width characters make two names that
look the same compare as different. Utvei refuses them, with one message, wherever a user types text:
every text field of every form (``core.forms.DesignForm``), and again in the services for names and
labels, so a path without a form is covered too. Stored text therefore never holds them; the PDF writer
strips them as well, for text that was stored before the rule existed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BIDI_CONTROLS = frozenset(
    [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u200e", "\u200f", "\u061c"]
)
ZERO_WIDTH = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
HIDDEN_CONTROLS = BIDI_CONTROLS | ZERO_WIDTH
_STRIP = str.maketrans(dict.fromkeys(map(ord, HIDDEN_CONTROLS)))


def hidden_controls(value: str) -> list[str]:
    """Name the hidden control characters in ``value``, in order of appearance, each once."""
    seen: list[str] = []
    for char in value:
        if char in HIDDEN_CONTROLS and char not in seen:
            seen.append(char)
    return [f"U+{ord(c):04X} {unicodedata.name(c, '').lower()}".strip() for c in seen]


def _message(found: list[str]) -> str:
    return _(
        "Remove the invisible control characters (%(characters)s): they can make the text show in another order "
        "than it was typed."
    ) % {"characters": ", ".join(found)}


def refuse_hidden_controls(value: object) -> None:
    """Validate that a typed value holds no bidirectional or zero-width control character.

    :raises ValidationError: it does (code ``hidden_control``).
    """
    found = hidden_controls(str(value)) if value else []
    if found:
        raise ValidationError(_message(found), code="hidden_control")


def hidden_control_errors(**fields: str | Iterable[str] | None) -> dict[str, str]:
    """Give a field-name → message map for every field whose text (or any of its texts) holds a control."""
    errors: dict[str, str] = {}
    for name, value in fields.items():
        texts = [value] if isinstance(value, str) else list(value or [])
        found = [c for text in texts for c in hidden_controls(text)]
        if found:
            errors[name] = _message(list(dict.fromkeys(found)))
    return errors


def require_plain(**fields: str | Iterable[str] | None) -> None:
    """Refuse names and labels holding hidden control characters, all fields at once (for services).

    :raises ValidationError: one error per offending field.
    """
    errors = hidden_control_errors(**fields)
    if errors:
        raise ValidationError(errors)


def strip_hidden_controls(value: str) -> str:
    """Remove every hidden control character (for output of text stored before they were refused)."""
    return value.translate(_STRIP)
