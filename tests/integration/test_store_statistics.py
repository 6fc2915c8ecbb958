# SPDX-License-Identifier: EUPL-1.2
"""After a bulk load the store's statistics are refreshed (PostgreSQL: VACUUM (ANALYZE)), so the
planner does not take a table of thousands of lines for one row."""

from __future__ import annotations

from sqlalchemy import Engine, text

from zorginkoop.adapters.db.session import refresh_statistics


def test_refreshing_the_statistics_analyses_every_table_of_the_store(engine: Engine) -> None:
    refresh_statistics(engine)  # SQLite: nothing to do, and no error
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        analysed = dict(
            connection.execute(text(
                "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE schemaname = current_schema() AND relname <> 'alembic_version'"
            )).all()
        )  # fmt: skip
    assert analysed["declaration_line"] and analysed["processing_log_entry"]
    assert all(analysed.values()), [name for name, done in analysed.items() if not done]
