"""``manage.py rotate_keys``: re-encrypt every encrypted value under the primary key.

Run after adding a new key to UTVEI_ENCRYPTION_KEYS and making it UTVEI_ENCRYPTION_PRIMARY; remove the
old key only when this reports nothing left under it. A dry run (the default) only counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from utvei.core.crypto_rotation import RotationError, rotate_all


class Command(BaseCommand):
    """Re-encrypt values under old keys with the primary key."""

    help = "Re-encrypt every encrypted field value under the primary key (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="write the re-encrypted values")
        parser.add_argument(
            "--allow-failures",
            action="store_true",
            help="skip values that cannot be decrypted instead of stopping before any write",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = rotate_all(apply=options["apply"], allow_failures=options["allow_failures"])
        except RotationError as exc:
            raise CommandError(str(exc)) from exc
        verb = "re-encrypted" if options["apply"] else "to re-encrypt (dry run; add --apply)"
        for column, count in sorted(report.by_column.items()):
            self.stdout.write(f"{column}: {count} {verb}")
        self.stdout.write(
            f"Total {report.total} {verb}; {report.failures} could not be decrypted; "
            f"remaining under old keys: {report.remaining}."
        )
