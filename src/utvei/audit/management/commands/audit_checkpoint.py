"""``manage.py audit_checkpoint``: sign the audit chain head and append it to the checkpoint store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from utvei.audit.checkpoints import CheckpointError, CheckpointStore, key_id, public_key_text, signing_key
from utvei.audit.services import checkpoint_write


class Command(BaseCommand):
    """Write one signed checkpoint (the worker runs this hourly as the ``audit_checkpoint`` job)."""

    help = (
        "Sign (seq, head hash, time) of the audit chain with the Ed25519 key and append it to "
        "UTVEI_AUDIT_CHECKPOINT_DIR. Refuses when the chain does not extend the latest checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--acknowledge-restore",
            action="store_true",
            help="After restoring an older backup: sign that the chain now restarts from its present head.",
        )
        parser.add_argument("--public-key", action="store_true", help="Print the public key and its id, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            public = signing_key().public_key()
            self.stdout.write(f"{key_id(public)} {public_key_text(public)}")
            return
        try:
            checkpoint = checkpoint_write(acknowledge_restore=options["acknowledge_restore"])
        except CheckpointError as exc:
            raise CommandError(f"No checkpoint written: {exc}") from exc
        if checkpoint is None:
            self.stdout.write("No new audit entries since the latest checkpoint; nothing written.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint #{checkpoint.number} ({checkpoint.kind}) signed seq {checkpoint.seq} at "
                f"{checkpoint.time}, written to {CheckpointStore().path}."
            )
        )
