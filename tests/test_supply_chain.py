"""The Python supply chain: every package comes from requirements.lock, checked against its hash.

The tampering test runs the real ``make`` recipe that installs Python packages, into a throw-away virtual
environment, with a copy of the lock whose first package no longer matches its hashes, and requires the
install to stop with pip's hash-mismatch error. It needs PyPI (or pip's cache): without it the test is
skipped with a message, except in CI (``CI=true``), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_entries(text: str) -> list[tuple[str, str, list[str]]]:
    """Give (name, version, hashes) of every entry in a pip requirements file with hashes."""
    entries: list[tuple[str, str, list[str]]] = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        head = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", block)
        if head:
            entries.append((_normalise(head[1]), head[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", block)))
    return entries


def test_lock_pins_every_dependency_of_pyproject_at_the_same_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    locked = {name: version for name, version, _ in _lock_entries(LOCK.read_text())}
    mismatched = []
    for requirement in wanted:
        name, version = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)", requirement).groups()  # type: ignore[union-attr]
        if locked.get(_normalise(name)) != version:
            mismatched.append(f"{name}=={version} (lock: {locked.get(_normalise(name))})")
    assert mismatched == [], f"requirements.lock is out of date, run `make lock`: {mismatched}"


def test_every_locked_package_carries_a_hash() -> None:
    entries = _lock_entries(LOCK.read_text())
    assert len(entries) > 50
    assert [name for name, _version, hashes in entries if not hashes] == []
    assert {"setuptools", "wheel"} <= {name for name, _v, _h in entries}, "the build back end must be locked too"


def test_make_install_takes_packages_only_from_the_lock_with_hashes() -> None:
    dry = subprocess.run(
        ["make", "-n", "-B", ".venv/.installed"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line]
    assert installs, dry
    for line in installs:
        from_lock = "--require-hashes" in line and "--no-deps" in line and "-r requirements.lock" in line
        project_only = "--no-deps" in line and "--no-build-isolation" in line and line.rstrip().endswith("-e .")
        assert from_lock or project_only, f"an install step outside the lock: {line}"


def _pypi_reachable(tmp_path: Path, name: str, version: str, hashes: list[str]) -> bool:
    requirement = tmp_path / "one.txt"
    requirement.write_text(f"{name}=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes) + "\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            "-d",
            str(tmp_path / "d"),
            "-r",
            str(requirement),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return done.returncode == 0


def test_make_install_fails_on_a_tampered_lock(tmp_path: Path) -> None:
    text = LOCK.read_text()
    name, version, hashes = _lock_entries(text)[0]
    if not _pypi_reachable(tmp_path, name, version, hashes):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PyPI is required in CI to check the lock, but {name}=={version} could not be fetched")
        pytest.skip(f"PyPI not reachable: the tampered-lock install was not tried ({name}=={version})")
    # The first package's files no longer match: flip the last hex digit of each of its hashes.
    tampered = text
    for digest in hashes:
        tampered = tampered.replace(digest, digest[:-1] + ("0" if digest[-1] != "0" else "1"), 1)
    assert tampered != text
    lock = tmp_path / "tampered.lock"
    lock.write_text(tampered)
    venv = tmp_path / "venv"
    make = shutil.which("make") or "make"
    done = subprocess.run(
        [make, "-s", f"{venv}/.installed", f"VENV={venv}", f"LOCK={lock}", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "DO NOT MATCH THE HASHES" in output, output
    assert not (venv / ".installed").exists()
