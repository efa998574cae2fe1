"""Fixtures of the account tests: the fake OpenID provider (started only by tests that ask for it)."""

from tests.accounts.oidc_support import _provider_server, idp  # noqa: F401  (fixtures)
