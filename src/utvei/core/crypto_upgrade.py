"""The upgrade of stored values to the row-bound format v2 under the persons' data keys.

Used by migrations only: ``fill_row_ids`` gives existing rows their row id, and ``upgrade_values`` (the
data migration ``core.0003``) re-encrypts every value in one transaction. A run is all or nothing; a
run killed halfway leaves the database as it was, and the next run starts again. Values already in
format v2 are left alone, so nothing is encrypted twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, migrations, models, transaction

from utvei.core import cipher, keystore
from utvei.core.crypto import (
    EncryptedJSONField,
    EncryptedTextField,
    Sealed,
    Stored,
    data_key_field,
    encrypted_fields,
    row_field,
)
from utvei.core.models import DataKey
from utvei.core.routers import KEYSTORE_ALIAS

logger = logging.getLogger("utvei.crypto")


def fill_row_ids(app_label: str, *model_names: str) -> migrations.RunPython:
    """Give every existing row of the models a random row id (a callable default gives one to all)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        alias = schema_editor.connection.alias
        for name in model_names:
            model = apps.get_model(app_label, name)
            manager = model._base_manager.using(alias)
            pks = list(manager.filter(row_uid__isnull=True).values_list("pk", flat=True))
            for start in range(0, len(pks), 500):
                rows = [model(pk=pk, row_uid=uuid.uuid4()) for pk in pks[start : start + 500]]
                manager.bulk_update(rows, ["row_uid"])

    return migrations.RunPython(forward, migrations.RunPython.noop, hints={"model_name": model_names[0]})


Progress = Callable[[int], None]


@dataclass
class UpgradeReport:
    """Count what an upgrade did, per ``table.column``."""

    upgraded: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str, object, str]] = field(default_factory=list)
    data_keys_created: int = 0
    indexed: int = 0


def _plain_of(model_field: EncryptedTextField, raw: str) -> str:
    """Give the text to seal for a value that was stored in clear (JSON is normalised first)."""
    if isinstance(model_field, EncryptedJSONField):
        return model_field.to_plain(json.loads(raw))
    return raw


def _encrypted_models(apps: Any) -> list[type[models.Model]]:
    return [m for m in apps.get_models() if encrypted_fields(m)]


def _owner_lookup(model: type[models.Model]) -> str | None:
    owner = row_field(model).data_key_owner
    if owner is None:
        return None
    return "pk" if owner == "self" else owner


def _person_keys(person_model: type[models.Model], alias: str, report: UpgradeReport) -> dict[object, str]:
    """Give every person a data key (made in the key store, which commits on its own) and map them."""
    attname = data_key_field(person_model).attname
    manager = person_model._base_manager.using(alias)
    keys: dict[object, str] = {}
    missing = []
    for pk, key_id in manager.values_list("pk", attname):
        if key_id:
            keys[pk] = key_id
        else:
            missing.append(pk)
    if missing and DataKey._meta.db_table not in connections[KEYSTORE_ALIAS].introspection.table_names():
        raise RuntimeError("The key store has no tables yet: run `manage.py migrate --database keys` first.")
    for pk in missing:
        keys[pk] = keystore.data_key_create()
        manager.filter(pk=pk).update(**{attname: keys[pk]})
        report.data_keys_created += 1
    return keys


def upgrade_values(
    apps: Any, *, alias: str, newly_encrypted: frozenset[tuple[str, str]], on_row: Progress | None = None
) -> UpgradeReport:
    """Re-encrypt every value of the models in ``apps`` to format v2 under its row's key, in one transaction.

    ``newly_encrypted`` names the ``(model label, field)`` pairs that were stored in clear until now; a value
    there without an encrypted header is sealed as it is. Elsewhere, a v1 value is decrypted and sealed again;
    a v2 value that opens for its row is left alone; anything else is left as it is and reported (it was
    unreadable already). The blind index of each national identity number is filled in as well.
    ``on_row`` is called with the count of rows written so far.
    """
    report = UpgradeReport()
    models_ = _encrypted_models(apps)
    persons = [m for m in models_ if row_field(m).data_key_owner == "self"]
    written = 0
    with transaction.atomic(using=alias):
        person_keys: dict[object, str] = {}
        for person_model in persons:
            person_keys.update(_person_keys(person_model, alias, report))
        primary = cipher.master_ref(cipher.keyring().primary)
        for model in models_:
            fields = encrypted_fields(model)
            owner = _owner_lookup(model)
            row_name = row_field(model).attname
            columns = [f.attname for f in fields]
            lookups = ["pk", row_name, *([owner] if owner else []), *columns]
            manager = model._base_manager.using(alias)
            for values in manager.order_by("pk").values_list(*lookups).iterator(chunk_size=500):
                pk, row_uid = values[0], uuid.UUID(str(values[1])).hex
                keyref = cipher.data_ref(person_keys[values[2]]) if owner else primary
                stored_values = values[3:] if owner else values[2:]
                changes: dict[str, Stored] = {}
                for model_field, value in zip(fields, stored_values, strict=True):
                    raw = value.stored if isinstance(value, Sealed) else value
                    label = f"{model._meta.db_table}.{model_field.column}"
                    plain = _upgrade_one(model, model_field, raw, row_uid, newly_encrypted, report, pk)
                    if plain is None:
                        continue
                    key = keystore.key_for(keyref)
                    sealed = cipher.seal(plain, key=key, keyref=keyref, context=model_field.context, row=row_uid)
                    changes[model_field.attname] = Stored(sealed)
                    report.upgraded[label] += 1
                    if model in persons and model_field.name == "national_id":
                        changes["national_id_index"] = Stored(
                            cipher.blind_index(plain.strip(), purpose=cipher.NATIONAL_ID_INDEX)
                        )
                        report.indexed += 1
                if changes:
                    manager.filter(pk=pk).update(**changes)
                    written += 1
                    if on_row is not None:
                        on_row(written)
    for table, column, pk, reason in report.failed:
        logger.warning("Left %s.%s of row %s as it was: %s", table, column, pk, cipher.REASONS[reason])
    return report


def _upgrade_one(
    model: type[models.Model],
    model_field: EncryptedTextField,
    raw: str | None,
    row_uid: str,
    newly_encrypted: frozenset[tuple[str, str]],
    report: UpgradeReport,
    pk: object,
) -> str | None:
    """Give the plain text to seal for one stored value, or None when it stays as it is."""
    if raw is None or raw == "":
        return None
    label = f"{model._meta.db_table}.{model_field.column}"
    head = cipher.header(raw)
    try:
        if head is not None and head[0] == cipher.VERSION:
            cipher.unseal(raw, key_for=keystore.key_for, context=model_field.context, row=row_uid)
            report.already[label] += 1
            return None
        if head is not None:
            return cipher.decrypt_v1(raw, context=model_field.context)
        if (model._meta.label, model_field.name) in newly_encrypted:
            return _plain_of(model_field, raw)
        raise cipher.DecryptionError("malformed")
    except cipher.DecryptionError as exc:
        report.failed.append((model._meta.db_table, model_field.column, pk, exc.reason))
        return None
