"""The benchmark's "security off" baseline stays inside bench/ (STYLE 13c)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_production_file_names_the_baseline_or_a_switch_for_it() -> None:
    named = [
        path.relative_to(ROOT)
        for path in (ROOT / "src").rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".html", ".toml", ".cfg", ".txt"}
        and "security_off" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert named == []
    assert (ROOT / "bench" / "security_off.py").is_file()


def test_the_baseline_is_loaded_by_the_benchmark_alone() -> None:
    users = [
        path.relative_to(ROOT)
        for path in [*ROOT.glob("*.toml"), ROOT / "Makefile", *(ROOT / "bench").glob("*.py")]
        if "security_off" in path.read_text(encoding="utf-8") and path.name != "security_off.py"
    ]
    assert users == [Path("bench/pages.py")]
