# SPDX-License-Identifier: EUPL-1.2
"""The message routes with real users and tokens on the real store (SQLite and PostgreSQL): a
provider sends a 323 and fetches its 325, cannot send as another provider, fetches and
acknowledges its 301s; GET changes nothing; a provider on the files channel is refused."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.api.conftest import add_user, bearer, token_for
from tests.declaration_helpers import line_for, seed_store, write_323
from tests.factories import ALFA, BETA
from tests.integration.test_exchange_flow import _allocate, _setup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.domain.provider_channel import DeliveryChannel
from zorginkoop.services.provider_channel import switch_channel

XML = {"Content-Type": "application/xml"}


def _provider(api: TestClient, engine: Engine, agb: str = ALFA, *, channel: str = "api") -> dict[str, str]:
    login = f"systeem-{agb}"
    add_user(engine, login, "aanbieder", provider=agb)
    if channel == "api":
        switch_channel(UnitOfWork(engine), agb, DeliveryChannel.API)
    return bearer(token_for(api, login))


def _rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as c:
        return (
            int(c.scalar(select(func.count()).select_from(t.MessageRow)) or 0),
            int(c.scalar(select(func.count()).select_from(t.DeclarationRow)) or 0),
            int(c.scalar(select(func.count()).select_from(t.ProcessedFileRow)) or 0),
        )


def test_a_provider_sends_a_323_and_fetches_and_acknowledges_its_325(
    api: TestClient, engine: Engine, tmp_path: Path
):
    a1, a2, _ = seed_store(engine)
    auth = _provider(api, engine)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2")]).read_bytes()

    sent = api.post("/api/v1/messages", content=data, headers={**auth, **XML})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert (body["message"], body["status"]) == ("WMO323", "processed")
    (answer,) = body["answers"]
    assert answer["type"] == "325" and "TotaalToegekendBedrag" in answer["xml"]

    listed = api.get("/api/v1/messages", params={"type": "325"}, headers=auth)
    assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [answer["id"]]
    fetched = api.get(answer["href"], headers=auth)
    assert fetched.status_code == 200 and fetched.headers["content-type"].startswith("application/xml")
    assert fetched.text == answer["xml"]
    acked = api.post(f"{answer['href']}/ack", headers=auth)
    assert acked.status_code == 200 and acked.json()["status"] == "exported"
    assert acked.json()["exported_by"] == f"systeem-{ALFA}"
    assert api.get("/api/v1/messages", params={"type": "325"}, headers=auth).json() == []


def test_a_provider_cannot_send_as_another_provider_403_and_nothing_is_stored(
    api: TestClient, engine: Engine, tmp_path: Path
):
    a1, *_ = seed_store(engine)
    with UnitOfWork(engine) as uow:  # a second provider of the region
        uow.session.add(t.ProviderRow(agb_code=BETA, name="Beta", laws="wmo", target_groups=""))
        uow.commit()
    auth = _provider(api, engine, BETA)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1")]).read_bytes()  # Afzender ALFA
    before = _rows(engine)
    sent = api.post("/api/v1/messages", content=data, headers={**auth, **XML})
    assert sent.status_code == 403 and "is not your AGB code" in sent.json()["detail"]
    assert _rows(engine) == before


def test_unreadable_bytes_are_400_in_one_line_and_other_roles_are_403(api: TestClient, engine: Engine):
    seed_store(engine)
    auth = _provider(api, engine)
    before = _rows(engine)
    bad = api.post("/api/v1/messages", content=b"<not xml", headers={**auth, **XML})
    assert bad.status_code == 400 and "\n" not in bad.json()["detail"]
    assert (
        api.post("/api/v1/messages", content=b"x", headers={**auth, "Content-Type": "text/plain"}).status_code
        == 415
    )
    assert _rows(engine) == before
    add_user(engine, "anna", "consulent", municipalities=("0321",))
    consultant = bearer(token_for(api, "anna"))
    assert api.get("/api/v1/messages", headers=consultant).status_code == 403
    assert api.get("/api/v1/messages").status_code == 401


def test_a_provider_fetches_and_acknowledges_its_301s_and_get_has_no_side_effects(
    api: TestClient, engine: Engine
):
    _setup(engine)
    _, content = _allocate(engine)
    auth = _provider(api, engine)
    (listed,) = api.get("/api/v1/messages", params={"type": "301"}, headers=auth).json()
    for _ in range(2):
        assert api.get("/api/v1/messages", params={"type": "301"}, headers=auth).json() == [listed]
        assert api.get(listed["href"], headers=auth).content == content
    with engine.connect() as c:
        assert c.scalar(select(t.MessageRow.status).where(t.MessageRow.id == listed["id"])) == "pending"
    # another provider of the region gets 404 for it: existence does not leak
    other = _provider(api, engine, BETA)
    assert api.get(listed["href"], headers=other).status_code == 404
    assert api.post(f"{listed['href']}/ack", headers=other).status_code == 404
    assert api.get("/api/v1/messages/999999", headers=auth).status_code == 404
    assert api.get(f"/api/v1/messages/{2**40}", headers=auth).status_code == 422  # no id beyond the column
    assert api.post(f"{listed['href']}/ack", headers=auth).status_code == 200
    assert api.get("/api/v1/messages", params={"type": "301"}, headers=auth).json() == []
    assert api.get("/api/v1/messages", params={"type": "999"}, headers=auth).status_code == 422


def test_a_provider_on_the_files_channel_gets_409_until_the_region_switches_it(
    api: TestClient, engine: Engine, engine_url: str
):
    _setup(engine)
    _allocate(engine)
    auth = _provider(api, engine, channel="files")
    refused = api.get("/api/v1/messages", headers=auth)
    assert refused.status_code == 409 and "providers channel" in refused.json()["detail"]
    switched = CliRunner().invoke(app, ["providers", "channel", ALFA, "api", "--db", engine_url])
    assert switched.exit_code == 0 and "delivery channel api (was files)" in switched.output
    assert len(api.get("/api/v1/messages", headers=auth).json()) == 1
    unknown = CliRunner().invoke(app, ["providers", "channel", "99999999", "api", "--db", engine_url])
    assert unknown.exit_code != 0 and "no such provider" in unknown.output
