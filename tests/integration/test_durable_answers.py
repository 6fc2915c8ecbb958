# SPDX-License-Identifier: EUPL-1.2
"""Every answer the region owes a provider is stored with what it answers and can be had again
(SQLite and PostgreSQL): a 325 or retour that cannot be written waits in the outbox and
`export` delivers it; the same bytes again get the answer they got the first time; our own
Identificaties are never given twice (TR056)."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from tests.declaration_helpers import counts, line_for, seed_store, write_323
from tests.integration.test_exchange_flow import NOW, _allocate, _setup, start
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import read_message
from zorginkoop.domain.money import Money
from zorginkoop.services.allocations import ExportedFile, export_outbox
from zorginkoop.services.declarations import process_file
from zorginkoop.services.exchange import import_message
from zorginkoop.services.outbox import OutputError, mark_exported, write_atomically


def _outbox(engine: Engine, message_type: str) -> list[tuple[str, str, bytes]]:
    """(Identificatie, status, content) of our messages of one type, in order."""
    with engine.connect() as c:
        return [
            (ident, status, bytes(content))
            for ident, status, content in c.execute(
                select(t.MessageRow.identification, t.MessageRow.status, t.MessageRow.content)
                .where(t.MessageRow.direction == "out", t.MessageRow.message_type == message_type)
                .order_by(t.MessageRow.id)
            )
        ]


def _export(engine: Engine, message_type: str, folder: Path) -> list[ExportedFile]:
    def write(f: ExportedFile) -> None:
        write_atomically(folder / f.file_name, f.content)

    return export_outbox(UnitOfWork(engine), message_type, datetime(2021, 7, 6, 9, 0), write)


def _granted(content: bytes) -> str:
    return next(etree.fromstring(content).iter("{*}TotaalToegekendBedrag")).find("{*}TotaalBedrag").text


def test_a_325_that_cannot_be_written_waits_in_the_outbox_is_exported_later_and_answers_the_same_bytes_again(
    engine, tmp_path
):
    a1, a2, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2")])
    out = tmp_path / "out"
    # a folder where the 325 would go: its write fails after the commit
    (out / "WMO325_0321_11111111_325000000001.xml").mkdir(parents=True)
    result = process_file(engine, path, out)
    assert result.status == "processed" and result.granted == Money.euros(1000)
    assert result.answer is None and "waits in the outbox" in result.waiting
    assert counts(engine)["payment"] == 2
    ((ident, status, content),) = _outbox(engine, "325")
    assert (ident, status, _granted(content)) == ("325000000001", "pending", "100000")

    later = _export(engine, "325", tmp_path / "later")
    assert [f.file_name for f in later] == ["WMO325_0321_11111111_325000000001.xml"]
    assert (tmp_path / "later" / later[0].file_name).read_bytes() == content
    assert [s for _, s, _ in _outbox(engine, "325")] == ["exported"]
    assert _export(engine, "325", tmp_path / "later") == []  # delivered once

    # the rerun gets the 325 it got, never "every line 8021, 0 granted" for lines that were paid
    again = process_file(engine, path, tmp_path / "again")
    assert again.status == "duplicate" and again.granted == Money.zero()
    assert again.answer is not None and again.answer.read_bytes() == content
    assert len(_outbox(engine, "325")) == 1 and counts(engine)["payment"] == 2


def test_a_refused_file_sent_twice_gets_its_refusal_again_and_another_refused_file_a_new_identificatie(
    engine, tmp_path
):
    a1, a2, _ = seed_store(engine)
    process_file(engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1")]), tmp_path / "out")
    twice = write_323(
        tmp_path / "b.xml", [line_for(a2, "G2")], identification="M9"
    )  # DeclaratieNummer D1 again
    first = process_file(engine, twice, tmp_path / "out1")
    second = process_file(engine, twice, tmp_path / "out2")
    assert first.status == "refused" and first.codes == {"9333": 1}
    assert second.status == "duplicate" and "refused" in second.note
    assert second.answer.read_bytes() == first.answer.read_bytes()
    other = process_file(
        engine,
        write_323(tmp_path / "c.xml", [line_for(a2, "G3")], identification="M1", number="D7"),
        tmp_path / "out",
    )
    assert other.status == "refused" and other.codes == {"9056": 1}
    idents = [ident for ident, _, _ in _outbox(engine, "325")]
    # TR056 for our own messages: one Identificatie per message, never given twice
    assert idents == ["325000000001", "325000000002", "325000000003"]
    assert all(status == "exported" for _, status, _ in _outbox(engine, "325"))


def test_an_out_folder_that_cannot_be_written_is_found_before_anything_is_stored(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1")])
    (tmp_path / "a-file").write_text("not a folder")
    before = counts(engine)
    with pytest.raises(OutputError) as caught:
        process_file(engine, path, tmp_path / "a-file" / "out")
    assert "a-file" in str(caught.value) and "\n" not in str(caught.value)
    assert counts(engine) == before


def test_a_retour_is_stored_pending_a_repeated_message_gets_9056_and_its_first_retour_again(engine, tmp_path):
    _setup(engine)
    number, _ = _allocate(engine)
    data = start("S1", number, date(2021, 7, 5))
    first = import_message(UnitOfWork(engine), data, "s1.xml", NOW)
    assert first.status == "processed" and [o.file_name[:6] for o in first.outgoing] == ["WMO306"]
    # nothing was written yet: the retour waits in the outbox until it is
    assert [s for _, s, _ in _outbox(engine, "306")] == ["pending"]
    delivered = _export(engine, "306", tmp_path / "out")
    assert [f.content for f in delivered] == [first.outgoing[0].content]

    again = import_message(UnitOfWork(engine), data, "s1.xml", NOW)
    assert again.status == "rejected" and again.codes == {"/Bericht/Header": ("9056",)}
    retour, original = again.outgoing
    assert read_message(retour.content).bericht.header.retour_codes == ("9056",)
    assert original.content == first.outgoing[0].content  # the first retour, sent again as it was
    for o in again.outgoing:
        write_atomically(tmp_path / "again" / o.file_name, o.content)
    mark_exported(engine, [o.message_id for o in again.outgoing if o.message_id is not None])
    idents = [ident for ident, _, _ in _outbox(engine, "306")]
    assert len(idents) == len(set(idents)) == 2
    assert {s for _, s, _ in _outbox(engine, "306")} == {"exported"}


def test_a_file_processed_before_answers_were_linked_gets_its_325_again_after_the_upgrade(tmp_path):
    from zorginkoop.adapters.db.session import downgrade, make_engine, upgrade

    engine = make_engine(
        f"sqlite:///{tmp_path / 'store.sqlite'}"
    )  # SQLite only: the shared PostgreSQL schema stays at head
    upgrade(engine)
    a1, _, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1")])
    first = process_file(engine, path, tmp_path / "out")
    downgrade(engine, "0007_tariff_truth")
    upgrade(engine)  # 0008 links the processed file to its 325 by Identificatie
    again = process_file(engine, path, tmp_path / "again")
    assert again.status == "duplicate" and again.answer.read_bytes() == first.answer.read_bytes()
    engine.dispose()


def _import_worker(url: str, data: bytes, barrier: Any, results: Any) -> None:
    from zorginkoop.adapters.db.session import make_engine

    engine = make_engine(url)
    barrier.wait(timeout=60)
    try:
        outcome = import_message(UnitOfWork(engine), data, "s1.xml", NOW)
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", repr(exc)))
    else:
        results.put((outcome.status, [o.content for o in outcome.outgoing]))
    engine.dispose()


def test_one_message_imported_twice_at_the_same_moment_is_processed_once_and_the_other_gets_9056(
    engine, engine_url
):
    _setup(engine)
    number, _ = _allocate(engine)
    data = start("S1", number, date(2021, 7, 5))
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_import_worker, args=(engine_url, data, barrier, results)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert [status for status, _ in outcomes] == ["processed", "rejected"], outcomes
    (processed, (retour,)), (rejected, (refusal, again)) = outcomes
    assert (processed, rejected) == ("processed", "rejected")
    assert read_message(refusal).bericht.header.retour_codes == ("9056",)
    assert again == retour  # the first one's retour, sent again with the 9056
