# SPDX-License-Identifier: EUPL-1.2
"""The dashboard's queries on the tiny region, on SQLite and PostgreSQL: the figures of
``report costs``, per product, new and ended clients, and the scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, update

from tests.factories import BSN_B, HOUTEN, NIEUWEGEIN, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring, reports


@pytest.fixture
def region(engine: Engine) -> Engine:
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    return engine


def test_the_dashboard_counts_as_report_costs_and_per_product(region: Engine) -> None:
    with UnitOfWork(region) as uow:
        lines = {line.cbs_code: line for line in reports.cost_lines(uow, 2020, Law.WMO)}
    for code in (HOUTEN, NIEUWEGEIN):
        found = monitoring.dashboard(UnitOfWork(region), code, 2020, Law.WMO)
        assert (found.clients, found.cost) == (lines[code].clients, lines[code].cost)
        assert [y.year for y in found.trend] == [2020]
    nieuwegein = monitoring.dashboard(UnitOfWork(region), "Nieuwegein", 2020, Law.WMO)
    (product,) = nieuwegein.by_product
    # the rejected line of C (7 h) is no cost and no volume
    assert (product.product_code, product.clients, str(product.cost), product.volume) == (
        "OZR1",
        2,
        "700.00",
        14,
    )
    assert product.cost_share is None  # a share over 2 clients is suppressed
    assert nieuwegein.heaviest_products == ()  # one product per unit: nothing is heavier
    assert nieuwegein.new_clients == 2
    assert nieuwegein.ended_clients == 0  # the allocations run to mid 2021


def test_ended_clients_follow_the_allocations_end(region: Engine) -> None:
    with region.begin() as connection:
        connection.execute(
            update(t.AllocationRow)
            .where(t.AllocationRow.client_bsn == BSN_B)
            .values(valid_to=date(2020, 12, 31))
        )
    assert monitoring.dashboard(UnitOfWork(region), NIEUWEGEIN, 2020, Law.WMO).ended_clients == 1
    assert monitoring.dashboard(UnitOfWork(region), NIEUWEGEIN, 2021, Law.WMO).clients == 0


def test_a_municipal_scope_sees_only_its_own_dashboard(region: Engine) -> None:
    with pytest.raises(monitoring.OutsideScope):
        monitoring.dashboard(UnitOfWork(region, Scope.municipality(HOUTEN)), NIEUWEGEIN, 2020, Law.WMO)
    with pytest.raises(monitoring.OutsideScope):
        monitoring.dashboard(UnitOfWork(region, Scope.provider("12345678")), HOUTEN, 2020, Law.WMO)
    own = monitoring.dashboard(UnitOfWork(region, Scope.municipality(HOUTEN)), HOUTEN, 2020, Law.WMO)
    assert (own.clients, str(own.cost)) == (1, "1100.00")
    choices = monitoring.dashboard_choices(UnitOfWork(region, Scope.municipality(HOUTEN)))
    assert choices.municipalities == ((HOUTEN, "Houten"),)
    assert choices.years == (2020,)
