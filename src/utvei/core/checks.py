"""System checks of the encrypted fields: every model that holds one can bind it to a row and a key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from utvei.core.crypto import DataKeyField, RowIdField, encrypted_fields


def _owner_error(model: type[models.Model], owner: str) -> str | None:
    if owner == "self":
        ok = any(isinstance(f, DataKeyField) for f in model._meta.concrete_fields)
        return None if ok else "data_key_owner 'self' needs a DataKeyField on the model"
    current = model
    for step in owner.split("__"):
        try:
            fk = current._meta.get_field(step)
        except LookupError:
            return f"data_key_owner {owner!r}: {current._meta.label} has no field {step!r}"
        if not (fk.many_to_one or fk.one_to_one) or not fk.concrete or fk.related_model is None:
            return f"data_key_owner {owner!r}: {step!r} is not a foreign key"
        current = fk.related_model  # type: ignore[assignment]
    if not any(isinstance(f, DataKeyField) for f in current._meta.concrete_fields):
        return f"data_key_owner {owner!r} leads to {current._meta.label}, which has no DataKeyField"
    return None


@checks.register()
def check_encrypted_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start when a model with encrypted fields lacks a row id or names an owner without a key."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not encrypted_fields(model):
            continue
        rows = [f for f in model._meta.concrete_fields if isinstance(f, RowIdField)]
        if len(rows) != 1:
            errors.append(
                checks.Error(
                    f"{model._meta.label} has encrypted fields and {len(rows)} RowIdField(s); it needs exactly one.",
                    obj=model,
                    id="utvei.core.E010",
                )
            )
            continue
        owner = rows[0].data_key_owner
        problem = _owner_error(model, owner) if owner is not None else None
        if problem:
            errors.append(checks.Error(f"{model._meta.label}: {problem}.", obj=model, id="utvei.core.E011"))
    return errors
