# SPDX-License-Identifier: EUPL-1.2
"""Use case: a provider's account report for one quarter (``zorginkoop monitor account-report``,
``/aanbieders/{agb}/accountrapport``): the figures the contract manager takes to the quarterly
account meeting (accountgesprek, seed 001), as HTML and PDF.

Two steps, so a new section is one function:

1. :func:`gather` reads the figures once, through the unit of work's scope, into a plain
   :class:`ReportData` (counts, sums, dates and the signals: no personal data).
2. Each function in :data:`SECTIONS` turns that data into a :class:`Section` (a Dutch title,
   paragraphs, tables and at most one chart as SVG with the same figures in a table), or None
   when it has nothing to say. A section that needs figures of its own (the benchmark position,
   the survey results) adds a reader to :data:`READERS`, which stores them in
   ``ReportData.extra`` under its key, and a builder to :data:`SECTIONS` that reads them there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from zorginkoop.adapters import charts
from zorginkoop.adapters.db.account_queries import AccountQueries, EndedTrajectory, PeriodFigure
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import ScopeKind
from zorginkoop.domain.account_report import (
    ENDED_WINDOW_QUARTERS,
    QUARTERS_SHOWN,
    Quarter,
    QuarterError,
    average_days,
    banded,
    duration_days,
    end_reasons,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.processing import Group
from zorginkoop.domain.provider_signals import ProviderSignal
from zorginkoop.services import reports
from zorginkoop.services.processing_log import record_group_read
from zorginkoop.services.spending import CeilingUseLine, ceiling_uses

__all__ = ["SECTIONS", "AccountReport", "AccountReportError", "Quarter", "QuarterError", "account_report"]


class AccountReportError(ValueError):
    """A report that cannot be made (unknown provider, a provider asking, a bad quarter)."""


@dataclass(frozen=True, slots=True)
class YearFigure:
    """The provider's clients and cost in the quarter's year, as ``report providers`` gives them."""

    year: int
    clients: int
    cost: Money
    rank: int | None
    providers: int


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a section may read: plain figures of one provider and quarter."""

    provider_agb: str
    provider_name: str
    quarter: Quarter
    made_at: datetime
    year: YearFigure
    quarters: tuple[PeriodFigure, ...]
    """Every quarter of :data:`QUARTERS_SHOWN` ending with ``quarter``, zeros included, oldest first."""
    ended: tuple[EndedTrajectory, ...]
    ended_clients: int
    ended_since: Quarter
    ceilings: tuple[CeilingUseLine, ...]
    signals: tuple[ProviderSignal, ...]
    municipality_names: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Figures of the sections read by :data:`READERS`, by the reader's key."""


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()
    """Indexes of the columns that hold numbers (right-aligned)."""


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: str | None = None
    """An accessible SVG (:mod:`zorginkoop.adapters.charts`); its figures are in ``tables``."""


@dataclass(frozen=True, slots=True)
class AccountReport:
    data: ReportData
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return f"Accountrapport {self.data.provider_name}, {self.data.quarter.label_nl}"


Reader = Callable[[UnitOfWork, "ReportData"], Any]
SectionBuilder = Callable[[ReportData], Section | None]


# -- formatting (Dutch) --------------------------------------------------------------------------


def eur(amount: Money) -> str:
    """EUR 1.234.567,89 as the Dutch write it."""
    text = f"{amount.to_decimal():,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def decimal_nl(value: Decimal) -> str:
    return str(value).replace(".", ",")


# -- the sections --------------------------------------------------------------------------------


def summary_section(data: ReportData) -> Section:
    y = data.year
    rank = (
        f"nummer {y.rank} van {y.providers} aanbieders naar kosten"
        if y.rank
        else "geen goedgekeurde declaraties"
    )
    current = next(
        (q for q in data.quarters if (q.year, q.quarter) == (data.quarter.year, data.quarter.number)), None
    )
    q_clients, q_cost = (current.clients, current.cost) if current else (0, Money.zero())
    return Section(
        "samenvatting",
        "Samenvatting",
        (
            f"AGB-code {data.provider_agb}. Cijfers over goedgekeurde declaraties (naar begin van de "
            f"productperiode), Wmo en Jeugdwet samen, binnen uw gemeenten.",
        ),
        (
            Table(
                f"{data.provider_name}: cliënten en kosten",
                ("Periode", "Cliënten", "Kosten", "Positie"),
                (
                    (data.quarter.label_nl, number(q_clients), eur(q_cost), ""),
                    (f"heel {y.year}", number(y.clients), eur(y.cost), rank),
                ),
                frozenset({1, 2}),
            ),
        ),
    )


def volume_section(data: ReportData) -> Section:
    labels = [f"{q.year}-Q{q.quarter}" for q in data.quarters]
    chart = charts.trend(
        [
            charts.TrendPoint(label, q.clients, q.cost.to_decimal())
            for label, q in zip(labels, data.quarters, strict=True)
        ],
        f"Cliënten en kosten per kwartaal, {labels[0]} tot en met {labels[-1]}",
    )
    return Section(
        "verloop",
        "Cliënten en kosten per kwartaal",
        (
            "Een cliënt met zorg in twee kwartalen telt in elk kwartaal mee; de kwartalen tellen dus niet op tot het jaar.",
        ),
        (
            Table(
                "Cliënten en kosten per kwartaal",
                ("Kwartaal", "Cliënten", "Kosten"),
                tuple(
                    (label, number(q.clients), eur(q.cost))
                    for label, q in zip(labels, data.quarters, strict=True)
                ),
                frozenset({1, 2}),
            ),
        ),
        chart,
    )


def _window(data: ReportData) -> str:
    return f"{data.ended_since.label_nl} tot en met {data.quarter.label_nl}"


def durations_section(data: ReportData) -> Section:
    days = [duration_days(t.start, t.end) for t in data.ended]
    bands = banded(days)
    average = average_days(days, data.ended_clients)
    text = (
        f"{number(len(days))} trajecten (toewijzingen) van {number(data.ended_clients)} cliënten eindigden van "
        f"{_window(data)}. Gemiddelde duur: "
        + (
            f"{decimal_nl(average)} dagen."
            if average is not None
            else "niet getoond (minder dan 10 cliënten)."
        )
    )
    chart = (
        charts.bars(
            [charts.Bar(label, n) for label, n in bands], "Duur van de beëindigde trajecten", "Trajecten"
        )
        if days
        else None
    )
    return Section(
        "duur",
        "Duur van beëindigde trajecten",
        (text,),
        (
            Table(
                "Beëindigde trajecten naar duur",
                ("Duur", "Trajecten"),
                tuple((b, number(n)) for b, n in bands),
                frozenset({1}),
            ),
        ),
        chart,
    )


def end_reasons_section(data: ReportData) -> Section:
    counted = end_reasons((t.law, t.end_reason) for t in data.ended)
    chart = (
        charts.bars([charts.Bar(label, n) for label, n in counted], "Reden van beëindiging", "Trajecten")
        if counted
        else None
    )
    return Section(
        "redenen",
        "Redenen van beëindiging",
        (
            "De reden uit het stopbericht (307) van de aanbieder, per wet gelezen: bij de Wmo betekent "
            "code 31 een verhuizing, bij de Jeugdwet volgens plan. "
            f"Trajecten die eindigden van {_window(data)}.",
        ),
        (
            Table(
                "Beëindigde trajecten naar reden",
                ("Reden", "Trajecten"),
                tuple((label, number(n)) for label, n in counted) or (("geen beëindigde trajecten", "0"),),
                frozenset({1}),
            ),
        ),
        chart,
    )


def ceilings_section(data: ReportData) -> Section:
    kinds = {"provider": "aanbiedersplafond", "collective": "gezamenlijk plafond"}
    rows = tuple(
        (
            f"{kinds.get(c.kind, c.kind)} {c.ceiling}",
            c.name,
            eur(c.use.ceiling),
            eur(c.use.used),
            f"{decimal_nl(c.use.percentage)}%",
        )
        for c in data.ceilings
    )
    return Section(
        "plafonds",
        f"Plafondgebruik {data.quarter.year}",
        (
            "Wat in het jaar is betaald tegen de plafonds van de contracten van de aanbieder "
            "(en de gezamenlijke plafonds waar die onder vallen).",
        ),
        (
            Table(
                f"Plafonds en gebruik {data.quarter.year}",
                ("Plafond", "Omschrijving", "Plafond", "Gebruikt", "Gebruik"),
                rows or (("geen plafonds", "", "", "", ""),),
                frozenset({2, 3, 4}),
            ),
        ),
    )


KIND_NL = {"compliment": "compliment", "concern": "zorg", "complaint": "klacht"}


def signals_section(data: ReportData) -> Section:
    rows = tuple(
        (
            f"{s.recorded_at:%d-%m-%Y}",
            KIND_NL[s.kind.value],
            data.municipality_names.get(s.municipality_code, s.municipality_code)
            if s.municipality_code
            else "regio",
            s.recorded_by,
            s.text,
        )
        for s in data.signals
    )
    return Section(
        "signalen",
        "Signalen van de sociale teams",
        (f"{len(rows)} signalen vastgelegd over deze aanbieder (nieuwste eerst).",),
        (
            Table(
                "Signalen over de aanbieder",
                ("Datum", "Soort", "Gemeente", "Door", "Signaal"),
                rows or (("", "", "", "", "geen signalen vastgelegd"),),
            ),
        ),
    )


SECTIONS: list[SectionBuilder] = [
    summary_section,
    volume_section,
    durations_section,
    end_reasons_section,
    ceilings_section,
    signals_section,
]
"""The report's sections in order. The benchmark position and the survey results go here."""

READERS: dict[str, Reader] = {}
"""Extra figures a section needs: key -> a function reading them (inside ``with uow:``) into
``ReportData.extra[key]``."""


# -- reading -------------------------------------------------------------------------------------


def _year_figure(uow: UnitOfWork, agb: str, year: int) -> YearFigure:
    lines = reports.costs_by_provider(uow, year, None)
    mine = next((line for line in lines if line.agb == agb), None)
    if mine is None:
        return YearFigure(year, 0, Money.zero(), None, len(lines))
    return YearFigure(year, mine.clients, mine.cost, mine.rank, len(lines))


def gather(uow: UnitOfWork, provider_agb: str, quarter: Quarter, now: datetime | None = None) -> ReportData:
    """The report's figures for ``provider_agb`` and ``quarter``, read within the scope."""
    with uow:
        if uow.scope.kind is ScopeKind.PROVIDER:
            raise AccountReportError("the account report is the region's: a provider does not read it")
        provider = uow.providers.get(provider_agb)
        if provider is None:
            raise AccountReportError(f"no provider with AGB code {provider_agb!r} in the region")
        queries = AccountQueries(uow.session, uow.scope)
        shown = quarter.last(QUARTERS_SHOWN)
        found = {
            (f.year, f.quarter): f for f in queries.by_quarter(provider_agb, shown[0].start, quarter.end)
        }
        quarters = tuple(
            found.get((q.year, q.number), PeriodFigure(q.year, q.number, 0, Money.zero())) for q in shown
        )
        since = quarter.shifted(1 - ENDED_WINDOW_QUARTERS)
        data = ReportData(
            provider_agb=provider_agb,
            provider_name=provider.name,
            quarter=quarter,
            made_at=now or datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            year=_year_figure(uow, provider_agb, quarter.year),
            quarters=quarters,
            ended=tuple(queries.ended(provider_agb, since.start, quarter.end)),
            ended_clients=queries.ended_clients(provider_agb, since.start, quarter.end),
            ended_since=since,
            ceilings=tuple(ceiling_uses(uow, quarter.year, provider_agb)),
            signals=tuple(uow.provider_signals.of_provider(provider_agb)),
            municipality_names=uow.region.municipality_names(),
        )
        for key, reader in READERS.items():
            data.extra[key] = reader(uow, data)
        record_group_read(
            uow, "monitor.account_report", Group.of(provider=provider_agb, quarter=quarter.label)
        )
    return data


def account_report(
    uow: UnitOfWork,
    provider_agb: str,
    quarter: Quarter | str,
    sections: Sequence[SectionBuilder] | None = None,
    now: datetime | None = None,
) -> AccountReport:
    """The account report of ``provider_agb`` for ``quarter`` (a :class:`Quarter` or 'YYYY-Qn')."""
    if isinstance(quarter, str):
        try:
            quarter = Quarter.parse(quarter)
        except QuarterError as exc:
            raise AccountReportError(str(exc)) from None
    data = gather(uow, provider_agb, quarter, now)
    built = (build(data) for build in (SECTIONS if sections is None else sections))
    return AccountReport(data, tuple(section for section in built if section is not None))
