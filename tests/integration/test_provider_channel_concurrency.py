# SPDX-License-Identifier: EUPL-1.2
"""One outbox is never drained twice, for real: three OS processes against one SQLite file or
one PostgreSQL schema, started at the same moment, one exporting files (``export_outbox``), one
listing and acknowledging through the API's use cases, one switching the provider's channel back
and forth. Every message is delivered by at most one channel, once; what is left is delivered by
a last export.

The switcher first waits until each channel has delivered something (so the mix is real however
loaded the machine is), then switches at random; the other two go on until it is done."""

from __future__ import annotations

import multiprocessing
import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.declaration_helpers import ALFA, seed_store
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.provider_channel import DeliveryChannel

NOW = datetime(2021, 7, 20, 10, 0)
MESSAGES = 40
ROUNDS = 12


def _exporter(url: str, out: Path, seed: int, barrier: Any, results: Any, delivered: Any, done: Any) -> None:
    from zorginkoop.adapters.db.session import make_engine
    from zorginkoop.services.allocations import ExportedFile, export_outbox
    from zorginkoop.services.outbox import write_atomically

    engine, rng, written = make_engine(url), random.Random(seed), []

    def write(f: ExportedFile) -> None:
        write_atomically(out / f.file_name, f.content)
        written.append(f.message_id)
        with delivered.get_lock():
            delivered.value += 1
        time.sleep(0.002)  # a slow disk: the others try to act while the export holds the lock

    barrier.wait(timeout=60)
    rounds = 0
    while rounds < ROUNDS or not done.is_set():
        rounds += 1
        time.sleep(rng.random() / 20)
        export_outbox(UnitOfWork(engine, actor="export"), "325", NOW, write)
    engine.dispose()
    results.put(("files", written))


def _acker(url: str, seed: int, barrier: Any, results: Any, delivered: Any, done: Any) -> None:
    from zorginkoop.adapters.db.session import make_engine
    from zorginkoop.services import provider_channel as pc

    engine, rng, acked = make_engine(url), random.Random(seed + 1), []
    barrier.wait(timeout=60)
    rounds = 0
    while rounds < ROUNDS * 4 or not done.is_set():
        rounds += 1
        time.sleep(rng.random() / 100)
        try:
            listed = pc.pending(UnitOfWork(engine, Scope.provider(ALFA), actor="api-alfa"), ALFA, ["325"])
            for m in listed[: rng.randint(1, 2)]:
                done_by = pc.acknowledge(
                    UnitOfWork(engine, Scope.provider(ALFA), actor="api-alfa"), ALFA, m.id, NOW
                )
                if done_by.exported_by == "api-alfa":
                    acked.append(m.id)
                    with delivered.get_lock():
                        delivered.value += 1
        except pc.WrongChannel:
            pass
    engine.dispose()
    results.put(("api", sorted(set(acked))))


def _wait_for(counter: Any, deadline: float) -> None:
    while counter.value == 0 and time.monotonic() < deadline:
        time.sleep(0.01)


def _switcher(url: str, seed: int, barrier: Any, results: Any, by_files: Any, by_api: Any, done: Any) -> None:
    from zorginkoop.adapters.db.session import make_engine
    from zorginkoop.services.provider_channel import switch_channel

    engine, rng = make_engine(url), random.Random(seed + 2)
    barrier.wait(timeout=60)
    deadline = time.monotonic() + 120
    _wait_for(by_api, deadline)  # the channel starts as api
    switch_channel(UnitOfWork(engine, actor="beheer"), ALFA, DeliveryChannel.FILES)
    _wait_for(by_files, deadline)
    for n in range(ROUNDS * 2):
        time.sleep(rng.random() / 40)
        switch_channel(UnitOfWork(engine, actor="beheer"), ALFA, rng.choice(list(DeliveryChannel)))
        _add(engine, 1000 + n * 3, 3)  # new answers keep coming
    done.set()
    engine.dispose()
    results.put(("switch", []))


def _fill(engine: Engine, start: int) -> list[int]:
    ids = _add(engine, start, MESSAGES)
    with UnitOfWork(engine) as uow:
        uow.messages.set_delivery_channel(ALFA, "api")
        uow.commit()
    return ids


def _add(engine: Engine, start: int, count: int) -> list[int]:
    with UnitOfWork(engine) as uow:
        ids = [
            uow.messages.add(
                direction="out", law="wmo", message_type="325", identification=f"325{i:09d}", sender="0321",
                receiver=ALFA, dated=NOW.date(), municipality_code="0321", provider_agb=ALFA, status="pending",
                created_at=NOW, exported_at=None, in_reply_to=None, file_name=f"WMO325_0321_{ALFA}_325{i:09d}.xml",
                content=f"<m>{i}</m>".encode(), summary="",
            )
            for i in range(start, start + count)
        ]  # fmt: skip
        uow.commit()
    return ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_export_acknowledgement_and_switches_at_once_deliver_each_message_once(
    engine: Engine, engine_url: str, tmp_path: Path, seed: int
):
    seed_store(engine, 1)
    _fill(engine, 0)
    out = tmp_path / "files"
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(3), context.Queue()
    by_files, by_api, done = context.Value("i", 0), context.Value("i", 0), context.Event()
    workers = [
        context.Process(target=_exporter, args=(engine_url, out, seed, barrier, results, by_files, done)),
        context.Process(target=_acker, args=(engine_url, seed, barrier, results, by_api, done)),
        context.Process(target=_switcher, args=(engine_url, seed, barrier, results, by_files, by_api, done)),
    ]
    for w in workers:
        w.start()
    got = dict(results.get(timeout=300) for _ in workers)
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    by_files, by_api = got["files"], got["api"]
    assert by_files and by_api, "the mix is real: both channels delivered"
    assert len(by_files) == len(set(by_files)), "a file was written twice"
    assert not set(by_files) & set(by_api), "a message was delivered by both channels"
    with engine.connect() as c:
        rows = c.execute(
            select(t.MessageRow.id, t.MessageRow.exported_by, t.MessageRow.file_name).where(
                t.MessageRow.message_type == "325"
            )
        ).all()
    ids = [i for i, _, _ in rows]
    stored = {i: by for i, by, _ in rows}
    names = {i: name for i, _, name in rows}
    assert {i for i, by in stored.items() if by == "files"} == set(by_files)
    assert {i for i, by in stored.items() if by == "api-alfa"} == set(by_api)
    assert sorted(p.name for p in out.glob("*.xml")) == sorted(names[i] for i in by_files)

    # what is left goes out once, as files, after the switch back
    from zorginkoop.services.allocations import ExportedFile, export_outbox
    from zorginkoop.services.provider_channel import switch_channel

    switch_channel(UnitOfWork(engine), ALFA, DeliveryChannel.FILES)
    rest: list[ExportedFile] = []
    export_outbox(UnitOfWork(engine), "325", NOW, rest.append)
    assert sorted([*by_files, *by_api, *(f.message_id for f in rest)]) == sorted(ids)
