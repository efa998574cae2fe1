"""``manage.py encryption_verify``: list every encrypted value that cannot be read, and fail if any.

Each line names the model and field, the row id, the key reference and the reason, never the value.
Run it after a restore, after a key change and nightly; a page shows such a value as "kan ikke vises".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from utvei.core.crypto_rotation import unreadable_values


class Command(BaseCommand):
    """List the unreadable encrypted values; exit non-zero when there are any."""

    help = "List every encrypted value that cannot be decrypted (model, column, row, key, reason)."

    def handle(self, *args: Any, **options: Any) -> None:
        failures = unreadable_values()
        for failure in failures:
            self.stdout.write(failure.describe())
        if failures:
            raise CommandError(f"{len(failures)} encrypted value(s) cannot be read.")
        self.stdout.write("Every encrypted value can be read.")
