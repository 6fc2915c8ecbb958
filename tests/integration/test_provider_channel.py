# SPDX-License-Identifier: EUPL-1.2
"""A provider's channel to the region on the real store (SQLite and PostgreSQL): it sends in its
own name only, its 323 is answered with a 325 it then fetches, it fetches and acknowledges its
301s, its 302 is recorded against the 301 it answers, a GET changes nothing, and one outbox is
never drained by both the files and the API channel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from tests.declaration_helpers import line_for, seed_store, write_323
from tests.factories import ALFA, BETA
from tests.integration.test_exchange_flow import _allocate, _setup, start
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import build_retour, read_message, write_message
from zorginkoop.domain.access import Scope
from zorginkoop.domain.provider_channel import DeliveryChannel
from zorginkoop.services import provider_channel as pc
from zorginkoop.services.allocations import ExportedFile, export_outbox

NOW = datetime(2021, 7, 20, 10, 0)


def _uow(engine: Engine, agb: str = ALFA) -> UnitOfWork:
    return UnitOfWork(engine, Scope.provider(agb), actor=f"api-{agb}")


def _messages(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.scalar(select(func.count()).select_from(t.MessageRow)) or 0)


def _status(engine: Engine, message_id: int) -> tuple[str, str | None]:
    with engine.connect() as c:
        row = c.execute(
            select(t.MessageRow.status, t.MessageRow.exported_by).where(t.MessageRow.id == message_id)
        ).one()
    return row[0], row[1]


def _on_api(engine: Engine, agb: str = ALFA) -> None:
    pc.switch_channel(UnitOfWork(engine), agb, DeliveryChannel.API)


def _export(engine: Engine, message_type: str) -> list[int]:
    written: list[ExportedFile] = []
    export_outbox(UnitOfWork(engine), message_type, NOW, written.append)
    return [f.message_id for f in written if f.message_id is not None]


def test_a_provider_sends_a_323_and_fetches_and_acknowledges_its_325(engine, tmp_path: Path):
    a1, a2, _ = seed_store(engine)
    _on_api(engine)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2")]).read_bytes()

    got = pc.receive(_uow(engine), ALFA, data, NOW)
    assert (got.message, got.status) == ("WMO323", "processed")
    (answer,) = got.answers
    assert answer.message_type == "325" and b"TotaalToegekendBedrag" in answer.content

    listed = pc.pending(_uow(engine), ALFA, ["325"])
    assert [m.id for m in listed] == [answer.id]
    message, content = pc.fetch(_uow(engine), ALFA, answer.id)
    assert content == answer.content and message.status == "pending"
    done = pc.acknowledge(_uow(engine), ALFA, answer.id, NOW)
    assert done.status == "exported" and done.exported_by == f"api-{ALFA}"
    assert pc.pending(_uow(engine), ALFA, ["325"]) == []
    # the same bytes again: the same 325, nothing granted again
    again = pc.receive(_uow(engine), ALFA, data, NOW)
    assert again.status == "duplicate" and [a.id for a in again.answers] == [answer.id]


def test_a_provider_cannot_send_as_another_provider_and_nothing_is_stored(engine, tmp_path: Path):
    a1, *_ = seed_store(engine)
    _on_api(engine)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1")]).read_bytes()  # Afzender ALFA
    before = _messages(engine)
    with pytest.raises(pc.NotOwnSender, match=f"Afzender {ALFA} is not your AGB code {BETA}"):
        pc.receive(_uow(engine, BETA), BETA, data, NOW)
    assert _messages(engine) == before


def test_unreadable_bytes_are_refused_in_one_line_and_nothing_is_stored(engine):
    seed_store(engine)
    _on_api(engine)
    before = _messages(engine)
    for data in (b"not xml", b"<Bericht/>", b""):
        with pytest.raises(pc.UnusableMessage) as caught:
            pc.receive(_uow(engine), ALFA, data, NOW)
        assert "\n" not in str(caught.value) and "nothing was stored" in str(caught.value)
    assert _messages(engine) == before


def test_a_provider_fetches_and_acknowledges_its_301s_and_a_get_changes_nothing(engine):
    _setup(engine)
    _, content = _allocate(engine)
    _on_api(engine)
    (m301,) = pc.pending(_uow(engine), ALFA, ["301"])
    for _ in range(3):  # listing and fetching leave it pending
        assert [m.id for m in pc.pending(_uow(engine), ALFA, ["301"])] == [m301.id]
        assert pc.fetch(_uow(engine), ALFA, m301.id)[1] == content
    assert _status(engine, m301.id) == ("pending", None)
    # another provider does not learn that it exists
    _on_api(engine, BETA)
    with pytest.raises(pc.NotAddressed):
        pc.fetch(_uow(engine, BETA), BETA, m301.id)
    with pytest.raises(pc.NotAddressed):
        pc.acknowledge(_uow(engine, BETA), BETA, m301.id, NOW)
    assert _status(engine, m301.id) == ("pending", None)
    pc.acknowledge(_uow(engine), ALFA, m301.id, NOW)
    pc.acknowledge(_uow(engine), ALFA, m301.id, NOW)  # again: nothing changes
    assert _status(engine, m301.id) == ("exported", f"api-{ALFA}")
    assert pc.pending(_uow(engine), ALFA) == []


def test_the_api_refuses_a_provider_on_the_files_channel_and_export_skips_one_on_the_api(engine):
    _setup(engine)
    _allocate(engine)
    with pytest.raises(pc.WrongChannel, match="providers channel"):
        pc.pending(_uow(engine), ALFA, ["301"])
    _on_api(engine)
    assert _export(engine, "301") == []
    (m301,) = pc.pending(_uow(engine), ALFA, ["301"])
    pc.switch_channel(UnitOfWork(engine), ALFA, DeliveryChannel.FILES)
    with pytest.raises(pc.WrongChannel):
        pc.acknowledge(_uow(engine), ALFA, m301.id, NOW)
    assert _export(engine, "301") == [m301.id]
    assert _status(engine, m301.id) == ("exported", "files")


def test_a_302_is_recorded_against_the_301_it_answers_with_the_refused_elements(engine):
    _setup(engine)
    _, content = _allocate(engine)
    _on_api(engine)
    (m301,) = pc.pending(_uow(engine), ALFA, ["301"])
    heen = read_message(content)
    path = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
    bericht, number = build_retour(
        heen, identificatie="R1", dagtekening=date(2021, 7, 20), codes={f"{path}[1]": ("8001",)}
    )
    retour = write_message(bericht, law=heen.law, number=number)
    got = pc.receive(_uow(engine), ALFA, retour, NOW)
    assert (got.message, got.status) == ("WMO302", "recorded")
    assert got.answered is not None and got.answered.id == m301.id
    assert got.codes == {path: ("8001",)}
    with UnitOfWork(engine) as uow:
        (row,) = uow.messages.received_in_reply(m301.id)
    assert row.message_type == "302" and row.sender == ALFA and "8001" in row.summary
    # the same retour again is recorded once; the 301 stays to be acknowledged
    assert pc.receive(_uow(engine), ALFA, retour, NOW).status == "duplicate"
    with UnitOfWork(engine) as uow:
        assert len(uow.messages.received_in_reply(m301.id)) == 1
    # another provider cannot answer ALFA's 301
    _on_api(engine, BETA)
    with pytest.raises(pc.NotOwnSender):
        pc.receive(_uow(engine, BETA), BETA, retour, NOW)


def test_a_305_through_the_channel_is_imported_and_answered_with_its_306(engine):
    _setup(engine)
    number, _ = _allocate(engine)
    _on_api(engine)
    got = pc.receive(_uow(engine), ALFA, start("S1", number, date(2021, 7, 5)), NOW)
    assert (got.message, got.status) == ("WMO305", "processed")
    assert [a.message_type for a in got.answers] == ["306"]
    assert [m.id for m in pc.pending(_uow(engine), ALFA, ["306"])] == [got.answers[0].id]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["export", "ack", "api", "files"]), min_size=1, max_size=12))
def test_files_and_api_never_both_deliver_one_message(engine, steps: list[str]):
    """Any interleaving of exports, acknowledgements and channel switches delivers each message
    once: by one channel, never by both, and never twice."""
    with UnitOfWork(engine) as uow:
        uow.session.execute(t.MessageRow.__table__.delete())
        uow.commit()
    if _messages(engine) == 0 and not _has_region(engine):
        seed_store(engine)
    ids = _fill_outbox(engine, 3)
    delivered: dict[int, list[str]] = {i: [] for i in ids}
    for step in steps:
        if step == "export":
            for i in _export(engine, "325"):
                delivered[i].append("files")
        elif step == "ack":
            try:
                listed = pc.pending(_uow(engine), ALFA, ["325"])
            except pc.WrongChannel:
                continue
            for m in listed[:2]:
                pc.acknowledge(_uow(engine), ALFA, m.id, NOW)
                delivered[m.id].append("api")
        else:
            pc.switch_channel(UnitOfWork(engine), ALFA, DeliveryChannel(step))
    for i, ways in delivered.items():
        assert len(ways) <= 1, f"message {i} delivered by {ways}"
        status, by = _status(engine, i)
        assert (status == "exported") == bool(ways)
        if ways:
            assert by == ("files" if ways == ["files"] else f"api-{ALFA}")


def _has_region(engine: Engine) -> bool:
    with engine.connect() as c:
        return bool(c.scalar(select(func.count()).select_from(t.ProviderRow)))


def _fill_outbox(engine: Engine, n: int) -> list[int]:
    ids = []
    with UnitOfWork(engine) as uow:
        for i in range(n):
            ids.append(
                uow.messages.add(
                    direction="out", law="wmo", message_type="325", identification=f"325{i:09d}",
                    sender="0321", receiver=ALFA, dated=NOW.date(), municipality_code="0321", provider_agb=ALFA,
                    status="pending", created_at=NOW, exported_at=None, in_reply_to=None,
                    file_name=f"WMO325_0321_{ALFA}_325{i:09d}.xml", content=b"<x/>", summary="",
                )
            )  # fmt: skip
        uow.messages.set_delivery_channel(ALFA, "files")
        uow.commit()
    return ids
