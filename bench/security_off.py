"""Utvei with its security layer taken out, served by the benchmark as the baseline of each page. Never deployed.

STYLE 13c: the "security off" view is built here, inside the benchmark process alone, and never as a
setting or a flag production could read. gunicorn loads this module instead of ``utvei.wsgi``; it starts
the same application and then replaces, in this process only, the three parts of the security layer:

- **policy**: the access engine's fact loaders (memberships, seats, consents, agreements, grants, blocks
  and the apps' own facts) answer from a per-process memory after their first call, so a request makes
  none of their queries. The decisions themselves still run, so every page shows exactly what it shows
  with the layer on.
- **audit**: ``record`` gives an entry it never writes: no chain-head lock, no hash, no insert.
- **decryption**: ``cipher.unseal`` answers from a per-process memory of what it opened before, as if the
  values were stored in the clear (no key lookup, no AES-GCM).

The benchmark times every page against this server and the real one over the same database and prints
the ratio.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utvei.settings")
application = get_wsgi_application()


def _remembered(loader: Callable[..., Any]) -> Callable[..., Any]:
    memory: dict[object, Any] = {}

    def key(value: object) -> object:
        pk = getattr(value, "pk", None)
        if pk is not None or hasattr(value, "actor"):
            actor = getattr(value, "actor", value)
            return (type(actor).__name__, getattr(actor, "pk", None))
        if isinstance(value, set | frozenset):
            return frozenset(value)
        return value

    @functools.wraps(loader)
    def remembered(*args: Any) -> Any:
        k = tuple(key(a) for a in args)
        if k not in memory:
            found = loader(*args)
            memory[k] = found if isinstance(found, dict) else tuple(found)
        return memory[k]

    return remembered


def _switch_off() -> None:
    from utvei.access import engine
    from utvei.audit import services as audit
    from utvei.audit.models import AuditEntry
    from utvei.core import cipher

    providers = engine._providers  # noqa: SLF001  (the benchmark's baseline only)
    for name in ("memberships", "seats", "consents", "agreements", "grants", "blocks"):
        loader = getattr(providers, name)
        if loader is not None:
            setattr(providers, name, _remembered(loader))
    providers.facts = {name: _remembered(loader) for name, loader in providers.facts.items()}

    def record(**_: Any) -> AuditEntry:
        return AuditEntry()

    def record_denied(**_: Any) -> AuditEntry:
        return AuditEntry()

    opened: dict[tuple[str, str, str], str] = {}
    unseal = cipher.unseal

    def unseal_remembered(stored: str, *, key_for: Callable[[str], bytes], context: str, row: str) -> str:
        k = (stored, context, row)
        if k not in opened:
            opened[k] = unseal(stored, key_for=key_for, context=context, row=row)
        return opened[k]

    cipher.unseal = unseal_remembered
    # The apps import ``record`` by name: replace it wherever it was bound.
    import_module(settings.ROOT_URLCONF)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("utvei."):
            for name, replacement in (("record", record), ("record_denied", record_denied)):
                if getattr(module, name, None) is getattr(audit, name):
                    setattr(module, name, replacement)
    audit.record, audit.record_denied = record, record_denied


_switch_off()
