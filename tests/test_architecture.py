"""Architecture rules that keep the one door to the data (STYLE.md rules 9, 10, 14, 23)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "utvei"
THIN_MODULES = ("views.py", "api.py", "forms.py")


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def test_views_forms_and_commands_never_touch_the_orm_directly() -> None:
    offenders = []
    for path in _python_files():
        thin = path.name in THIN_MODULES or "commands" in path.parts
        if not thin:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.objects\b", line) or re.search(r"\bform\.save\(", line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_audit_entries_are_created_only_inside_the_audit_app() -> None:
    offenders = []
    for path in _python_files():
        if path.parent.name == "audit":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"AuditEntry(\.objects)?\.(create|bulk_create)|AuditEntry\(", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_no_signals_carry_logic_or_audit() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in _python_files()
        if re.search(r"@receiver|\.connect\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_csrf_exemptions_or_mark_safe_on_variables() -> None:
    offenders = []
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        if "csrf_exempt" in text or "mark_safe(" in text:
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_every_view_function_is_decorated_with_an_access_marker() -> None:
    # The URL test checks registered URLs; this catches a view module function that is not marked yet.
    offenders = []
    for path in SRC.rglob("views.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_view"):
                names = {
                    d.id if isinstance(d, ast.Name) else getattr(getattr(d, "func", None), "id", "")
                    for d in node.decorator_list
                }
                if not names & {"public", "login_step", "requires"}:
                    offenders.append(f"{path.relative_to(SRC)}:{node.name}")
    assert offenders == []


def test_no_django_admin_for_case_data() -> None:
    from django.conf import settings

    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def test_every_service_and_selector_has_a_docstring() -> None:
    missing = []
    for path in _python_files():
        if path.name not in ("services.py", "selectors.py", "policy.py") and "services" not in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(SRC)}:{node.name}")
    assert missing == []
