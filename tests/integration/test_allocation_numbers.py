# SPDX-License-Identifier: EUPL-1.2
"""ToewijzingNummers (TR332) and 301 Identificaties are "highest + 1": allocations made at the
same moment for the same municipality must still get distinct numbers, without an error."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from tests.conftest import _empty_all_tables
from tests.factories import ALFA, BSN_A, HOUTEN, contract_tiny_provider, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.product_models import Intake
from zorginkoop.services import allocations as wf

THREADS = 6


@pytest.mark.postgres
def test_concurrent_allocations_in_one_municipality_get_distinct_numbers_without_error(
    request: pytest.FixtureRequest,
) -> None:
    engine: Engine = request.getfixturevalue("_postgres_engine")
    _empty_all_tables(engine)
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        contract_tiny_provider(uow)
    with UnitOfWork(engine) as uow:
        uow.workflow.add_contacts({BSN_A: ClientContact("Dorpsstraat", 12, "3991AB", "Houten")})
        uow.commit()
    model = load_models()["lekstroom-ozr"]
    scope = Scope.municipality(HOUTEN)
    decisions = [
        wf.decide(UnitOfWork(engine, scope), model, Intake(months=6, hours_per_week=Decimal(2), product_code="OZR1"),
                  client_bsn=BSN_A, start=date(2021, 7, 1), decided_on=date(2021, 1, 4)).decision.id
        for _ in range(THREADS)
    ]  # fmt: skip
    start = threading.Barrier(THREADS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def allocate(decision_id: str) -> None:
        try:
            start.wait()
            result = wf.allocate(UnitOfWork(engine, scope), model, decision_id=decision_id, provider_agb=ALFA,
                                 now=datetime(2021, 1, 4, 9, 0))  # fmt: skip
            numbers.append(result.allocation.number)
        except BaseException as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=allocate, args=(d,)) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # the tiny region already holds ToewijzingNummer 1 in Houten
    assert sorted(numbers) == list(range(2, 2 + THREADS))
    with engine.connect() as connection:
        idents = list(
            connection.scalars(select(t.MessageRow.identification).where(t.MessageRow.message_type == "301"))
        )
    assert len(idents) == len(set(idents)) == THREADS
