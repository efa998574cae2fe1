"""The replayed demo world (tests/demo_snapshot.py) is the world seed_demo makes, row for row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections, transaction

from tests import demo_snapshot


class _Undo(Exception):
    pass


def _fingerprint() -> dict[str, Any]:
    from utvei.audit.services import verify_chain
    from utvei.cases.models import Person

    counts = {}
    for alias in demo_snapshot.ALIASES:
        connection = connections[alias]
        with connection.cursor() as cursor:
            for name in connection.introspection.table_names(cursor):
                if name in demo_snapshot.SKIP_TABLES:
                    continue
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
                counts[(alias, name)] = cursor.fetchone()[0]
    return {
        "counts": counts,
        # The persons' names decrypt: the data keys came along in the key store.
        "persons": sorted((p.given_name, p.family_name, p.national_id) for p in Person.objects.all()),
        "chain": verify_chain().first_break is None,
    }


def _inside_undone(fn: Any) -> Any:
    result = {}
    try:
        with transaction.atomic(using="keys"), transaction.atomic():
            result["value"] = fn()
            raise _Undo
    except _Undo:
        pass
    return result["value"]


@pytest.mark.django_db(databases=["default", "keys"])
def test_the_replayed_demo_is_the_seeded_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    from utvei.accounts.demo import seed_demo

    def replayed() -> dict[str, Any]:
        demo_snapshot.seed_demo_for_test()
        return _fingerprint()

    _inside_undone(replayed)  # the first call in a process seeds and keeps the snapshot
    assert demo_snapshot._snapshot is not None, "the demo could not be kept as a snapshot"
    replay = _inside_undone(replayed)

    def seeded() -> dict[str, Any]:
        seed_demo()
        return _fingerprint()

    real = _inside_undone(seeded)
    assert replay["counts"] == real["counts"]
    assert replay["persons"] == real["persons"] and real["persons"]
    assert replay["chain"] and real["chain"]


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_changed_database_is_seeded_for_real() -> None:
    from utvei.accounts.models import Organisation

    _inside_undone(demo_snapshot.seed_demo_for_test)
    assert demo_snapshot._snapshot is not None
    Organisation.objects.create(name="Ekstra testvirksomhet", kind=Organisation._meta.get_field("kind").choices[0][0])
    assert not demo_snapshot._at_baseline(demo_snapshot._snapshot)
