# SPDX-License-Identifier: EUPL-1.2
"""The demo region in PostgreSQL gives the same memo figures as in SQLite (the production store)."""

from __future__ import annotations

import pytest

from tests.conftest import _empty_all_tables
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services import reports
from zorginkoop.services.demo import build_demo

pytestmark = pytest.mark.postgres


def test_the_demo_builds_in_postgresql_and_reproduces_the_2020_table(_postgres_engine):
    _empty_all_tables(_postgres_engine)
    summary = build_demo(_postgres_engine, seed=2020)
    assert summary.providers == 82
    with UnitOfWork(_postgres_engine) as uow:
        lines, total = reports.costs_by_municipality(uow, 2020, Law.WMO)
        by_year = reports.costs_by_year(uow, Law.WMO)
        concentration = reports.provider_concentration(uow, 2020, Law.WMO, ["Vijfheerenlanden"])
    assert {line.municipality: line.clients for line in lines} == {
        "Houten": 363,
        "IJsselstein": 242,
        "Lopik": 66,
        "Nieuwegein": 886,
        "Vijfheerenlanden": 320,
    }
    assert (total.clients, total.cost) == (1877, Money(795338441))
    assert [year for year, _clients, _cost in by_year] == [2018, 2019, 2020]
    assert [line.providers for line in concentration.lines()] == [49, 12, 7, 37, 27]
    _empty_all_tables(_postgres_engine)
