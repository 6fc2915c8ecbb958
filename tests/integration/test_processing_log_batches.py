# SPDX-License-Identifier: EUPL-1.2
"""The batch commands write the processing log too: ``declarations process`` one entry per client
a 323 names (also when the same file comes again), ``messages import`` one per client of the
message, ``messages export`` one per client each written message names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from tests.declaration_helpers import line_for, seed_store, write_323
from tests.factories import BSN_A
from tests.integration.test_exchange_flow import _allocate, _setup, run, start
from zorginkoop.adapters.db.repositories import LogEntry, LogFilter
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.services.allocations import export_outbox
from zorginkoop.services.declarations import process_file


def _log(engine: Engine, **where: str) -> tuple[list[LogEntry], dict[str, str]]:
    with UnitOfWork(engine) as uow:
        entries = uow.log.search(LogFilter(**where))  # type: ignore[arg-type]
        return entries, {e.subject_id: e.subject_id for e in entries}


def test_processing_a_declaration_logs_each_client_it_names_once_and_again_for_the_same_file(
    engine: Engine, tmp_path: Path
) -> None:
    allocations = seed_store(engine)
    from zorginkoop.domain.periods import Period

    # two lines for the first client (June and May): still one entry for that client
    lines = [line_for(a, f"R{a.number}") for a in allocations] + [
        line_for(allocations[0], "R-may", Period.month(2021, 5))
    ]
    path = write_323(tmp_path / "in" / "d.xml", lines, dated=date(2021, 7, 5))
    result = process_file(engine, path, tmp_path / "out", actor="backoffice-rbl")
    assert result.status == "processed", result
    entries, _ = _log(engine, actor="backoffice-rbl")
    with UnitOfWork(engine) as uow:
        expected = {uow.log.pseudonym(a.client_bsn) for a in allocations}
    assert sorted(e.subject_id for e in entries) == sorted(expected)  # one per client, not per line
    assert {(e.operation, e.activity_id, e.status) for e in entries} == {
        ("declaration.process", "declarations.wmo", "ok")
    }
    assert len({e.span_id for e in entries}) == 1 and entries[0].started_at <= entries[0].ended_at
    process_file(engine, path, tmp_path / "out", actor="backoffice-rbl")  # the same bytes again
    again, _ = _log(engine, actor="backoffice-rbl")
    assert len(again) == 2 * len(entries)


def test_importing_and_exporting_messages_logs_each_client_they_name(engine: Engine, tmp_path: Path) -> None:
    _setup(engine)
    number, _ = _allocate(engine)
    outcome = run(engine, start("S1", number, date(2021, 7, 1)))
    assert outcome.status == "processed"
    with UnitOfWork(engine) as uow:
        subject = uow.log.pseudonym(BSN_A)
        imported = uow.log.search(LogFilter(subject_id=subject))
    assert ("message.import.305", "exchange.wmo") in {(e.operation, e.activity_id) for e in imported}

    written: list[str] = []
    with UnitOfWork(engine) as uow:
        before = len(uow.log.search(LogFilter(subject_id=subject)))
    files = export_outbox(UnitOfWork(engine, actor="export-job"), "301", datetime.now(UTC),
                          lambda f: written.append(f.file_name))  # fmt: skip
    assert files and written
    exported, _ = _log(engine, actor="export-job")
    assert {(e.operation, e.subject_id) for e in exported} == {("message.outbox.301", subject)}
    with UnitOfWork(engine) as uow:
        assert len(uow.log.search(LogFilter(subject_id=subject))) == before + 1
