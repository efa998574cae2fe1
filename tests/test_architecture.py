"""Architecture rules that keep the one door to the data (STYLE.md rules 9, 10, 14, 23)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "utvei"


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


# Every module outside services and selectors is read. Only these may reach the ORM, each for its reason:
# models (managers and querysets), policy (the engine's facts and scopes), demo (seeding the synthetic
# world), the authentication backend, and the plumbing of core and access (encryption, keys, jobs, tokens).
# Views, forms, URLs, template tags, commands, jobs, sections and the pure rules modules never do.
# sessions.py is the session store: a storage back end, like backends.py.
ORM_MODULES = ("models.py", "policy.py", "demo.py", "backends.py", "sessions.py")
ORM_PACKAGES = ("core", "access", "services", "selectors", "migrations")
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
QUERYSET_CALLS = frozenset(
    {
        "filter",
        "exclude",
        "get",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "values_list",
        "order_by",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "update",
        "delete",
        "raw",
        "extra",
        "select_for_update",
        "save",
    }
)


def _may_use_the_orm(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return (
        path.name in ORM_MODULES
        or path.name in ("services.py", "selectors.py")
        or parts[0] in ORM_PACKAGES
        or any(part in ("services", "selectors") for part in parts)
    )


def _orm_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """Find manager attributes and queryset or save calls in a module's syntax tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            found.append((node.lineno, ast.unparse(node)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, receiver = node.func.attr, ast.unparse(node.func.value)
            # A dict's .get("key", default) or a set's .update(other) is not the ORM: a queryset's get() and
            # update() take lookups and values as keywords.
            if name in ("get", "update") and node.args and not node.keywords:
                continue
            if name in QUERYSET_CALLS and not receiver.endswith("fields"):
                found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_only_services_selectors_and_their_foundations_touch_the_orm() -> None:
    """Read the syntax tree of every module: views, forms, URLs, template tags, commands, jobs, rules, sections."""
    offenders = []
    for path in _python_files():
        if _may_use_the_orm(path):
            continue
        for line, code in _orm_uses(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(SRC)}:{line}: {code}")
    assert offenders == []


def test_the_orm_check_finds_what_it_looks_for() -> None:
    sample = "def view(request):\n    Case.objects.all()\n    case.team.filter(left_at=None)\n    form.save()\n"
    assert sorted(line for line, _code in _orm_uses(ast.parse(sample))) == [2, 3, 4]
    assert [line for line, _code in _orm_uses(ast.parse("x = 1\nmemberships(actor=u).get(role=r)"))] == [2]
    assert _orm_uses(ast.parse("request.POST.get('a')\nx.fields.values()\nd.get('k', 1)\nfound.update(x)")) == []
    assert _may_use_the_orm(SRC / "cases" / "services" / "team.py") and not _may_use_the_orm(SRC / "cases" / "rules.py")
    assert not _may_use_the_orm(SRC / "privacy" / "management" / "commands" / "retention_run.py")


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
                if not names & {"public", "login_step", "requires", "person_view"}:
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
