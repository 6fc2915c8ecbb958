# SPDX-License-Identifier: EUPL-1.2
"""The processing log as the API writes it: each request's entries go in with its commit, in
one insert, before the answer; a request whose entries cannot be written answers 500 and
returns nobody's data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.api.conftest import bearer, settings_for, token_for
from tests.api.test_api_access import _log, region  # noqa: F401 - the region fixture
from tests.factories import BSN_A, BSN_B
from tests.log_helpers import log_unavailable
from zorginkoop.web.app import create_app


def _log_inserts(engine: Engine) -> tuple[list[int], Callable[[], None]]:
    """Rows per insert into the processing log, as they happen; and how to stop counting."""
    inserts: list[int] = []

    def count(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO processing_log_entry"):
            inserts.append(len(parameters) if executemany else 1)

    event.listen(engine, "before_cursor_execute", count)
    return inserts, lambda: event.remove(engine, "before_cursor_execute", count)


@pytest.mark.usefixtures("region")
def test_a_client_search_writes_one_entry_per_read_in_one_insert(api: TestClient, engine: Engine) -> None:
    token = bearer(token_for(api, "anna"))
    inserts, stop = _log_inserts(engine)
    try:
        found = api.post("/api/v1/clients/search", json={"bsn": BSN_A}, headers=token)
    finally:
        stop()
    assert found.status_code == 200, found.text
    assert found.json()["decisions"] and found.json()["allocations"]
    # the client, its decisions and its allocations: three reads, three entries, one insert
    assert inserts == [3]
    assert [(actor, bsn) for actor, _scope, bsn in _log(engine)] == [("anna", BSN_A)] * 3


@pytest.mark.usefixtures("region")
def test_a_provider_list_of_allocations_writes_one_entry_per_client_in_one_insert(
    api: TestClient, engine: Engine
) -> None:
    token = bearer(token_for(api, "alfa"))
    inserts, stop = _log_inserts(engine)
    try:
        found = api.get("/api/v1/allocations", params={"active_on": "2020-06-01"}, headers=token)
    finally:
        stop()
    assert found.status_code == 200, found.text
    assert {a["bsn"] for a in found.json()} == {BSN_A, BSN_B}
    assert inserts == [2]
    assert sorted(bsn for actor, _scope, bsn in _log(engine) if actor == "alfa") == sorted([BSN_A, BSN_B])


@pytest.mark.usefixtures("region")
def test_a_read_whose_log_entries_cannot_be_written_answers_500_without_the_data(
    api: TestClient, engine: Engine
) -> None:
    token_anna, token_alfa = bearer(token_for(api, "anna")), bearer(token_for(api, "alfa"))
    failing = TestClient(create_app(settings_for(engine), engine=engine), raise_server_exceptions=False)
    with failing, log_unavailable(engine):
        search = failing.post("/api/v1/clients/search", json={"bsn": BSN_A}, headers=token_anna)
        listed = failing.get("/api/v1/allocations", params={"active_on": "2020-06-01"}, headers=token_alfa)
    for answer in (search, listed):
        assert answer.status_code == 500
        assert BSN_A not in answer.text and BSN_B not in answer.text
    assert _log(engine) == []
    # and with the log back, the same read is answered and logged
    assert api.post("/api/v1/clients/search", json={"bsn": BSN_A}, headers=token_anna).status_code == 200
    assert {actor for actor, _scope, _bsn in _log(engine)} == {"anna"}
