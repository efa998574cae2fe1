"""Key rotation for encrypted fields: find values under old keys and re-encrypt them under the primary key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.core.crypto import DecryptionError, EncryptedTextField, decrypt, encrypt, key_id, keyring


class RotationError(Exception):
    """Stop a rotation before it writes anything (a value could not be decrypted)."""


@dataclass
class RotationReport:
    """Count what a rotation did or would do."""

    by_column: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    remaining: int = 0

    @property
    def total(self) -> int:
        """Give the number of values re-encrypted (or to re-encrypt)."""
        return sum(self.by_column.values())


def encrypted_columns() -> list[tuple[str, str, str, str]]:
    """List (table, pk column, value column, context) for every encrypted field."""
    columns = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField):
                columns.append((model._meta.db_table, model._meta.pk.column, f.column, f.context))
    return columns


def rotate_all(*, apply: bool, allow_failures: bool = False) -> RotationReport:
    """Re-encrypt every value not under the primary key; all or nothing per run.

    Every value is decrypted first; one that fails stops the run before any write unless
    ``allow_failures``, which skips it. A rerun finds nothing left to do (idempotent).
    """
    primary = keyring().primary
    report = RotationReport()
    qn = connection.ops.quote_name
    with transaction.atomic():
        for table, pk, column, context in encrypted_columns():
            with connection.cursor() as cursor:
                # Identifiers come from model metadata and are quoted; there are no values in this query.
                select = f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)}"  # noqa: S608  # nosec B608
                cursor.execute(select)
                rows = cursor.fetchall()
            for row_id, stored in rows:
                if not stored or key_id(stored) == primary:
                    continue
                try:
                    plain = decrypt(stored, context=context)
                except DecryptionError as exc:
                    if not allow_failures:
                        raise RotationError(f"{table}.{column} row {row_id} cannot be decrypted: {exc}") from exc
                    report.failures += 1
                    report.remaining += 1
                    continue
                report.by_column[f"{table}.{column}"] += 1
                if apply:
                    with connection.cursor() as cursor:
                        # Quoted identifiers from model metadata; every value is a query parameter.
                        update = f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s"  # noqa: S608  # nosec B608
                        cursor.execute(update, [encrypt(plain, context=context), row_id, stored])
                else:
                    report.remaining += 1
        if apply and report.total:
            record(
                actor=None,
                event=AuditEvent.UPDATE,
                target_type="core.EncryptionKeys",
                target_id=primary,
                changed_fields=sorted(report.by_column),
            )
    return report
