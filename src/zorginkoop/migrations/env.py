# SPDX-License-Identifier: EUPL-1.2
"""Alembic environment: the engine comes from the caller (see adapters.db.session)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from zorginkoop.adapters.db.tables import Base
from zorginkoop.settings import Settings

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(Settings.from_env().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
