# SPDX-License-Identifier: EUPL-1.2
"""A provider's system against the served API, as a new user would try it (real processes:
`zorginkoop users add`, `zorginkoop providers channel`, `zorginkoop serve`, HTTP over a socket;
SQLite and PostgreSQL): it fetches and acknowledges its 301s, sends a 323 and fetches its 325,
and cannot send as another provider."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.declaration_helpers import line_for, seed_store, write_323
from tests.factories import ALFA, BETA
from tests.integration.test_exchange_flow import _allocate, _setup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork

ZORGINKOOP = str(Path(sys.executable).with_name("zorginkoop"))
PASSWORD = "een lang wachtwoord voor het systeem"


def _cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ZORGINKOOP, *args, "--db", url], check=False, input=stdin, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(engine_url: str) -> Iterator[str]:
    """`zorginkoop serve` on the test store; its base URL once it answers."""
    port = _free_port()
    process = subprocess.Popen(
        [ZORGINKOOP, "serve", "--db", engine_url, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _sign_in(url: str, base: str, login: str, agb: str) -> dict[str, str]:
    added = _cli(url, "users", "add", login, "--role", "aanbieder", "--provider", agb, "--password-stdin",
                 stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    answer = httpx.post(f"{base}/api/v1/token", data={"username": login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_provider_fetches_and_acknowledges_its_301s_over_the_served_api(
    engine, engine_url, served, tmp_path
):
    _setup(engine)
    _, content = _allocate(engine)
    auth = _sign_in(engine_url, served, "alfa-systeem", ALFA)
    refused = httpx.get(f"{served}/api/v1/messages", params={"type": "301"}, headers=auth)
    assert refused.status_code == 409  # files until the region switches it
    switched = _cli(engine_url, "providers", "channel", ALFA, "api")
    assert switched.returncode == 0, switched.stderr
    (listed,) = httpx.get(f"{served}/api/v1/messages", params={"type": "301"}, headers=auth).json()
    assert httpx.get(f"{served}{listed['href']}", headers=auth).content == content
    assert httpx.get(f"{served}/api/v1/messages", params={"type": "301"}, headers=auth).json() == [listed]
    acked = httpx.post(f"{served}{listed['href']}/ack", headers=auth)
    assert acked.status_code == 200 and acked.json()["exported_by"] == "alfa-systeem"
    assert httpx.get(f"{served}/api/v1/messages", params={"type": "301"}, headers=auth).json() == []
    # the files channel does not deliver it again
    exported = _cli(engine_url, "messages", "export", "--type", "301", "--out", str(tmp_path / "out"))
    assert exported.returncode == 0 and "0 message(s) 301 exported" in exported.stdout


def test_a_provider_sends_a_323_fetches_its_325_and_cannot_send_as_another(
    engine, engine_url, served, tmp_path
):
    a1, a2, _ = seed_store(engine)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2")]).read_bytes()
    assert _cli(engine_url, "providers", "channel", ALFA, "api").returncode == 0
    auth = _sign_in(engine_url, served, "alfa-systeem", ALFA)
    xml = {"Content-Type": "application/xml"}

    sent = httpx.post(f"{served}/api/v1/messages", content=data, headers={**auth, **xml}, timeout=60)
    assert sent.status_code == 200, sent.text
    (answer,) = sent.json()["answers"]
    (listed,) = httpx.get(f"{served}/api/v1/messages", params={"type": "325"}, headers=auth).json()
    assert listed["id"] == answer["id"]
    assert httpx.get(f"{served}{listed['href']}", headers=auth).text == answer["xml"]
    assert httpx.post(f"{served}{listed['href']}/ack", headers=auth).status_code == 200

    with UnitOfWork(engine) as uow:  # a second provider of the region
        uow.session.add(t.ProviderRow(agb_code=BETA, name="Beta", laws="wmo", target_groups=""))
        uow.commit()
    assert _cli(engine_url, "providers", "channel", BETA, "api").returncode == 0
    other = _sign_in(engine_url, served, "beta-systeem", BETA)
    forged = write_323(
        tmp_path / "f.xml", [line_for(a1, "F1")], number="D2", identification="M2"
    ).read_bytes()
    refused = httpx.post(f"{served}/api/v1/messages", content=forged, headers={**other, **xml})
    assert refused.status_code == 403 and "is not your AGB code" in refused.json()["detail"]
    # nothing of it was stored: ALFA's own later send of the same declaration is processed
    own = httpx.post(f"{served}/api/v1/messages", content=forged, headers={**auth, **xml}, timeout=60)
    assert own.status_code == 200 and own.json()["status"] == "processed"
