# SPDX-License-Identifier: EUPL-1.2
"""Into the chain without further steps: a framework agreement, contracts and tariffs made with
the contract manager's use cases are what allocation matching offers the consultant and what a
303's lines are paid at (TR418): the lot's tariff for one provider, its own bid price for
another; a line at any other tariff is refused (0611)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from tests.declaration_helpers import PRODUCTS, line_for
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Allocation, Client, Gender
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import (
    ContractSpec,
    FrameworkSpec,
    LotSpec,
    ProcurementProcedure,
    parse_euros,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.product_models import Intake
from zorginkoop.domain.region import Municipality, Provider, Region
from zorginkoop.services import allocations as workflow
from zorginkoop.services import contracts as service
from zorginkoop.services.declarations import process_file

HOUTEN = "0321"
ALFA, BETA, GAMMA = "11111111", "22222222", "33333333"
BSN = "999900006"
JULY, AUGUST = Period.month(2021, 7), Period.month(2021, 8)


def seed(engine: Engine) -> None:
    """A region, three Wmo providers serving Houten, the products, one inhabitant; no contracts."""
    group = frozenset({TargetGroup.COMPLEX_PROBLEMS})
    with UnitOfWork(engine) as uow:
        uow.region.add(Region("test", "Test", (Municipality(HOUTEN, "Houten", 50_000),)))
        uow.providers.add_all(
            [Provider(agb, name, frozenset({Law.WMO}), group, frozenset({HOUTEN}))
             for agb, name in ((ALFA, "Alfa"), (BETA, "Beta"), (GAMMA, "Gamma"))]
        )  # fmt: skip
        uow.catalogue.add_products(PRODUCTS)
        uow.clients.add_all([Client(BSN, date(1970, 1, 1), "Test", "T", Gender.UNKNOWN, HOUTEN)])
        uow.commit()


def contract_manager(engine: Engine) -> None:
    """What the contract manager does: the agreement, the lot's tariff, two contracts (one at
    the lot's tariff, one at its own bid price); Gamma gets none."""
    service.create_framework(
        UnitOfWork(engine),
        FrameworkSpec("LEK", "Lekstroom", ProcurementProcedure.SAS, date(2021, 1, 1), 2,
                      (LotSpec("OZR", "Ondersteuning", Law.WMO, ("OZR1", "SPOED")),), (1, 1)),
    )  # fmt: skip
    service.add_tariff(UnitOfWork(engine), Law.WMO, "OZR1", parse_euros("50,00"), date(2021, 1, 1))
    service.add_tariff(UnitOfWork(engine), Law.WMO, "SPOED", parse_euros("200,00"), date(2021, 1, 1))
    service.create_contract(UnitOfWork(engine), ContractSpec(ALFA, "LEK", "OZR"))
    service.create_contract(
        UnitOfWork(engine), ContractSpec(BETA, "LEK", "OZR", tariffs=(("OZR1", parse_euros("48,75")),))
    )


def allocated(engine: Engine, provider: str) -> Allocation:
    municipality = Scope.municipality(HOUTEN)
    model = load_models()["lekstroom-ozr"]
    workflow.record_contact(UnitOfWork(engine, municipality), BSN, "Lekdijk", 7, "3991AB", "Houten")
    decided = workflow.decide(
        UnitOfWork(engine, municipality), model, Intake(months=6, product_code="OZR1", hours_per_week=Decimal(4)),
        client_bsn=BSN, start=JULY.start, decided_on=date(2021, 6, 1),
    )  # fmt: skip
    _decision, matches = workflow.providers_for_decision(
        UnitOfWork(engine, municipality), decided.decision.id, TargetGroup.COMPLEX_PROBLEMS
    )
    assert {m.provider.agb_code for m in matches} == {ALFA, BETA}  # Gamma has no contract
    return workflow.allocate(
        UnitOfWork(engine, municipality), model, decision_id=decided.decision.id, provider_agb=provider,
        now=datetime(2021, 6, 2, 9),
    ).allocation  # fmt: skip


def declare(
    engine: Engine, tmp_path: Path, allocation: Allocation, tariffs: list[Money]
) -> tuple[int, int, Money, bytes]:
    lines = [
        replace(line_for(allocation, f"R{i}", (JULY, AUGUST)[i], 4), provider_agb=allocation.provider_agb, tariff=tariff,
                amount=tariff * 4)
        for i, tariff in enumerate(tariffs)
    ]  # fmt: skip
    path = tmp_path / f"{allocation.provider_agb}.xml"
    with path.open("wb") as f:
        write_declaratie(f, law=Law.WMO, afzender=allocation.provider_agb, ontvanger=HOUTEN, identificatie="M1",
                         dagtekening=date(2021, 9, 5), number="D1", period=AUGUST, clients=[(BSN, lines)])  # fmt: skip
    result = process_file(engine, path, tmp_path / "out")
    assert result.answer is not None, result
    return result.approved, result.rejected, result.granted, result.answer.read_bytes()


def test_a_bid_price_is_the_tariff_its_provider_is_paid_at(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    contract_manager(engine)
    allocation = allocated(engine, BETA)
    # its budget limit is priced at the provider's own price: 4 h/week x 48.75 x 13/3 x 6 months
    assert allocation.budget_limit == Money(round(4 * 4875 * 13 / 3)) * 6
    approved, rejected, granted, answer = declare(
        engine, tmp_path, allocation, [Money.euros("48.75"), Money.euros("50.00")]
    )
    assert (approved, rejected, granted) == (1, 1, Money.euros("48.75") * 4)
    assert b"0611" in answer


def test_the_lots_tariff_is_what_a_provider_without_own_prices_is_paid_at(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    contract_manager(engine)
    allocation = allocated(engine, ALFA)
    approved, rejected, granted, answer = declare(
        engine, tmp_path, allocation, [Money.euros("50.00"), Money.euros("48.75")]
    )
    assert (approved, rejected, granted) == (1, 1, Money.euros("50.00") * 4)
    assert b"0611" in answer
