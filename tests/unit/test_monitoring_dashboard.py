# SPDX-License-Identifier: EUPL-1.2
"""The dashboard's pure parts: the heaviest products and the disclosed share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zorginkoop.domain.codes import JeugdCategory
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import (
    GGZ_CATEGORIES,
    MonitoringError,
    UnitTariff,
    disclosed_share,
    heaviest_products,
)


def test_the_heaviest_third_per_unit_is_heaviest():
    hourly = [UnitTariff("OZR1", "04", 5151), UnitTariff("OZR2", "04", 5907), UnitTariff("OZR3", "04", 6647)]
    assert heaviest_products(hourly) == {"OZR3"}
    four = [*hourly, UnitTariff("OZR4", "04", 7000)]
    assert heaviest_products(four) == {"OZR4", "OZR3"}  # a third of four, rounded up, is two


def test_units_are_compared_apart_and_a_lone_product_is_not_heaviest():
    tariffs = [
        UnitTariff("H1", "04", 9000), UnitTariff("H2", "04", 5000),
        UnitTariff("D1", "14", 25000), UnitTariff("D2", "14", 16000),
        UnitTariff("M1", "84", 99999),  # alone in its unit: nothing to be heavier than
    ]  # fmt: skip
    assert heaviest_products(tariffs) == {"H1", "D1"}
    assert heaviest_products([]) == frozenset()


def test_ties_are_broken_by_product_code_whatever_the_order():
    tariffs = [UnitTariff("B", "04", 100), UnitTariff("A", "04", 100), UnitTariff("C", "04", 50)]
    assert heaviest_products(tariffs) == heaviest_products(list(reversed(tariffs))) == {"A"}


def test_ggz_is_jz020_51_52_and_54():
    assert {JeugdCategory.from_code(c).label for c in GGZ_CATEGORIES} == {
        "Generalistische basis-ggz", "Specialistische ggz", "Jeugd-ggz",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("people", "whole_people", "expected"),
    [(10, 10, Decimal("0.2500")), (9, 100, None), (10, 9, None), (0, 100, Decimal("0.0000"))],
)
def test_a_share_about_fewer_than_ten_people_is_suppressed(people, whole_people, expected):
    part = Money(2500) if people else Money(0)
    assert disclosed_share(part, Money(10000), people, whole_people) == expected


def test_a_share_of_nothing_is_none_and_a_part_above_the_whole_is_refused():
    assert disclosed_share(Money(0), Money(0), 20, 20) is None
    with pytest.raises(MonitoringError):
        disclosed_share(Money(200), Money(100), 20, 20)
