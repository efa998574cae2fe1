"""Checks and key rotation over every encrypted value: find what cannot be read, and move what is under
old keys to the primary ones.

Three things can be under an old key: a value sealed directly under an old master key (rows of no
person), a person's data key wrapped under an old master key (its values need no change: re-wrapping
the key is enough), and a blind index made with an old index key. ``rotate_all`` moves all three and then
counts, from the stored headers, what is still under an old key; only a count of 0 means an old key may
be removed.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from utvei.core import cipher, keystore
from utvei.core.cipher import DecryptionError
from utvei.core.crypto import EncryptedTextField, encrypted_fields, row_field
from utvei.core.models import DataKey
from utvei.core.routers import KEYSTORE_ALIAS

CHUNK = 500


@dataclass(frozen=True)
class Failure:
    """Name one value (or data key) that cannot be read: where it is, its key and why."""

    label: str  # app.Model.field, or core.DataKey
    row: object
    keyref: str
    reason: str

    def describe(self) -> str:
        """Say it in one line for an operator (never the value)."""
        return f"{self.label} row {self.row} key {self.keyref or '-'}: {cipher.REASONS.get(self.reason, self.reason)}"


def encrypted_models() -> list[type[models.Model]]:
    """List every installed model with encrypted fields."""
    return [m for m in apps.get_models() if encrypted_fields(m)]


def _label(model_field: EncryptedTextField) -> str:
    return model_field.context


def _rows(model: type[models.Model], fields: list[EncryptedTextField]) -> Iterator[tuple[object, str, list[str]]]:
    """Yield (pk, row id, stored values) of every row, in chunks by primary key, straight from the table."""
    qn = connection.ops.quote_name
    pk = model._meta.pk.column
    columns = ", ".join(qn(f.column) for f in fields)
    sql = (
        f"SELECT {qn(pk)}, {qn(row_field(model).column)}, {columns} FROM {qn(model._meta.db_table)} "  # noqa: S608
        f"WHERE {qn(pk)} > %s ORDER BY {qn(pk)}"
    )
    last: Any = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql + f" LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        for row in rows:
            yield row[0], uuid.UUID(str(row[1])).hex, list(row[2:])
        last = rows[-1][0]


def _keyref(stored: str, exc: DecryptionError) -> str:
    head = cipher.header(stored)
    return exc.keyref or (head[1] if head else "")


def _note_keys(values: list[str]) -> None:
    for value in values:
        if value:
            keystore.want(value)


def unreadable_values() -> list[Failure]:
    """List every stored value that cannot be decrypted, with its model, column, row id, key and reason."""
    failures: list[Failure] = []
    with keystore.key_scope():
        for model in encrypted_models():
            fields = encrypted_fields(model)
            for pk, row, values in _rows(model, fields):
                _note_keys(values)
                for model_field, stored in zip(fields, values, strict=True):
                    if stored is None or stored == "":
                        continue
                    try:
                        plain = cipher.unseal(stored, key_for=keystore.key_for, context=model_field.context, row=row)
                        model_field.from_plain(plain)
                    except DecryptionError as exc:
                        failures.append(Failure(_label(model_field), pk, _keyref(stored, exc), exc.reason))
    return failures


class RotationError(Exception):
    """Stop a rotation before it writes anything: some values under old keys cannot be decrypted."""

    def __init__(self, report: RotationReport) -> None:
        super().__init__(f"{len(report.failures)} value(s) under old keys cannot be decrypted; nothing was written")
        self.report = report


@dataclass
class RotationReport:
    """Count what a rotation did (or would do), per model and column, and what stays under old keys."""

    by_column: Counter[str] = field(default_factory=Counter)
    data_keys: int = 0
    indexes: int = 0
    failures: list[Failure] = field(default_factory=list)
    remaining: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Give the number of values, wrapped keys and indexes moved (or to move) to the primary keys."""
        return sum(self.by_column.values()) + self.data_keys + self.indexes

    @property
    def remaining_total(self) -> int:
        """Give the number of values, wrapped keys and indexes still under an old key."""
        return sum(self.remaining.values())

    def failures_by_column(self) -> Counter[str]:
        """Count the failures per model and column."""
        return Counter(f.label for f in self.failures)


@dataclass
class _Plan:
    rewrap: list[tuple[str, str, bytes]] = field(default_factory=list)  # (id, old wrapped, key)
    reseal: list[tuple[type[models.Model], EncryptedTextField, Any, str, str, str]] = field(default_factory=list)
    reindex: list[tuple[type[models.Model], object, str, str]] = field(default_factory=list)


def _plan(report: RotationReport) -> _Plan:
    """Decrypt everything under old keys (without writing) and note what to move; count every failure."""
    ring = cipher.keyring()
    plan = _Plan()
    for key_id, kid, wrapped in (
        DataKey.objects.filter(destroyed_at__isnull=True)
        .exclude(master_kid=ring.primary)
        .values_list("id", "master_kid", "wrapped")
    ):
        try:
            plan.rewrap.append((key_id, wrapped, cipher.unwrap(wrapped, key_id=key_id, kid=kid)))
            report.data_keys += 1
        except DecryptionError as exc:
            report.failures.append(Failure("core.DataKey", key_id, cipher.master_ref(kid), exc.reason))
    primary_ref = cipher.master_ref(ring.primary)
    for model in encrypted_models():
        fields = encrypted_fields(model)
        for pk, row, values in _rows(model, fields):
            for model_field, stored in zip(fields, values, strict=True):
                head = cipher.header(stored) if stored else None
                if head is None:
                    continue
                version, keyref = head
                if version == cipher.VERSION and (keyref == primary_ref or keyref.startswith(f"{cipher.DATA}.")):
                    continue
                if version != cipher.VERSION:
                    if keyref != ring.primary:
                        report.failures.append(Failure(_label(model_field), pk, keyref, "legacy_format"))
                    continue
                try:
                    plain = cipher.unseal(stored, key_for=keystore.key_for, context=model_field.context, row=row)
                except DecryptionError as exc:
                    report.failures.append(Failure(_label(model_field), pk, keyref, exc.reason))
                    continue
                plan.reseal.append((model, model_field, pk, row, stored, plain))
                report.by_column[_label(model_field)] += 1
    _plan_indexes(plan, report)
    return plan


def _index_models() -> list[type[models.Model]]:
    return [m for m in encrypted_models() if any(f.name == "national_id_index" for f in m._meta.concrete_fields)]


def _plan_indexes(plan: _Plan, report: RotationReport) -> None:
    """Note every blind index made with an old index key, with the number decrypted to re-index it."""
    primary = cipher.index_keyring().primary
    for model in _index_models():
        number_field = model._meta.get_field("national_id")
        assert isinstance(number_field, EncryptedTextField)
        stale = dict(
            model._base_manager.exclude(national_id_index="")
            .exclude(national_id_index__startswith=f"{primary}:")
            .values_list("pk", "national_id_index")
        )
        if not stale:
            continue
        for pk, row, (stored,) in _rows(model, [number_field]):
            if pk not in stale:
                continue
            try:
                number = cipher.unseal(stored or "", key_for=keystore.key_for, context=number_field.context, row=row)
            except DecryptionError as exc:
                head = cipher.header(stored or "")
                report.failures.append(
                    Failure(f"{model._meta.label}.national_id_index", pk, head[1] if head else "", exc.reason)
                )
                continue
            plan.reindex.append((model, pk, stale[pk], cipher.blind_index(number, purpose=cipher.NATIONAL_ID_INDEX)))
            report.indexes += 1


def count_under_old_keys() -> Counter[str]:
    """Count, from the stored headers alone, what is still under a key other than the primary ones."""
    ring = cipher.keyring()
    primary_ref = cipher.master_ref(ring.primary)
    counts: Counter[str] = Counter()
    old_keys = DataKey.objects.filter(destroyed_at__isnull=True).exclude(master_kid=ring.primary).count()
    if old_keys:
        counts["core.DataKey"] = old_keys
    for model in encrypted_models():
        fields = encrypted_fields(model)
        for _pk, _row, values in _rows(model, fields):
            for model_field, stored in zip(fields, values, strict=True):
                head = cipher.header(stored) if stored else None
                if head is None:
                    continue
                version, keyref = head
                if version == cipher.VERSION and keyref.startswith(f"{cipher.DATA}."):
                    continue
                current = keyref == primary_ref if version == cipher.VERSION else keyref == ring.primary
                if not current:
                    counts[_label(model_field)] += 1
    index_primary = cipher.index_keyring().primary
    for model in _index_models():
        stale = (
            model._base_manager.exclude(national_id_index="")
            .exclude(national_id_index__startswith=f"{index_primary}:")
            .count()
        )
        if stale:
            counts[f"{model._meta.label}.national_id_index"] = stale
    return counts


def _apply(plan: _Plan) -> None:
    qn = connection.ops.quote_name
    primary = cipher.keyring().primary
    for key_id, old_wrapped, key in plan.rewrap:
        kid, wrapped = cipher.wrap(key, key_id=key_id, kid=primary)
        DataKey.objects.filter(pk=key_id, wrapped=old_wrapped).update(master_kid=kid, wrapped=wrapped)
    for model, model_field, pk, row, stored, plain in plan.reseal:
        keyref = cipher.master_ref(primary)
        sealed = cipher.seal(plain, key=cipher.master_key(keyref), keyref=keyref, context=model_field.context, row=row)
        table, pk_column = qn(model._meta.db_table), qn(model._meta.pk.column)
        with connection.cursor() as cursor:
            # Identifiers are quoted names from the model registry; every value is a parameter.
            column = qn(model_field.column)
            sql = f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s"  # noqa: S608
            cursor.execute(sql, [sealed, pk, stored])
    for model, pk, old_index, new_index in plan.reindex:
        model._base_manager.filter(pk=pk, national_id_index=old_index).update(national_id_index=new_index)


def rotate_all(
    *, apply: bool, allow_failures: bool = False, on_applied: Callable[[RotationReport], object] | None = None
) -> RotationReport:
    """Move every value, wrapped data key and blind index under an old key to the primary keys.

    Everything under an old key is decrypted first and every failure is counted. A real run with
    failures stops before any write unless ``allow_failures``, which moves the rest and leaves those.
    The report's ``remaining`` is counted afresh from the stored headers after the run. ``on_applied``
    runs inside the writing transaction (the audit app records the rotation there, so both commit together).

    :raises RotationError: a real run found values it cannot decrypt, and ``allow_failures`` is off.
    """
    report = RotationReport()
    with keystore.key_scope():
        plan = _plan(report)
        if apply and report.failures and not allow_failures:
            report.remaining = count_under_old_keys()
            raise RotationError(report)
        if apply and report.total:
            with transaction.atomic(using=KEYSTORE_ALIAS), transaction.atomic():
                _apply(plan)
                if on_applied is not None:
                    on_applied(report)
    report.remaining = count_under_old_keys()
    return report
