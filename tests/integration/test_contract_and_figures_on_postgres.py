# SPDX-License-Identifier: EUPL-1.2
"""The use cases behind the contract manager's and the policy adviser's screens give the same
answers in PostgreSQL as in SQLite (where the page tests run them on the demo)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.conftest import _empty_all_tables
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts, providers, reports
from zorginkoop.services.demo import build_demo

pytestmark = pytest.mark.postgres


def test_key_figures_ceilings_calendar_and_client_stop_on_postgresql(_postgres_engine: Engine) -> None:
    _empty_all_tables(_postgres_engine)
    build_demo(_postgres_engine, seed=2020)
    with UnitOfWork(_postgres_engine, Scope.municipality("0321"), actor="tests") as uow:
        figures = reports.key_figures(uow, 2020, Law.WMO)
        trend = reports.key_figures_by_year(uow, Law.WMO)
    (houten,) = figures.lines
    assert (houten.municipality, houten.clients, houten.cost) == ("Houten", 363, Money(214586800))
    assert [(y.year, y.lines[0].clients) for y in trend] == [(2018, 289), (2019, 305), (2020, 363)]
    with UnitOfWork(_postgres_engine, actor="tests") as uow:
        overview = contracts.contracts_overview(uow, 2020)
        calendar = contracts.extension_calendar(uow, date(2023, 1, 1))
        agb = providers.provider_list(uow, law=Law.WMO, client_stop=False)[0].agb_code
        assert providers.set_client_stop(uow, agb, True) is False
    (collective,) = overview.collective
    assert (collective.use.used, collective.thresholds_passed) == (Money(219810864), (70,))
    assert calendar[0].framework.code == "WMO2022" and calendar[0].next_deadline == date(2023, 7, 1)
    with UnitOfWork(_postgres_engine, actor="tests") as uow:
        assert providers.provider_file(uow, agb, on=date(2020, 6, 1), year=2020).provider.client_stop is True
    _empty_all_tables(_postgres_engine)
