"""Shared test set-up: test environment, a fast password hasher, and the demo world as fixtures."""

from __future__ import annotations

# The test environment (UTVEI_ENV=test, 2FA required as in production, plain HTTP for the test client)
# is set in pyproject.toml through pytest-env, before Django reads its settings.
import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _fast_hasher(settings: LazySettings) -> None:
    # argon2 costs ~90 ms and ~100 MiB a hash; tests need speed, production keeps argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: None) -> dict[str, object]:
    """This fixture will seed the demo world through the services and return its users by username."""
    from utvei.accounts.demo import seed_demo
    from utvei.accounts.models import User

    seed_demo()
    return {u.username: u for u in User.objects.all()}
