# SPDX-License-Identifier: EUPL-1.2
"""The Lekstroom demo region reproduces the memo's 2020 Wmo figures and keeps the rules."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from zorginkoop.adapters.model_files import load_models
from zorginkoop.demo.lekstroom import (
    FREE_PRACTITIONER_CEILING,
    FREE_PRACTITIONER_PRODUCT,
    OZR_CODES,
    VIJFHEERENLANDEN,
    DemoRegion,
    build_lekstroom,
)
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.catalogue import TariffSchedule, derived_tariff, missing_tariff_years
from zorginkoop.domain.codes import Frequency, Law, TargetGroup
from zorginkoop.domain.contracts import covering_contract
from zorginkoop.domain.declarations import DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.financing import allocated_units
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import ProviderSpend, concentration
from zorginkoop.domain.periods import Period, age_on
from zorginkoop.domain.product_models import ResultAreaMatrixModel

MEMO_CLIENTS = {"0321": 363, "0353": 242, "0331": 66, "0356": 886, "1961": 320}
MEMO_COST = {
    "0321": Money.euros(2_145_868),
    "0353": Money.euros(1_066_805),
    "0331": Money.euros(306_677),
    "0356": Money.euros(3_207_069),
    "1961": Money.euros("1226965.41"),
}
WMO_TARGET_GROUPS = (
    TargetGroup.PSYCHOGERIATRIC_SOMATIC,
    TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL,
    TargetGroup.ACQUIRED_BRAIN_INJURY,
    TargetGroup.MILD_INTELLECTUAL_DISABILITY,
    TargetGroup.COMPLEX_PROBLEMS,
)


@dataclass(frozen=True)
class Figures:
    clients: dict[str, int]
    cost: dict[str, Money]
    provider_cost: dict[str, Money]
    provider_clients: dict[str, int]


def _lines(demo: DemoRegion) -> Iterator[tuple[DeclaredLine, LineOutcome]]:
    outcomes = {o.reference: o for o in demo.line_outcomes}
    for declaration in demo.declarations:
        for line in declaration.lines:
            yield line, outcomes[line.reference]


def _approved(demo: DemoRegion, law: Law, year: int) -> Iterator[tuple[DeclaredLine, LineOutcome]]:
    for line, outcome in _lines(demo):
        if outcome.status is LineStatus.APPROVED and line.law is law and line.period.start.year == year:
            yield line, outcome


def _figures(demo: DemoRegion) -> Figures:
    clients: dict[str, set[str]] = defaultdict(set)
    cost: dict[str, int] = defaultdict(int)
    provider_clients: dict[str, set[str]] = defaultdict(set)
    provider_cost: dict[str, int] = defaultdict(int)
    for line, outcome in _approved(demo, Law.WMO, 2020):
        assert line.product_code in OZR_CODES
        clients[line.municipality_code].add(line.client_bsn)
        cost[line.municipality_code] += outcome.granted.cents
        if line.municipality_code != VIJFHEERENLANDEN:
            provider_clients[line.provider_agb].add(line.client_bsn)
            provider_cost[line.provider_agb] += outcome.granted.cents
    return Figures(
        {k: len(v) for k, v in clients.items()},
        {k: Money(v) for k, v in cost.items()},
        {k: Money(v) for k, v in provider_cost.items()},
        {k: len(v) for k, v in provider_clients.items()},
    )


def model_2022() -> ResultAreaMatrixModel:
    model = load_models()["lekstroom-2022"]
    assert isinstance(model, ResultAreaMatrixModel)
    return model


@pytest.fixture(scope="module")
def demo() -> DemoRegion:
    return build_lekstroom(model_2022=model_2022())


@pytest.fixture(scope="module")
def figures(demo: DemoRegion) -> Figures:
    return _figures(demo)


@pytest.fixture(scope="module")
def other_seed() -> DemoRegion:
    return build_lekstroom(7, model_2022=model_2022())


def _close(value: Money, euros: int, tolerance: float = 0.005) -> bool:
    return abs(value.cents - euros * 100) <= euros * 100 * tolerance


# -- the memo's 2020 table ---------------------------------------------------------------------


def test_region_has_the_five_municipalities(demo: DemoRegion) -> None:
    codes = {m.code: m.name for m in demo.region.municipalities}
    assert codes == {
        "0321": "Houten", "0353": "IJsselstein", "0331": "Lopik", "0356": "Nieuwegein", "1961": "Vijfheerenlanden",
    }  # fmt: skip
    assert all(m.inhabitants > 10_000 for m in demo.region.municipalities)


def test_2020_clients_per_municipality_exact(figures: Figures) -> None:
    assert figures.clients == MEMO_CLIENTS
    assert sum(figures.clients.values()) == 1877


def test_2020_cost_per_municipality(figures: Figures) -> None:
    for code, expected in MEMO_COST.items():
        assert abs(figures.cost[code].cents - expected.cents) <= 100, code
    assert abs(Money.sum(figures.cost.values()).cents - Money.euros("7953384.41").cents) <= 500


def test_2020_provider_concentration_excluding_vijfheerenlanden(figures: Figures) -> None:
    ranked = sorted(figures.provider_cost.values(), reverse=True)
    assert len(ranked) == 49
    assert _close(Money.sum(ranked), 6_726_419)
    assert _close(Money.sum(ranked[:12]), 6_068_476)
    assert _close(Money.sum(ranked[:7]), 5_381_135)
    assert _close(Money.sum(ranked[12:]), 657_945)
    small = [figures.provider_cost[a] for a, n in figures.provider_clients.items() if n < 7]
    assert len(small) == 27
    assert _close(Money.sum(small), 225_645)


def test_2020_concentration_as_the_report_reads_it(figures: Figures) -> None:
    spend = [ProviderSpend(a, a, figures.provider_clients[a], c) for a, c in figures.provider_cost.items()]
    table = concentration(spend)
    assert table.total.providers == 49
    assert [line.providers for line in table.largest] == [12, 7]
    assert table.smallest_rest.providers == 37
    assert table.small_providers.providers == 27


def test_largest_twelve_serve_about_ninety_percent_of_clients(figures: Figures) -> None:
    largest = sorted(figures.provider_cost, key=lambda a: -figures.provider_cost[a].cents)[:12]
    share = sum(figures.provider_clients[a] for a in largest) / sum(figures.provider_clients.values())
    assert 0.87 <= share <= 0.93


def test_one_provider_per_wmo_client_in_2020(demo: DemoRegion) -> None:
    providers: dict[str, set[str]] = defaultdict(set)
    for line, _outcome in _approved(demo, Law.WMO, 2020):
        providers[line.client_bsn].add(line.provider_agb)
    assert all(len(p) == 1 for p in providers.values())


def test_vijfheerenlanden_served_by_the_same_providers(demo: DemoRegion, figures: Figures) -> None:
    vhl = {
        line.provider_agb
        for line, _o in _approved(demo, Law.WMO, 2020)
        if line.municipality_code == VIJFHEERENLANDEN
    }
    assert vhl <= set(figures.provider_cost)


# -- trends ------------------------------------------------------------------------------------


def _yearly(demo: DemoRegion, law: Law) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for line, outcome in _lines(demo):
        if outcome.status is LineStatus.APPROVED and line.law is law:
            totals[line.period.start.year] += outcome.granted.cents
    return dict(totals)


def test_wmo_cost_rises_and_shifts_to_heavier_products(demo: DemoRegion) -> None:
    totals = _yearly(demo, Law.WMO)
    assert sorted(totals) == [2018, 2019, 2020]
    assert totals[2018] < totals[2019] < totals[2020]
    assert 6_500_000_00 < totals[2018] < 7_200_000_00
    hours: dict[tuple[int, str | None], int] = defaultdict(int)
    for line, _outcome in _lines(demo):
        if line.law is Law.WMO:
            hours[line.period.start.year, line.product_code] += line.volume

    def share(year: int, product: str) -> float:
        return hours[year, product] / sum(hours[year, p] for p in OZR_CODES)

    assert share(2018, "OZR3") < share(2019, "OZR3") < share(2020, "OZR3")
    assert share(2018, "OZR1") > share(2019, "OZR1") > share(2020, "OZR1")


def test_jeugd_volumes_plausible_and_free_practitioners_under_the_ceiling(demo: DemoRegion) -> None:
    for year, cents in _yearly(demo, Law.JEUGD).items():
        assert 8_000_000_00 <= cents <= 12_000_000_00, year
    free = {p.agb_code for p in demo.providers if p.free_practitioner}
    assert 15 <= len(free) <= 25
    per_year: dict[int, int] = defaultdict(int)
    for line, outcome in _lines(demo):
        if outcome.status is LineStatus.APPROVED and line.provider_agb in free:
            per_year[line.period.start.year] += outcome.granted.cents
    ceilings = {c.year: c for c in demo.collective_ceilings}
    assert sorted(ceilings) == [2018, 2019, 2020, 2021]
    free_contracts = {c.number for c in demo.contracts if c.provider_agb in free}
    for year, cents in per_year.items():
        assert ceilings[year].amount == FREE_PRACTITIONER_CEILING
        assert ceilings[year].contract_numbers == free_contracts
        assert 2_000_000_00 <= cents < FREE_PRACTITIONER_CEILING.cents, year


# -- rules every line and allocation keeps -----------------------------------------------------


def test_nothing_declared_after_2020_but_allocations_run_into_2021(demo: DemoRegion) -> None:
    assert all(
        line.period.end is not None
        and line.period.end <= date(2020, 12, 31)
        and line.period.start >= date(2018, 1, 1)
        for line, _o in _lines(demo)
    )
    assert any(
        a.valid.end is not None and a.valid.end.year == 2021 for a in demo.allocations if a.law is Law.WMO
    )
    assert any(
        a.valid.end is not None and a.valid.end.year == 2021 for a in demo.allocations if a.law is Law.JEUGD
    )


def test_lines_inside_their_allocation_and_one_month_with_the_schedule_tariff(demo: DemoRegion) -> None:
    allocations = {(a.municipality_code, a.number): a for a in demo.allocations}
    schedule = TariffSchedule.of(demo.tariffs)
    declared: dict[tuple[str, int], int] = defaultdict(int)
    for declaration in demo.declarations:
        for line in declaration.lines:
            allocation = allocations[line.municipality_code, line.allocation_number]
            assert allocation.client_bsn == line.client_bsn
            assert allocation.provider_agb == line.provider_agb == declaration.provider_agb
            assert allocation.product_code == line.product_code
            assert allocation.valid.covers(line.period)
            assert declaration.period.covers(line.period)
            assert line.period.start.month == line.period.end.month  # type: ignore[union-attr]
            assert allocation.volume is not None
            assert 1 <= line.volume <= allocated_units(allocation.volume, Frequency.PER_WEEK, line.period)
            assert line.amount == line.tariff * line.volume
            declared[line.municipality_code, line.allocation_number] += line.volume
    for key, volume in declared.items():
        allocation = allocations[key]
        window = allocation.valid.intersection(Period(date(2018, 1, 1), date(2020, 12, 31)))
        assert window is not None and allocation.volume is not None
        assert volume <= allocated_units(allocation.volume, Frequency.PER_WEEK, window)
    for line, outcome in _lines(demo):
        assert line.product_code is not None
        if outcome.status is LineStatus.APPROVED:
            assert line.tariff == schedule.tariff_on(line.product_code, line.period.start)
            assert outcome.granted == line.amount
        else:
            assert outcome.granted == Money.zero()
            assert outcome.return_codes == ("0611",)
            assert line.tariff != schedule.tariff_on(line.product_code, line.period.start)


def test_one_declaration_per_provider_municipality_month_and_unique_references(demo: DemoRegion) -> None:
    keys = [(d.provider_agb, d.municipality_code, d.period.start) for d in demo.declarations]
    assert len(keys) == len(set(keys))
    assert all(d.period.is_whole_month() for d in demo.declarations)
    numbers = [(d.provider_agb, d.number) for d in demo.declarations]
    assert len(numbers) == len(set(numbers))
    references = [line.reference for line, _o in _lines(demo)]
    assert len(references) == len(set(references)) == len(demo.line_outcomes)


def test_bsns_valid_and_unique_and_allocation_numbers_unique_per_municipality(demo: DemoRegion) -> None:
    bsns = [c.bsn for c in demo.clients]
    assert len(bsns) == len(set(bsns))
    assert all(len(b) == 9 and b.startswith("999") for b in bsns)
    numbers = [(a.municipality_code, a.number) for a in demo.allocations]
    assert len(numbers) == len(set(numbers))
    known = set(bsns)
    assert all(a.client_bsn in known for a in demo.allocations)
    assert all(a.frequency is not Frequency.PER_WEEK or a.valid.end is not None for a in demo.allocations)


def test_households_with_wmo_and_jeugd_and_youths_turning_eighteen(demo: DemoRegion) -> None:
    laws: dict[str, set[Law]] = defaultdict(set)
    household = {c.bsn: c.household_id for c in demo.clients}
    for a in demo.allocations:
        laws[household[a.client_bsn]].add(a.law)  # type: ignore[index]
    assert sum(1 for v in laws.values() if v == {Law.WMO, Law.JEUGD}) >= 20
    births = {c.bsn: c.birth_date for c in demo.clients}
    wmo_clients = {a.client_bsn for a in demo.allocations if a.law is Law.WMO}
    turning = {
        a.client_bsn
        for a in demo.allocations
        if a.law is Law.JEUGD
        and age_on(births[a.client_bsn], date(2020, 1, 1))
        < 18
        <= age_on(births[a.client_bsn], date(2021, 12, 31))
        and a.valid.end is not None
        and age_on(births[a.client_bsn], a.valid.end) == 17
        and a.client_bsn not in wmo_clients
    }
    assert len(turning) >= 5


def test_providers_tariffs_and_contracts(demo: DemoRegion) -> None:
    wmo = [p for p in demo.providers if Law.WMO in p.laws]
    assert len(wmo) == 49
    assert len({p.agb_code for p in demo.providers}) == len(demo.providers)
    assert any(p.client_stop for p in wmo)
    for code in MEMO_CLIENTS:
        for group in WMO_TARGET_GROUPS:
            assert any(p.serves(code, group) and not p.client_stop for p in wmo), (code, group)
    schedule = TariffSchedule.of(demo.tariffs)
    tariffs_2020 = [schedule.tariff_on(code, date(2020, 6, 1)).cents for code in OZR_CODES]
    assert all(t % 2 == 1 for t in tariffs_2020)
    assert math.gcd(*tariffs_2020) == 1
    assert tariffs_2020 == sorted(tariffs_2020)
    for code in OZR_CODES:
        history = [schedule.tariff_on(code, date(y, 6, 1)).cents for y in (2018, 2019, 2020, 2021)]
        assert history == sorted(history)
    assert schedule.tariff_on("54002", date(2020, 6, 1)) == Money.euros("82.81")
    assert all(len(p.code) <= 5 for p in demo.products)
    frameworks = {f.code: f for f in demo.frameworks}
    assert frameworks["WMO2015"].term.end == date(2021, 12, 31)
    assert frameworks["VG2016"].term.extensions == ()
    contracted = {c.provider_agb for c in demo.contracts}
    assert contracted == {p.agb_code for p in demo.providers}
    assert any(c.volume_clients for c in demo.contracts)
    assert all(c.ceiling for c in demo.contracts if c.framework_code.startswith("JW"))


def test_the_2022_framework_agreement_holds_the_model_cells_for_most_providers(demo: DemoRegion) -> None:
    model = model_2022()
    (framework,) = [f for f in demo.frameworks if f.code == "WMO2022"]
    assert (framework.procedure.value, framework.term.start, framework.term.initial_years) == (
        "sociale-en-specifieke-diensten",
        date(2022, 1, 1),
        2,
    )
    assert framework.term.extensions == (1, 1)
    assert [d.decide_by for d in framework.term.extension_calendar()] == [date(2023, 7, 1), date(2024, 7, 1)]
    (lot,) = framework.lots
    cells = {c.product_code: c for c in model.cells}
    assert lot.product_codes == frozenset(cells) and len(cells) == 18
    products = {p.code: p for p in demo.products if p.code in cells}
    assert {
        (p.law, p.category, p.unit.value, p.frequency.value, p.variant.value) for p in products.values()
    } == {(Law.WMO, "02", "84", "4", "inspanningsgericht")}
    schedule = TariffSchedule.of(demo.tariffs)
    assert all(
        schedule.tariff_on(code, date(2022, 6, 1)) == cell.monthly_tariff for code, cell in cells.items()
    )
    # award criteria: fewer providers than the 49 under OZR, every one of them contracted for every cell
    awarded = {c.provider_agb for c in demo.contracts if c.framework_code == "WMO2022"}
    wmo = {p.agb_code: p for p in demo.providers if Law.WMO in p.laws}
    assert 30 <= len(awarded) <= 35 and awarded < set(wmo)
    assert all(c.valid == framework.term.period for c in demo.contracts if c.framework_code == "WMO2022")
    for code in MEMO_CLIENTS:
        for group in WMO_TARGET_GROUPS:
            assert any(wmo[a].serves(code, group) and not wmo[a].client_stop for a in awarded), (code, group)
    # nothing runs under it: the care history stays 2018-2020
    assert not any(a.product_code in cells for a in demo.allocations)


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_same_region(demo: DemoRegion) -> None:
    assert build_lekstroom(model_2022=model_2022()) == demo


def test_other_seed_other_clients_same_figures(
    demo: DemoRegion, other_seed: DemoRegion, figures: Figures
) -> None:
    assert {c.bsn for c in other_seed.clients} != {c.bsn for c in demo.clients}
    other = _figures(other_seed)
    assert other.clients == figures.clients
    assert other.cost == figures.cost
    ranked = sorted(other.provider_cost.values(), reverse=True)
    assert len(ranked) == 49
    assert _close(Money.sum(ranked[:12]), 6_068_476)
    assert _close(Money.sum(ranked[:7]), 5_381_135)
    assert _close(Money.sum(ranked[12:]), 657_945)
    small = [other.provider_cost[a] for a, n in other.provider_clients.items() if n < 7]
    assert len(small) == 27
    assert _close(Money.sum(small), 225_645)


# -- one tariff truth: contracts cover allocations, budgets limit them, every term year priced ---


def test_no_allocation_runs_past_the_contract_covering_it_and_the_decision_stays_whole(
    demo: DemoRegion,
) -> None:
    split = 0
    by_decision: dict[str, list[Allocation]] = defaultdict(list)
    for a in demo.allocations:
        assert a.product_code is not None and a.decision_id is not None
        contract = covering_contract(
            demo.contracts, demo.frameworks, law=a.law, product_code=a.product_code,
            provider_agb=a.provider_agb, day=a.valid.start,
        )  # fmt: skip
        assert contract is not None, a
        assert contract.valid.end is None or (
            a.valid.end is not None and a.valid.end <= contract.valid.end
        ), a
        by_decision[a.decision_id].append(a)
    decisions = {d.id: d for d in demo.decisions}
    for decision_id, given in by_decision.items():
        given.sort(key=lambda a: a.valid.start)
        decision = decisions[decision_id]
        assert given[0].valid.start == decision.valid.start
        for before, after in itertools.pairwise(given):
            assert before.valid.end is not None and after.valid.start == before.valid.end + timedelta(days=1)
            split += 1
        last = given[-1].valid.end
        assert last is not None and decision.valid.end is not None and last <= decision.valid.end
    # Jeugd care crossing from the 2016 to the 2019 agreement runs on under the next contract,
    # and care meant to run into 2022 ends with the contracts at the end of 2021
    assert split > 0
    assert any(
        d.law is Law.JEUGD and d.valid.end is not None and d.valid.end > date(2021, 12, 31)
        for d in demo.decisions
    )
    assert all(a.valid.end is not None and a.valid.end <= date(2021, 12, 31) for a in demo.allocations)


def test_every_allocation_keeps_a_budget_limit_its_approved_lines_stay_within(demo: DemoRegion) -> None:
    spent: dict[tuple[str, int], int] = defaultdict(int)
    for line, outcome in _lines(demo):
        spent[line.municipality_code, line.allocation_number] += outcome.granted.cents
    for a in demo.allocations:
        assert a.budget is None and a.budget_limit is not None, a
        assert spent[a.municipality_code, a.number] <= a.budget_limit.cents, a


def test_every_contract_term_has_a_tariff_for_each_of_its_years_extension_years_included(
    demo: DemoRegion,
) -> None:
    schedule = TariffSchedule.of(demo.tariffs)
    for framework in demo.frameworks:
        latest = framework.term.latest_end
        assert latest is not None
        years = range(framework.term.start.year, latest.year + 1)
        for lot in framework.lots:
            assert missing_tariff_years(schedule, lot.product_codes, years) == [], (framework.code, lot.code)
    # the 2022 agreement's extension years are priced with their indexation
    assert schedule.tariff_on("02O11", date(2025, 6, 1)) > schedule.tariff_on("02O11", date(2022, 6, 1))


def test_the_nza_tariffs_are_the_base_of_the_free_practitioners_85_percent(demo: DemoRegion) -> None:
    schedule = TariffSchedule.of(demo.tariffs)
    nza = TariffSchedule.of(demo.reference_tariffs)
    for year in range(2016, 2022):
        day = date(year, 6, 1)
        assert schedule.tariff_on(FREE_PRACTITIONER_PRODUCT, day) == derived_tariff(
            nza.tariff_on(FREE_PRACTITIONER_PRODUCT, day), Decimal(85)
        )
