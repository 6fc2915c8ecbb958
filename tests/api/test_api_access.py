# SPDX-License-Identifier: EUPL-1.2
"""The read routes as each role meets them, with real users and real tokens on a real store:
users for every role; a consultant of one municipality reads its client and gets 404 for
another municipality's; a provider sees only its own; 401 without a valid token, 403 for a role
without the right; every read of personal data leaves its processing-log row."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from tests.api.conftest import add_user, bearer, token_for
from tests.factories import ALFA, BETA, BSN_A, BSN_B, BSN_C, HOUTEN, NIEUWEGEIN, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import Role
from zorginkoop.domain.care import Decision
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import pseudonymise
from zorginkoop.services import reports
from zorginkoop.settings import Settings

USERS = {
    "anna": ("consulent", (HOUTEN,), None),
    "niels": ("consulent", (NIEUWEGEIN,), None),
    "bea": ("beleidsadviseur", (HOUTEN, NIEUWEGEIN), None),
    "carl": ("contractmanager", (HOUTEN,), None),
    "bart": ("backoffice", (NIEUWEGEIN,), None),
    "alfa": ("aanbieder", (), ALFA),
    "beta": ("aanbieder", (), BETA),
    "pien": ("privacy", (), None),
    "henk": ("beheerder", (), None),
}


@pytest.fixture
def region(engine: Engine) -> Engine:
    """The tiny region (Houten: client A with Alfa; Nieuwegein: B with Alfa, C with Beta), a
    decision for A, and one user per role."""
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
        uow.decisions.add_all(
            [
                Decision("B-A-1", BSN_A, HOUTEN, Law.WMO, date(2019, 12, 1), Period(date(2020, 1, 1), date(2021, 6, 30)),
                         "OZR1", monthly_budget=Money.euros("866.67")),
                Decision("B-A-2", BSN_A, HOUTEN, Law.WMO, date(2021, 6, 1), Period(date(2021, 7, 1), date(2021, 12, 31)),
                         "OZR1"),
            ]
        )  # fmt: skip
        # A's allocation to Alfa is given under the first decision; the second has none yet
        uow.session.execute(
            update(t.AllocationRow).where(t.AllocationRow.number == 1).values(decision_id="B-A-1")
        )
        uow.commit()
    for login, (role, municipalities, provider) in USERS.items():
        add_user(engine, login, role, municipalities=municipalities, provider=provider)
    return engine


def _search(api: TestClient, token: str, bsn: str):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/clients/search", json={"bsn": bsn}, headers=bearer(token))


def _log(engine: Engine) -> list[tuple[str, str, str]]:
    """(actor, scope, BSN) of every processing-log entry; the BSN found back from its pseudonym
    among the test region's clients (the log itself holds no BSN)."""
    key = Settings.from_env().pseudonym_key.encode()
    known = {pseudonymise(bsn, key): bsn for bsn in (BSN_A, BSN_B, BSN_C)}
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                t.ProcessingLogEntryRow.actor,
                t.ProcessingLogEntryRow.scope,
                t.ProcessingLogEntryRow.subject_id,
            )
        )
        return [(actor, scope, known.get(subject, subject)) for actor, scope, subject in rows]


def test_a_user_of_every_role_signs_in(api: TestClient, region: Engine) -> None:
    assert {role.value for role, *_ in [(Role(r), m, p) for r, m, p in USERS.values()]} == {
        r.value for r in Role
    }
    for login in USERS:
        assert token_for(api, login)


def test_a_consultant_reads_a_client_of_its_municipality_with_decisions_and_allocations(
    api: TestClient, region: Engine
) -> None:
    answer = _search(api, token_for(api, "anna"), BSN_A)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["bsn"] == BSN_A and body["family_name"] == "Wit" and body["prefix"] == "de"
    assert body["municipality"] == {"municipality": "Houten", "cbs_code": HOUTEN}
    assert [d["id"] for d in body["decisions"]] == ["B-A-1", "B-A-2"]
    assert body["decisions"][0]["monthly_budget_eur"] == "866.67"
    assert [(a["toewijzing_nummer"], a["provider_agb"]) for a in body["allocations"]] == [(1, ALFA)]
    assert ("anna", f"municipality:{HOUTEN}", BSN_A) in _log(region)


def test_a_client_of_another_municipality_is_404_like_an_unknown_one_and_nothing_is_logged(
    api: TestClient, region: Engine
) -> None:
    token = token_for(api, "anna")
    foreign = _search(api, token, BSN_B)  # Nieuwegein's
    unknown = _search(api, token, "999990019")  # a valid BSN nobody has
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    assert _log(region) == []
    # the Nieuwegein consultant does find B
    assert _search(api, token_for(api, "niels"), BSN_B).status_code == 200


def test_a_provider_reads_only_clients_it_has_an_allocation_for(api: TestClient, region: Engine) -> None:
    alfa = token_for(api, "alfa")
    own = _search(api, alfa, BSN_B)
    assert own.status_code == 200
    assert [a["provider_agb"] for a in own.json()["allocations"]] == [ALFA]
    assert own.json()["decisions"] == []  # B's allocation is under no decision
    assert _search(api, alfa, BSN_C).status_code == 404  # Beta's client
    a_file = _search(api, alfa, BSN_A).json()
    # the decision its allocation is under, not A's other decision (no allocation to Alfa)
    assert [d["id"] for d in a_file["decisions"]] == ["B-A-1"]
    assert [a["decision_id"] for a in a_file["allocations"]] == ["B-A-1"]
    assert _search(api, token_for(api, "beta"), BSN_A).status_code == 404
    assert ("alfa", f"provider:{ALFA}", BSN_B) in _log(region)


def test_allocations_in_force_are_scoped_to_the_caller(api: TestClient, region: Engine) -> None:
    alfa = token_for(api, "alfa")
    own = api.get(
        "/api/v1/allocations", params={"provider": ALFA, "active_on": "2020-06-01"}, headers=bearer(alfa)
    )
    assert own.status_code == 200
    assert sorted((a["toewijzing_nummer"], a["bsn"]) for a in own.json()) == [(1, BSN_A), (2, BSN_B)]
    other = api.get(
        "/api/v1/allocations", params={"provider": BETA, "active_on": "2020-06-01"}, headers=bearer(alfa)
    )
    assert other.status_code == 200 and other.json() == []
    niels = token_for(api, "niels")
    in_nieuwegein = api.get("/api/v1/allocations", params={"active_on": "2020-06-01"}, headers=bearer(niels))
    assert sorted(a["bsn"] for a in in_nieuwegein.json()) == [BSN_B, BSN_C]
    assert {a["municipality"]["cbs_code"] for a in in_nieuwegein.json()} == {NIEUWEGEIN}
    after = api.get("/api/v1/allocations", params={"active_on": "2021-07-01"}, headers=bearer(niels))
    assert after.json() == []
    logged = _log(region)
    assert ("niels", f"municipality:{NIEUWEGEIN}", BSN_B) in logged
    assert ("niels", f"municipality:{NIEUWEGEIN}", BSN_C) in logged


def test_costs_per_municipality_in_scope_are_the_cli_figures(api: TestClient, region: Engine) -> None:
    bea = api.get(
        "/api/v1/reports/costs", params={"year": 2020, "law": "wmo"}, headers=bearer(token_for(api, "bea"))
    )
    assert bea.status_code == 200
    assert bea.json() == [
        {"municipality": "Houten", "cbs_code": HOUTEN, "clients": 1, "cost_eur": "1100.00"},
        {"municipality": "Nieuwegein", "cbs_code": NIEUWEGEIN, "clients": 2, "cost_eur": "700.00"},
    ]
    with UnitOfWork(region, Scope.region()) as uow:
        lines, _total = reports.costs_by_municipality(uow, 2020, Law.WMO)
    assert [(x.municipality, x.clients, str(x.cost)) for x in lines] == [
        (row["municipality"], row["clients"], row["cost_eur"]) for row in bea.json()
    ]
    carl = api.get("/api/v1/reports/costs", params={"year": 2020}, headers=bearer(token_for(api, "carl")))
    assert [row["cbs_code"] for row in carl.json()] == [HOUTEN]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/api/v1/clients/search", {"json": {"bsn": BSN_A}}),
        ("get", "/api/v1/allocations", {"params": {"active_on": "2020-06-01"}}),
        ("get", "/api/v1/reports/costs", {"params": {"year": 2020}}),
    ],
)
def test_without_a_valid_token_every_route_is_401(
    api: TestClient, region: Engine, method, path, kwargs
) -> None:  # type: ignore[no-untyped-def]
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic YW5uYTp4"}):
        answer = getattr(api, method)(path, headers=headers, **kwargs)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("login", "method", "path", "kwargs"),
    [
        ("pien", "post", "/api/v1/clients/search", {"json": {"bsn": BSN_A}}),
        ("henk", "post", "/api/v1/clients/search", {"json": {"bsn": BSN_A}}),
        ("bea", "post", "/api/v1/clients/search", {"json": {"bsn": BSN_A}}),
        ("pien", "get", "/api/v1/allocations", {"params": {"active_on": "2020-06-01"}}),
        ("alfa", "get", "/api/v1/reports/costs", {"params": {"year": 2020}}),
        ("anna", "get", "/api/v1/reports/costs", {"params": {"year": 2020}}),
    ],
)
def test_a_role_without_the_right_is_403_and_reads_nothing(  # type: ignore[no-untyped-def]
    api: TestClient, region: Engine, login, method, path, kwargs
) -> None:
    answer = getattr(api, method)(path, headers=bearer(token_for(api, login)), **kwargs)
    assert answer.status_code == 403
    assert "may not" in answer.json()["detail"]
    assert _log(region) == []


def test_a_malformed_bsn_is_422_and_no_route_takes_a_bsn_in_its_url(api: TestClient, region: Engine) -> None:
    answer = _search(api, token_for(api, "anna"), "123456789")
    assert answer.status_code == 422
    spec = api.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        assert "bsn" not in path.lower()
        for operation in operations.values():
            assert all("bsn" not in p["name"].lower() for p in operation.get("parameters", []))


def test_the_privacy_officer_finds_each_read_of_a_client_and_only_that_role_may_search(
    api: TestClient, region: Engine
) -> None:
    assert _search(api, token_for(api, "anna"), BSN_A).status_code == 200
    assert _search(api, token_for(api, "alfa"), BSN_A).status_code == 200
    pien = token_for(api, "pien")
    found = api.post("/api/v1/processing-log/search", json={"bsn": BSN_A}, headers=bearer(pien))
    assert found.status_code == 200, found.text
    readers = {(e["actor"], e["activity_id"].split(".")[0]) for e in found.json()}
    assert {("anna", "decision"), ("alfa", "decision")} <= readers
    # the entries hold the pseudonym, never the BSN; and the search itself is logged
    assert BSN_A not in found.text
    assert ("pien", "region", BSN_A) in _log(region)
    by_actor = api.post("/api/v1/processing-log/search", json={"actor": "anna"}, headers=bearer(pien))
    assert by_actor.status_code == 200 and {e["actor"] for e in by_actor.json()} == {"anna"}
    for login in ("anna", "bart", "alfa", "henk"):
        refused = api.post(
            "/api/v1/processing-log/search", json={"bsn": BSN_A}, headers=bearer(token_for(api, login))
        )
        assert refused.status_code == 403, login
    assert api.post("/api/v1/processing-log/search", json={"bsn": BSN_A}).status_code == 401
