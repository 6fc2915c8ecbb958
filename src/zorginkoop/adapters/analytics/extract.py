# SPDX-License-Identifier: EUPL-1.2
"""The analytics extract: a pseudonymised columnar copy of the store in one DuckDB file.

What is copied (every table carries ``municipality_code`` and, where care is about a provider,
``provider_agb``, so a scope applies to it as in the store):

- ``line``: the *approved* declared lines (prestaties): municipality, law, provider, product,
  category, period, year, client pseudonym, granted cents, volume and the allocation's number
  (ToewijzingNummer) the line is declared on.
- ``trajectory``: one row per allocation: start, end (the current 307 stop's end date, else the
  allocation's end), the stop's end reason (WMO588/JZ588), goals reached, the allocation's end,
  its number and its referrer type (COD327, Jeugd).
- ``decision``: client pseudonym, municipality, law, product and the day it was taken.
- ``provider``, ``municipality``, ``product``: names and codes (no personal data).
- ``ended``: one row per trajectory that ended (the benchmark's and the dashboard's trajectories,
  :class:`~zorginkoop.domain.monitoring.EndedFact`, decided by the domain's functions at refresh
  over the whole region): provider, product, client pseudonym, end, days, end reason known and to
  plan, goals, the follower's product (scale-down), the no-repeat window's end and whether a
  decision came within it; ``mixed`` marks a client whose care or decisions under the law lie in
  more than one municipality (a reader who sees part of the region decides those clients again
  from ``mixed_trajectory``, the raw trajectories of those clients only).
- ``line_client``: the lines summed per client; ``line_year`` and ``product_year``: a
  municipality's clients and cost per law and year, and per product; ``provider_year``: the
  region's per provider, law (NULL: both) and year (see :func:`_aggregate`).

**Pseudonymisation happens while reading, before anything leaves the store**: every BSN (and
every decision id) is replaced in Python by a keyed hash, HMAC-SHA256 under a key derived from
``ZORGINKOOP_PSEUDONYM_KEY`` for this purpose only (:func:`extract_key`; so pseudonyms in the
extract cannot be matched with the processing log's), truncated to a signed 64-bit integer
(collisions: about 3e-8 for a million clients) so DuckDB counts distinct clients over integers.
No BSN is ever written to the file or to the staging files beside it.

**Refresh**: :func:`refresh` adds what changed since the last refresh, by high-water marks of
ids: new approved lines (lines are insert-only), new decisions, and the allocations that are new,
whose end, goals reached or referrer changed, or that got a new 305/307 (their trajectories are read
again). Dimension tables are small and replaced each time. ``full=True`` (or a changed key, or
an older schema) builds a new file beside the old one and swaps it in at the end, so readers
never see half an extract. A refresh is one DuckDB transaction: a failed one leaves the last.

Nothing is downloaded: the store is read through SQLAlchemy and staged as CSV files that
DuckDB's built-in CSV reader loads; no DuckDB extension is used.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import hmac
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, String, and_, cast, func, select
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.monitoring_queries import MonitoringQueries
from zorginkoop.domain.declarations import LineStatus
from zorginkoop.domain.monitoring import ended_facts, ended_to_plan

if TYPE_CHECKING:
    import duckdb

# DuckDB is imported where the extract is opened or written, not with this module: the CLI's
# help and the web application start without it (it costs about a second of import).

SCHEMA_VERSION = 4
"""Raised when a table of the extract changes shape; an extract of another version is rebuilt."""

_PURPOSE = b"zorginkoop analytics extract: client pseudonyms"
BATCH = 200_000
"""Rows staged per CSV file while copying."""
_CHUNK = 500
"""Ids per IN list when allocations are read again (well under SQLite's parameter limit)."""
_REREAD_ALL = 50_000
"""More changed allocations than this: read all trajectories again (one pass is cheaper)."""


class ExtractError(RuntimeError):
    """The extract cannot be built or read (one line: the file, what went wrong)."""


def extract_key(pseudonym_key: str) -> bytes:
    """The extract's own key, derived from the pseudonym key (HMAC-SHA256 of a fixed label)."""
    return hmac.new(pseudonym_key.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


class Pseudonymiser:
    """BSN (or any identifier) -> a signed 64-bit keyed hash; the same input, the same number."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._seen: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        found = self._seen.get(value)
        if found is None:
            digest = hmac.digest(self._key, value.encode("utf-8"), "sha256")
            found = int.from_bytes(digest[:8], "big", signed=True)
            if len(self._seen) < 2_000_000:  # a bounded cache: a client recurs on many lines
                self._seen[value] = found
        return found

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it: a refresh under another key rebuilds the file."""
        return hmac.new(self._key, b"fingerprint", hashlib.sha256).hexdigest()[:16]


# -- the extract's tables ---------------------------------------------------------------------

_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "line": (
        ("id", "BIGINT"), ("municipality_code", "VARCHAR"), ("law", "VARCHAR"),
        ("provider_agb", "VARCHAR"), ("product_code", "VARCHAR"), ("category", "VARCHAR"),
        ("period_start", "DATE"), ("period_end", "DATE"), ("year", "INTEGER"), ("client", "BIGINT"),
        ("granted_cents", "BIGINT"), ("volume", "BIGINT"), ("allocation_number", "BIGINT"),
    ),
    "trajectory": (
        ("allocation_id", "BIGINT"), ("municipality_code", "VARCHAR"), ("law", "VARCHAR"),
        ("provider_agb", "VARCHAR"), ("product_code", "VARCHAR"), ("category", "VARCHAR"),
        ("client", "BIGINT"), ("start", "DATE"), ("end", "DATE"), ("end_reason", "VARCHAR"),
        ("goals_reached", "VARCHAR"), ("allocation_end", "DATE"), ("allocation_number", "BIGINT"),
        ("referrer_type", "VARCHAR"),
    ),
    "decision": (
        ("decision", "BIGINT"), ("client", "BIGINT"), ("municipality_code", "VARCHAR"),
        ("law", "VARCHAR"), ("product_code", "VARCHAR"), ("day", "DATE"),
    ),
    "provider": (("agb_code", "VARCHAR"), ("name", "VARCHAR")),
    "municipality": (("code", "VARCHAR"), ("name", "VARCHAR")),
    "product": (
        ("law", "VARCHAR"), ("code", "VARCHAR"), ("category", "VARCHAR"), ("name", "VARCHAR"),
        ("unit", "VARCHAR"),
    ),
}  # fmt: skip
TABLES = tuple(_TABLES)

ENDED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("municipality_code", "VARCHAR"), ("law", "VARCHAR"), ("provider_agb", "VARCHAR"),
    ("product_code", "VARCHAR"), ("client", "BIGINT"), ("mixed", "BOOLEAN"), ("end_year", "INTEGER"),
    ("end", "DATE"), ("days", "INTEGER"), ("reason_known", "BOOLEAN"), ("to_plan", "BOOLEAN"),
    ("goals", "VARCHAR"), ("follower_product", "VARCHAR"), ("window_end", "DATE"), ("repeated", "BOOLEAN"),
)  # fmt: skip
MIXED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("municipality_code", "VARCHAR"), ("law", "VARCHAR"), ("client", "BIGINT"), ("provider_agb", "VARCHAR"),
    ("product_code", "VARCHAR"), ("start", "DATE"), ("end", "DATE"), ("end_reason", "VARCHAR"),
    ("goals", "VARCHAR"),
)  # fmt: skip
DERIVED = ("ended", "mixed_trajectory", "line_client", "line_year", "product_year", "provider_year")
"""Tables built anew from the store (or the extract) at every refresh."""

_MARKS = ("line", "allocation", "delivery_event", "message")
"""The store tables whose highest id the extract remembers (``message``: an allocation changed
by the region goes out as a 301, so a new message means an allocation may have changed)."""


@dataclass(frozen=True, slots=True)
class ExtractStatus:
    """What an extract holds and whether it is behind the store."""

    path: Path
    exists: bool
    built_at: datetime | None = None
    refreshed_at: datetime | None = None
    rows: tuple[tuple[str, int], ...] = ()
    marks: tuple[tuple[str, int], ...] = ()
    store_marks: tuple[tuple[str, int], ...] = ()
    schema_version: int | None = None
    same_key: bool = True

    @property
    def fresh(self) -> bool:
        """Exists, has this version's tables and key, and has seen every row the store has."""
        return (
            self.exists
            and self.schema_version == SCHEMA_VERSION
            and self.same_key
            and dict(self.marks) == dict(self.store_marks)
        )

    @property
    def behind(self) -> dict[str, int]:
        """Per store table: how many ids the store is ahead of the extract."""
        mine = dict(self.marks)
        return {name: top - mine.get(name, 0) for name, top in self.store_marks if top > mine.get(name, 0)}


@dataclass(frozen=True, slots=True)
class RefreshResult:
    path: Path
    full: bool
    added: tuple[tuple[str, int], ...]
    """Rows written per table (trajectories: read again or new)."""
    seconds: float


def store_marks(connection: Connection) -> dict[str, int]:
    """The highest id of each table the extract follows (0 when empty); primary-key reads only."""
    ids = {
        "line": t.DeclarationLineRow.id,
        "allocation": t.AllocationRow.id,
        "delivery_event": t.DeliveryEventRow.id,
        "message": t.MessageRow.id,
    }
    return {name: int(connection.scalar(select(func.max(column))) or 0) for name, column in ids.items()}


def status(engine: Engine, path: Path, key: bytes, *, counts: bool = True) -> ExtractStatus:
    """What the extract at ``path`` holds, against the store's current high-water marks
    (``counts``: also the rows per table)."""
    with engine.connect() as connection:
        marks_now = store_marks(connection)
    if not path.exists():
        return ExtractStatus(path, False, store_marks=tuple(marks_now.items()))
    with read_only(path) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        marks = dict(con.execute("SELECT name, high_water FROM mark").fetchall())
        rows = tuple((name, _count(con, name)) for name in TABLES) if counts else ()
    return ExtractStatus(
        path=path,
        exists=True,
        built_at=_when(meta.get("built_at")),
        refreshed_at=_when(meta.get("refreshed_at")),
        rows=rows,
        marks=tuple((name, int(marks.get(name, 0))) for name in _MARKS),
        store_marks=tuple(marks_now.items()),
        schema_version=int(meta["schema_version"]) if "schema_version" in meta else None,
        same_key=meta.get("key") == Pseudonymiser(key).fingerprint,
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608 - our table names
    return int(found[0]) if found else 0


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the extract, for one reader (close it after use).

    Opening a DuckDB file costs about 100 ms, more than a figure: the process keeps one
    connection per extract and hands each reader a cursor of it (a cursor per thread, as DuckDB
    wants). A refresh replaces the file, so the connection is opened again when the file is
    another one than it was. :class:`ExtractError` when it cannot be opened."""
    import duckdb  # lazy: see the imports

    try:
        identity = path.stat()
    except OSError as exc:
        raise ExtractError(f"{path}: no analytics extract ({exc.strerror or exc})") from None
    key = str(path)
    with _OPEN_LOCK:
        cached = _OPEN.get(key)
        if cached is not None and cached[0] != (identity.st_ino, identity.st_mtime_ns, identity.st_size):
            cached[1].close()  # DuckDB keeps one instance per path: close it to see the new file
            cached = None
        if cached is None:
            try:
                con = duckdb.connect(key, read_only=True)
            except duckdb.Error as exc:
                raise ExtractError(
                    f"{path}: the analytics extract cannot be opened ({_first_line(exc)})"
                ) from None
            cached = ((identity.st_ino, identity.st_mtime_ns, identity.st_size), con)
            _OPEN[key] = cached
        return cached[1].cursor()


_OPEN: dict[str, tuple[tuple[int, int, int], duckdb.DuckDBPyConnection]] = {}
_OPEN_LOCK = threading.Lock()


def _forget(path: Path) -> None:
    with _OPEN_LOCK:
        cached = _OPEN.pop(str(path), None)
        if cached is not None:
            cached[1].close()


def close_all() -> None:
    """Close the connections this process keeps (tests, or before the file is removed)."""
    with _OPEN_LOCK:
        for _identity, con in _OPEN.values():
            con.close()
        _OPEN.clear()


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """:func:`open_read_only`, closed on leaving."""
    con = open_read_only(path)
    try:
        yield con
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


# -- refresh ------------------------------------------------------------------------------------


class RefreshBusy(ExtractError):
    """Another refresh of the same extract is running (and ``wait`` was not asked)."""


@contextmanager
def _refresh_lock(path: Path, wait: bool) -> Iterator[None]:
    """One refresh of an extract at a time (a lock file beside it, across processes)."""
    with (path.parent / f".{path.name}.lock").open("a") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy(f"{path}: another refresh of the analytics extract is running") from None
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


def refresh(
    engine: Engine, path: Path, key: bytes, *, full: bool = False, wait: bool = True
) -> RefreshResult:
    """Bring the extract at ``path`` up to the store (see the module docstring); a missing file,
    ``full``, another key or schema version build it anew. The work is done on a copy that
    replaces the file at the end, so readers never wait for a refresh nor see half of one.
    ``wait``: wait for a refresh that is running, else :class:`RefreshBusy`. Raises
    :class:`ExtractError`."""
    import duckdb  # lazy: see the imports

    started = datetime.now(UTC)
    pseudonym = Pseudonymiser(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _refresh_lock(path, wait):
        if not full and path.exists():
            try:
                with read_only(path) as con:
                    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            except (ExtractError, duckdb.Error):
                meta = {}
            full = (
                meta.get("schema_version") != str(SCHEMA_VERSION) or meta.get("key") != pseudonym.fingerprint
            )
        else:
            full = True
        target = path.with_name(f".{path.name}.{os.getpid()}.building")
        target.unlink(missing_ok=True)
        try:
            if not full:
                shutil.copyfile(path, target)
            added = _write(engine, target, pseudonym, full)
            os.replace(target, path)
            _forget(path)  # this process's readers open the new file at their next read
        except (duckdb.Error, OSError) as exc:
            raise ExtractError(f"{path}: the analytics refresh failed ({_first_line(exc)})") from None
        finally:
            target.unlink(missing_ok=True)
            Path(f"{target}.wal").unlink(missing_ok=True)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return RefreshResult(path, full, tuple(added.items()), seconds)


def _write(engine: Engine, target: Path, pseudonym: Pseudonymiser, full: bool) -> dict[str, int]:
    import duckdb  # lazy: see the imports

    con = duckdb.connect(str(target))
    try:
        with (
            engine.connect() as store,
            tempfile.TemporaryDirectory(dir=target.parent, prefix=".staging-") as tmp,
        ):
            copier = _Copier(store, con, pseudonym, Path(tmp))
            con.execute("BEGIN TRANSACTION")
            if full:
                _create(con)
            added = copier.copy(full)
            if full or added["trajectory"] or added["decision"] or copier.allocations_gone:
                added.update(copier.ended())
            # else no allocation, 305/307 or decision changed: the trajectory facts stand
            _aggregate(con)
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
            meta = {"schema_version": str(SCHEMA_VERSION), "key": pseudonym.fingerprint, "refreshed_at": now}
            if full:
                meta["built_at"] = now
            for name, value in meta.items():
                con.execute("DELETE FROM meta WHERE key = ?", [name])
                con.execute("INSERT INTO meta VALUES (?, ?)", [name, value])
            con.execute("COMMIT")
        return added
    finally:
        con.close()


def _aggregate(con: duckdb.DuckDBPyConnection) -> None:
    """``line_client``: the approved lines summed per client and everything a figure groups or
    filters by (municipality, law, year, provider, product, category), ordered by municipality,
    law and year so a municipality's figures read only its part. Distinct clients and sums are
    the same as over ``line``, on about a twelfth of the rows (a client has a line a month);
    rebuilt from ``line`` at every refresh (seconds, even at ten million lines)."""
    con.execute(
        """CREATE OR REPLACE TABLE line_client AS
           SELECT municipality_code, law, year, provider_agb, product_code, category, client,
                  sum(granted_cents) AS cents, sum(volume) AS volume
           FROM line GROUP BY ALL ORDER BY municipality_code, law, year, client"""
    )
    # the dashboard's trend and products of a municipality: distinct clients per group are exact
    con.execute(
        """CREATE OR REPLACE TABLE line_year AS
           SELECT municipality_code, law, year, count(DISTINCT client) AS clients,
                  coalesce(sum(cents), 0) AS cents
           FROM line_client GROUP BY ALL ORDER BY municipality_code, law, year"""
    )
    # the region's clients and cost per provider and year, per law and (law NULL) both together
    con.execute(
        """CREATE OR REPLACE TABLE provider_year AS
           SELECT law, year, provider_agb, count(DISTINCT client) AS clients,
                  coalesce(sum(cents), 0) AS cents
           FROM line_client GROUP BY GROUPING SETS ((law, year, provider_agb), (year, provider_agb))
           ORDER BY year, law, provider_agb"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE product_year AS
           SELECT municipality_code, law, year, coalesce(product_code, '') AS product_code,
                  count(DISTINCT client) AS clients, coalesce(sum(cents), 0) AS cents,
                  coalesce(sum(volume), 0) AS volume
           FROM line_client GROUP BY ALL ORDER BY municipality_code, law, year"""
    )


def _create(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in _TABLES.items():
        body = ", ".join(f'"{column}" {kind}' for column, kind in columns)
        con.execute(f'CREATE TABLE "{name}" ({body})')
    con.execute("CREATE TABLE mark (name VARCHAR, high_water BIGINT)")
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")


class _Copier:
    """Reads the store (region-wide: the extract is the region's; readers apply their scope),
    pseudonymises and stages rows, and loads them into the extract."""

    def __init__(
        self, store: Connection, con: duckdb.DuckDBPyConnection, pseudonym: Pseudonymiser, tmp: Path
    ):
        self.store = store
        self.con = con
        self.pseudonym = pseudonym
        self.tmp = tmp
        self.staged = 0
        self.allocations_gone = False

    def copy(self, full: bool) -> dict[str, int]:
        marks = {} if full else dict(self.con.execute("SELECT name, high_water FROM mark").fetchall())
        now = store_marks(self.store)
        added = {"line": self._lines(int(marks.get("line", 0)), now["line"])}
        if full:
            added["trajectory"] = self._trajectories(None)
        else:
            changed = self._changed_allocations(int(marks.get("delivery_event", 0)), now["delivery_event"])
            added["trajectory"] = self._trajectories(changed)
        added["decision"] = self._decisions(full)
        for name in ("provider", "municipality", "product"):
            added[name] = self._dimension(name)
        self.con.execute("DELETE FROM mark")
        # the marks as read before copying: lines are copied up to them, so a line that came in
        # meanwhile is copied by the next refresh, and none twice
        self.con.executemany("INSERT INTO mark VALUES (?, ?)", [[name, now[name]] for name in _MARKS])
        return added

    # the staging: rows -> CSV -> DuckDB's CSV reader (fast, and no extension or pandas needed)
    def _load(
        self, table: str, rows: Iterable[Sequence[Any]], columns: tuple[tuple[str, str], ...] | None = None
    ) -> int:
        columns = columns or _TABLES[table]
        spec = "{" + ", ".join(f"'{c}': '{k}'" for c, k in columns) + "}"
        total = 0
        batch: list[Sequence[Any]] = []

        def flush() -> None:
            self.staged += 1
            staging = self.tmp / f"{table}-{self.staged}.csv"
            with staging.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(batch)
            self.con.execute(
                f'INSERT INTO "{table}" SELECT * FROM read_csv(?, header = false, columns = {spec}, '  # noqa: S608
                "nullstr = '', quote = '\"', escape = '\"', auto_detect = false)",
                [str(staging)],
            )
            staging.unlink()
            batch.clear()

        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                total += len(batch)
                flush()
        if batch:
            total += len(batch)
            flush()
        return total

    def _lines(self, after: int, upto: int) -> int:
        L = t.DeclarationLineRow
        # the dates as the store's text (YYYY-MM-DD on SQLite and PostgreSQL alike): DuckDB reads
        # them from the CSV, and turning ten million of them into Python dates and back is most
        # of a full build's time
        query = (
            select(
                L.id, L.municipality_code, L.law, L.provider_agb, L.product_code, L.category,
                cast(L.period_start, String), cast(L.period_end, String), L.client_bsn, L.granted_cents,
                L.volume, L.allocation_number,
            )
            .where(L.id > after, L.id <= upto, L.status == LineStatus.APPROVED.value)
            .order_by(L.id)
        )  # fmt: skip
        pseudonym = self.pseudonym

        def rows() -> Iterator[tuple[Any, ...]]:
            result = self.store.execution_options(yield_per=BATCH).execute(query)
            for i, m, law, agb, product, cat, start, end, bsn, cents, volume, number in result:
                yield (
                    i,
                    m,
                    law,
                    agb,
                    product,
                    cat,
                    start[:10],
                    end[:10],
                    start[:4],
                    pseudonym(bsn),
                    cents,
                    volume,
                    number,
                )

        return self._load("line", rows())

    def ended(self) -> dict[str, int]:
        """``ended`` and ``mixed_trajectory`` anew (see the module docstring): the store's
        trajectories and decisions as the benchmark reads them, decided per law by the domain."""
        store_pseudonym = self.pseudonym

        def pseudonym(bsn: str) -> str:
            return str(store_pseudonym(bsn))

        with Session(bind=self.store) as session:
            located, decisions = MonitoringQueries(session).located_facts(None, frozenset(), pseudonym)
        places: dict[tuple[str, str], set[str]] = {}
        for code, item in located:
            places.setdefault((item.client, item.law.value), set()).add(code)
        for code, decision in decisions:
            places.setdefault((decision.client, decision.law.value), set()).add(code)
        mixed = {key for key, codes in places.items() if len(codes) > 1}
        facts = ended_facts([item for _code, item in located], [d for _code, d in decisions])

        def ended_rows() -> Iterator[tuple[Any, ...]]:
            for fact in facts:
                item = fact.trajectory
                assert item.end is not None
                key = (item.client, item.law.value)
                (code,) = (None,) if key in mixed else places[key]
                yield (
                    code, item.law.value, item.provider_agb, item.product_code, int(item.client),
                    key in mixed, item.end.year, item.end, fact.days, item.end_reason is not None,
                    ended_to_plan(item), item.goals.value if item.goals else None, fact.follower_product,
                    fact.window_end, fact.repeated,
                )  # fmt: skip

        def mixed_rows() -> Iterator[tuple[Any, ...]]:
            for code, item in located:
                if (item.client, item.law.value) in mixed:
                    yield (
                        code, item.law.value, int(item.client), item.provider_agb, item.product_code,
                        item.start, item.end, item.end_reason, item.goals.value if item.goals else None,
                    )  # fmt: skip

        added = {}
        for table, columns, rows, order in (
            ("ended", ENDED_COLUMNS, ended_rows(), "law, end_year, municipality_code, provider_agb"),
            ("mixed_trajectory", MIXED_COLUMNS, mixed_rows(), "law, client"),
        ):
            body = ", ".join(f'"{column}" {kind}' for column, kind in columns)
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "staged_{table}" ({body})')
            added[table] = self._load(f"staged_{table}", rows, columns)
            # ordered, so a year's and a municipality's rows lie together (DuckDB's zone maps)
            self.con.execute(
                f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM "staged_{table}" ORDER BY {order}'  # noqa: S608
            )
            self.con.execute(f'DROP TABLE "staged_{table}"')
        return added

    def _changed_allocations(self, events_after: int, events_upto: int) -> set[int] | None:
        """Allocation ids whose trajectory must be read again: new ones, those whose end or goals
        reached or referrer differ from the extract's, those with a 305/307 after the mark. None: all."""
        A, D = t.AllocationRow, t.DeliveryEventRow
        columns = (("id", "BIGINT"), ("valid_to", "DATE"), ("goals", "VARCHAR"), ("referrer", "VARCHAR"))
        self.con.execute(
            "CREATE TEMP TABLE store_allocation (id BIGINT, valid_to DATE, goals VARCHAR, referrer VARCHAR)"
        )
        light = self.store.execution_options(yield_per=BATCH).execute(
            select(A.id, A.valid_to, A.goals_reached, A.referrer_type)
        )
        self._load("store_allocation", light, columns)
        changed = {
            int(i)
            for (i,) in self.con.execute(
                """SELECT s.id FROM store_allocation s LEFT JOIN trajectory a ON a.allocation_id = s.id
                   WHERE a.allocation_id IS NULL OR a.allocation_end IS DISTINCT FROM s.valid_to
                      OR a.goals_reached IS DISTINCT FROM s.goals
                      OR a.referrer_type IS DISTINCT FROM s.referrer"""
            ).fetchall()
        }
        # allocations that are gone from the store go from the extract
        gone = self.con.execute(
            "DELETE FROM trajectory WHERE allocation_id NOT IN (SELECT id FROM store_allocation) RETURNING 1"
        ).fetchall()
        self.allocations_gone = bool(gone)
        self.con.execute("DROP TABLE store_allocation")
        touched = self.store.execute(
            select(A.id)
            .join(
                D,
                and_(
                    D.municipality_code == A.municipality_code,
                    D.law == A.law,
                    D.allocation_number == A.number,
                ),
            )
            .where(D.id > events_after, D.id <= events_upto)
        )
        changed.update(int(i) for (i,) in touched)
        return None if len(changed) > _REREAD_ALL else changed

    def _trajectories(self, ids: set[int] | None) -> int:
        """(Re)write the trajectories of allocations ``ids`` (None: all of them)."""
        A, D = t.AllocationRow, t.DeliveryEventRow
        latest_stop = (
            select(func.max(D.id))
            .where(
                D.kind == "stop",
                D.current.is_(True),
                D.municipality_code == A.municipality_code,
                D.law == A.law,
                D.allocation_number == A.number,
            )
            .correlate(A)
            .scalar_subquery()
        )
        query = select(
            A.id, A.municipality_code, A.law, A.provider_agb, A.product_code, A.category, A.client_bsn,
            A.valid_from, A.valid_to, A.goals_reached, D.end_date, D.end_reason, A.number, A.referrer_type,
        ).outerjoin(D, D.id == latest_stop)  # fmt: skip
        pseudonym = self.pseudonym

        def shaped(result: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
            for row in result:
                (
                    i,
                    m,
                    law,
                    agb,
                    product,
                    cat,
                    bsn,
                    start,
                    valid_to,
                    goals,
                    stop_end,
                    reason,
                    number,
                    referrer,
                ) = row
                end = stop_end if stop_end is not None else valid_to
                client = pseudonym(bsn)
                yield (
                    i,
                    m,
                    law,
                    agb,
                    product,
                    cat,
                    client,
                    start,
                    end,
                    reason,
                    goals,
                    valid_to,
                    number,
                    referrer,
                )

        if ids is None:
            self.con.execute("DELETE FROM trajectory")
            result = self.store.execution_options(yield_per=BATCH).execute(query.order_by(A.id))
            return self._load("trajectory", shaped(result))
        ordered = sorted(ids)
        total = 0
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            self.con.execute("DELETE FROM trajectory WHERE list_contains(?, allocation_id)", [chunk])
            total += self._load("trajectory", shaped(self.store.execute(query.where(A.id.in_(chunk)))))
        return total

    def _decisions(self, full: bool) -> int:
        """New decisions (by id; decisions keep their id and day). ``full``: all."""
        C = t.DecisionRow
        pseudonym = self.pseudonym
        known: set[int] = set()
        if not full:
            # decisions are never deleted: as many in the store as here means none is new
            if int(self.store.scalar(select(func.count()).select_from(C)) or 0) == _count(
                self.con, "decision"
            ):
                return 0
            known = {int(d) for (d,) in self.con.execute("SELECT decision FROM decision").fetchall()}
        result = self.store.execution_options(yield_per=BATCH).execute(
            select(C.id, C.client_bsn, C.municipality_code, C.law, C.product_code, C.decided_on)
        )

        def rows() -> Iterator[tuple[Any, ...]]:
            for ident, bsn, m, law, product, day in result:
                key = pseudonym(f"decision:{ident}")
                if key not in known:
                    yield (key, pseudonym(bsn), m, law, product, day)

        return self._load("decision", rows())

    def _dimension(self, table: str) -> int:
        if table == "provider":
            query: Any = select(t.ProviderRow.agb_code, t.ProviderRow.name)
        elif table == "municipality":
            query = select(t.MunicipalityRow.code, t.MunicipalityRow.name)
        else:
            P = t.ProductRow
            query = select(P.law, P.code, P.category, P.name, P.unit)
        self.con.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our table names
        return self._load(table, self.store.execute(query))


__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "ExtractError",
    "ExtractStatus",
    "Pseudonymiser",
    "RefreshBusy",
    "RefreshResult",
    "close_all",
    "extract_key",
    "open_read_only",
    "read_only",
    "refresh",
    "status",
]
