"""A long log is verified in several processes, with the same verdict and first fault as one process.

PostgreSQL only: the processes verify through their own connections, and SQLite's test database is in
memory, in this process alone. Transactional tests: the other processes see only committed rows.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from tests.audit.helpers import build_chain, raw_delete, raw_set_seq, raw_update
from utvei.audit.models import AuditEntry
from utvei.audit.services import verify_chain

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the verifying processes need a shared database"),
    pytest.mark.django_db(transaction=True),
]

LENGTH = 30


def _result(workers: int) -> tuple[object, ...]:
    result = verify_chain(workers=workers)
    brk = result.first_break
    return (result.ok, result.checked, brk and (brk.seq, brk.entry_id, brk.reason))


def test_an_intact_log_verifies_in_three_processes() -> None:
    build_chain(LENGTH)
    assert _result(3) == (True, LENGTH, None) == _result(1)


def _edit_middle() -> None:
    raw_update(12, actor_username="someone else")


def _edit_at_a_cut() -> None:
    raw_update(11, target_id="999")  # 30 * 1 // 3 + 1: the first row of the second range


def _delete_at_a_cut() -> None:
    raw_delete([11])


def _link_across_a_cut() -> None:
    raw_update(21, prev_hash="f" * 64)


def _renumber_last() -> None:
    raw_set_seq(LENGTH, LENGTH + 5)


@pytest.mark.parametrize("tamper", [_edit_middle, _edit_at_a_cut, _delete_at_a_cut, _link_across_a_cut, _renumber_last])
def test_each_fault_is_named_as_one_process_names_it(tamper: Callable[[], None]) -> None:
    build_chain(LENGTH)
    tamper()
    parallel = _result(3)
    assert parallel == _result(1)
    assert parallel[0] is False
    assert AuditEntry.objects.count() in (LENGTH, LENGTH - 1)
