# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's writing use cases on the store (SQLite and PostgreSQL): a framework
agreement with its term and lots, provider contracts with their own prices or the lot's tariff,
extension decisions the calendar shows, early ends, ceilings, tariffs added and indexed. Bad
input is refused with one line and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tests.declaration_helpers import PRODUCTS
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.catalogue import Tariff
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import (
    CollectiveCeiling,
    ContractError,
    ContractSpec,
    ExtensionChoice,
    FrameworkSpec,
    LotSpec,
    ProcurementProcedure,
    parse_euros,
    parse_percentage,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Municipality, Provider, Region
from zorginkoop.services import contracts as service

HOUTEN = "0321"
ALFA, BETA, JEUGD_ONLY = "11111111", "22222222", "33333333"


def seed(engine: Engine) -> None:
    """One municipality, three providers (the third works for youth care only), the two Wmo
    products of the declaration helpers, OZR1 at EUR 50 from 2021 (open)."""
    with UnitOfWork(engine) as uow:
        uow.region.add(Region("test", "Test", (Municipality(HOUTEN, "Houten", 50_000),)))
        groups = frozenset({TargetGroup.COMPLEX_PROBLEMS})
        uow.providers.add_all(
            [
                Provider(ALFA, "Alfa", frozenset({Law.WMO}), groups, frozenset({HOUTEN})),
                Provider(BETA, "Beta", frozenset({Law.WMO}), groups, frozenset({HOUTEN})),
                Provider(JEUGD_ONLY, "Gamma", frozenset({Law.JEUGD}), groups, frozenset({HOUTEN})),
            ]
        )
        ids = uow.catalogue.add_products(PRODUCTS)
        uow.catalogue.add_tariffs(
            [Tariff("OZR1", Money.euros("50.00"), Period(date(2021, 1, 1)))],
            {code: pid for (_law, code), pid in ids.items()},
        )
        uow.commit()


FRAMEWORK = FrameworkSpec(
    code="LEK-2022",
    name="Lekstroom 2022",
    procedure=ProcurementProcedure.SAS,
    start=date(2022, 1, 1),
    initial_years=2,
    extensions=(1, 1),
    lots=(LotSpec("OZR", "Ondersteuning", Law.WMO, ("OZR1", "SPOED")),),
)


def counts(engine: Engine) -> dict[str, int]:
    tables: list[Any] = [
        t.FrameworkAgreementRow, t.LotRow, t.LotProductRow, t.ContractRow, t.TariffRow,
        t.ProviderTariffRow, t.ExtensionDecisionRow, t.CollectiveCeilingRow,
    ]  # fmt: skip
    with engine.connect() as c:
        return {
            table.__tablename__: c.scalar(select(func.count()).select_from(table)) or 0 for table in tables
        }


def state(engine: Engine) -> tuple[object, ...]:
    """Everything the writing use cases may change, to compare before and after a refusal."""
    with UnitOfWork(engine) as uow:
        return (
            counts(engine),
            uow.contracts.frameworks(),
            uow.contracts.contracts(),
            uow.catalogue.tariffs(),
            uow.contracts.collective_ceilings(),
        )


@pytest.fixture
def store(engine: Engine) -> Engine:
    seed(engine)
    service.create_framework(UnitOfWork(engine), FRAMEWORK)
    return engine


def test_a_framework_agreement_is_stored_with_its_term_and_lots(store: Engine) -> None:
    with UnitOfWork(store) as uow:
        (framework,) = uow.contracts.frameworks()
    assert framework.code == "LEK-2022"
    assert framework.procedure is ProcurementProcedure.SAS
    assert (framework.term.end, framework.term.latest_end) == (date(2023, 12, 31), date(2025, 12, 31))
    assert framework.lot("OZR").product_codes == {"OZR1", "SPOED"}


def test_an_indefinite_framework_agreement_has_no_end() -> None:
    spec = FrameworkSpec(
        "U16", "U16 Jeugd", ProcurementProcedure.TENDER, date(2024, 1, 1), None, FRAMEWORK.lots
    )
    assert spec.framework().term.end is None
    with pytest.raises(ContractError, match="indefinite term has no extension"):
        FrameworkSpec(
            "U16", "U16", ProcurementProcedure.TENDER, date(2024, 1, 1), None, FRAMEWORK.lots, (1,)
        ).framework()


def test_a_contract_at_the_lots_tariff_runs_with_the_agreements_term(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))
    assert number == "LEK-2022-OZR-11111111"
    with UnitOfWork(store) as uow:
        contract = uow.contracts.contract(number)
        assert uow.catalogue.provider_tariffs(Law.WMO, ALFA) == []
    assert contract is not None
    assert contract.valid == Period(date(2022, 1, 1), date(2023, 12, 31))


def test_a_contract_with_bid_prices_stores_them_as_the_providers_own_tariffs(store: Engine) -> None:
    spec = ContractSpec(
        BETA, "LEK-2022", "OZR", start=date(2022, 3, 1), number="C-BETA",
        tariffs=(("OZR1", parse_euros("48,75")), ("SPOED", parse_euros("210.00"))),
        ceiling=Money.euros(100_000),
    )  # fmt: skip
    assert service.create_contract(UnitOfWork(store), spec) == "C-BETA"
    with UnitOfWork(store) as uow:
        own = uow.catalogue.provider_tariffs(Law.WMO, BETA)
        contract = uow.contracts.contract("C-BETA")
    assert [(x.product_code, x.amount, x.valid) for x in own] == [
        ("OZR1", Money(4875), Period(date(2022, 3, 1), date(2023, 12, 31))),
        ("SPOED", Money(21000), Period(date(2022, 3, 1), date(2023, 12, 31))),
    ]
    assert contract is not None and contract.ceiling == Money.euros(100_000)


def test_an_extension_is_recorded_and_the_calendar_shows_it(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))
    recorded = service.extend_contract(UnitOfWork(store), number, ExtensionChoice.EXTEND, date(2023, 5, 1))
    assert (recorded.option.number, recorded.valid_until) == (1, date(2024, 12, 31))
    with UnitOfWork(store) as uow:
        (entry,) = service.extension_calendar(uow, date(2023, 5, 2))
        contract = uow.contracts.contract(number)
        decisions = uow.contracts.extension_decisions()
    assert contract is not None and contract.valid.end == date(2024, 12, 31)
    assert [(s.status, s.extended, s.declined) for s in entry.steps] == [("gebruikt", 1, 0), ("open", 0, 0)]
    assert entry.term_end == date(2024, 12, 31)
    assert [(d.contract_number, d.option, d.decision, d.decided_on) for d in decisions] == [
        (number, 1, "verlengen", date(2023, 5, 1))
    ]
    # the second option, then nothing is left
    service.extend_contract(UnitOfWork(store), number, ExtensionChoice.EXTEND, date(2024, 6, 1))
    before = state(store)
    with pytest.raises(ContractError, match="last extension option"):
        service.extend_contract(UnitOfWork(store), number, ExtensionChoice.EXTEND, date(2025, 6, 1))
    assert state(store) == before


def test_a_declined_option_is_recorded_and_the_contract_ends_as_it_stands(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))
    recorded = service.extend_contract(UnitOfWork(store), number, ExtensionChoice.DECLINE, date(2023, 5, 1))
    assert recorded.valid_until == date(2023, 12, 31)
    before = state(store)
    with pytest.raises(ContractError, match="decided already"):
        service.extend_contract(UnitOfWork(store), number, ExtensionChoice.EXTEND, date(2023, 6, 1))
    assert state(store) == before


def test_an_early_end_is_recorded_once(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))
    assert service.end_contract(UnitOfWork(store), number, date(2022, 9, 30), "faillissement") == date(
        2022, 9, 30
    )
    with UnitOfWork(store) as uow:
        contract = uow.contracts.contract(number)
        assert uow.contracts.ended(number) == (date(2022, 9, 30), "faillissement")
    assert contract is not None and contract.valid.end == date(2022, 9, 30)
    before = state(store)
    with pytest.raises(ContractError, match="ended already on 2022-09-30"):
        service.end_contract(UnitOfWork(store), number, date(2022, 10, 31), "nogmaals")
    with pytest.raises(ContractError, match="was ended"):
        service.extend_contract(UnitOfWork(store), number, ExtensionChoice.EXTEND, date(2022, 10, 1))
    assert state(store) == before


def test_ceilings_are_set_for_a_contract_and_a_collective_year(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))
    assert service.set_ceiling(UnitOfWork(store), number, 2022, parse_euros("250.000,00")) == "contract"
    with UnitOfWork(store) as uow:
        uow.contracts.add_collective_ceilings(
            [CollectiveCeiling("VRIJ", "Vrijgevestigden", Money.euros(2_300_000), 2022, frozenset({number}))]
        )
        uow.commit()
    assert service.set_ceiling(UnitOfWork(store), "VRIJ", 2022, Money.euros(2_400_000)) == "collective"
    assert service.set_ceiling(UnitOfWork(store), "VRIJ", 2023, Money.euros(2_500_000)) == "collective"
    with UnitOfWork(store) as uow:
        contract = uow.contracts.contract(number)
        collective = {(c.year, c.amount, c.contract_numbers) for c in uow.contracts.collective_ceilings()}
    assert contract is not None and contract.ceiling == Money.euros(250_000)
    assert collective == {
        (2022, Money.euros(2_400_000), frozenset({number})),
        (2023, Money.euros(2_500_000), frozenset({number})),
    }


def test_a_tariff_is_added_after_the_open_one_which_it_closes(store: Engine) -> None:
    added = service.add_tariff(UnitOfWork(store), Law.WMO, "OZR1", parse_euros("52,10"), date(2022, 1, 1))
    assert added.closed is not None and added.closed.valid.start == date(2021, 1, 1)
    with UnitOfWork(store) as uow:
        tariffs = [(x.amount, x.valid) for x in uow.catalogue.tariffs(Law.WMO)]
    assert tariffs == [
        (Money(5000), Period(date(2021, 1, 1), date(2021, 12, 31))),
        (Money(5210), Period(date(2022, 1, 1))),
    ]


def test_tariffs_are_indexed_from_a_day_rounded_once_to_cents(store: Engine) -> None:
    service.add_tariff(UnitOfWork(store), Law.WMO, "SPOED", Money.euros("199.99"), date(2021, 1, 1),
                       valid_to=date(2021, 12, 31))  # fmt: skip
    added = service.index_tariffs(UnitOfWork(store), Law.WMO, parse_percentage("2,75"), date(2022, 1, 1))
    assert {(a.tariff.product_code, a.tariff.amount, a.tariff.valid) for a in added} == {
        ("OZR1", Money(5138), Period(date(2022, 1, 1))),  # 50.00 x 1.0275 = 51.375 -> 51.38
        ("SPOED", Money(20549), Period(date(2022, 1, 1), date(2022, 12, 31))),  # 205.487... -> 205.49
    }
    before = state(store)
    with pytest.raises(service.CatalogueError, match="overlap"):
        service.index_tariffs(UnitOfWork(store), Law.WMO, Decimal(2), date(2022, 1, 1))
    assert state(store) == before


# -- bad input: one line, nothing stored -----------------------------------------------------------


def refused(engine: Engine, error: type[Exception], match: str, call: Callable[[], object]) -> None:
    before = state(engine)
    with pytest.raises(error, match=match) as raised:
        call()
    assert isinstance(raised.value, ValueError)
    assert "\n" not in str(raised.value)
    assert state(engine) == before


def test_bad_input_is_refused_with_one_line_and_nothing_stored(store: Engine) -> None:
    number = service.create_contract(UnitOfWork(store), ContractSpec(ALFA, "LEK-2022", "OZR"))

    def uow() -> UnitOfWork:
        return UnitOfWork(store)

    cases: list[tuple[type[Exception], str, Callable[[], object]]] = [
        # overlapping tariff periods
        (service.CatalogueError, "overlap", lambda: service.add_tariff(
            uow(), Law.WMO, "OZR1", Money(100), date(2020, 6, 1), valid_to=date(2021, 6, 30))),
        (service.CatalogueError, "overlap", lambda: service.add_tariff(
            uow(), Law.WMO, "OZR1", Money(100), date(2020, 6, 1))),
        # an unknown product or provider
        (service.CatalogueError, "no wmo product with code 'NOPE'", lambda: service.add_tariff(
            uow(), Law.WMO, "NOPE", Money(100), date(2022, 1, 1))),
        (ContractError, "no provider with AGB code '99999999'", lambda: service.add_tariff(
            uow(), Law.WMO, "OZR1", Money(100), date(2022, 1, 1), provider_agb="99999999")),
        (ContractError, "no provider with AGB code '99999999'", lambda: service.create_contract(
            uow(), ContractSpec("99999999", "LEK-2022", "OZR"))),
        (service.CatalogueError, "no wmo product with code 'NOPE'", lambda: service.create_framework(
            uow(), FrameworkSpec("X", "X", ProcurementProcedure.SAS, date(2022, 1, 1), 2,
                                 (LotSpec("A", "A", Law.WMO, ("OZR1", "NOPE")),)))),
        (ContractError, "has no product 'NOPE'", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "LEK-2022", "OZR", tariffs=(("NOPE", Money(100)),)))),
        (ContractError, "does not work under the wmo", lambda: service.create_contract(
            uow(), ContractSpec(JEUGD_ONLY, "LEK-2022", "OZR"))),
        (ContractError, "no framework agreement 'NOPE'", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "NOPE", "OZR"))),
        (ContractError, "has no lot 'NOPE'", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "LEK-2022", "NOPE"))),
        # a contract outside its framework's term
        (ContractError, "before framework agreement", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "LEK-2022", "OZR", start=date(2021, 12, 31)))),
        (ContractError, "after framework agreement", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "LEK-2022", "OZR", end=date(2024, 1, 1)))),
        # a negative amount
        (service.CatalogueError, "cannot be negative", lambda: service.add_tariff(
            uow(), Law.WMO, "OZR1", Money(-1), date(2022, 1, 1))),
        (ContractError, "cannot be negative", lambda: service.set_ceiling(uow(), number, 2022, Money(-1))),
        (ContractError, "cannot be negative", lambda: service.create_contract(
            uow(), ContractSpec(BETA, "LEK-2022", "OZR", tariffs=(("OZR1", Money(-5)),)))),
        (ContractError, "cannot be negative", lambda: parse_euros("-12,34")),
        (ContractError, "not an amount", lambda: parse_euros("12,345")),
        # the rest
        (ContractError, "exists already", lambda: service.create_contract(
            uow(), ContractSpec(ALFA, "LEK-2022", "OZR"))),
        (ContractError, "exists already", lambda: service.create_framework(uow(), FRAMEWORK)),
        (ContractError, "no contract with number 'NOPE'", lambda: service.end_contract(
            uow(), "NOPE", date(2022, 5, 1), "reden")),
        (ContractError, "give a reason", lambda: service.end_contract(uow(), number, date(2022, 5, 1), "  ")),
        (ContractError, "ends 2023-12-31 already", lambda: service.end_contract(
            uow(), number, date(2024, 5, 1), "reden")),
        (ContractError, "too late", lambda: service.extend_contract(
            uow(), number, ExtensionChoice.EXTEND, date(2024, 1, 1))),
        (ContractError, "does not run in 2026", lambda: service.set_ceiling(uow(), number, 2026, Money(1))),
        (ContractError, "no contract or collective ceiling 'NOPE'", lambda: service.set_ceiling(
            uow(), "NOPE", 2022, Money(1))),
        (service.CatalogueError, "nothing to index", lambda: service.index_tariffs(
            uow(), Law.JEUGD, Decimal(2), date(2022, 1, 1))),
    ]  # fmt: skip
    for error, match, call in cases:
        refused(store, error, match, call)


def test_an_award_stores_all_its_contracts_or_none(store: Engine) -> None:
    good = ContractSpec(ALFA, "LEK-2022", "OZR", tariffs=(("OZR1", Money(4900)),))
    before = state(store)
    with pytest.raises(ContractError, match="no provider with AGB code '99999999'"):
        service.create_contracts(UnitOfWork(store), [good, ContractSpec("99999999", "LEK-2022", "OZR")])
    assert state(store) == before
    assert service.create_contracts(UnitOfWork(store), [good, ContractSpec(BETA, "LEK-2022", "OZR")]) == [
        "LEK-2022-OZR-11111111",
        "LEK-2022-OZR-22222222",
    ]
    with UnitOfWork(store) as uow:
        assert len(uow.contracts.contracts()) == 2
        assert [t.amount for t in uow.catalogue.provider_tariffs(Law.WMO, ALFA)] == [Money(4900)]
