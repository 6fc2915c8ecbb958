# SPDX-License-Identifier: EUPL-1.2
"""Supplier monitoring arithmetic: how concentrated spending is over providers.

The Lekstroom memo (2020, Wmo OZR, excluding Vijfheerenlanden) reads: 49 providers, EUR
6,726,419 in all; the 12 largest hold 90%, the 7 largest 80%, the 37 smallest 10%; 27 providers
have fewer than 7 clients. "The n largest hold p%" is read as the memo reads it: the smallest n
whose cumulative share, rounded to a whole percent, reaches p.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zorginkoop.domain.money import Money

SMALL_PROVIDER_CLIENTS = 7
"""Providers with fewer clients than this are the memo's 'small tail' (administrative burden)."""


@dataclass(frozen=True, slots=True)
class ProviderSpend:
    agb_code: str
    name: str
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class ConcentrationLine:
    label: str
    providers: int
    cost: Money
    share_pct: Decimal


@dataclass(frozen=True, slots=True)
class Concentration:
    total: ConcentrationLine
    largest: tuple[ConcentrationLine, ...]
    smallest_rest: ConcentrationLine
    small_providers: ConcentrationLine

    def lines(self) -> list[ConcentrationLine]:
        return [self.total, *self.largest, self.smallest_rest, self.small_providers]


def share_pct(part: Money, whole: Money) -> Decimal:
    if whole.cents == 0:
        return Decimal(0)
    return (Decimal(part.cents) * 100 / Decimal(whole.cents)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def providers_holding(spend: Sequence[ProviderSpend], percent: int) -> int:
    """The smallest number of largest providers whose share, in whole percents, reaches ``percent``."""
    ordered = sorted(spend, key=lambda s: (-s.cost.cents, s.agb_code))
    total = sum(s.cost.cents for s in ordered)
    if total == 0:
        return 0
    running = 0
    for n, s in enumerate(ordered, start=1):
        running += s.cost.cents
        whole_percent = (Decimal(running) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if whole_percent >= percent:
            return n
    return len(ordered)


def concentration(spend: Sequence[ProviderSpend], shares: Sequence[int] = (90, 80)) -> Concentration:
    """The memo's provider table: total, the largest holding each share, the rest, the small tail."""
    ordered = sorted((s for s in spend if s.cost.cents > 0), key=lambda s: (-s.cost.cents, s.agb_code))
    total = Money.sum(s.cost for s in ordered)
    largest = []
    for percent in shares:
        n = providers_holding(ordered, percent)
        cost = Money.sum(s.cost for s in ordered[:n])
        largest.append(
            ConcentrationLine(f"largest providers holding {percent}%", n, cost, share_pct(cost, total))
        )
    n_main = largest[0].providers if largest else 0
    rest = ordered[n_main:]
    rest_cost = Money.sum(s.cost for s in rest)
    small = [s for s in ordered if s.clients < SMALL_PROVIDER_CLIENTS]
    small_cost = Money.sum(s.cost for s in small)
    return Concentration(
        total=ConcentrationLine("all providers", len(ordered), total, share_pct(total, total)),
        largest=tuple(largest),
        smallest_rest=ConcentrationLine(
            "smallest providers (the rest)", len(rest), rest_cost, share_pct(rest_cost, total)
        ),
        small_providers=ConcentrationLine(
            f"providers with fewer than {SMALL_PROVIDER_CLIENTS} clients",
            len(small),
            small_cost,
            share_pct(small_cost, total),
        ),
    )
