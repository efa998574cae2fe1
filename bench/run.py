"""Benchmarks for the foundation: the cost of the hash-chained audit log.

Prints each figure with a ratio against a baseline measured in the same run on the same database:
  1. record(): chained append (head lock + hash) vs a plain INSERT of the same row, per event;
  2. verify_chain(): recomputing every hash vs merely reading the same rows;
  3. login lockout timing: a locked account vs a wrong password, Mann-Whitney U (bench/lockout_timing.py).
Runs on a fresh SQLite file by default; set UTVEI_DATABASE_URL to measure PostgreSQL.
Usage: python bench/run.py [--events N] [--lockout-samples N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str) -> None:
    os.environ.setdefault("UTVEI_ENV", "test")
    os.environ["UTVEI_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utvei.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if "UTVEI_DATABASE_URL" in os.environ:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", database="keys", verbosity=0)
    call_command("migrate", verbosity=0)


def _append_bulk(count: int) -> None:
    """Append ``count`` events to the chain in bulk, hashed as ``record()`` hashes them."""
    from django.db import transaction
    from django.utils import timezone

    from utvei.audit.models import AuditChainHead, AuditEntry
    from utvei.audit.services import CHAIN_VERSION, entry_hash

    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        now = timezone.now()
        for start in range(0, count, 10_000):
            entries = []
            for i in range(start, min(count, start + 10_000)):
                head.last_seq += 1
                entry = AuditEntry(
                    seq=head.last_seq,
                    created_at=now,
                    actor_username=f"bench-{i % 5}",
                    actor_role="caseworker",
                    organisation_id=1 + i % 3,
                    event="view",
                    outcome="success",
                    target_type="cases.Case",
                    target_id=str(i),
                    case_id=i,
                    person_id=i,
                    changed_fields=[],
                    chain_version=CHAIN_VERSION,
                    categories=["case", "person"],
                    grounds=["seat"],
                    prev_hash=head.last_hash,
                )
                entry.hash = entry_hash(entry)
                head.last_hash = entry.hash
                entries.append(entry)
            AuditEntry.objects.bulk_create(entries, batch_size=2000)
        head.save(update_fields=["last_seq", "last_hash"])


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--verify-events", type=int, default=200_000, help="events in the chain audit_verify reads")
    parser.add_argument("--lockout-samples", type=int, default=200, help="failed logins timed per path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        _setup(var_dir)
        from django.db import connection, transaction
        from django.utils import timezone

        from utvei.audit.models import AuditEntry, AuditEvent
        from utvei.audit.services import record, verify_chain

        n = args.events

        def chained() -> None:
            for i in range(n):
                with transaction.atomic():
                    record(actor=None, event=AuditEvent.VIEW, target_type="cases.Case", target_id=i, case_id=i)

        def plain() -> None:
            for i in range(n):
                with transaction.atomic():
                    AuditEntry.objects.create(
                        seq=10_000_000 + i,
                        created_at=timezone.now(),
                        event="view",
                        target_type="cases.Case",
                        target_id=str(i),
                        case_id=i,
                        prev_hash="0" * 64,
                        hash=f"{i:064x}",
                    )

        t_plain, _ = _timed(plain)
        with connection.cursor() as cursor:  # the baseline rows would break the chain: remove them
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = replica")
            cursor.execute("DELETE FROM audit_auditentry WHERE seq >= 10000000")
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
        t_chain, _ = _timed(chained)

        small = verify_chain()
        assert small.ok and small.checked == n, small
        # A longer chain for audit_verify's rate, appended in bulk (the same hashing as record()).
        _append_bulk(args.verify_events)
        total = n + args.verify_events

        def read_all() -> int:
            # The baseline: the same rows read as plain tuples, with no hashing.
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM audit_auditentry ORDER BY seq")
                count = 0
                while rows := cursor.fetchmany(5000):
                    count += len(rows)
            return count

        t_read, count = _timed(read_all)
        t_verify, result = _timed(verify_chain)
        assert result.ok and result.checked == count == total, result
        n = total

        print(f"database: {connection.vendor}, events: {n}")
        print(
            f"audit record (chained):    {t_chain / n * 1e6:8.1f} µs/event   "
            f"baseline plain insert {t_plain / n * 1e6:8.1f} µs/event   ratio {t_chain / t_plain:5.2f}x"
        )
        print(
            f"audit verify_chain:        {n / t_verify:8.0f} events/s   "
            f"baseline plain read {n / t_read:8.0f} events/s   ratio {t_verify / t_read:5.2f}x"
        )
        print(f"verify 10,000 events (G10 target < 10 s): {t_verify / n * 10_000:.2f} s")

        from bench.lockout_timing import run as lockout_timing

        lockout_timing(args.lockout_samples)


if __name__ == "__main__":
    main()
