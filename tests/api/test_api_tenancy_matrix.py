# SPDX-License-Identifier: EUPL-1.2
"""The tenancy matrix over the API: every read of personal data under every scope kind against
a foreign tenant leaks no row, and every read that returns a person leaves its log entry.

The tiny region: Houten has client A (allocation to Alfa); Nieuwegein has B (Alfa) and C (Beta).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import bearer, token_for
from tests.api.test_api_access import _log, region  # noqa: F401 - the region fixture
from tests.factories import BSN_A, BSN_B, BSN_C

EVERYONE = {BSN_A, BSN_B, BSN_C}
SEES = {
    "anna": {BSN_A},  # consulent of Houten
    "niels": {BSN_B, BSN_C},  # consulent of Nieuwegein
    "bart": {BSN_B, BSN_C},  # backoffice of Nieuwegein
    "alfa": {BSN_A, BSN_B},  # provider Alfa: the clients it has an allocation for
    "beta": {BSN_C},  # provider Beta
}


@pytest.mark.usefixtures("region")
@pytest.mark.parametrize("login", sorted(SEES))
def test_no_read_of_the_api_returns_a_person_outside_the_callers_scope_and_every_read_is_logged(
    api: TestClient, engine: Engine, login: str
) -> None:
    token = bearer(token_for(api, login))
    own = SEES[login]
    for bsn in sorted(EVERYONE):
        found = api.post("/api/v1/clients/search", json={"bsn": bsn}, headers=token)
        # inside the scope the client file; outside it 404, the same as a BSN nobody knows
        assert found.status_code == (200 if bsn in own else 404), (login, bsn, found.text)
        if found.status_code == 200:
            body = found.json()
            assert body["bsn"] == bsn
            assert {a["bsn"] for a in body["allocations"]} <= own
    allocations = api.get("/api/v1/allocations", params={"active_on": "2020-06-01"}, headers=token)
    assert allocations.status_code == 200
    assert {a["bsn"] for a in allocations.json()} == own  # all of its own, none of another's
    logged = {(actor, bsn) for actor, _scope, bsn in _log(engine)}
    assert {(login, bsn) for bsn in own} <= logged  # no read without its log entry
    assert not {(login, bsn) for bsn in EVERYONE - own} & logged  # and nothing read of others
