# SPDX-License-Identifier: EUPL-1.2
"""One named query per figure, in DuckDB SQL over the analytics extract.

Each query reads the tables of :mod:`zorginkoop.adapters.analytics.extract` (the lines through
``line_client``, the lines summed per client) and means what the
store's query of the same figure means (``adapters/db/queries.py`` and ``dashboard_queries.py``:
approved lines whose period starts in the year; clients are distinct client pseudonyms), so the
figures agree with ``report costs`` and ``report providers``; the tests hold them side by side
on the demo.

A query's text has ``{scope}`` placeholders, one per table alias it reads (``{scope:l}``: the
alias ``l``); :class:`Figures` fills them with the reader's scope, so no query can be run
without it: the region sees everything, a municipality scope its municipalities' rows, a
provider scope the rows about its own care. Parameters are DuckDB's named ``$parameters``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zorginkoop.adapters.analytics.extract import ExtractError, read_only
from zorginkoop.domain.access import Scope, ScopeKind

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    figure: str
    """What the figure is, in a line (also the help of ``analytics queries``)."""
    sql: str


_QUERIES = (
    NamedQuery(
        "cost_by_municipality",
        "per municipality: distinct clients and approved cost of the year (report costs)",
        """SELECT m.code, m.name, count(DISTINCT l.client), coalesce(sum(l.cents), 0)
           FROM line_client l JOIN municipality m ON m.code = l.municipality_code
           WHERE {scope:l} AND l.year = $year AND ($law IS NULL OR l.law = $law)
           GROUP BY m.code, m.name ORDER BY lower(m.name)""",
    ),
    NamedQuery(
        "distinct_clients",
        "distinct clients of the year across the municipalities in scope (report costs' total)",
        """SELECT count(DISTINCT l.client) FROM line_client l
           WHERE {scope:l} AND l.year = $year AND ($law IS NULL OR l.law = $law)""",
    ),
    NamedQuery(
        "municipality_totals",
        "dashboard: clients and approved cost of one municipality, year and law",
        """SELECT count(DISTINCT l.client), coalesce(sum(l.cents), 0) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law""",
    ),
    NamedQuery(
        "trend",
        "dashboard: clients and approved cost per year up to and including the year",
        """SELECT l.year, count(DISTINCT l.client), coalesce(sum(l.cents), 0) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.law = $law AND l.year <= $year
           GROUP BY l.year ORDER BY l.year""",
    ),
    NamedQuery(
        "by_product",
        "dashboard: per product, distinct clients, approved cost and volume",
        """SELECT coalesce(l.product_code, '') AS product, count(DISTINCT l.client),
                  coalesce(sum(l.cents), 0), coalesce(sum(l.volume), 0)
           FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
           GROUP BY product""",
    ),
    NamedQuery(
        "totals_of_products",
        "dashboard: clients and cost of some products (the heaviest)",
        """SELECT count(DISTINCT l.client), coalesce(sum(l.cents), 0) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
             AND list_contains($products, l.product_code)""",
    ),
    NamedQuery(
        "totals_of_categories",
        "dashboard: clients and cost of some categories (Jeugd GGZ: JZ020 51, 52, 54)",
        """SELECT count(DISTINCT l.client), coalesce(sum(l.cents), 0) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
             AND list_contains($categories, l.category)""",
    ),
    NamedQuery(
        "totals_outside_categories",
        "dashboard: clients and cost of every other category (youth care other than GGZ)",
        """SELECT count(DISTINCT l.client), coalesce(sum(l.cents), 0) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
             AND NOT list_contains($categories, l.category)""",
    ),
    NamedQuery(
        "by_referrer",
        "dashboard: per referrer type (COD327) of the allocation a line is declared on, distinct "
        "clients and approved cost (no referrer recorded: null)",
        """SELECT a.referrer_type, count(DISTINCT l.client), coalesce(sum(l.granted_cents), 0)
           FROM line l LEFT JOIN trajectory a
             ON {scope:a} AND a.municipality_code = l.municipality_code AND a.law = l.law
                AND a.allocation_number = l.allocation_number
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
           GROUP BY a.referrer_type""",
    ),
    NamedQuery(
        "dashboard_totals",
        "dashboard, in one scan: clients and approved cost of the municipality, year and law; of "
        "some products (the heaviest); of some categories (Jeugd GGZ) and of every other category",
        """SELECT count(DISTINCT l.client), coalesce(sum(l.cents), 0),
                  count(DISTINCT l.client) FILTER (WHERE list_contains($products, l.product_code)),
                  coalesce(sum(l.cents) FILTER (WHERE list_contains($products, l.product_code)), 0),
                  count(DISTINCT l.client) FILTER (WHERE list_contains($categories, l.category)),
                  coalesce(sum(l.cents) FILTER (WHERE list_contains($categories, l.category)), 0),
                  count(DISTINCT l.client) FILTER (WHERE NOT list_contains($categories, l.category)),
                  coalesce(sum(l.cents) FILTER (WHERE NOT list_contains($categories, l.category)), 0)
           FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law""",
    ),
    NamedQuery(
        "cost_by_provider_of_region",
        "concentration and benchmark (the whole region, nothing excluded): per provider, distinct "
        "clients and approved cost, summed at refresh ($law NULL: both laws)",
        """SELECT p.agb_code, p.name, y.clients, y.cents
           FROM provider_year y JOIN provider p ON p.agb_code = y.provider_agb
           WHERE {scope:y} AND y.year = $year AND y.law IS NOT DISTINCT FROM $law""",
    ),
    NamedQuery(
        "trend_of_municipality",
        "dashboard (region and municipality scopes): trend, from the clients and cost per "
        "municipality, law and year summed at refresh",
        """SELECT y.year, y.clients, y.cents FROM line_year y
           WHERE {scope:y} AND y.municipality_code = $municipality AND y.law = $law AND y.year <= $year
           ORDER BY y.year""",
    ),
    NamedQuery(
        "by_product_of_municipality",
        "dashboard (region and municipality scopes): by_product, from the clients, cost and volume "
        "per municipality, law, year and product summed at refresh",
        """SELECT p.product_code, p.clients, p.cents, p.volume FROM product_year p
           WHERE {scope:p} AND p.municipality_code = $municipality AND p.year = $year AND p.law = $law""",
    ),
    NamedQuery(
        "new_clients",
        "dashboard: clients of the year without an approved line under the law in the municipality the year before",
        """SELECT count(DISTINCT l.client) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
             AND l.client NOT IN (
                 SELECT b.client FROM line_client b
                 WHERE {scope:b} AND b.municipality_code = $municipality AND b.law = $law
                   AND b.year = $year - 1)""",
    ),
    NamedQuery(
        "ended_clients",
        "dashboard: clients of the year none of whose allocations under the law in the municipality runs past 31 December",
        """SELECT count(DISTINCT l.client) FROM line_client l
           WHERE {scope:l} AND l.municipality_code = $municipality AND l.year = $year AND l.law = $law
             AND l.client NOT IN (
                 SELECT a.client FROM trajectory a
                 WHERE {scope:a} AND a.municipality_code = $municipality AND a.law = $law
                   AND (a.allocation_end IS NULL OR a.allocation_end > make_date($year, 12, 31)))""",
    ),
    NamedQuery(
        "ended_trajectories",
        "dashboard: trajectories ended in the year (end reason not 20, temporary): number, distinct "
        "clients, days in all (start and end counted) and the number ended according to plan",
        """SELECT count(*), count(DISTINCT a.client),
                  coalesce(sum(date_diff('day', a.start, a."end") + 1), 0),
                  count(*) FILTER (WHERE list_contains($to_plan, a.end_reason))
           FROM trajectory a
           WHERE {scope:a} AND a.municipality_code = $municipality AND a.law = $law
             AND a."end" BETWEEN make_date($year, 1, 1) AND make_date($year, 12, 31)
             AND a."end" >= a.start AND coalesce(a.end_reason, '') <> '20'""",
    ),
    NamedQuery(
        "cost_by_provider",
        "concentration and report providers: per provider, distinct clients and approved cost",
        """SELECT p.agb_code, p.name, count(DISTINCT l.client), coalesce(sum(l.cents), 0)
           FROM line_client l JOIN provider p ON p.agb_code = l.provider_agb
           WHERE {scope:l} AND l.year = $year AND ($law IS NULL OR l.law = $law)
             AND NOT list_contains($exclude, l.municipality_code)
           GROUP BY p.agb_code, p.name""",
    ),
)

_ENDED_COUNTS = """count(*), count(DISTINCT e.client), coalesce(sum(e.days), 0),
       count(*) FILTER (WHERE e.to_plan), count(*) FILTER (WHERE e.reason_known),
       count(DISTINCT e.client) FILTER (WHERE e.reason_known),
       count(*) FILTER (WHERE e.goals = 'reached'), count(*) FILTER (WHERE e.goals IS NOT NULL),
       count(DISTINCT e.client) FILTER (WHERE e.goals IS NOT NULL),
       count(*) FILTER (WHERE NOT e.repeated AND e.window_end <= $as_of),
       count(*) FILTER (WHERE e.repeated OR e.window_end <= $as_of),
       count(DISTINCT e.client) FILTER (WHERE e.repeated OR e.window_end <= $as_of),
       count(*) FILTER (WHERE coalesce(
           list_extract($weights, list_position($weighed, e.law || ' ' || e.follower_product))
           < list_extract($weights, list_position($weighed, e.law || ' ' || e.product_code)), false))"""
"""The counts of :class:`~zorginkoop.domain.monitoring.EndedCounts`, in its order (ended, people,
days; then part, judged, people of to plan, goals, no repeat; scale-down's part: it judges all)."""

_ENDED_WHERE = """{scope:e} AND e.end_year = $year AND list_contains($laws, e.law)
           AND ($whole OR (NOT e.mixed AND list_contains($municipalities, e.municipality_code)))"""

_TRAJECTORY_QUERIES = (
    NamedQuery(
        "ended_by_provider",
        "benchmark: per provider, the counts of its trajectories that ended in the year (number, "
        "clients, days, and per share what it counts); the clients of more than one municipality "
        "only when the whole region is read ($whole)",
        f"""SELECT e.provider_agb, {_ENDED_COUNTS} FROM ended e
           WHERE {_ENDED_WHERE} GROUP BY e.provider_agb""",  # noqa: S608 - our own fragments
    ),
    NamedQuery(
        "ended_counts",
        "dashboard: the counts of the trajectories that ended in the year (as ended_by_provider, "
        "all providers together)",
        f"""SELECT {_ENDED_COUNTS} FROM ended e WHERE {_ENDED_WHERE}""",  # noqa: S608 - our own fragments
    ),
    NamedQuery(
        "mixed_trajectories",
        "the raw trajectories of clients whose care or decisions lie in more than one municipality, "
        "in the municipalities asked (decided again in Python for a reader of part of the region)",
        """SELECT m.client, m.provider_agb, m.product_code, m.law, m.start, m."end", m.end_reason, m.goals
           FROM mixed_trajectory m
           WHERE {scope:m} AND list_contains($laws, m.law) AND list_contains($municipalities, m.municipality_code)""",
    ),
    NamedQuery(
        "mixed_decisions",
        "the decisions of the clients in mixed_trajectory, in the municipalities asked",
        """SELECT d.client, d.law, d.day FROM decision d
           WHERE {scope:d} AND list_contains($laws, d.law) AND list_contains($municipalities, d.municipality_code)
             AND d.client IN (SELECT m.client FROM mixed_trajectory m WHERE m.law = d.law)""",
    ),
)

QUERIES: Mapping[str, NamedQuery] = {q.name: q for q in (*_QUERIES, *_TRAJECTORY_QUERIES)}
"""Every figure the analytics layer answers, by name."""

_PLACEHOLDER = re.compile(r"\{scope:(\w+)\}")


def scoped(sql: str, scope: Scope) -> tuple[str, dict[str, Any]]:
    """``sql`` with each ``{scope:alias}`` replaced by the scope's predicate on that alias, and
    the parameter the predicates read (the scope's codes)."""
    if scope.kind is ScopeKind.REGION:
        return _PLACEHOLDER.sub("TRUE", sql), {}
    column = "municipality_code" if scope.kind is ScopeKind.MUNICIPALITY else "provider_agb"
    text = _PLACEHOLDER.sub(lambda m: f"list_contains($scope_codes, {m.group(1)}.{column})", sql)
    return text, {"scope_codes": sorted(scope.codes)}


class Figures:
    """Runs named queries on one read-only connection to the extract, within a scope."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
        self.con = con
        self.scope = scope

    def rows(self, name: str, **params: Any) -> list[tuple[Any, ...]]:
        import duckdb  # lazy: the app starts without DuckDB

        query = QUERIES[name]
        sql, scope_params = scoped(query.sql, self.scope)
        used = set(re.findall(r"\$(\w+)", sql))
        given = {k: v for k, v in {**params, **scope_params}.items() if k in used}
        missing = used - set(given)
        if missing:
            raise ValueError(f"query {name!r} needs {', '.join(sorted(missing))}")
        try:
            return self.con.execute(sql, given).fetchall()
        except duckdb.Error as exc:
            raise ExtractError(f"analytics query {name!r} failed: {str(exc).splitlines()[0]}") from None

    def one(self, name: str, **params: Any) -> tuple[Any, ...]:
        found = self.rows(name, **params)
        if len(found) != 1:
            raise ExtractError(f"analytics query {name!r} gave {len(found)} rows, not one")
        return found[0]


@contextmanager
def figures(path: Path, scope: Scope) -> Iterator[Figures]:
    """The named queries over the extract at ``path``, read within ``scope``."""
    with read_only(path) as con:
        yield Figures(con, scope)
