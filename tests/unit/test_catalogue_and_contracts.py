# SPDX-License-Identifier: EUPL-1.2
from datetime import date
from decimal import Decimal

import pytest

from zorginkoop.domain.catalogue import (
    CatalogueError,
    NoTariff,
    Product,
    Tariff,
    TariffSchedule,
    derived_tariff,
    indexed_tariff,
)
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, Unit
from zorginkoop.domain.contracts import CeilingUse, ContractError, Lot, TariffBasis, Term
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


def ozr1() -> Product:
    return Product(
        "OZR1", Law.WMO, "02", "Stimuleren en toezicht", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT
    )


def test_product_codes_follow_the_standard():
    assert ozr1().code == "OZR1"
    with pytest.raises(CatalogueError, match="1-5 characters"):
        Product("OZR100", Law.WMO, "02", "x", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT)
    with pytest.raises(CatalogueError, match="WmoCategory"):
        Product(
            "X",
            Law.WMO,
            "45",
            "jeugd category under the Wmo",
            Unit.UUR,
            Frequency.PER_WEEK,
            FinancingVariant.EFFORT,
        )


def test_one_tariff_per_product_per_day():
    schedule = TariffSchedule.of([Tariff("OZR1", Money.euros("50.11"), Period.year(2019))])
    schedule.add(Tariff("OZR1", Money.euros("51.47"), Period(date(2020, 1, 1))))
    assert schedule.tariff_on("OZR1", date(2019, 6, 1)) == Money.euros("50.11")
    assert schedule.tariff_on("OZR1", date(2024, 6, 1)) == Money.euros("51.47")
    with pytest.raises(NoTariff, match="2018-06-01"):
        schedule.tariff_on("OZR1", date(2018, 6, 1))
    with pytest.raises(CatalogueError, match="overlap"):
        schedule.add(Tariff("OZR1", Money.euros("1.00"), Period.month(2020, 3)))


def test_derived_tariffs_of_the_seeds():
    nza = Money.euros("97.42")
    assert derived_tariff(nza, Decimal(85)) == Money.euros("82.81")  # contracted free practitioners
    assert derived_tariff(nza, Decimal(70)) == Money.euros("68.19")  # non-contracted, new clients
    assert derived_tariff(nza, Decimal(75)) == Money.euros("73.07")  # Wmo transition clients: 73.065 -> 73.07
    with pytest.raises(CatalogueError):
        derived_tariff(nza, Decimal(120))


def test_yearly_indexation_rounds_once():
    base = Tariff("OZR2", Money.euros("57.00"), Period.year(2019))
    raised = indexed_tariff(base, Decimal("2.75"), Period.year(2020))
    assert raised.amount == Money.euros("58.57")  # 58.5675 -> 58.57
    with pytest.raises(CatalogueError):
        indexed_tariff(base, Decimal(2), Period.year(2019))


def test_lekstroom_2022_term_with_two_one_year_extensions():
    term = Term(date(2022, 1, 1), 2, extensions=(1, 1), notice_months=6)
    assert term.end == date(2023, 12, 31)
    assert term.latest_end == date(2025, 12, 31)
    calendar = term.extension_calendar()
    assert [(d.decide_by, d.term_ends, d.extended_until) for d in calendar] == [
        (date(2023, 7, 1), date(2023, 12, 31), date(2024, 12, 31)),
        (date(2024, 7, 1), date(2024, 12, 31), date(2025, 12, 31)),
    ]
    assert term.extended().extended().end == date(2025, 12, 31)
    with pytest.raises(ContractError, match="no extension option left"):
        term.extended().extended().extended()


def test_indefinite_term_has_no_end_and_no_extensions():
    term = Term(date(2021, 1, 1), None)
    assert term.end is None and term.extension_calendar() == []
    with pytest.raises(ContractError):
        Term(date(2021, 1, 1), None, extensions=(1,))


def test_lot_with_reference_tariff_needs_a_percentage():
    Lot(
        "VG",
        "Vrijgevestigden",
        Law.JEUGD,
        frozenset({"54001"}),
        tariff_basis=TariffBasis.PERCENT_OF_REFERENCE,
        reference_percentage=Decimal(85),
    )
    with pytest.raises(ContractError):
        Lot("VG", "Vrijgevestigden", Law.JEUGD, frozenset(), tariff_basis=TariffBasis.PERCENT_OF_REFERENCE)


def test_collective_ceiling_notices_at_70_and_100_percent():
    use = CeilingUse(Money.euros(2_300_000), Money.euros(1_600_000))
    assert use.thresholds_passed() == ()
    assert use.crossed_by(Money.euros(10_000)) == (70,)
    assert use.crossed_by(Money.euros(700_000)) == (70, 100)
    assert use.room_for(Money.euros(700_000)) and not use.room_for(Money(70_000_000_01))
    assert CeilingUse(Money.euros(100), Money.euros(70)).percentage == Decimal("70.0")
