"""``manage.py encryption_verify``: list every encrypted value that cannot be read, and fail if any.

Each line names the model and field, the row id, the key reference and the reason, never the value.
Run it after a restore, after a key change and nightly; a page shows such a value as "kan ikke vises".
Values under a destroyed data key (an erased person) are listed apart and do not fail the check.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from utvei.core.crypto_rotation import unreadable_values


class Command(BaseCommand):
    """List the unreadable encrypted values; exit non-zero when there are any."""

    help = "List every encrypted value that cannot be decrypted (model, column, row, key, reason)."

    def handle(self, *args: Any, **options: Any) -> None:
        found = unreadable_values()
        # Values of erased persons are unreadable on purpose: listed, but not a fault.
        erased = [f for f in found if f.reason == "key_destroyed"]
        failures = [f for f in found if f.reason != "key_destroyed"]
        for failure in failures:
            self.stdout.write(failure.describe())
        if erased:
            self.stdout.write(f"{len(erased)} value(s) of erased persons (data key destroyed), as intended:")
            for failure in erased:
                self.stdout.write(f"  {failure.describe()}")
        if failures:
            raise CommandError(f"{len(failures)} encrypted value(s) cannot be read.")
        self.stdout.write("Every encrypted value can be read" + (", apart from erased persons'." if erased else "."))
