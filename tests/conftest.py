"""Shared test set-up: test environment, a fast password hasher, and the demo world as fixtures."""

from __future__ import annotations

# The test environment (UTVEI_ENV=test, 2FA required as in production, plain HTTP for the test client)
# is set in pyproject.toml through pytest-env, before Django reads its settings.
import base64
import os
import uuid
from collections.abc import Iterator

import pytest
from django.conf import LazySettings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let every test that uses the database use the key store too (the persons' data keys live there)."""
    from pytest_django.fixtures import validate_django_db

    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_db = marker is not None or {"db", "transactional_db"} & set(getattr(item, "fixturenames", ()))
        if not uses_db:
            continue
        transaction, reset_sequences, databases, serialized, available_apps = (
            validate_django_db(marker) if marker else (False, False, None, False, None)
        )
        if databases == "__all__":
            continue
        wanted = sorted({*(databases or ["default"]), "keys"})
        item.add_marker(
            pytest.mark.django_db(
                transaction=transaction,
                reset_sequences=reset_sequences,
                databases=wanted,
                serialized_rollback=serialized,
                available_apps=available_apps,
            ),
            append=False,
        )


@pytest.fixture(autouse=True)
def _fast_hasher(settings: LazySettings) -> None:
    # argon2 costs ~90 ms and ~100 MiB a hash; tests need speed, production keeps argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Each test gets its own signing key and an empty checkpoint store (created only when written to),
    # never the worktree's var/. The age rule for uncovered entries is off: many tests build chains in
    # travelled time without checkpoints; tests/audit/test_checkpoints.py turns it on.
    settings.AUDIT_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode("ascii")
    settings.AUDIT_CHECKPOINT_DIR = tmp_path_factory.getbasetemp() / "checkpoints" / uuid.uuid4().hex
    settings.AUDIT_CHECKPOINT_MAX_AGE_HOURS = 0


@pytest.fixture
def demo(db: None) -> dict[str, object]:
    """Seed the demo world through the services and return its users by username.

    The first test in a process seeds it; later ones get the same rows replayed (tests/demo_snapshot.py).
    """
    from tests.demo_snapshot import seed_demo_for_test
    from utvei.accounts.models import User

    seed_demo_for_test()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(scope="module")
def _demo_module(django_db_setup: None, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """Seed the demo world once for a test module, in a transaction rolled back at its end.

    Seeding the whole demo takes seconds; modules that run hundreds of read-only checks against it (the
    authorization matrix) share one seeding. Each test still runs in its own transaction (a savepoint
    inside this one, through ``db``), so nothing a test writes reaches the next one.
    """
    from django.db import transaction

    from utvei.accounts.demo import seed_demo
    from utvei.accounts.models import User

    # Seeded for real, not replayed: a module's fixtures are set up before the per-test settings (the test
    # password hasher), so the rows made here differ from those of a test's own seeding.
    blocker = django_db_blocker.unblock()  # type: ignore[attr-defined]
    with blocker, transaction.atomic(using="keys"), transaction.atomic():
        seed_demo()
        yield {u.username: u for u in User.objects.all()}
        transaction.set_rollback(True)
        transaction.set_rollback(True, using="keys")


@pytest.fixture
def demo_shared(_demo_module: dict[str, object], db: None) -> dict[str, object]:
    """Give a test the module's demo world; the test's own transaction is rolled back after it."""
    return _demo_module
