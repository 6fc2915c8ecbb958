# SPDX-License-Identifier: EUPL-1.2
"""Monitoring use cases: provider concentration, coverage (dekkend aanbod), the municipality
dashboard and the provider benchmark.

They read aggregates and region facts through the unit of work (its scope applies), hand them
to the pure functions of :mod:`zorginkoop.domain.monitoring` and return typed rows. No personal
data is read: the concentration counts distinct clients per provider in the store (the same
query as ``report providers``, so the sums agree) and coverage counts clients in care.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from zorginkoop.adapters.analytics.queries import Figures
from zorginkoop.adapters.db.dashboard_queries import DashboardQueries, ProductRow
from zorginkoop.adapters.db.monitoring_queries import MonitoringQueries
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import contracted_for_law, providers_closed_by_collective_ceilings
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import (
    AMOUNT_FIGURES,
    BENCHMARK_FIGURES,
    COUNT_FIGURES,
    GGZ_CATEGORIES,
    BenchmarkLine,
    CoverageCell,
    DecisionFact,
    EndedCounts,
    EndedFact,
    EndedInYear,
    GoalsReached,
    Measure,
    MonitoringError,
    PeerSpread,
    ProviderPareto,
    ProviderSpend,
    ProviderYear,
    ReferrerCount,
    ReferrerFigure,
    ShareCount,
    Trajectory,
    UnitTariff,
    all_peer_medians,
    benchmark_lines,
    benchmark_lines_of,
    by_referrer,
    coverage,
    disclosed_share,
    ended_counts,
    ended_facts,
    ended_in_year,
    ended_in_year_of,
    heaviest_products,
    peer_spread,
    provider_pareto,
    rounded_figure,
)
from zorginkoop.domain.monitoring import provider_view as provider_view_line
from zorginkoop.domain.processing import Group
from zorginkoop.services import analytics, reports
from zorginkoop.services.processing_log import record_group_read
from zorginkoop.services.survey import read_satisfaction


class MonitoringQueryError(ValueError):
    """A monitoring question the store cannot answer (unknown municipality, bad minimum)."""


def concentration(
    uow: UnitOfWork,
    year: int,
    law: Law | None,
    exclude: list[str] | None = None,
    measure: Measure = Measure.COST,
) -> ProviderPareto:
    """Providers ranked by approved cost (or clients) in ``year``, with the memo's reading: how
    many of the largest hold 80% and 90%, and the tail under 7 clients. Built on the lines of
    ``report providers`` (:func:`zorginkoop.services.reports.costs_by_provider`), read from the
    analytics extract's ``cost_by_provider`` when the extract is up to date (the same figures)."""
    with uow:
        try:
            excluded = reports.resolve_municipalities(uow, exclude or [])
            with analytics.fresh_figures(uow) as figures:
                if figures is not None:
                    spend = [
                        ProviderSpend(p.agb_code, p.name, p.clients, p.cost)
                        for p in _provider_years(figures, year, law, excluded)
                    ]
                else:
                    lines = reports.costs_by_provider(uow, year, law, exclude)
                    spend = [ProviderSpend(p.agb, p.provider, p.clients, p.cost) for p in lines]
        except reports.ReportError as exc:
            raise MonitoringQueryError(str(exc)) from None
        record_group_read(uow, "monitor.concentration", Group.of(law=law, year=year, exclude=excluded))
    return provider_pareto(spend, measure)


@dataclass(frozen=True, slots=True)
class CoverageLine:
    """One municipality and target group on a day: the providers available, and the gap flag."""

    municipality_code: str
    municipality: str
    target_group: TargetGroup
    providers: tuple[str, ...]
    """AGB codes of the available providers, sorted."""
    provider_names: tuple[str, ...]
    minimum: int
    gap: bool

    @property
    def available(self) -> int:
        return len(self.providers)


def coverage_on(uow: UnitOfWork, on: date, law: Law = Law.WMO, minimum: int = 1) -> list[CoverageLine]:
    """Coverage of the region's offer on ``on``: per municipality (those the scope sees) and
    target group of ``law``, the providers contracted for ``law`` on that day, serving the
    municipality and target group, not on client stop, with room (capacity against clients in
    care on the day) and not closed by a reached collective ceiling; ``gap`` where fewer than
    ``minimum`` are left."""
    with uow:
        municipalities = uow.region.municipality_names()
        providers = uow.providers.all()
        contracts = uow.contracts.contracts()
        contracted = contracted_for_law(contracts, uow.contracts.frameworks(), law, on)
        closed = providers_closed_by_collective_ceilings(
            contracts,
            uow.contracts.collective_ceilings(on.year),
            uow.contracts.reached_collective_ceilings(on.year),
            on,
        )
        in_care = uow.workflow.clients_in_care(on)
        record_group_read(uow, "monitor.coverage", Group.of(law=law, on=on))
    # the offer is no personal data: a provider scope sees the whole region's coverage
    visible = [
        code
        for code in municipalities
        if uow.scope.kind is ScopeKind.PROVIDER or uow.scope.sees_municipality(code)
    ]
    try:
        cells = coverage(providers, visible, law, contracted - set(closed), in_care, minimum)
    except MonitoringError as exc:
        raise MonitoringQueryError(str(exc)) from None
    names = {p.agb_code: p.name for p in providers}
    lines = [_line(cell, municipalities, names) for cell in cells]
    return sorted(lines, key=lambda line: line.municipality.lower())  # stable: target groups keep their order


def _line(cell: CoverageCell, municipalities: dict[str, str], names: dict[str, str]) -> CoverageLine:
    return CoverageLine(
        municipality_code=cell.municipality_code,
        municipality=municipalities.get(cell.municipality_code, cell.municipality_code),
        target_group=cell.target_group,
        providers=cell.providers,
        provider_names=tuple(names.get(agb, agb) for agb in cell.providers),
        minimum=cell.minimum,
        gap=cell.gap,
    )


# -- the municipality dashboard ------------------------------------------------------------------


class OutsideScope(MonitoringQueryError):
    """A municipality the region knows but the reader's scope does not see (the API answers 404)."""


@dataclass(frozen=True, slots=True)
class GroupFigure:
    """Clients and approved cost of a part of the year's care, with its share of the cost (None
    when the part or the whole is about fewer than 10 people)."""

    clients: int
    cost: Money
    cost_share: Decimal | None


@dataclass(frozen=True, slots=True)
class ProductFigure:
    """One product in the dashboard's year: distinct clients, approved cost and volume (in the
    product's unit), its share of the cost (suppressed under 10 people) and whether it is one of
    the heaviest (:func:`zorginkoop.domain.monitoring.heaviest_products`)."""

    product_code: str
    name: str
    category: str
    unit: str
    clients: int
    cost: Money
    volume: int
    cost_share: Decimal | None
    heaviest: bool


@dataclass(frozen=True, slots=True)
class TrendYear:
    year: int
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A municipality's figures of one year and law (the policy adviser's dashboard).

    Counts and amounts are exact (the region's own roles read them); shares are None over fewer
    than 10 people. ``clients`` and ``cost`` are those of ``report costs``."""

    municipality_code: str
    municipality: str
    year: int
    law: Law
    clients: int
    cost: Money
    new_clients: int
    """Clients of the year without an approved line under the law in the year before."""
    ended_clients: int
    """Clients of the year whose allocations under the law all ended by 31 December."""
    by_product: tuple[ProductFigure, ...]
    trend: tuple[TrendYear, ...]
    """Every year up to and including ``year`` with approved lines, oldest first."""
    heaviest_products: tuple[str, ...]
    heaviest: GroupFigure
    ggz: GroupFigure | None
    """Jeugd only: JZ020 51, 52 and 54 (:data:`~zorginkoop.domain.monitoring.GGZ_CATEGORIES`)."""
    other_youth_care: GroupFigure | None
    """Jeugd only: every other category."""
    source: str = "store"
    """Where the counts were read: ``analytics`` (the extract's named queries) or ``store``."""
    trajectories_ended: int = 0
    """Trajectories (a provider's care with one product) that ended definitively in the year."""
    average_days: Decimal | None = None
    """Average duration of those trajectories, in days (None over fewer than 10 people)."""
    ended_to_plan: Decimal | None = None
    """Share of those that ended according to plan (WMO588 19 / JZ588 31; None under 10 people)."""
    by_referrer: tuple[ReferrerFigure, ...] = ()
    """Jeugd only: clients and cost per referrer type of the allocations (COD327, Verwijzer)."""

    @property
    def cost_per_client(self) -> Money | None:
        return Money.of(self.cost.to_decimal() / Decimal(self.clients)) if self.clients else None


def dashboard(uow: UnitOfWork, municipality: str, year: int, law: Law = Law.WMO) -> Dashboard:
    """The dashboard of ``municipality`` (CBS code or name) for ``year`` and ``law``.

    Raises :class:`MonitoringQueryError` for a municipality the region does not know and
    :class:`OutsideScope` for one the unit of work's scope does not see. Reads counts and sums
    only (as the reports do): no personal data leaves the store; the read is logged once, its
    subject the group (:func:`~zorginkoop.services.processing_log.record_group_read`). The counts come from the analytics extract's named
    queries when it is up to date (:func:`zorginkoop.services.analytics.fresh_figures`), else
    from the store; both give the same figures."""
    start = date(year, 1, 1)
    with uow:
        try:
            (code,) = reports.resolve_municipalities(uow, [municipality])
        except reports.ReportError as exc:
            raise MonitoringQueryError(str(exc)) from None
        if not uow.scope.sees_municipality(code):
            raise OutsideScope(f"municipality {municipality!r} is outside your scope ({uow.scope})")
        name = uow.region.municipality_names()[code]
        catalogue = {p.code: p for p in uow.catalogue.products(law)}
        heaviest = heaviest_products(
            UnitTariff(t.product_code, catalogue[t.product_code].unit.value, t.amount.cents)
            for t in uow.catalogue.tariffs(law)
            if t.valid.contains(start) and t.product_code in catalogue
        )
        ended: EndedInYear | None = None
        with analytics.fresh_figures(uow) as figures:
            if figures is not None:
                counts = _counts_from_extract(figures, code, year, law, heaviest)
                if uow.scope.kind is not ScopeKind.PROVIDER:
                    ended = ended_in_year_of(
                        _ended_from_extract(figures, year, [law], frozenset({code}), date.today(), None)[""]
                    )
            else:
                counts = _counts_from_store(
                    DashboardQueries(uow.session, uow.scope), code, year, law, heaviest
                )
        if ended is None:
            others = frozenset(uow.region.municipality_names()) - {code}
            facts = MonitoringQueries(uow.session).trajectory_facts(law, others)
            ended = ended_in_year(facts.trajectories, year)
        record_group_read(uow, "monitor.dashboard", Group.of(law=law, municipality=code, year=year))
    clients, cost = counts.clients, counts.cost
    products = tuple(
        ProductFigure(
            r.product_code,
            catalogue[r.product_code].name if r.product_code in catalogue else "",
            catalogue[r.product_code].category if r.product_code in catalogue else "",
            catalogue[r.product_code].unit.value if r.product_code in catalogue else "",
            r.clients,
            r.cost,
            r.volume,
            disclosed_share(r.cost, cost, r.clients, clients),
            r.product_code in heaviest,
        )
        for r in sorted(counts.products, key=lambda r: (-r.cost.cents, r.product_code))
    )
    return Dashboard(
        municipality_code=code,
        municipality=name,
        year=year,
        law=law,
        clients=clients,
        cost=cost,
        new_clients=counts.new,
        ended_clients=counts.ended,
        by_product=products,
        trend=counts.trend,
        heaviest_products=tuple(sorted(heaviest)),
        heaviest=_group(*counts.heaviest, clients, cost),
        ggz=None if counts.ggz is None else _group(*counts.ggz, clients, cost),
        other_youth_care=None if counts.other is None else _group(*counts.other, clients, cost),
        source=counts.source,
        trajectories_ended=ended.ended,
        average_days=ended.average_days,
        ended_to_plan=ended.ended_to_plan,
        by_referrer=() if counts.referrers is None else by_referrer(counts.referrers, clients, cost),
    )


@dataclass(frozen=True, slots=True)
class _Counts:
    """The dashboard's counts and sums, from the extract or from the store."""

    source: str
    clients: int
    cost: Money
    trend: tuple[TrendYear, ...]
    products: list[ProductRow]
    heaviest: tuple[int, Money]
    new: int
    ended: int
    ggz: tuple[int, Money] | None
    other: tuple[int, Money] | None
    referrers: list[ReferrerCount] | None = None
    """Jeugd only: per referrer type (COD327) of the allocations."""


def _counts_from_store(
    queries: DashboardQueries, code: str, year: int, law: Law, heaviest: frozenset[str]
) -> _Counts:
    start, end = date(year, 1, 1), date(year, 12, 31)
    # the figures of report costs: the same query, this municipality's line
    line = next((r for r in queries.cost_by_municipality(start, end, law) if r.key == code), None)
    clients, cost = (line.clients, line.cost) if line else (0, Money.zero())
    trend = tuple(
        TrendYear(y, r.clients, r.cost)
        for y, r in queries.cost_by_year_and_municipality(law)
        if r.key == code and y <= year
    )
    ggz = other = referrers = None
    if law is Law.JEUGD:
        ggz = queries.totals(code, start, end, law, categories=GGZ_CATEGORIES)
        other = queries.totals(code, start, end, law, other_than=GGZ_CATEGORIES)
        referrers = [ReferrerCount(*row) for row in queries.by_referrer(code, start, end, law)]
    return _Counts(
        source="store",
        clients=clients,
        cost=cost,
        trend=trend,
        products=queries.by_product(code, start, end, law),
        heaviest=queries.totals(code, start, end, law, products=heaviest),
        new=queries.new_clients(code, year, law),
        ended=queries.ended_clients(code, year, law),
        ggz=ggz,
        other=other,
        referrers=referrers,
    )


def _counts_from_extract(
    figures: Figures, code: str, year: int, law: Law, heaviest: frozenset[str]
) -> _Counts:
    asked = {"municipality": code, "year": year, "law": law.value}

    def pair(row: tuple[Any, ...]) -> tuple[int, Money]:
        return int(row[0]), Money(int(row[1]))

    # a municipality's sums per year and product are kept at refresh; they have no provider, so
    # a provider's scope reads the lines
    summed = figures.scope.kind is not ScopeKind.PROVIDER
    trend = "trend_of_municipality" if summed else "trend"
    by_product = "by_product_of_municipality" if summed else "by_product"
    # the totals, the heaviest products' and (Jeugd) GGZ's and the rest's in one scan
    totals = figures.one(
        "dashboard_totals",
        **asked,
        products=sorted(heaviest) or ["(none)"],
        categories=sorted(GGZ_CATEGORIES),
    )
    clients, cost = pair(totals[0:2])
    ggz = other = referrers = None
    if law is Law.JEUGD:
        ggz, other = pair(totals[4:6]), pair(totals[6:8])
        referrers = [
            ReferrerCount(None if kind is None else str(kind), int(c), Money(int(cents)))
            for kind, c, cents in figures.rows("by_referrer", **asked)
        ]
    return _Counts(
        source="analytics",
        clients=clients,
        cost=cost,
        trend=tuple(
            TrendYear(int(y), int(c), Money(int(cents))) for y, c, cents in figures.rows(trend, **asked)
        ),
        products=[
            ProductRow(str(product), int(c), Money(int(cents)), int(volume))
            for product, c, cents, volume in figures.rows(by_product, **asked)
        ],
        heaviest=pair(totals[2:4]),
        new=int(figures.one("new_clients", **asked)[0]),
        ended=int(figures.one("ended_clients", **asked)[0]),
        ggz=ggz,
        other=other,
        referrers=referrers,
    )


def _ended_from_extract(  # noqa: PLR0917 - the questions the counts answer
    figures: Figures,
    year: int,
    laws: list[Law],
    municipalities: frozenset[str] | None,
    as_of: date,
    weights: list[tuple[Law, str, int]] | None,
) -> dict[str, EndedCounts]:
    """The counts of the trajectories that ended in ``year`` from the extract's ``ended`` table:
    per provider (AGB code), or all together under the key ``""`` when ``weights`` is None (the
    dashboard, which needs no scale-down; else the tariffs :func:`product_weight` reads). ``municipalities`` None: the whole region (every row
    counts); else only those municipalities: the stored facts of clients wholly inside them, and
    the clients of several municipalities decided again here by the domain's functions over
    their trajectories and decisions in those municipalities (as the store path reads them)."""
    together = weights is None
    weight = product_weight(weights or [])
    # one weight per product, as product_weight keeps it (the last tariff read wins)
    table = {(law, code): cents for law, code, cents in weights or []}
    params: dict[str, Any] = {
        "year": year,
        "laws": [law.value for law in laws],
        "whole": municipalities is None,
        "municipalities": sorted(municipalities or ()),
        "as_of": as_of,
        # a name no product has keeps the lists typed when there is no tariff
        "weighed": [f"{law.value} {code}" for law, code in table] or ["-"],
        "weights": list(table.values()) or [0],
    }
    if together:
        rows = [("", *figures.one("ended_counts", **params))]
    else:
        rows = figures.rows("ended_by_provider", **params)
    found = {str(row[0]): _ended_counts_of(row[1:]) for row in rows}
    if municipalities is None:
        return found
    trajectories = [
        Trajectory(str(c), agb, product, Law(law), start, end, reason, GoalsReached(goals) if goals else None)
        for c, agb, product, law, start, end, reason, goals in figures.rows("mixed_trajectories", **params)
    ]
    if not trajectories:
        return found
    decisions = [
        DecisionFact(str(c), Law(law), day) for c, law, day in figures.rows("mixed_decisions", **params)
    ]
    by_provider: dict[str, list[EndedFact]] = {}
    for fact in ended_facts(trajectories, decisions):
        if fact.trajectory.end is not None and fact.trajectory.end.year == year:
            by_provider.setdefault("" if together else fact.trajectory.provider_agb, []).append(fact)
    for key, facts in by_provider.items():
        found[key] = found.get(key, EndedCounts()) + ended_counts(facts, as_of, weight)
    return found


def _ended_counts_of(row: tuple[Any, ...]) -> EndedCounts:
    ended, people, days, *shares = (int(value) for value in row)
    return EndedCounts(
        ended,
        people,
        days,
        ShareCount(*shares[0:3]),
        ShareCount(*shares[3:6]),
        ShareCount(*shares[6:9]),
        ShareCount(shares[9], ended, people),  # scale-down judges every ended trajectory
    )


def percent(share: Decimal | None) -> Decimal | None:
    """A share (0 to 1) as a percentage with one decimal, as every view shows it; None stays None."""
    return None if share is None else (share * 100).quantize(Decimal("0.1"))


def _group(clients: int, cost: Money, all_clients: int, all_cost: Money) -> GroupFigure:
    return GroupFigure(clients, cost, disclosed_share(cost, all_cost, clients, all_clients))


@dataclass(frozen=True, slots=True)
class DashboardChoices:
    """What a reader may pick for a dashboard: the municipalities in scope (code, name; by name)
    and the years with approved lines under the law in scope (oldest first)."""

    municipalities: tuple[tuple[str, str], ...]
    years: tuple[int, ...]


def dashboard_choices(uow: UnitOfWork, law: Law = Law.WMO) -> DashboardChoices:
    with uow:
        names = uow.region.municipality_names()
        years = tuple(year for year, _clients, _cost in uow.reports.cost_by_year(law))
    visible = sorted(
        ((code, name) for code, name in names.items() if uow.scope.sees_municipality(code)),
        key=lambda m: m[1].lower(),
    )
    return DashboardChoices(tuple(visible), years)


# -- the provider benchmark ----------------------------------------------------------------------


def satisfaction_by_provider(uow: UnitOfWork, year: int, law: Law | None) -> Mapping[str, Decimal | None]:
    """The client survey's score per provider (AGB code) for ``year`` and ``law``, read in the
    caller's open unit of work (:func:`zorginkoop.services.survey.read_satisfaction`: the share
    of positive answers on the core questions, 0 to 1; None under 10 respondents; the answers
    read are logged). A survey asks about one law's care, so over both laws there is no score."""
    if law is None:
        return {}
    return read_satisfaction(uow, year, law)


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    """A provider's line and the median of each figure over the *other* providers with a value
    (:data:`~zorginkoop.domain.monitoring.BENCHMARK_FIGURES` names them; amounts in euros)."""

    line: BenchmarkLine
    peer_median: Mapping[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The provider benchmark of a year (and law, None for both).

    For the region's own roles (``provider_view`` False) every provider is named, counts and
    amounts exact. In a provider view (``provider_view`` True) counts and amounts are rounded
    to multiples of 5 (euros for amounts); a provider reading its own benchmark (``own``) gets
    its own line only and its peers as :class:`~zorginkoop.domain.monitoring.PeerSpread`
    (quartiles, no names). Shares and scores over fewer than 10 people are None everywhere."""

    year: int
    law: Law | None
    excluded: tuple[str, ...]
    """CBS codes left out."""
    provider_view: bool
    rows: tuple[BenchmarkRow, ...]
    own: str | None = None
    """The provider's AGB code when a provider reads its own position; ``rows`` is then its line."""
    peers: Mapping[str, PeerSpread] | None = None
    """For a provider reading its own position: its peers per figure (quartiles, no names)."""
    providers: int = 0
    """How many providers the benchmark compares (the peers plus the provider itself)."""
    median: Mapping[str, Decimal | None] | None = None
    """The median of each figure over all providers with a value (region views only)."""
    source: str = "store"
    """Where the figures were read: ``analytics`` (the extract) or ``store`` (the same figures)."""


SHARE_FIGURES = frozenset(name for name in BENCHMARK_FIGURES if name.endswith("_share")) | {"satisfaction"}
"""Fractions from 0 to 1: the shares and the survey's satisfaction (positive answers)."""


def figure_text(name: str, value: Decimal | None) -> str | None:
    """A benchmark figure as the CLI and API write it: shares as fractions (0-1, four decimals),
    amounts in euros with cents, days with one decimal, counts whole; None is no value."""
    if value is None:
        return None
    if name in SHARE_FIGURES:
        return str(value.quantize(Decimal("0.0001")))
    if name in AMOUNT_FIGURES:
        return str(value.quantize(Decimal("0.01")))
    if name in COUNT_FIGURES and value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(Decimal("0.1")))


def product_weight(tariffs: Iterable[tuple[Law, str, int]]) -> Callable[[Law, str], int | None]:
    """The weight :func:`~zorginkoop.domain.monitoring.scale_down` compares: a product's tariff
    per unit in cents (OZR3 > OZR2 > OZR1; a day of residential care outweighs an hour of
    support); None for a product without a tariff."""
    weights = {(law, code): cents for law, code, cents in tariffs}
    return lambda law, code: weights.get((law, code))


def benchmark(  # noqa: PLR0917 - the questions a benchmark answers
    uow: UnitOfWork,
    year: int,
    law: Law | None = Law.WMO,
    exclude: list[str] | None = None,
    provider_view: bool = False,
    as_of: date | None = None,
    satisfaction: Callable[[UnitOfWork, int, Law | None], Mapping[str, Decimal | None]] | None = None,
) -> Benchmark:
    """The provider benchmark of ``year``: per provider its clients and approved cost (the lines
    of ``report providers``, so the sums agree), cost per client, the trajectories that ended in
    the year (number, average duration, shares ended to plan, goals reached, no repeat,
    scale-down) and the survey's satisfaction, each with the median of the other providers.

    Scoped as the unit of work is: the region sees the region, a municipality's reader only its
    municipalities' figures. A provider's reader sees its own line and its peers anonymised
    (:class:`Benchmark`): the peers' figures are counted over the region in a region-scoped unit
    of work of the same actor, and only their quartiles leave this function. ``provider_view``
    rounds counts and amounts (always on for a provider). ``as_of`` (default today) decides
    which no-repeat windows are over. Counts and sums over pseudonymised facts only, no
    personal data is handed out; the read is logged once under the caller's scope (as the dashboard).
    Raises :class:`MonitoringQueryError` for an unknown municipality in ``exclude``."""
    own = uow.scope.code if uow.scope.kind is ScopeKind.PROVIDER else None
    reader = (
        uow if own is None else UnitOfWork(uow.engine, Scope.region(), actor=uow.actor, settings=uow.settings)
    )
    fill = satisfaction or satisfaction_by_provider
    with reader:
        try:
            excluded = reports.resolve_municipalities(reader, exclude or [])
        except reports.ReportError as exc:
            raise MonitoringQueryError(str(exc)) from None
        laws = [law] if law is not None else list(Law)
        start = date(year, 1, 1)
        weights = [
            (each, tariff.product_code, tariff.amount.cents)
            for each in laws
            for tariff in reader.catalogue.tariffs(each)
            if tariff.valid.contains(start)
        ]
        scores = fill(reader, year, law)
        # logged under the caller's scope: a provider's peers are read region-wide for it
        group = Group.of(law=law, year=year, exclude=excluded)
        record_group_read(reader, "monitor.benchmark", group, scope=uow.scope)
        lines = _benchmark_from_extract(reader, year, law, excluded, as_of or date.today(), weights, scores)
        source = "store" if lines is None else "analytics"
        if lines is None:
            try:
                spend = reports.costs_by_provider(reader, year, law, exclude)
            except reports.ReportError as exc:
                raise MonitoringQueryError(str(exc)) from None
            facts = MonitoringQueries(reader.session).trajectory_facts(law, excluded)
            lines = benchmark_lines(
                [ProviderYear(p.agb, p.provider, p.clients, p.cost) for p in spend],
                facts.trajectories,
                facts.decisions,
                year,
                as_of or date.today(),
                product_weight(weights),
                scores,
            )
    rounded = provider_view or own is not None
    if own is not None:
        mine = [line for line in lines if line.agb_code == own]
        rows = tuple(BenchmarkRow(provider_view_line(line), {}) for line in mine)
        return Benchmark(
            year,
            law,
            tuple(sorted(excluded)),
            True,
            rows,
            own,
            peer_spread(lines, own),
            len(lines),
            source=source,
        )
    medians = all_peer_medians(lines)
    rows = tuple(
        BenchmarkRow(
            provider_view_line(line) if rounded else line,
            {
                name: None if value is None else (rounded_figure(name, value) if rounded else value)
                for name, value in medians[line.agb_code].items()
            },
        )
        for line in lines
    )
    overall = {
        name: None if value is None else (rounded_figure(name, value) if rounded else value)
        for name, value in medians[""].items()
    }
    return Benchmark(
        year, law, tuple(sorted(excluded)), rounded, rows, providers=len(lines), median=overall, source=source
    )


def _benchmark_from_extract(  # noqa: PLR0917 - the questions a benchmark answers
    reader: UnitOfWork,
    year: int,
    law: Law | None,
    excluded: frozenset[str] | set[str],
    as_of: date,
    weights: list[tuple[Law, str, int]],
    scores: Mapping[str, Decimal | None],
) -> list[BenchmarkLine] | None:
    """:func:`benchmark`'s lines from the analytics extract when it is up to date (the same
    figures as from the store: the clients and cost of ``cost_by_provider``, the trajectory
    counts of ``ended_by_provider``, the same domain functions deciding shares and
    suppression); None when the store must be read."""
    if reader.scope.kind is ScopeKind.PROVIDER:
        return None  # a provider's own reader counts its peers in a region-scoped unit of work
    with analytics.fresh_figures(reader) as figures:
        if figures is None:
            return None
        providers = _provider_years(figures, year, law, excluded)
        laws = [law] if law is not None else list(Law)
        municipalities: frozenset[str] | None = None
        if reader.scope.kind is not ScopeKind.REGION or excluded:
            municipalities = frozenset(
                code
                for code in reader.region.municipality_names()
                if reader.scope.sees_municipality(code) and code not in excluded
            )
        counts = _ended_from_extract(figures, year, laws, municipalities, as_of, weights)
    return benchmark_lines_of(providers, counts, scores)


def _provider_years(
    figures: Figures, year: int, law: Law | None, excluded: Iterable[str]
) -> list[ProviderYear]:
    """Per provider its distinct clients and approved cost of ``year`` from the extract (the
    lines of ``report providers``): summed at refresh for the whole region, else counted from
    ``line_client`` in the reader's scope and without ``excluded``."""
    if figures.scope.kind is ScopeKind.REGION and not excluded:
        rows = figures.rows("cost_by_provider_of_region", year=year, law=law.value if law else None)
    else:
        rows = figures.rows(
            "cost_by_provider", year=year, law=law.value if law else None, exclude=sorted(excluded)
        )
    return [ProviderYear(str(a), str(n), int(c), Money(int(cents))) for a, n, c, cents in rows]


def latest_benchmark_year(uow: UnitOfWork, law: Law | None) -> int | None:
    """The latest year with approved lines under ``law`` that the benchmark can show: for a
    provider the region's latest (its peers' figures), otherwise the latest in scope."""
    reader = uow
    if uow.scope.kind is ScopeKind.PROVIDER:
        reader = UnitOfWork(uow.engine, Scope.region(), actor=uow.actor, settings=uow.settings)
    with reader:
        return reader.reports.latest_year(law)
