# SPDX-License-Identifier: EUPL-1.2
"""The social team's signals read from the store: a municipality sees only its own inhabitants,
and every read of personal data lands in the processing log."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.factories import ALFA, BETA, HOUTEN, NIEUWEGEIN, load_tiny_region
from tests.unit.test_signals import bsn
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Allocation, Client, Decision, EvaluationMoment, Gender
from zorginkoop.domain.codes import Frequency, Law, Unit
from zorginkoop.domain.periods import Period, add_months
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.signals import transition_18
from zorginkoop.services import signals

ON = date(2021, 1, 1)
# Houten: household HH (parent Wmo at Alfa, child Jeugd at Beta) and youth Y turning 18 on 2021-06-15
PARENT_H, CHILD_H, YOUTH_H = bsn(5001), bsn(5002), bsn(5003)
# Nieuwegein: the same shapes
PARENT_N, CHILD_N, YOUTH_N = bsn(5101), bsn(5102), bsn(5103)


def _client(b: str, born: date, municipality: str, household: str | None) -> Client:
    return Client(b, born, "Jong", "A", Gender.MALE, municipality, household_id=household)


def _allocation(number: int, b: str, municipality: str, law: Law, agb: str, end: date) -> Allocation:
    return Allocation(number=number, client_bsn=b, provider_agb=agb, municipality_code=municipality, law=law,
                      category="02" if law is Law.WMO else "45", product_code="P1", valid=Period(date(2020, 1, 1), end),
                      allocated_at=datetime(2019, 12, 1), volume=2, unit=Unit.UUR, frequency=Frequency.PER_MAAND)  # fmt: skip


def _decision(ident: str, b: str, municipality: str, *due: date) -> Decision:
    return Decision(ident, b, municipality, Law.WMO, date(2020, 1, 1), Period(date(2020, 1, 1), date(2021, 12, 31)),
                    "P1", evaluation_moments=tuple(EvaluationMoment(d, f"evaluatie {d}") for d in due))  # fmt: skip


@pytest.fixture
def store(engine: Engine) -> Engine:
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        uow.clients.add_all([
            _client(PARENT_H, date(1980, 1, 1), HOUTEN, "HH"), _client(CHILD_H, date(2010, 1, 1), HOUTEN, "HH"),
            _client(YOUTH_H, date(2003, 6, 15), HOUTEN, None),
            _client(PARENT_N, date(1981, 1, 1), NIEUWEGEIN, "HN"), _client(CHILD_N, date(2011, 1, 1), NIEUWEGEIN, "HN"),
            _client(YOUTH_N, date(2003, 7, 20), NIEUWEGEIN, None),
        ])  # fmt: skip
        uow.allocations.add_all([
            _allocation(10, PARENT_H, HOUTEN, Law.WMO, ALFA, date(2021, 6, 30)),
            _allocation(11, CHILD_H, HOUTEN, Law.JEUGD, BETA, date(2021, 6, 30)),
            _allocation(12, YOUTH_H, HOUTEN, Law.JEUGD, BETA, date(2021, 6, 14)),
            _allocation(20, PARENT_N, NIEUWEGEIN, Law.WMO, ALFA, date(2021, 6, 30)),
            _allocation(21, CHILD_N, NIEUWEGEIN, Law.JEUGD, BETA, date(2021, 6, 30)),
            _allocation(22, YOUTH_N, NIEUWEGEIN, Law.JEUGD, BETA, date(2021, 7, 19)),
        ])  # fmt: skip
        uow.decisions.add_all([
            _decision("B-H", PARENT_H, HOUTEN, date(2021, 1, 1), date(2021, 1, 2), date(2021, 2, 15)),
            _decision("B-N", PARENT_N, NIEUWEGEIN, date(2021, 1, 5)),
        ])  # fmt: skip
        uow.commit()
    return engine


def _log(engine: Engine) -> list[tuple[str, str, set[str]]]:
    """(scope, activity, BSNs) per logged operation (span). The log holds one entry per data
    subject with the BSN pseudonymised; the test knows its BSNs, so it maps them back."""
    everyone = (PARENT_H, CHILD_H, YOUTH_H, PARENT_N, CHILD_N, YOUTH_N)
    with UnitOfWork(engine) as uow:
        bsn_of = {uow.log.pseudonym(bsn): bsn for bsn in everyone}
        spans: dict[str, tuple[str, str, set[str]]] = {}
        for e in uow.log.entries():
            spans.setdefault(e.span_id, (e.scope, e.activity_id, set()))[2].add(bsn_of[e.subject_id])
    return list(spans.values())


def test_one_family_one_plan_shows_only_the_municipalitys_own_households_and_logs_the_read(
    store: Engine,
) -> None:
    rows = signals.family_plans(UnitOfWork(store, Scope.municipality(HOUTEN)), ON)
    assert {(r["household"], r["bsn"], r["law"], r["provider"]) for r in rows} == {
        ("HH", PARENT_H, "wmo", ALFA), ("HH", CHILD_H, "jeugd", BETA),
    }  # fmt: skip
    # the tiny region's household H1 (client A, Wmo only) is no family-plan signal
    assert _log(store) == [("municipality:0321", "signals", {PARENT_H, CHILD_H})]
    rows_n = signals.family_plans(UnitOfWork(store, Scope.municipality(NIEUWEGEIN)), ON)
    assert {r["household"] for r in rows_n} == {"HN"}


def test_the_18_transition_list_is_scoped_and_every_read_is_logged(store: Engine) -> None:
    rows = signals.transition_signals(UnitOfWork(store, Scope.municipality(HOUTEN)), ON)
    assert [(r["bsn"], r["turns_18"], r["jeugd_ends"]) for r in rows] == [
        (YOUTH_H, date(2021, 6, 15), date(2021, 6, 14))
    ]
    log = _log(store)
    assert {scope for scope, _, _ in log} == {"municipality:0321"}
    assert {purpose for _, purpose, _ in log} == {"signals"}
    read = set().union(*(bsns for _, _, bsns in log))
    assert YOUTH_H in read and not read & {PARENT_N, CHILD_N, YOUTH_N}
    rows_n = signals.transition_signals(UnitOfWork(store, Scope.municipality(NIEUWEGEIN)), ON)
    assert [r["bsn"] for r in rows_n] == [YOUTH_N]


def test_evaluations_due_today_and_tomorrow_but_not_beyond_the_window_of_the_municipality(
    store: Engine,
) -> None:
    houten = Scope.municipality(HOUTEN)
    assert [r["due"] for r in signals.evaluations_due(UnitOfWork(store, houten), ON, 0)] == [date(2021, 1, 1)]
    within_30 = signals.evaluations_due(UnitOfWork(store, houten), ON, 30)
    assert [(r["due"], r["decision"]) for r in within_30] == [
        (date(2021, 1, 1), "B-H"),
        (date(2021, 1, 2), "B-H"),
    ]
    assert len(signals.evaluations_due(UnitOfWork(store, houten), ON, 45)) == 3
    nieuwegein = signals.evaluations_due(UnitOfWork(store, Scope.municipality(NIEUWEGEIN)), ON, 30)
    assert [(r["decision"], r["bsn"]) for r in nieuwegein] == [("B-N", PARENT_N)]
    log = _log(store)
    # each call logs two reads: the evaluation moments and the allocations of their decisions
    assert len(log) == 8 and all(purpose == "signals" for _, purpose, _ in log)
    assert log[-1] == ("municipality:0356", "signals", {PARENT_N})


def test_the_18_transition_list_reads_only_youths_whose_jeugd_care_runs_until_near_18(store: Engine) -> None:
    """Data minimisation: a youth whose Jeugdwet care ended long before 18 is not read (nor
    logged); one whose care ends exactly six months before 18 at a month's end still is."""
    early, edge = bsn(5004), bsn(5005)
    with UnitOfWork(store) as uow:
        uow.clients.add_all([
            _client(early, date(2004, 1, 1), HOUTEN, None),  # care ends at 16 years and 6 months
            _client(edge, date(2004, 9, 30), HOUTEN, None),  # turns 18 on 2022-09-30
        ])  # fmt: skip
        uow.allocations.add_all([
            _allocation(13, early, HOUTEN, Law.JEUGD, BETA, date(2020, 6, 30)),
            _allocation(14, edge, HOUTEN, Law.JEUGD, BETA, date(2022, 3, 30)),  # 18 minus 6 months
        ])  # fmt: skip
        uow.commit()
    rows = signals.transition_signals(UnitOfWork(store, Scope.municipality(HOUTEN)), ON)
    assert [r["bsn"] for r in rows] == [YOUTH_H, edge]
    with UnitOfWork(store) as uow:
        early_id = uow.log.pseudonym(early)
        assert {e.subject_id for e in uow.log.entries()} == {uow.log.pseudonym(b) for b in (YOUTH_H, edge)}
        assert early_id not in {e.subject_id for e in uow.log.entries()}


@pytest.mark.parametrize("on", [date(2020, 1, 1), date(2021, 3, 31), date(2021, 8, 31), date(2022, 2, 28)])
def test_the_18_transition_list_on_the_demo_is_the_rule_over_every_youth(
    demo_store_url: str, tmp_path: Path, on: date
) -> None:
    """Reading only youths with Jeugdwet care near 18 gives the same list as the rule applied
    to every youth aged 16-23 with all their allocations."""
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        fast = signals.transition_signals(UnitOfWork(engine, Scope.municipality(HOUTEN)), on)
        with UnitOfWork(engine, Scope.municipality(HOUTEN)) as uow:
            youths = uow.workflow.clients_born_between(
                add_months(on, -24 * 12), add_months(on, -16 * 12), ActivityKind.SIGNALS
            )
            everyone = transition_18(
                youths, uow.workflow.allocations_of([c.bsn for c in youths], ActivityKind.SIGNALS), on
            )
    finally:
        engine.dispose()
    assert [(r["bsn"], r["turns_18"], r["jeugd_ends"]) for r in fast] == [
        (s.client.bsn, s.turns_18, s.jeugd_ends) for s in everyone
    ]
