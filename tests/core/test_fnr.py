"""Synthetic fødselsnummer for demo data carry valid check digits."""

from __future__ import annotations

import random
from datetime import date

import pytest
from stdnum.no import fodselsnummer

from utvei.core.fnr import synthetic_fodselsnummer


@pytest.mark.parametrize(
    "birth", [date(1901, 1, 1), date(1985, 6, 30), date(1999, 12, 31), date(2008, 2, 29), date(2012, 11, 5)]
)
def test_generated_numbers_validate_and_encode_the_birth_date(birth: date) -> None:
    rng = random.Random(birth.toordinal())
    for _ in range(50):
        number = synthetic_fodselsnummer(birth, rng=rng)
        assert fodselsnummer.is_valid(number), number
        assert fodselsnummer.get_birth_date(number) == birth


def test_years_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(ValueError):
        synthetic_fodselsnummer(date(1850, 1, 1))
