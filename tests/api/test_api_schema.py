# SPDX-License-Identifier: EUPL-1.2
"""The API keeps the promises of its own /openapi.json (schemathesis, bounded for CI), and no
GET changes the store (apart from the processing log its reads leave)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import Engine, func, select

from tests.api.conftest import add_user, bearer, settings_for, token_for
from tests.factories import BSN_A, HOUTEN, load_tiny_region
from zorginkoop.adapters.db.tables import Base
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.web.app import create_app

# a revoked token would turn every later case into a 401: that route has its own tests
NOT_FUZZED = "/api/v1/token/revoke"


@pytest.fixture
def signed_in(engine: Engine) -> tuple[Any, str]:
    """The app on the tiny region and a token of a back-office user of Houten."""
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    add_user(engine, "bart", "backoffice", municipalities=(HOUTEN,))
    app = create_app(settings_for(engine), engine=engine)
    with TestClient(app) as client:
        token = token_for(client, "bart")
    return app, token


def test_every_operation_answers_as_the_openapi_document_says(signed_in: tuple[Any, str]) -> None:
    """Generated requests for every operation (bounded: 20 per operation): no server error, and
    status, content type and body as documented. (schemathesis's pytest plugin does not run on
    this pytest, so the operations are walked here.)"""
    app, token = signed_in
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/token",
        "/api/v1/clients/search",
        "/api/v1/allocations",
    }
    for operation in operations:
        if operation.path == NOT_FUZZED:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            # a BSN's eleven-test cannot be said in JSON Schema: nine digits that fail it are a
            # documented 422, which schemathesis would count as valid data refused
            case.call_and_validate(headers=bearer(token), excluded_checks=[positive_data_acceptance])

        check()


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
            if not table.name.startswith("processing_log")
        }


def test_no_get_route_changes_the_store(engine: Engine, signed_in: tuple[Any, str]) -> None:
    app, token = signed_in
    spec = app.openapi()
    gets = [path for path, operations in spec["paths"].items() if "get" in operations and "{" not in path]
    assert set(gets) >= {"/api/v1/allocations", "/api/v1/reports/costs"}
    params = {"year": 2020, "active_on": "2020-06-01"}
    with TestClient(app) as client:
        client.post("/api/v1/clients/search", json={"bsn": BSN_A}, headers=bearer(token))
        before = _counts(engine)
        for path in gets:
            for _ in range(2):
                answer = client.get(path, params=params, headers=bearer(token))
                assert answer.status_code < 500, (path, answer.text)
        assert _counts(engine) == before
