"""``manage.py rotate_keys``: move every value, wrapped data key and blind index to the primary keys.

The command lives in the audit app because it records the rotation in the audit log, in the same
transaction as the writes; the rotation itself is plumbing (``core.crypto_rotation``).

Run after adding a new key to UTVEI_ENCRYPTION_KEYS (making it UTVEI_ENCRYPTION_PRIMARY) or a new first
pair to UTVEI_BLIND_INDEX_KEY. Remove an old key only when this prints "0 values under old keys". A dry
run (the default) decrypts and counts everything, failures included, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from utvei.audit.services import key_rotation_record
from utvei.core import cipher
from utvei.core.crypto_rotation import RotationError, RotationReport, rotate_all


class Command(BaseCommand):
    """Re-encrypt or re-wrap what is under old keys with the primary keys."""

    help = "Move encrypted values, data keys and blind indexes to the primary keys (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="write the re-encrypted values")
        parser.add_argument(
            "--allow-failures",
            action="store_true",
            help="move what can be decrypted and leave the rest, instead of stopping before any write",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        apply = options["apply"]
        try:
            report = rotate_all(
                apply=apply,
                allow_failures=options["allow_failures"],
                on_applied=lambda done: key_rotation_record(done, primary=cipher.keyring().primary),
            )
        except RotationError as exc:
            self._print(exc.report, apply=False)
            raise CommandError(str(exc)) from exc
        self._print(report, apply=apply)

    def _print(self, report: RotationReport, *, apply: bool) -> None:
        verb = "re-encrypted" if apply else "to re-encrypt (dry run; add --apply)"
        for label, count in sorted(report.by_column.items()):
            self.stdout.write(f"{label}: {count} {verb}")
        if report.data_keys:
            self.stdout.write(f"core.DataKey: {report.data_keys} {'re-wrapped' if apply else 'to re-wrap'}")
        if report.indexes:
            done = "re-indexed" if apply else "to re-index"
            self.stdout.write(f"cases.Person.national_id_index: {report.indexes} {done}")
        for label, count in sorted(report.failures_by_column().items()):
            self.stdout.write(f"{label}: {count} cannot be decrypted")
        for failure in report.failures:
            self.stdout.write(f"  {failure.describe()}")
        self.stdout.write(f"Total {report.total} {verb}; {len(report.failures)} cannot be decrypted.")
        if report.remaining_total == 0:
            self.stdout.write("0 values under old keys: keys other than the primary ones can be removed.")
        else:
            where = ", ".join(f"{label} {count}" for label, count in sorted(report.remaining.items()))
            self.stdout.write(f"{report.remaining_total} values under old keys ({where}): keep the old keys.")
