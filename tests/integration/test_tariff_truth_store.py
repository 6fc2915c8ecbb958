# SPDX-License-Identifier: EUPL-1.2
"""One tariff truth on the store (SQLite and PostgreSQL): a decision priced with the store's
catalogue and allocated with its budget limit; NZa tariffs and an allocation's tariff basis kept;
a line on an allocation under the rule for providers without a contract paid at 70% of the NZa
tariff and refused (0611) at the contract tariff it has no right to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from tests.declaration_helpers import HOUTEN, JUNE, TARIFF, line_for, seed_store
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.catalogue import Tariff
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.product_models import Intake
from zorginkoop.domain.region import Provider
from zorginkoop.services import allocations as workflow
from zorginkoop.services.declarations import process_file

BETA = "22222222"
NZA = Money.euros("60.00")


def test_a_decision_is_priced_with_the_stores_catalogue_and_its_allocation_keeps_its_budget(
    engine: Engine,
) -> None:
    (a1, *_rest) = seed_store(engine, 1)
    model = load_models()["lekstroom-ozr"]
    workflow.record_contact(UnitOfWork(engine, Scope.municipality(HOUTEN)), a1.client_bsn, "Lekdijk", 7, "3991AB",
                            "Houten")  # fmt: skip
    decided = workflow.decide(
        UnitOfWork(engine, Scope.municipality(HOUTEN)), model,
        Intake(months=6, product_code="OZR1", hours_per_week=Decimal(4)),
        client_bsn=a1.client_bsn, start=date(2021, 7, 1), decided_on=date(2021, 6, 1),
    )  # fmt: skip
    monthly = Money(round(4 * 5000 * 13 / 3))  # 4 h/week x EUR 50 (the store's tariff) x 13/3
    assert (decided.decision.monthly_budget, decided.decision.total_budget) == (monthly, monthly * 6)
    result = workflow.allocate(
        UnitOfWork(engine, Scope.municipality(HOUTEN)), model, decision_id=decided.decision.id,
        provider_agb=a1.provider_agb, now=datetime(2021, 6, 2, 9),
    )  # fmt: skip
    with UnitOfWork(engine, Scope.municipality(HOUTEN)) as uow:
        stored = uow.workflow.allocation(
            HOUTEN, Law.WMO, result.allocation.number, purpose=ActivityKind.DECISION
        )
    assert stored is not None
    assert (stored.volume, stored.budget, stored.budget_limit) == (4, None, monthly * 6)


def test_an_allocation_without_a_contract_is_paid_70_percent_of_nza_and_nothing_else(
    engine: Engine, tmp_path: Path
) -> None:
    (a1, *_rest) = seed_store(engine, 1)
    with UnitOfWork(engine) as uow:
        uow.providers.add_all([Provider(BETA, "Beta", frozenset({Law.WMO}), frozenset({TargetGroup.COMPLEX_PROBLEMS}),
                                        frozenset({HOUTEN}))])  # fmt: skip
        ids = {code: pid for (_law, code), pid in uow.catalogue.product_ids().items()}
        uow.catalogue.add_reference_tariffs(
            [Tariff("OZR1", NZA, Period(date(2021, 1, 1)), "NZa-tarief")], ids
        )
        uow.allocations.add_all([replace(a1, number=50, provider_agb=BETA, nza_percentage=Decimal(70),
                                         budget_limit=Money.euros(10_000))])  # fmt: skip
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert [t.amount for t in uow.catalogue.reference_tariffs(Law.WMO)] == [NZA]
        stored = uow.workflow.allocation(HOUTEN, Law.WMO, 50, purpose=ActivityKind.DECISION)
    assert stored is not None and stored.nza_percentage == Decimal(70)

    seventy = Money.euros("42.00")
    good = replace(line_for(stored, "N1"), provider_agb=BETA, tariff=seventy, amount=seventy * 10)
    wrong = replace(
        line_for(stored, "N2", Period.month(2021, 5)), provider_agb=BETA, tariff=TARIFF, amount=TARIFF * 10
    )
    path = tmp_path / "beta.xml"
    with path.open("wb") as f:
        write_declaratie(f, law=Law.WMO, afzender=BETA, ontvanger=HOUTEN, identificatie="B1", dagtekening=date(2021, 7, 5),
                         number="DB1", period=JUNE, clients=[(stored.client_bsn, [good, wrong])])  # fmt: skip
    result = process_file(engine, path, tmp_path / "out")
    assert (result.approved, result.rejected, result.granted) == (1, 1, seventy * 10)
    assert result.answer is not None and b"0611" in result.answer.read_bytes()
