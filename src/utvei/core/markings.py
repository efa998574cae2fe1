"""Recognise security-classification markings in free text, so that classified content never enters Utvei.

Sikkerhetsloven's levels are BEGRENSET, KONFIDENSIELT, HEMMELIG and STRENGT HEMMELIG. A marking is how a
level is written on a document, not the ordinary word: the level in capitals standing alone, after a label
("Gradering: BEGRENSET"), alone or first with a separator on a line ("Begrenset:"), or in brackets
("[konfidensielt]"). "Begrenset kontakt med familien" is an ordinary sentence and passes, and so does
"ugradert". The same check serves every form (``core.forms.DesignForm``) and every service that stores
free text (``require_unmarked``), so one rule holds everywhere (R20).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LEVEL = r"(?:strengt\s+hemmelig|hemmelig|konfidensielt|begrenset|top\s+secret|secret|confidential|restricted)"
# The Norwegian levels, for the patterns that accept any case: in English text "secret" alone is a word.
_NB_LEVEL = r"(?:strengt\s+hemmelig|hemmelig|konfidensielt|begrenset)"
# Case-sensitive on purpose: capitals are how a level is written as a marking.
_UPPER = re.compile(
    r"(?<!\w)(?:STRENGT\s+HEMMELIG|HEMMELIG|KONFIDENSIELT|BEGRENSET|GRADERT|TOP\s+SECRET|SECRET|CONFIDENTIAL"
    r"|RESTRICTED)(?!\w)"
)
_LABELLED = re.compile(
    r"(?<!\w)(?:sikkerhets)?(?:gradering|gradert(?:\s+som)?|klassifisering|classification|classified)\s*[:=\-–]?\s*"
    + _LEVEL
    + r"(?!\w)",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"[(\[{<«]\s*" + _NB_LEVEL + r"\s*[)\]}>»]", re.IGNORECASE)
# A level followed by the act it is given under ("Begrenset etter sikkerhetsloven") is a marking in any case.
_UNDER_ACT = re.compile(
    r"(?<!\w)" + _NB_LEVEL + r"\s+(?:etter|jf\.?|iht\.?|i\s+henhold\s+til|ifølge)\s+sikkerhetsloven", re.IGNORECASE
)
_LINE = re.compile(r"^[ \t*#>-]*" + _NB_LEVEL + r"[ \t]*(?:[:\-–/|]|[.!]?[ \t]*$)", re.IGNORECASE | re.MULTILINE)
_PATTERNS = (_UPPER, _LABELLED, _BRACKETED, _UNDER_ACT, _LINE)


def classification_markings(text: str) -> list[str]:
    """List the classification markings found in a text, as written, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        found += [(match.start(), match.group(0).strip()) for match in pattern.finditer(text)]
    seen: dict[str, None] = {}
    for _start, snippet in sorted(found):
        seen.setdefault(snippet, None)
    return list(seen)


def has_classification_marking(text: str) -> bool:
    """Tell whether a text carries a security-classification marking (R20)."""
    return any(pattern.search(text) for pattern in _PATTERNS)


def marking_message() -> str:
    """Give the refusal shown for a marked text, in the active language."""
    return _(
        "This text carries a security-classification marking. Security-classified information must never be "
        "entered in Utvei: record only that a classified briefing took place."
    )


def marking_errors(fields: Mapping[str, object]) -> dict[str, str]:
    """Give one error per field whose text carries a classification marking."""
    return {
        name: marking_message()
        for name, value in fields.items()
        if isinstance(value, str) and has_classification_marking(value)
    }


def require_unmarked(**fields: object) -> None:
    """Refuse free text that carries a classification marking, naming every such field at once (R20).

    :raises ValidationError: field errors for each marked text.
    """
    errors = marking_errors(fields)
    if errors:
        raise ValidationError(errors)
