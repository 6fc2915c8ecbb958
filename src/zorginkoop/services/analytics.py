# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the analytics layer: refresh the pseudonymised extract, say how fresh it is,
and hand the monitoring services the named queries when the extract is up to date.

The extract (:mod:`zorginkoop.adapters.analytics.extract`) lives in the file of
``ZORGINKOOP_ANALYTICS_PATH`` (default beside a SQLite store). It is built on demand
(``zorginkoop analytics refresh``) and, once it exists, kept up to date after every import of
declarations (303/323) and messages (305/307/315/317): :func:`refresh_after_import`. That hook
never fails an import: a refresh that cannot run (another refresh holds the file, a full disk)
is logged and the next one catches up, since a refresh copies everything past its marks.

Readers (:func:`fresh_figures`) use the extract only when it has seen every row the store has;
otherwise the monitoring services read the store itself, so a figure is never stale.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from zorginkoop.adapters.analytics import extract
from zorginkoop.adapters.analytics.extract import ExtractStatus, RefreshResult
from zorginkoop.adapters.analytics.queries import Figures
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.settings import Settings

LOG = logging.getLogger("zorginkoop.analytics")

EXTRACT_SUFFIX = ".analytics.duckdb"


class AnalyticsError(RuntimeError):
    """The extract cannot be built, found or read (one line naming the file or the setting)."""


def extract_path(settings: Settings, engine: Engine) -> Path | None:
    """Where the extract of the store behind ``engine`` lives: ZORGINKOOP_ANALYTICS_PATH, else
    beside a SQLite file (``zorginkoop.sqlite`` -> ``zorginkoop.analytics.duckdb``); None for a
    store without a file (PostgreSQL, in-memory SQLite) when the setting is not given."""
    if settings.analytics_path is not None:
        return settings.analytics_path
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        store = Path(url.database)
        return store.with_name(store.stem + EXTRACT_SUFFIX)
    return None


def _required_path(settings: Settings, engine: Engine) -> Path:
    path = extract_path(settings, engine)
    if path is None:
        raise AnalyticsError(
            "this store has no file to put the analytics extract beside: set ZORGINKOOP_ANALYTICS_PATH "
            "to the extract's file, e.g. /var/lib/zorginkoop/analytics.duckdb"
        )
    return path


def refresh(engine: Engine, settings: Settings, *, full: bool = False) -> RefreshResult:
    """Bring the extract up to the store (``full``: build it anew). The pseudonym key must be
    set outside development (settings refuse the development key there)."""
    path = _required_path(settings, engine)
    try:
        return extract.refresh(engine, path, extract.extract_key(settings.pseudonym_key), full=full)
    except extract.ExtractError as exc:
        raise AnalyticsError(str(exc)) from None


def status(engine: Engine, settings: Settings) -> ExtractStatus:
    path = _required_path(settings, engine)
    try:
        return extract.status(engine, path, extract.extract_key(settings.pseudonym_key))
    except extract.ExtractError as exc:
        raise AnalyticsError(str(exc)) from None


def refresh_after_import(engine: Engine, settings: Settings | None = None) -> RefreshResult | None:
    """The import hook: refresh an extract that exists; never raises (a failure is logged and
    the next refresh catches up). None when there is no extract to keep up to date."""
    try:
        chosen = settings or Settings.from_env()
        path = extract_path(chosen, engine)
        if path is None or not path.exists():
            return None
        # a refresh that is running now is not waited for: the import answers at once
        return extract.refresh(engine, path, extract.extract_key(chosen.pseudonym_key), wait=False)
    except Exception as exc:  # an import never fails for its figures' copy
        LOG.warning("analytics refresh after import failed, the next refresh catches up: %s", exc)
        return None


@contextmanager
def fresh_figures(uow: UnitOfWork) -> Iterator[Figures | None]:
    """The named queries within the unit of work's scope when the extract exists and has seen
    every row of the store; else None (the caller reads the store)."""
    path = extract_path(uow.settings, uow.engine)
    if path is None or not path.exists():
        yield None
        return
    key = extract.extract_key(uow.settings.pseudonym_key)
    try:
        current = extract.status(uow.engine, path, key, counts=False)
    except (extract.ExtractError, OSError) as exc:
        LOG.warning("analytics extract not used: %s", exc)
        yield None
        return
    if not current.fresh:
        yield None
        return
    try:
        con = extract.open_read_only(path)
    except extract.ExtractError as exc:  # e.g. a refresh holds the file right now
        LOG.warning("analytics extract not used: %s", exc)
        yield None
        return
    try:
        yield Figures(con, uow.scope)
    finally:
        con.close()
