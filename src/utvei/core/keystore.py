"""The key store: each person's data key, wrapped under the master keys, in its own database.

Unwrapped keys are cached in a *key scope*: one per request (``EncryptionScopeMiddleware``), so a key
destroyed by an erasure is gone from every worker by its next request; outside requests (commands,
tests) a bounded scope per process. A long-running worker opens ``key_scope()`` per job.

Loading is in bulk: every data-key reference seen in values fetched from the database is noted
(``want``), and the first key the scope lacks loads all noted keys in one query per
``BULK_LOAD`` ids, so a page that lists rows of many persons reads the key store once, not once per row.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.utils import timezone

from utvei.core import cipher
from utvei.core.cipher import DecryptionError
from utvei.core.routers import KEYSTORE_ALIAS

# Bounds of one scope: unwrapped keys, owner look-ups and reported values it keeps at most.
CACHE_LIMIT = 4096
BULK_LOAD = 500


class KeyScope:
    """Cache unwrapped data keys, owner look-ups and reported failures for one request or process."""

    def __init__(self, limit: int = CACHE_LIMIT, *, short_lived: bool = True) -> None:
        self.limit = limit
        # Owner look-ups and reports are kept only by a short-lived scope (a request or a job): a rolled-back
        # row's primary key can come back for another person, and a process lives across many such rows.
        self.short_lived = short_lived
        self._keys: OrderedDict[str, bytes | DecryptionError] = OrderedDict()
        self._wanted: OrderedDict[str, None] = OrderedDict()
        self._owners: OrderedDict[Hashable, str] = OrderedDict()
        self._reported: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.RLock()

    def _bounded_put(self, store: OrderedDict[Any, Any], key: Hashable, value: object) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > self.limit:
            store.popitem(last=False)

    def want(self, key_id: str) -> None:
        """Note a data key that a value just fetched will need."""
        with self._lock:
            if key_id not in self._keys:
                self._bounded_put(self._wanted, key_id, None)

    def put(self, key_id: str, key: bytes) -> None:
        """Keep an unwrapped key (one just created)."""
        with self._lock:
            self._bounded_put(self._keys, key_id, key)
            self._wanted.pop(key_id, None)

    def forget(self, key_id: str) -> None:
        """Drop a key (one just destroyed)."""
        with self._lock:
            self._keys.pop(key_id, None)
            self._wanted.pop(key_id, None)

    def data_key(self, key_id: str) -> bytes:
        """Give an unwrapped data key, loading it with every other key noted as wanted.

        :raises DecryptionError: the key is unknown, destroyed, or cannot be unwrapped.
        """
        with self._lock:
            hit = self._keys.get(key_id)
            if hit is None:
                batch = [key_id, *(k for k in self._wanted if k != key_id and k not in self._keys)]
                self._load(batch[: self.limit])
                hit = self._keys.get(key_id)
            if isinstance(hit, DecryptionError) or hit is None:
                reason = hit.reason if isinstance(hit, DecryptionError) else "unknown_key"
                raise DecryptionError(reason, cipher.data_ref(key_id))
            self._keys.move_to_end(key_id)
            return hit

    def _load(self, key_ids: list[str]) -> None:
        for key_id, result in load_data_keys(key_ids).items():
            self._bounded_put(self._keys, key_id, result)
            self._wanted.pop(key_id, None)

    def owner(self, key: Hashable) -> str | None:
        """Give a cached owner look-up (which data key a row's person has)."""
        with self._lock:
            return self._owners.get(key) if self.short_lived else None

    def put_owner(self, key: Hashable, key_id: str) -> None:
        """Cache an owner look-up."""
        with self._lock:
            if self.short_lived:
                self._bounded_put(self._owners, key, key_id)

    def first_report(self, key: Hashable) -> bool:
        """Tell whether an unreadable value is to be reported: the first time in a request, always outside one."""
        with self._lock:
            if key in self._reported and self.short_lived:
                return False
            self._bounded_put(self._reported, key, None)
            return True


_scope: ContextVar[KeyScope | None] = ContextVar("utvei_key_scope", default=None)
_process_scope = KeyScope(short_lived=False)


def current() -> KeyScope:
    """Give the key scope of the running request, or the process's outside requests."""
    return _scope.get() or _process_scope


@contextmanager
def key_scope() -> Iterator[KeyScope]:
    """Open a fresh key scope (a request, a job) that forgets every key when it ends."""
    scope = KeyScope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def load_data_keys(key_ids: Iterable[str]) -> dict[str, bytes | DecryptionError]:
    """Unwrap the given data keys in bulk (one query per ``BULK_LOAD`` ids); a failure is given, not raised."""
    from utvei.core.models import DataKey

    wanted = list(dict.fromkeys(key_ids))
    found: dict[str, bytes | DecryptionError] = {}
    for start in range(0, len(wanted), BULK_LOAD):
        chunk = wanted[start : start + BULK_LOAD]
        rows = DataKey.objects.filter(pk__in=chunk).values_list("id", "master_kid", "wrapped", "destroyed_at")
        for key_id, kid, wrapped, destroyed_at in rows:
            if destroyed_at is not None or not wrapped:
                found[key_id] = DecryptionError("key_destroyed", cipher.data_ref(key_id))
                continue
            try:
                found[key_id] = cipher.unwrap(wrapped, key_id=key_id, kid=kid)
            except DecryptionError as exc:
                found[key_id] = exc
        for key_id in chunk:
            found.setdefault(key_id, DecryptionError("unknown_key", cipher.data_ref(key_id)))
    return found


def key_for(keyref: str) -> bytes:
    """Give the key a value's header names: a master key, or a person's data key.

    :raises DecryptionError: the key is not configured, not in the store, or destroyed.
    """
    kind, ident = cipher.split_ref(keyref)
    if kind == cipher.MASTER:
        return cipher.master_key(keyref)
    if kind != cipher.DATA or not ident:
        raise DecryptionError("unknown_key", keyref)
    return current().data_key(ident)


def want(stored: str) -> None:
    """Note the data key a stored value needs, so it is loaded with the others in bulk."""
    head = cipher.header(stored)
    if head is not None:
        kind, ident = cipher.split_ref(head[1])
        if kind == cipher.DATA and ident:
            current().want(ident)


def data_key_create() -> str:
    """Make, wrap and store a new data key; it returns the key's id.

    The key store commits on its own: a key whose main-database row rolls back stays unused.
    """
    from utvei.core.models import DataKey

    key_id = secrets.token_hex(12)
    key = cipher.new_data_key()
    kid, wrapped = cipher.wrap(key, key_id=key_id)
    DataKey.objects.create(id=key_id, master_kid=kid, wrapped=wrapped)
    current().put(key_id, key)
    return key_id


def data_key_is_live(key_id: str) -> bool:
    """Tell whether a data key is in the store and not destroyed."""
    from utvei.core.models import DataKey

    return DataKey.objects.filter(pk=key_id, destroyed_at__isnull=True).exists()


def data_key_destroy(key_id: str) -> bool:
    """Destroy a data key for good (its wrapped bytes are overwritten); it returns False if already gone.

    Every value under the key becomes unreadable, in the live database and in every copy of it.
    """
    from utvei.core.models import DataKey

    changed = DataKey.objects.filter(pk=key_id, destroyed_at__isnull=True).update(
        wrapped="", master_kid="", destroyed_at=timezone.now()
    )
    for scope in {current(), _process_scope}:
        scope.forget(key_id)
    connection = connections[KEYSTORE_ALIAS]
    if changed and connection.vendor == "sqlite" and not connection.in_atomic_block:
        # Move the overwritten page out of the write-ahead log, so the old wrapped key is not left there.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return bool(changed)
