# SPDX-License-Identifier: EUPL-1.2
"""Monitoring use cases: provider concentration and coverage (dekkend aanbod).

They read aggregates and region facts through the unit of work (its scope applies), hand them
to the pure functions of :mod:`zorginkoop.domain.monitoring` and return typed rows. No personal
data is read: the concentration counts distinct clients per provider in the store (the same
query as ``report providers``, so the sums agree) and coverage counts clients in care.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import ScopeKind
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import contracted_for_law, providers_closed_by_collective_ceilings
from zorginkoop.domain.monitoring import (
    CoverageCell,
    Measure,
    MonitoringError,
    ProviderPareto,
    ProviderSpend,
    coverage,
    provider_pareto,
)
from zorginkoop.services import reports


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
    ``report providers`` (:func:`zorginkoop.services.reports.costs_by_provider`)."""
    with uow:
        try:
            lines = reports.costs_by_provider(uow, year, law, exclude)
        except reports.ReportError as exc:
            raise MonitoringQueryError(str(exc)) from None
    return provider_pareto([ProviderSpend(p.agb, p.provider, p.clients, p.cost) for p in lines], measure)


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
