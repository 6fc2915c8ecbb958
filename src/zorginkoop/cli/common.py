# SPDX-License-Identifier: EUPL-1.2
"""Options and helpers shared by the commands that use the store."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.session import StoreError
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.safe import Limits
from zorginkoop.bootstrap import Platform, bootstrap
from zorginkoop.cli.output import fail
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import lookup
from zorginkoop.settings import SettingError, Settings

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Database URL (default: $ZORGINKOOP_DATABASE_URL or sqlite:///zorginkoop.sqlite).",
    show_default=False,
)


MIN_YEAR, MAX_YEAR = 1900, 2999
"""Calendar years a command accepts (dates beyond year 9999 do not exist in Python)."""


def checked_year(value: int | None) -> int | None:
    """Typer callback for ``--year``: a year from :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
    if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
        fail(f"--year {value}: give a calendar year from {MIN_YEAR} to {MAX_YEAR}")
    return value


def writable_folder(folder: Path, option: str = "--out") -> Path:
    """``folder``, created when missing; one line and exit 2 when it cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"{option} {folder}: cannot create the folder ({exc.strerror or exc})")
    if not folder.is_dir():
        fail(f"{option} {folder}: not a folder")
    return folder


def settings(db: str | None = None) -> Settings:
    """The settings, ``--db`` winning; a setting that cannot be used is one line and exit 2."""
    try:
        return Settings.from_env(database_url=db)
    except SettingError as exc:
        fail(str(exc))


def message_limits() -> Limits:
    """The limits for reading messages (``ZORGINKOOP_MAX_MESSAGE_BYTES``/``_DEPTH``)."""
    found = settings()
    return Limits(max_bytes=found.max_message_bytes, max_depth=found.max_message_depth)


def platform_for(db: str | None, *, require_schema: bool = True) -> Platform:
    """The platform of the chosen store, made the way every entry point makes it
    (:func:`zorginkoop.bootstrap.bootstrap`); with ``require_schema`` migrated to head."""
    try:
        return bootstrap(settings(db), require_schema=require_schema)
    except StoreError as exc:
        fail(str(exc))


def command_line_actor(found: Settings) -> str:
    """Who reads at the command line, as the processing log records it: ``ZORGINKOOP_ACTOR``
    when set, else the operating-system user."""
    if found.actor:
        return found.actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def unit_of_work(platform: Platform, scope: Scope | None = None) -> UnitOfWork:
    """A unit of work of the platform for the person at the command line, within ``scope``
    (default: the region), opened the way the API opens one (``platform.unit_of_work``)."""
    return platform.unit_of_work(actor=command_line_actor(platform.settings), scope=scope or Scope.region())


def store_error_message(exc: Exception) -> str | None:
    """One line for a store failure (``StoreError`` or a refused/failed commit), else None."""
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, IntegrityError):
        return (
            "the store refused the change because another change to the same records came first "
            f"({exc.orig.__class__.__name__}); nothing was stored, run the command again"
        )
    if isinstance(exc, OperationalError):
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        return f"the database could not complete the change ({first}); nothing was stored, try again"
    return None


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a lost connection, a missing schema or a concurrent change into one clear line.

    A use case commits once, so when the store refuses the commit nothing of it was stored."""
    try:
        yield
    except (StoreError, IntegrityError, OperationalError) as exc:
        fail(store_error_message(exc) or str(exc))


def known_municipality(platform: Platform, text: str, option: str = "--municipality") -> str:
    """The CBS code of the region's municipality ``text`` (code or name); else one line, exit 2."""
    with store_errors():
        try:
            return lookup.municipality_code(unit_of_work(platform), text)
        except lookup.UnknownName as exc:
            fail(f"{option}: {exc}")


def known_provider(platform: Platform, agb: str, option: str = "--provider") -> str:
    """``agb`` when the region knows the provider; else one line, exit 2."""
    with store_errors():
        try:
            return lookup.provider_agb(unit_of_work(platform), agb)
        except lookup.UnknownName as exc:
            fail(f"{option}: {exc}")


def known_product(platform: Platform, code: str, law: Law | None = None, option: str = "--product") -> str:
    """``code`` when the catalogue holds the product; else one line, exit 2."""
    with store_errors():
        try:
            return lookup.product_code(unit_of_work(platform), code, law)
        except lookup.UnknownName as exc:
            fail(f"{option}: {exc}")
