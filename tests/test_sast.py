"""The project's own semgrep rules (.semgrep.yml) find what they are meant to find, and nothing else.

tests/sast/ holds examples annotated ``ruleid: <rule>`` (the next line must be reported by that rule)
and ``ok: <rule>`` (the next line must not). semgrep skips test folders by default, so the examples are
scanned from a copy. ``make lint`` runs the same rules (and bandit) over src/.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEMGREP = Path(sys.executable).with_name("semgrep")


def _expected(folder: Path, kind: str) -> set[tuple[str, str, int]]:
    found = set()
    for path in folder.iterdir():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for rule in re.findall(rf"{kind}: ([a-z-]+)", line):
                found.add((rule, path.name, number + 1))
    return found


def test_each_rule_reports_exactly_the_annotated_lines(tmp_path: Path) -> None:
    if not SEMGREP.exists():
        pytest.fail("semgrep is missing: run make install")
    examples = tmp_path / "sast"
    shutil.copytree(ROOT / "tests" / "sast", examples)
    done = subprocess.run(
        [
            str(SEMGREP),
            "scan",
            "--config",
            str(ROOT / ".semgrep.yml"),
            "--metrics=off",
            "--disable-version-check",
            "--json",
            "--quiet",
            str(examples),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["errors"] == []
    reported = {(r["check_id"].rsplit(".", 1)[-1], Path(r["path"]).name, r["start"]["line"]) for r in report["results"]}
    assert reported == _expected(examples, "ruleid")
    assert reported & _expected(examples, "ok") == set()
    assert {rule for rule, _path, _line in reported} == {
        "utvei-mark-safe-on-variable",
        "utvei-template-safe-filter",
        "utvei-raw-sql-string-formatting",
        "utvei-csrf-exempt",
        "utvei-view-without-policy-marker",
    }
