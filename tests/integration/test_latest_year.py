# SPDX-License-Identifier: EUPL-1.2
"""The latest year with approved declaration lines, per scope and law, read through the index
one municipality and law at a time: the same as the latest approved line's year."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.declarations import LineStatus


@pytest.mark.parametrize("law", [None, Law.JEUGD, Law.WMO])
@pytest.mark.parametrize("scope", [Scope.region(), Scope.municipality("0321"), Scope.municipality("9999")])
def test_the_latest_year_is_that_of_the_latest_approved_line_in_scope(
    demo_store_url: str, scope: Scope, law: Law | None
) -> None:
    engine = make_engine(demo_store_url)
    try:
        with UnitOfWork(engine, scope) as uow:
            found = uow.reports.latest_year(law)
        L = t.DeclarationLineRow
        query = select(func.max(L.period_start)).where(L.status == LineStatus.APPROVED.value)
        if law is not None:
            query = query.where(L.law == law.value)
        if scope.codes:
            query = query.where(L.municipality_code.in_(sorted(scope.codes)))
        with engine.connect() as connection:
            latest = connection.execute(query).scalar()
    finally:
        engine.dispose()
    expected = None if latest is None else int(str(latest)[:4])
    assert found == expected
    assert (expected is None) == (scope.codes == frozenset({"9999"}))
