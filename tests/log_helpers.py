# SPDX-License-Identifier: EUPL-1.2
"""A processing log that cannot be written: a trigger refusing every insert into it, committed
(so it holds for every connection of the store) and removed again afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

REFUSAL = "processing log unavailable"


@contextmanager
def log_unavailable(engine: Engine) -> Iterator[None]:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(
                "CREATE FUNCTION zk_log_unavailable() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
            ))  # fmt: skip
            connection.execute(text(
                "CREATE TRIGGER zk_log_unavailable BEFORE INSERT ON processing_log_entry "
                "FOR EACH STATEMENT EXECUTE FUNCTION zk_log_unavailable()"
            ))  # fmt: skip
        else:
            connection.execute(text(
                "CREATE TRIGGER zk_log_unavailable BEFORE INSERT ON processing_log_entry "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            ))  # fmt: skip
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER zk_log_unavailable" + (
                " ON processing_log_entry" if engine.dialect.name == "postgresql" else ""
            )))  # fmt: skip
            if engine.dialect.name == "postgresql":
                connection.execute(text("DROP FUNCTION zk_log_unavailable()"))
