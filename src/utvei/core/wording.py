"""Words to look for in free text: plain string checks shared by rule warnings and the PDF renderer."""

from __future__ import annotations

import re

# R27: words that reveal the nature of the work to anyone who sees a letter, a message or a calendar entry.
REVEALING_WORDS = ("exit", "radikali", "ekstrem", "extrem", "terror", "nazis", "jihad", "islamis")


def matches(text: str, words: tuple[str, ...]) -> list[str]:
    """List the words that start a word of the text (case does not matter)."""
    lowered = text.lower()
    return [w for w in words if re.search(r"(?<!\w)" + re.escape(w), lowered)]


def revealing_words(text: str) -> list[str]:
    """List words that would reveal exit work to third parties (R27 W)."""
    return matches(text, REVEALING_WORDS)
