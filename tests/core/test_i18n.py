"""Every UI string has a Norwegian Bokmål translation in the catalogue (no untranslated or fuzzy entries)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "utvei"
# The project catalogue and the apps' own (each app may keep its strings in <app>/locale/nb/).
CATALOGUES = sorted(SRC.glob("**/locale/nb/LC_MESSAGES/django.po"))


def _catalogue() -> dict[str, tuple[str, bool]]:
    entries: dict[str, tuple[str, bool]] = {}
    blocks = [b for po in CATALOGUES for b in po.read_text(encoding="utf-8").split("\n\n")]
    for block in blocks:
        fuzzy = "#, fuzzy" in block or re.search(r"#, fuzzy,", block) is not None
        msgid = (
            "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("msgstr", 1)[0].split("msgid_plural")[0]))
            if "msgid " in block
            else ""
        )
        msgstrs = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n")
        text = "".join("".join(re.findall(r'"(.*)"', m)) for m in msgstrs)
        key = msgid.replace('\\"', '"')
        if not entries.get(key, ("", False))[0] or fuzzy:
            entries[key] = (text, fuzzy)
    return entries


def _source_strings() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.html"):
        found |= set(re.findall(r'\{% translate "([^"]+)" %\}', path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= set(re.findall(r'\b_\("([^"\\]+)"\)', path.read_text(encoding="utf-8")))
    return found


def test_every_ui_string_is_translated_to_bokmal() -> None:
    catalogue = _catalogue()
    missing = sorted(s for s in _source_strings() if not catalogue.get(s, ("", False))[0])
    assert missing == [], f"run makemessages -l nb and translate: {missing}"


def test_catalogue_has_no_fuzzy_entries() -> None:
    fuzzy = [msgid for msgid, (_text, is_fuzzy) in _catalogue().items() if is_fuzzy and msgid]
    assert fuzzy == []
