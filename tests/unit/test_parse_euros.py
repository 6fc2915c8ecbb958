# SPDX-License-Identifier: EUPL-1.2
"""Amounts and percentages as people type them, to whole cents and exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.contracts import ContractError, parse_euros, parse_percentage
from zorginkoop.domain.money import Money


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12,34", 1234), ("12.34", 1234), ("1.234,56", 123456), ("2.500.000", 250_000_000), ("250.000,00", 25_000_000),
     ("€ 52,10", 5210), ("7", 700), ("0,5", 50)],
)  # fmt: skip
def test_an_amount_is_read_as_people_write_it(text: str, cents: int) -> None:
    assert parse_euros(text) == Money(cents)


@pytest.mark.parametrize("text", ["-1", "-12,34", "12,345", "1,2,3", "twaalf", "", "NaN", "1e3"])
def test_a_wrong_amount_is_one_line(text: str) -> None:
    with pytest.raises(ContractError) as raised:
        parse_euros(text)
    assert "\n" not in str(raised.value)


@given(st.integers(0, 10**12))
def test_the_dutch_form_of_any_amount_reads_back_to_its_cents(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    dutch = f"{euros:,}".replace(",", ".") + f",{rest:02d}"
    assert parse_euros(dutch) == Money(cents)
    assert parse_euros(f"{euros}.{rest:02d}") == Money(cents)


def test_a_percentage_is_exact() -> None:
    assert parse_percentage("2,75") == Decimal("2.75")
    assert parse_percentage("-1.5") == Decimal("-1.5")
    with pytest.raises(ContractError):
        parse_percentage("150")
