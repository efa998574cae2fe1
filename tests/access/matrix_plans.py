"""Authorization rows for the plans pages, merged into the oracle in matrix.py."""

from __future__ import annotations

from tests.access.matrix import Row

ROWS: list[Row] = []
