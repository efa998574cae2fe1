"""Synthetic Norwegian national identity numbers (fødselsnummer) with valid check digits.

Used only for demo and test data. The numbers follow the published checksum rules (modulus 11 with two
weight series), so ``python-stdnum`` accepts them, but they are drawn at random and belong to nobody
known to the project.
"""

from __future__ import annotations

import random
from datetime import date

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    remainder = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 11:
        return 0
    if remainder == 10:
        return None  # this individual number cannot be completed; draw another
    return remainder


def _individual_range(year: int) -> range:
    if 1900 <= year <= 1999:
        return range(0, 500)
    if 2000 <= year <= 2039:
        return range(500, 1000)
    raise ValueError("Synthetic numbers are generated for birth years 1900–2039 only")


def synthetic_fodselsnummer(birth_date: date, *, rng: random.Random | None = None) -> str:
    """Make an 11-digit fødselsnummer for ``birth_date`` with correct check digits."""
    rng = rng or random.Random()  # noqa: S311  (not security-sensitive: synthetic demo data)
    individual = _individual_range(birth_date.year)
    for _attempt in range(1000):
        base = f"{birth_date:%d%m}{birth_date.year % 100:02d}{rng.choice(individual):03d}"
        digits = [int(c) for c in base]
        k1 = _check_digit(digits, _W1)
        if k1 is None:
            continue
        k2 = _check_digit([*digits, k1], _W2)
        if k2 is None:
            continue
        return f"{base}{k1}{k2}"
    raise RuntimeError("No valid number found")  # pragma: no cover  (over 1000 draws never all fail)
