# SPDX-License-Identifier: EUPL-1.2
"""The busiest screens read the store in a bounded number of statements on the demo region,
whatever its number of providers or clients (no statement per provider or per row), and the
signals page reads (and logs) only the youths its 18-/18+ rule can signal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select

from zorginkoop.adapters.db import tables as t

PAGE_STATEMENTS = {
    # (login, path): at most this many SQL statements (the session's read and the log included)
    ("consulent", "/signalen"): 10,
    ("contractmanager", "/contracten"): 30,
    ("backoffice", "/backoffice/berichten"): 10,
    ("backoffice", "/backoffice/betalingen"): 10,
}


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize(("login", "path"), list(PAGE_STATEMENTS))
def test_a_busy_page_reads_the_store_in_a_bounded_number_of_statements(
    browser_for: Callable[[str], TestClient], web_engine: Engine, login: str, path: str
) -> None:
    browser = browser_for(login)
    with counted(web_engine) as statements:
        answer = browser.get(path)
    assert answer.status_code == 200
    assert 0 < len(statements) <= PAGE_STATEMENTS[login, path], "\n".join(s[:120] for s in statements)


def test_the_signals_page_logs_only_the_youths_it_can_signal(
    browser_for: Callable[[str], TestClient], web_engine: Engine
) -> None:
    browser = browser_for("consulent")
    e = t.ProcessingLogEntryRow
    with web_engine.connect() as connection:
        before = connection.scalar(
            select(func.count()).select_from(e).where(e.operation == "client.born_between")
        )
    answer = browser.get("/signalen")
    assert answer.status_code == 200
    with web_engine.connect() as connection:
        read = connection.scalar(
            select(func.count()).select_from(e).where(e.operation == "client.born_between")
        )
        houten = connection.scalar(
            select(func.count()).select_from(t.ClientRow).where(t.ClientRow.municipality_code == "0321")
        )
    logged = read - before
    assert logged > 0
    # every Houten youth aged 16-23 has Jeugdwet care in the demo (391 read before); few run until near 18
    assert logged < houten // 20, "the 18-/18+ list reads only youths with Jeugdwet care near 18"
