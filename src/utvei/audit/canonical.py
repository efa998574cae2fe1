"""A fast path to the canonical hash of stored audit rows, for verifying millions of them.

``utvei.audit.services.entry_hash`` is the definition: SHA-256 over the entry's canonical JSON. Building a
model instance and a dictionary for every row costs about 30 µs, so a 20-million-event log took over ten
minutes to verify. This module reads the same columns as plain tuples and writes the same canonical JSON
with one format string: the keys in sorted order, each string through the JSON encoder's own escaping,
the JSON columns canonicalised once per distinct stored text, and SQLite's stored UTC time rewritten
character for character. Where a value is not in the exact shape the fast path knows (an entry of chain
version 1, a time stored in another form), it gives ``None`` and the caller uses ``entry_hash``; the fast
path never decides a row is intact that the definition would call broken, because a match means the
canonical text it built is byte for byte the one the definition builds (tests/audit/test_canonical.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from hashlib import sha256
from json.encoder import encode_basestring_ascii
from typing import Any

# The fields that enter the hash, in a fixed order. Adding one is a new chain version, never an edit.
HASHED_FIELDS_V1 = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "organisation_id",
    "event",
    "outcome",
    "target_type",
    "target_id",
    "case_id",
    "person_id",
    "request_id",
    "changed_fields",
    "prev_hash",
)
HASHED_FIELDS = (*HASHED_FIELDS_V1, "chain_version", "categories", "grounds")
# The columns the fast path reads, in this order; each stored row is (id, hash, *these).
COLUMNS = HASHED_FIELDS

# Chain version 2's fields in sorted key order, as ``json.dumps(sort_keys=True)`` writes them.
_TEMPLATE = (
    '{"actor_id":%s,"actor_role":%s,"actor_username":%s,"case_id":%s,"categories":%s,"chain_version":2,'
    '"changed_fields":%s,"created_at":"%sT%s.%sZ","event":%s,"grounds":%s,"organisation_id":%s,"outcome":%s,'
    '"person_id":%s,"prev_hash":%s,"request_id":%s,"seq":%s,"target_id":%s,"target_type":%s}'
)

_JSON_CACHE_LIMIT = 50_000
# SQLite keeps a UTC time as "YYYY-MM-DD HH:MM:SS", with ".ffffff" unless the microseconds are 0.
_SQLITE_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{6}))?")


class Canonicaliser:
    """Turn stored rows into their canonical hash, or ``None`` where only the definition can tell."""

    def __init__(self, *, naive_is_utc: bool = False) -> None:
        # SQLite keeps times without a zone, in UTC (USE_TZ); PostgreSQL gives them with one.
        self.naive_is_utc = naive_is_utc
        self._json: dict[object, str] = {}

    def _canonical_json(self, stored: object) -> str:
        if type(stored) is str or stored is None:
            cached = self._json.get(stored)
            if cached is not None:
                return cached
        return self._json_value(stored)

    def _json_value(self, stored: object) -> str:
        key = stored if isinstance(stored, str) or stored is None else json.dumps(stored)
        cached = self._json.get(key)
        if cached is None:
            value = json.loads(stored) if isinstance(stored, str) else stored
            cached = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
            if len(self._json) < _JSON_CACHE_LIMIT:
                self._json[key] = cached
        return cached

    def _time(self, value: object) -> tuple[str, str, str] | None:
        if isinstance(value, str):
            match = _SQLITE_TIME.fullmatch(value)
            if match is None:
                return None
            day, clock, fraction = match.groups()
            return day, clock, fraction or "000000"
        if not isinstance(value, datetime):
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        elif not self.naive_is_utc:
            return None
        if value.year < 1000:  # noqa: PLR2004  (strftime and isoformat pad such years differently)
            return None
        text = value.isoformat(timespec="microseconds")
        return text[:10], text[11:19], text[20:26]

    def digest(self, row: tuple[Any, ...]) -> str | None:
        """Give the canonical hash of ``row`` (``COLUMNS`` order), or ``None`` to defer to the definition."""
        if row[15] != 2:  # noqa: PLR2004  (chain version 2 is the one this path knows)
            return None
        created = self._time(row[1])
        if created is None:
            return None
        canonical_json = self._canonical_json
        changed, categories, grounds = canonical_json(row[13]), canonical_json(row[16]), canonical_json(row[17])
        quote = encode_basestring_ascii
        number = _number
        text = _TEMPLATE % (
            number(row[2]),
            quote(row[4]),
            quote(row[3]),
            number(row[10]),
            categories,
            changed,
            *created,
            quote(row[6]),
            grounds,
            number(row[5]),
            quote(row[7]),
            number(row[11]),
            quote(row[14]),
            quote(row[12]),
            number(row[0]),
            quote(row[9]),
            quote(row[8]),
        )
        return sha256(b"\x00" + text.encode("ascii")).hexdigest()


def _number(value: object) -> str:
    if type(value) is int:
        return str(value)
    if value is None:
        return "null"
    raise _NotCanonical


class _NotCanonical(Exception):
    """A value is not of the type the definition would hash; the caller defers to it."""


def digest_or_none(canonicaliser: Canonicaliser) -> Callable[[tuple[Any, ...]], str | None]:
    """Wrap :meth:`Canonicaliser.digest` so that a value of an unexpected type defers to the definition."""

    def digest(row: tuple[Any, ...]) -> str | None:
        try:
            return canonicaliser.digest(row)
        except (_NotCanonical, TypeError, ValueError):
            return None

    return digest
