"""The language of the pages: no rule codes, the glossary's spellings, dates and system texts per language.

The catalogue checks read every ``django.po`` of the project, so a new text with a rule code or an old
spelling fails here with the file and the text to fix.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import formats, translation

from utvei.cases.models import Task, TaskKind

SRC = Path(__file__).resolve().parents[2] / "src" / "utvei"
CATALOGUES = sorted(SRC.glob("**/locale/nb/LC_MESSAGES/django.po"))
RULE_CODE = re.compile(r"\bR\d{2}\b")


def _entries(path: Path) -> list[tuple[str, str]]:
    """Give (msgid, msgstr) of every entry, plural forms joined; comments are left out."""
    entries: list[tuple[str, str]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        ids: list[str] = []
        strs: list[str] = []
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgid_plural ")):
                current = ids
            elif line.startswith("msgstr"):
                # Each plural form on its own line, so forms that read alike are not one repeated text.
                if strs:
                    strs.append("\n")
                current = strs
            elif line.startswith("msgctxt"):
                current = None
                continue
            if current is not None and '"' in line:
                current.append(line[line.index('"') + 1 : line.rindex('"')])
        if ids:
            entries.append(("".join(ids), "".join(strs)))
    return entries


def test_the_catalogues_are_found() -> None:
    assert len(CATALOGUES) >= 10


def test_no_text_for_users_names_a_rule_code() -> None:
    found = [
        f"{path.relative_to(SRC)}: {text[:80]}"
        for path in CATALOGUES
        for msgid, msgstr in _entries(path)
        for text in (msgid, msgstr)
        if RULE_CODE.search(text)
    ]
    assert not found, "Rule codes (R01–R38) are for tests and docstrings, not for pages:\n  " + "\n  ".join(found)


def _visible_template_text(html: str) -> str:
    html = re.sub(r"\{#.*?#\}", "", html, flags=re.S)
    html = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", html, flags=re.S)
    html = re.sub(r"\{%.*?%\}", " ", html, flags=re.S)  # tags, with their quoted arguments
    return re.sub(r"<[^>]*>", " ", html)  # attributes such as data-rule are not shown


def test_no_template_shows_a_rule_code() -> None:
    found = [
        f"{path.relative_to(SRC)}: {RULE_CODE.findall(_visible_template_text(path.read_text(encoding='utf-8')))}"
        for path in sorted(SRC.glob("**/templates/**/*.html"))
        if RULE_CODE.search(_visible_template_text(path.read_text(encoding="utf-8")))
    ]
    assert not found, "Templates show rule codes to users:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"\bNAV\b(?!-loven)", "write «Nav», not «NAV» (docs/glossary.md); only the law's title is «NAV-loven»"),
        (r"[Bb]arneverntjenest", "write «barnevernstjenesten» (docs/glossary.md)"),
        (r"\b[Ii]ngen samtykke\b", "«samtykke» is neuter: «ikke noe samtykke» or «ingen samtykker»"),
        (r"\b(?:[Ee]n|[Dd]en) samtykke\b|\bsamtykken\b", "«samtykke» is neuter: «et samtykke», «samtykket»"),
    ],
)
def test_the_bokmal_follows_the_glossary(pattern: str, why: str) -> None:
    regex = re.compile(pattern)
    found = [
        f"{path.relative_to(SRC)}: {msgstr[:90]}"
        for path in CATALOGUES
        for _msgid, msgstr in _entries(path)
        if regex.search(msgstr)
    ]
    assert not found, f"{why}:\n  " + "\n  ".join(found)


def test_english_dates_are_day_first_never_us_style() -> None:
    day = date(2026, 3, 12)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "12 Mar 2026"
        assert formats.date_format(day, "DATE_FORMAT") == "12 March 2026"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("nb"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "12.03.2026"


@pytest.mark.parametrize(
    ("kind", "about_on", "nb", "en"),
    [
        (TaskKind.REVIEW_PLAN, None, "Evaluer den individuelle planen", "Review the individual plan"),
        (TaskKind.REASSESS_CONCERN, None, "Vurder den meldte bekymringen på nytt", "Reassess the reported concern"),
        (
            TaskKind.RENEW_CONSENT,
            date(2026, 3, 12),
            "Forny eller avslutt samtykket som utløper 12.03.2026",
            "Renew or end the consent that ends on 12 Mar 2026",
        ),
    ],
)
def test_a_task_utvei_makes_reads_in_the_readers_language(kind: str, about_on: date | None, nb: str, en: str) -> None:
    task = Task(kind=kind, about_on=about_on, title="")
    with translation.override("nb"):
        assert task.shown_title() == nb
    with translation.override("en"):
        assert task.shown_title() == en


def test_a_typed_task_keeps_its_words() -> None:
    with translation.override("en"):
        assert Task(title="Ring mor").shown_title() == "Ring mor"


def test_no_translation_says_the_same_sentence_twice() -> None:
    # A translation once held its sentence three times, and the plan page showed it so.
    found = []
    for path in CATALOGUES:
        for _msgid, msgstr in _entries(path):
            for form in msgstr.split("\n"):
                sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s*", form) if len(s.strip()) > 20]
                repeated = {s for s in sentences if sentences.count(s) > 1}
                found += [f"{path.relative_to(SRC)}: {s}" for s in repeated]
    assert not found, "Translations that repeat a sentence:\n  " + "\n  ".join(found)
