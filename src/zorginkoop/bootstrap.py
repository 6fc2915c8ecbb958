# SPDX-License-Identifier: EUPL-1.2
"""One way in: typed settings -> an engine -> a unit of work for an actor and a scope.

Every entry point (the command line, the HTTP API, the web application that follows, a worker)
starts here, so each opens the store, checks its schema and scopes its reads the same way::

    platform = bootstrap(Settings.from_env())
    with platform.unit_of_work(actor="j.jansen", scope=Scope.municipality("0321")) as uow:
        rows = some_use_case(uow, ...)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from zorginkoop.adapters.db.session import make_engine, require_current_schema
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.settings import Settings


@dataclass(frozen=True, slots=True)
class Platform:
    """The settings and the engine an entry point runs on."""

    settings: Settings
    engine: Engine

    def unit_of_work(self, actor: str, scope: Scope) -> UnitOfWork:
        """A unit of work reading as ``actor`` within ``scope`` (open it with ``with``)."""
        return UnitOfWork(self.engine, scope=scope, actor=actor, settings=self.settings)

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings | None = None, *, engine: Engine | None = None, require_schema: bool = True
) -> Platform:
    """The platform for ``settings`` (default: from the environment).

    ``engine`` reuses an engine the caller has (tests, a server that made one); with
    ``require_schema`` the store must be migrated to this version's head, else
    :class:`~zorginkoop.adapters.db.session.StoreError` (one line) is raised.
    """
    chosen = settings if settings is not None else Settings.from_env()
    made = engine if engine is not None else make_engine(chosen.database_url)
    if require_schema:
        require_current_schema(made)
    return Platform(chosen, made)
