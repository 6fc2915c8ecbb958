# SPDX-License-Identifier: EUPL-1.2
"""The reads the back office's and the provider's screens make, on SQLite and PostgreSQL, under
each kind of scope: the declarations answered with their 325s, the outbox per type and provider,
one message as XML (logged per client), the typed ledger and the ceiling use; and a message the
back office takes in for a municipality outside its scope is refused with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.declaration_helpers import ALFA, HOUTEN, JUNE, line_for, seed_store, write_323
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Limits
from zorginkoop.domain.access import Scope
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.services import declarations, incoming, mailbox, spending

NOW = datetime(2021, 7, 10, 9, 0)


def _received(engine: Engine, tmp_path: Path) -> incoming.Received:
    a1, a2, _ = seed_store(engine, ceiling=Money.euros("10000.00"))
    # G2 at another tariff than the contract's is rejected (0611): the 325 names its client
    wrong = line_for(a2, "G2", tariff=Money.euros("60.00"), amount=Money.euros("600.00"))
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), wrong]).read_bytes()
    uow = UnitOfWork(engine, Scope.municipality(HOUTEN), actor="backoffice")
    return incoming.receive_at_region(uow, data, "web:d.xml", NOW, limits=Limits())


def _messages(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.scalar(select(func.count()).select_from(t.MessageRow)) or 0)


def test_a_323_taken_in_is_listed_with_its_325_under_its_own_scopes_only(
    engine: Engine, tmp_path: Path
) -> None:
    got = _received(engine, tmp_path)
    assert got.status == "processed" and [a.message_type for a in got.answers] == ["325"]
    answer_id = got.answers[0].id

    for scope in (Scope.region(), Scope.municipality(HOUTEN), Scope.provider(ALFA)):
        (row,) = declarations.answered(UnitOfWork(engine, scope, actor="t"))
        assert (row.answer_id, row.provider_agb, row.municipality_code) == (answer_id, ALFA, HOUTEN)
        assert row.declaration_number == "D1" and row.period == JUNE and row.granted == Money.euros("500.00")
        assert row.declaration_file == "web:d.xml"
    assert declarations.answered(UnitOfWork(engine, Scope.municipality("0356"), actor="t")) == []
    assert declarations.answered(UnitOfWork(engine, Scope.provider("22222222"), actor="t")) == []
    assert declarations.answered(UnitOfWork(engine, actor="t"), ALFA, JUNE) != []
    assert declarations.answered(UnitOfWork(engine, actor="t"), ALFA, Period.month(2021, 5)) == []

    (group,) = mailbox.outbox_overview(UnitOfWork(engine, Scope.municipality(HOUTEN), actor="t"))
    assert (group.message_type, group.provider_agb, group.count, group.channel) == ("325", ALFA, 1, "files")
    assert mailbox.outbox_overview(UnitOfWork(engine, Scope.provider("22222222"), actor="t")) == []

    with engine.connect() as c:
        before = int(c.scalar(select(func.count()).select_from(t.ProcessingLogEntryRow)) or 0)
    found = mailbox.message(UnitOfWork(engine, Scope.municipality(HOUTEN), actor="bo"), answer_id)
    assert found is not None and found[0].message_type == "325" and b"TotaalToegekendBedrag" in found[1]
    with engine.connect() as c:
        after = int(c.scalar(select(func.count()).select_from(t.ProcessingLogEntryRow)) or 0)
    assert after > before
    assert mailbox.message(UnitOfWork(engine, Scope.municipality("0356"), actor="bo"), answer_id) is None


def test_the_typed_ledger_and_the_ceiling_use_match_what_was_paid(engine: Engine, tmp_path: Path) -> None:
    _received(engine, tmp_path)
    book = spending.payments_ledger(UnitOfWork(engine, Scope.municipality(HOUTEN), actor="t"), 2021)
    (row,) = book.rows
    assert (row.provider_agb, row.entries, row.paid) == (ALFA, 1, Money.euros("500.00"))
    assert book.total is not None and book.total.paid == row.paid and len(book.per_municipality) == 1
    cli = spending.ledger(engine, 2021)
    assert cli[-1]["paid_eur"] == "500.00" and cli[0]["provider_agb"] == ALFA
    assert (
        spending.payments_ledger(UnitOfWork(engine, Scope.provider("22222222"), actor="t"), 2021).total
        is None
    )
    assert spending.last_paid_year(UnitOfWork(engine, actor="t")) == 2021

    (use,) = spending.contract_ceilings(UnitOfWork(engine, Scope.provider(ALFA), actor="t"), 2021, ALFA)
    assert use.use.ceiling == Money.euros("10000.00") and use.use.used == Money.euros("500.00")


def test_a_message_for_a_municipality_outside_the_scope_is_refused_and_nothing_stored(
    engine: Engine, tmp_path: Path
) -> None:
    a1, *_ = seed_store(engine)
    data = write_323(tmp_path / "d.xml", [line_for(a1, "G1")]).read_bytes()
    before = _messages(engine)
    with pytest.raises(incoming.OutsideScope, match="not a municipality you work for"):
        incoming.receive_at_region(
            UnitOfWork(engine, Scope.municipality("0356"), actor="bo"), data, "web:d.xml", datetime.now(UTC),
            limits=Limits(),
        )  # fmt: skip
    with pytest.raises(incoming.NotReceivable):
        incoming.receive_at_region(UnitOfWork(engine, actor="bo"), b"<x", "web:x.xml", NOW, limits=Limits())
    assert _messages(engine) == before
