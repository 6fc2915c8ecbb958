# SPDX-License-Identifier: EUPL-1.2
"""One tariff truth, as pure functions: a decision priced with the catalogue tariff in force on
each of its months, an allocation's budget limit over its period, allocations that end with the
contract covering them (the next contract's allocation following), the rule for providers
without a contract (70% of NZa), tariffs for every year of a term, and CD078 in the 301."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.adapters.istandaarden.outgoing import toegewezen_product
from zorginkoop.domain.allocation_terms import (
    AllocationTermsError,
    allocation_terms,
    allocations_on_terms,
    contract_end,
    own_budget_limit,
    repriced,
)
from zorginkoop.domain.care import Allocation, Decision
from zorginkoop.domain.catalogue import (
    NoTariff,
    Tariff,
    TariffSchedule,
    allocation_budget_limit,
    decision_budget,
    derived_schedule,
    indexed_series,
    missing_tariff_years,
)
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.contracts import (
    Contract,
    FrameworkAgreement,
    Lot,
    ProcurementProcedure,
    Term,
    contract_cover,
    covering_contract,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

ALFA, BETA = "11111111", "22222222"
SCHEDULE = TariffSchedule.of(
    [
        Tariff("OZR1", Money.euros(40), Period.year(2021)),
        Tariff("OZR1", Money.euros(41), Period.year(2022)),
        Tariff("54001", Money.euros(100), Period(date(2021, 1, 1), date(2022, 12, 31))),
    ]
)
NZA = TariffSchedule.of([Tariff("54001", Money.euros("97.42"), Period(date(2021, 1, 1), date(2022, 12, 31)))])
LOT = Lot("OZR", "Ondersteuning", Law.WMO, frozenset({"OZR1"}))
FRAMEWORKS = (
    FrameworkAgreement("A", "eerste", ProcurementProcedure.SAS, Term(date(2021, 1, 1), 1), (LOT,)),
    FrameworkAgreement("B", "tweede", ProcurementProcedure.SAS, Term(date(2022, 1, 1), 1), (LOT,)),
)
FIRST = Contract("A-1", ALFA, "A", "OZR", Period.year(2021))
MONTHLY = Money.euros(520)
NEXT = Contract("B-1", ALFA, "B", "OZR", Period.year(2022))


def decision(start: date, end: date, monthly: Money | None = MONTHLY, product: str = "OZR1") -> Decision:
    return Decision(
        "B-1", "999900006", "0321", Law.WMO, date(2021, 1, 1), Period(start, end), product,
        monthly_budget=monthly, total_budget=None if monthly is None else monthly * 6,
    )  # fmt: skip


# -- the decision's budget ---------------------------------------------------------------------


def test_a_decision_is_priced_with_the_tariff_in_force_on_each_of_its_months() -> None:
    budget = decision_budget(
        SCHEDULE, "OZR1", volume=3, frequency=Frequency.PER_WEEK, start=date(2021, 11, 1), months=4
    )
    # 3 h/week x 13/3 = 13 h a month: EUR 40 in 2021, EUR 41 after the indexation
    assert [amount for _m, _t, amount in budget.months] == [Money.euros(520)] * 2 + [Money.euros(533)] * 2
    assert (budget.monthly, budget.total) == (Money.euros(520), Money.euros(2106))


def test_a_month_without_a_catalogue_tariff_refuses_the_price() -> None:
    with pytest.raises(NoTariff, match="OZR1 on 2023-01-01"):
        decision_budget(
            SCHEDULE, "OZR1", volume=3, frequency=Frequency.PER_WEEK, start=date(2022, 10, 1), months=4
        )


def test_the_budget_within_a_period_counts_whole_months_and_part_months_pro_rata() -> None:
    budget = decision_budget(
        SCHEDULE, "OZR1", volume=1, frequency=Frequency.PER_MAAND, start=date(2021, 12, 16), months=2
    )
    # month 1 is 16 Dec - 15 Jan (tariff 40), month 2 is 16 Jan - 15 Feb (41)
    assert budget.within(Period(date(2021, 12, 16), date(2022, 2, 15))) == budget.total == Money.euros(81)
    assert budget.within(Period(date(2021, 12, 16), date(2021, 12, 31))) == Money.euros(40).times(
        Decimal(16) / Decimal(31)
    )


@given(
    st.integers(1, 40),
    st.integers(1, 24),
    st.dates(date(2021, 1, 1), date(2021, 12, 28)),
    st.integers(1, 700),
)
def test_an_allocation_cut_by_a_contract_end_and_its_follow_up_share_the_decisions_budget(
    hours: int, months: int, start: date, cut_after: int
) -> None:
    """The budget limits of the allocations of one decision add up to its total (one cent of
    rounding for the month the cut falls in)."""
    schedule = TariffSchedule.of(
        [
            Tariff("X", Money.euros("52.44"), Period.year(2021)),
            Tariff("X", Money.euros("53.71"), Period(date(2022, 1, 1), None)),
        ]
    )
    budget = decision_budget(
        schedule, "X", volume=hours, frequency=Frequency.PER_WEEK, start=start, months=months
    )
    first, last = budget.months[0][0].start, budget.months[-1][0].end
    assert last is not None
    cut = min(first + timedelta(days=cut_after), last)
    parts = (
        [Period(first, cut - timedelta(days=1)), Period(cut, last)] if cut > first else [Period(first, last)]
    )
    total = Money.sum(budget.within(p) for p in parts)
    assert abs(total.cents - budget.total.cents) <= 1


# -- the allocation's budget limit ---------------------------------------------------------------


def test_an_allocation_budget_limit_prices_its_started_weeks_at_each_years_tariff() -> None:
    limit = allocation_budget_limit(
        SCHEDULE, "OZR1", volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK,
        period=Period(date(2021, 12, 20), date(2022, 1, 9)),
    )  # fmt: skip
    # 12 days in 2021 = 2 started weeks x 2 h x 40; 9 days in 2022 = 2 weeks x 2 h x 41
    assert limit == Money.euros(2 * 2 * 40 + 2 * 2 * 41)


def test_euros_are_their_own_price_and_a_gap_in_the_tariffs_is_refused() -> None:
    assert allocation_budget_limit(
        SCHEDULE, "TW", volume=4200, unit=Unit.EUROS, frequency=Frequency.TOTAAL, period=Period.year(2021)
    ) == Money.euros(4200)
    with pytest.raises(NoTariff, match="OZR1 on 2023-01-01"):
        allocation_budget_limit(
            SCHEDULE, "OZR1", volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK,
            period=Period(date(2022, 12, 1), date(2023, 1, 31)),
        )  # fmt: skip


# -- tariffs for every year of a term ------------------------------------------------------------


def test_an_indexed_series_gives_every_year_of_a_term_its_tariff_extension_years_included() -> None:
    term = Term(date(2022, 1, 1), 2, extensions=(1, 1))
    assert term.latest_end is not None
    base = Tariff("02O11", Money.euros(295), Period.year(2022))
    series = indexed_series(base, {2023: Decimal("4.10"), 2024: Decimal("3.20")}, term.latest_end)
    assert [(t.valid.start.year, t.amount) for t in series] == [
        (2022, Money.euros(295)), (2023, Money.euros("307.10")), (2024, Money.euros("316.93")), (2025, Money.euros("316.93")),
    ]  # fmt: skip
    schedule = TariffSchedule.of(series)
    assert missing_tariff_years(schedule, ["02O11"], range(2022, 2026)) == []
    assert missing_tariff_years(TariffSchedule.of([base]), ["02O11"], range(2022, 2026)) == [
        ("02O11", 2023), ("02O11", 2024), ("02O11", 2025),
    ]  # fmt: skip


# -- contracts cover allocations -----------------------------------------------------------------


def test_an_allocation_ends_with_its_contract_and_the_next_contract_takes_over() -> None:
    cover = contract_cover(
        [FIRST, NEXT], FRAMEWORKS, law=Law.WMO, product_code="OZR1", provider_agb=ALFA,
        wanted=Period(date(2021, 7, 1), date(2023, 6, 30)),
    )  # fmt: skip
    assert [(c.number, p) for c, p in cover.parts] == [
        ("A-1", Period(date(2021, 7, 1), date(2021, 12, 31))),
        ("B-1", Period(date(2022, 1, 1), date(2022, 12, 31))),
    ]
    assert cover.uncovered == Period(date(2023, 1, 1), date(2023, 6, 30))
    only_first = contract_cover(
        [FIRST], FRAMEWORKS, law=Law.WMO, product_code="OZR1", provider_agb=ALFA,
        wanted=Period(date(2021, 7, 1), date(2021, 9, 30)),
    )  # fmt: skip
    assert (len(only_first.parts), only_first.uncovered) == (1, None)
    assert covering_contract([FIRST], FRAMEWORKS, law=Law.WMO, product_code="OZR1", provider_agb=BETA,
                             day=date(2021, 7, 1)) is None  # fmt: skip


def test_allocation_terms_give_one_allocation_per_contract_each_with_its_budget() -> None:
    d = decision(date(2021, 11, 1), date(2022, 4, 30))
    terms = allocation_terms(
        d, ALFA, volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[FIRST, NEXT],
        frameworks=FRAMEWORKS, schedule=SCHEDULE,
    )  # fmt: skip
    assert [(p.contract.number if p.contract else None, p.valid.end) for p in terms.parts] == [
        ("A-1", date(2021, 12, 31)), ("B-1", date(2022, 4, 30)),
    ]  # fmt: skip
    assert [p.budget_limit for p in terms.parts] == [Money.euros(1040), Money.euros(533 * 4)]
    assert terms.notice is None and terms.nza_percentage is None

    alone = allocation_terms(
        d, ALFA, volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[FIRST],
        frameworks=FRAMEWORKS, schedule=SCHEDULE,
    )  # fmt: skip
    assert [p.valid.end for p in alone.parts] == [date(2021, 12, 31)]
    assert alone.notice is not None and "2021-12-31" in alone.notice and "2022-04-30" in alone.notice

    with pytest.raises(AllocationTermsError, match="holds no contract"):
        allocation_terms(d, BETA, volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[FIRST],
                         frameworks=FRAMEWORKS, schedule=SCHEDULE)  # fmt: skip


def test_allocations_on_terms_are_numbered_on_and_keep_their_budget_limit() -> None:
    d = decision(date(2021, 11, 1), date(2022, 4, 30))
    whole = Allocation(
        7, d.client_bsn, ALFA, d.municipality_code, Law.WMO, "02", "OZR1", d.valid, datetime(2021, 10, 1, 9),
        volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, decision_id=d.id,
    )  # fmt: skip
    given_ = allocations_on_terms(whole, d, contracts=[FIRST, NEXT], frameworks=FRAMEWORKS, schedule=SCHEDULE)
    assert [(a.number, a.valid.start, a.valid.end) for a in given_.allocations] == [
        (7, date(2021, 11, 1), date(2021, 12, 31)), (8, date(2022, 1, 1), date(2022, 4, 30)),
    ]  # fmt: skip
    assert all(a.budget_limit is not None and a.budget is None for a in given_.allocations)


def test_a_provider_without_a_contract_is_allocated_only_at_70_percent_of_the_nza_tariff() -> None:
    d = Decision("B-2", "999900006", "0321", Law.JEUGD, date(2021, 1, 1), Period(date(2021, 3, 1), date(2021, 5, 31)),
                 "54001")  # fmt: skip
    terms = allocation_terms(
        d, BETA, volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[], frameworks=FRAMEWORKS,
        schedule=SCHEDULE, reference=NZA, non_contracted=True,
    )  # fmt: skip
    seventy = derived_schedule(NZA, Decimal(70)).tariff_on("54001", date(2021, 3, 1))
    assert seventy == Money.euros("68.19")  # 70% of 97.42, rounded once
    assert terms.nza_percentage == Decimal(70)
    (part,) = terms.parts
    assert (part.valid, part.contract) == (d.valid, None)
    assert part.budget_limit == seventy * (2 * 14)  # 92 days = 14 started weeks x 2 h

    ozr = decision(date(2021, 3, 1), date(2021, 5, 31))
    with pytest.raises(AllocationTermsError, match="no NZa tariff"):
        allocation_terms(ozr, BETA, volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[],
                         frameworks=FRAMEWORKS, schedule=SCHEDULE, reference=NZA, non_contracted=True)  # fmt: skip
    with pytest.raises(AllocationTermsError, match="holds contract A-1"):
        allocation_terms(ozr, ALFA, volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[FIRST],
                         frameworks=FRAMEWORKS, schedule=SCHEDULE, reference=NZA, non_contracted=True)  # fmt: skip


# -- CD078 -----------------------------------------------------------------------------------------


def test_the_301_carries_a_budget_only_without_omvang_and_never_the_budget_limit() -> None:
    with_omvang = Allocation(
        1, "999900006", ALFA, "0321", Law.WMO, "02", "OZR1", Period.year(2021), datetime(2021, 1, 1, 9),
        volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, budget_limit=Money.euros(8000),
    )  # fmt: skip
    assert toegewezen_product(with_omvang).budget is None
    assert toegewezen_product(with_omvang).omvang is not None
    aspecific = Allocation(
        2, "999900006", ALFA, "0321", Law.WMO, "02", None, Period.year(2021), datetime(2021, 1, 1, 9),
        budget=Money.euros(5000), budget_limit=Money.euros(5000),
    )  # fmt: skip
    assert (toegewezen_product(aspecific).budget, toegewezen_product(aspecific).omvang) == (
        Money.euros(5000),
        None,
    )


# -- a running allocation past its contract ------------------------------------------------------


def test_a_running_allocation_past_its_contract_ends_with_it_and_the_next_contract_follows() -> None:
    d = decision(date(2021, 11, 1), date(2022, 4, 30))
    running = Allocation(
        7, d.client_bsn, ALFA, d.municipality_code, Law.WMO, "02", "OZR1", d.valid, datetime(2021, 10, 1, 9),
        volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, decision_id=d.id, budget_limit=Money.euros(3172),
    )  # fmt: skip
    at = datetime(2021, 12, 1, 9)
    ended = contract_end(running, d, contracts=[FIRST, NEXT], frameworks=FRAMEWORKS, schedule=SCHEDULE, at=at,
                         first_number=12)  # fmt: skip
    assert ended is not None
    assert (ended.ended.number, ended.ended.valid.end, ended.ended.change_reason) == (
        7, date(2021, 12, 31), ChangeReason.CONTRACTWIJZIGING,
    )  # fmt: skip
    assert ended.ended.budget_limit == Money.euros(1040)
    (follow_up,) = ended.follow_ups
    assert (follow_up.number, follow_up.valid, follow_up.change_reason, follow_up.budget_limit) == (
        12, Period(date(2022, 1, 1), date(2022, 4, 30)), None, Money.euros(533 * 4),
    )  # fmt: skip
    assert ended.notice is None

    alone = contract_end(running, d, contracts=[FIRST], frameworks=FRAMEWORKS, schedule=SCHEDULE, at=at,
                         first_number=12)  # fmt: skip
    assert alone is not None and alone.follow_ups == () and alone.notice is not None
    assert "no later contract" in alone.notice
    # covered to its end, or under the 70% rule: nothing to end
    kept = contract_end(replace(running, valid=Period(date(2021, 11, 1), date(2021, 12, 31))), d,
                        contracts=[FIRST], frameworks=FRAMEWORKS, schedule=SCHEDULE, at=at, first_number=12)  # fmt: skip
    assert kept is None
    assert contract_end(replace(running, nza_percentage=Decimal(70)), d, contracts=[FIRST], frameworks=FRAMEWORKS,
                        schedule=SCHEDULE, at=at, first_number=12) is None  # fmt: skip


def test_a_granted_request_keeps_its_budget_or_its_omvang_priced_as_its_limit() -> None:
    requested = Allocation(
        3, "999900006", ALFA, "0321", Law.WMO, "02", "OZR1", Period(date(2021, 3, 1), date(2021, 3, 28)),
        datetime(2021, 2, 1, 9), volume=2, unit=Unit.UUR, frequency=Frequency.PER_WEEK,
    )  # fmt: skip
    assert own_budget_limit(requested, SCHEDULE) == Money.euros(2 * 4 * 40)
    open_ended = replace(requested, valid=Period(date(2021, 3, 1), None), frequency=Frequency.PER_MAAND)
    assert own_budget_limit(open_ended, SCHEDULE) is None  # only its volume limits it
    aspecific = replace(
        requested, product_code=None, volume=None, unit=None, frequency=None, budget=Money.euros(900)
    )
    assert own_budget_limit(aspecific, SCHEDULE) == Money.euros(900)


def test_a_changed_allocation_gets_the_budget_of_its_new_period_and_never_an_unpriced_raise() -> None:
    d = decision(date(2021, 7, 1), date(2021, 12, 31))
    given_ = allocation_terms(d, ALFA, volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, contracts=[FIRST],
                              frameworks=FRAMEWORKS, schedule=SCHEDULE)  # fmt: skip
    whole = Allocation(
        7, d.client_bsn, ALFA, d.municipality_code, Law.WMO, "02", "OZR1", d.valid, datetime(2021, 6, 1, 9),
        volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK, decision_id=d.id,
        budget_limit=given_.parts[0].budget_limit,
    )  # fmt: skip
    assert whole.budget_limit == Money.euros(520 * 6)
    shortened = repriced(replace(whole, valid=Period(date(2021, 7, 1), date(2021, 9, 30))), d, SCHEDULE)
    assert shortened.budget_limit == Money.euros(520 * 3)
    # a longer period than the decision: only the decision's months count, so no raise
    longer = repriced(replace(whole, valid=Period(date(2021, 7, 1), date(2022, 3, 31))), d, SCHEDULE)
    assert longer.budget_limit == Money.euros(520 * 6)
    # without a decision the Omvang is priced; past the tariffs the old limit stays
    beyond = repriced(replace(whole, decision_id=None, valid=Period(date(2021, 7, 1), date(2023, 3, 31))), None,
                      SCHEDULE)  # fmt: skip
    assert beyond.budget_limit == whole.budget_limit
