# SPDX-License-Identifier: EUPL-1.2
"""Property on the real store (SQLite): sequences of allocate / switch / change / end / delete
through the use cases, for one decision at a time, never leave two live allocations of the
decided product overlapping nor more than the decision; a deleted allocation stays deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.factories import ALFA, BSN_A, HOUTEN, contract_tiny_provider, load_tiny_region
from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.allocating import is_withdrawn
from zorginkoop.domain.allocation_integrity import DecidedKey, DecidedProduct, integrity_breaches
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import Contract
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.product_models import Intake
from zorginkoop.domain.region import Provider
from zorginkoop.services import allocations as wf

GAMMA = "33333333"
MODEL = load_models()["lekstroom-ozr"]
SCOPE = Scope.municipality(HOUTEN)
NOW = datetime(2021, 6, 1, 9, 0)
START = date(2021, 7, 1)
REASONS = ("05", "04", "14", "09", "13")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'store.sqlite'}")
    upgrade(engine)
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        contract_tiny_provider(uow)
    with UnitOfWork(engine) as uow:
        uow.providers.add_all([Provider(GAMMA, "Gamma", frozenset({Law.WMO}),
                                        frozenset({TargetGroup.COMPLEX_PROBLEMS}), frozenset({HOUTEN}))])  # fmt: skip
        uow.contracts.add_contracts([Contract("C3", GAMMA, "FW", "L1", Period(date(2020, 1, 1), None))])
        uow.workflow.add_contacts({BSN_A: ClientContact("Lekdijk", 7, "3991AB", "Houten")})
        uow.commit()
    yield engine
    engine.dispose()


days = st.integers(min_value=-10, max_value=200)
allocate = st.tuples(st.just("allocate"), st.sampled_from((ALFA, GAMMA)), days, st.booleans())
change = st.tuples(
    st.just("change"), st.integers(0, 5), st.sampled_from(REASONS), days, st.none() | st.integers(1, 5)
)
steps = st.lists(st.one_of(allocate, change), min_size=1, max_size=8)


def _step(engine: Engine, decision: str, numbers: list[int], step: tuple) -> None:  # type: ignore[type-arg]
    try:
        if step[0] == "allocate":
            _, agb, offset, switch = step
            with UnitOfWork(engine, SCOPE) as uow:
                live = [
                    a
                    for a in uow.workflow.decision_allocations(decision, ActivityKind.DECISION)
                    if not is_withdrawn(a)
                ]
            result = wf.allocate(UnitOfWork(engine, SCOPE), MODEL, decision_id=decision, provider_agb=agb, now=NOW,
                                 start=START + timedelta(days=offset),
                                 switch_from=live[-1].number if switch and live else None)  # fmt: skip
            numbers.append(result.allocation.number)
        elif numbers:
            _, index, reason, offset, volume = step
            wf.change(UnitOfWork(engine, SCOPE), municipality_code=HOUTEN, law=Law.WMO,
                      number=numbers[index % len(numbers)], reason=ChangeReason(reason), now=NOW,
                      end=START + timedelta(days=offset), volume=volume)  # fmt: skip
    except wf.WorkflowError:
        pass  # refused: one line, nothing stored


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
# the cases the property is about, always tried: a second provider without and with a switch, a
# deletion followed by attempts to revive it, a lengthening into the next allocation
@example(sequence=[("allocate", ALFA, 0, False), ("allocate", GAMMA, 60, False), ("allocate", GAMMA, 60, True),
                   ("change", 0, "04", 150, None), ("change", 1, "13", 0, None), ("change", 1, "14", 100, None),
                   ("change", 1, "04", 150, None), ("allocate", ALFA, 90, False)])  # fmt: skip
def test_the_use_cases_never_let_a_decisions_allocations_overlap_or_exceed_it(
    store: Engine,
    sequence: list[tuple],  # type: ignore[type-arg]
) -> None:
    decision = wf.decide(UnitOfWork(store, SCOPE), MODEL, Intake(months=6, hours_per_week=Decimal(3), product_code="OZR1"),
                         client_bsn=BSN_A, start=START, decided_on=date(2021, 6, 1)).decision  # fmt: skip
    decided = DecidedProduct(DecidedKey(decision.id, "OZR1"), decision.valid, Unit.UUR, Frequency.PER_WEEK, 3)
    numbers: list[int] = []
    deleted: set[int] = set()
    for step in sequence:
        _step(store, decision.id, numbers, step)
        with UnitOfWork(store, SCOPE) as uow:
            allocations = uow.workflow.decision_allocations(decision.id, ActivityKind.DECISION)
        assert integrity_breaches(decided, allocations) == [], step
        for a in allocations:
            if a.number in deleted:
                assert is_withdrawn(a), f"allocation {a.number} was revived by {step}"
            elif is_withdrawn(a):
                deleted.add(a.number)
