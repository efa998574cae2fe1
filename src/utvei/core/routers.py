"""Route the key store's model to its own database alias and everything else away from it."""

from __future__ import annotations

from typing import Any

from django.db import models

KEYSTORE_ALIAS = "keys"
KEYSTORE_MODELS = frozenset({("core", "datakey")})


def _is_keystore(model: type[models.Model] | models.Model) -> bool:
    return (model._meta.app_label, model._meta.model_name) in KEYSTORE_MODELS


class KeyStoreRouter:
    """Keep the wrapped data keys in the key store database, and only them.

    The key store is backed up apart from the main database and kept briefly (docs/operations.md); nothing
    else may be written there, and the keys may never reach the main database.
    """

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        """Read data keys from the key store."""
        return KEYSTORE_ALIAS if _is_keystore(model) else None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        """Write data keys to the key store."""
        return KEYSTORE_ALIAS if _is_keystore(model) else None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        """Refuse relations between a data key and a row of the main database."""
        if _is_keystore(obj1) or _is_keystore(obj2):
            return False
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        """Create the data-key table in the key store alone, and nothing else there."""
        is_keystore = (app_label, model_name) in KEYSTORE_MODELS
        if db == KEYSTORE_ALIAS:
            return is_keystore
        return not is_keystore
