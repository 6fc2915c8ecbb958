# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden: consultation tables, their meetings, online input and the covenant.

Lekstroom 2015/2016 (seed 002) bought by administrative procurement: the region negotiates a
covenant with its providers instead of running a competition. Three large, three medium and
three small providers sit at the consultation tables in person; every other provider gives its
input online, per topic. The covenant's agreements (articles) change during the term, so each
version is kept with the day it holds from, and a change shows what changed and from when.

**The proposal** (:func:`propose_tables`): the providers with clients in a reference year,
ranked by clients (most first, ties by AGB code), are cut into three tiers by their cumulative
share of the clients, as the concentration is read: the large providers serve the first half of
the clients (:data:`LARGE_SHARE`), the medium ones the next part up to 90%
(:data:`MEDIUM_SHARE`), the small ones the rest (each tier holds at least a table's seats). The
large table seats the three largest; the medium and the small table the three nearest the middle
of their tier (typical of it, not its edge). The user may swap a seat for another provider of the same size
or not (:func:`swap_seat`); the reason then says who chose.

Pure: facts in, decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from zorginkoop.domain.procurement.model import TenderError

SEATS_PER_TABLE = 3
LARGE_SHARE = 50
"""Percent of the clients the large providers together serve (the first of the ranking)."""
MEDIUM_SHARE = 90
"""Percent of the clients the large and medium providers together serve; the small serve the rest."""


class TableSize(str, Enum):
    LARGE = "groot"
    MEDIUM = "middelgroot"
    SMALL = "klein"


@dataclass(frozen=True, slots=True)
class ProviderSize:
    """A provider with its number of clients in the reference year."""

    agb: str
    name: str
    clients: int


@dataclass(frozen=True, slots=True)
class Seat:
    table: TableSize
    provider: ProviderSize
    reason: str
    chosen_by_user: bool = False


def _middle(tier: Sequence[ProviderSize], count: int) -> list[ProviderSize]:
    """The ``count`` providers nearest the tier's middle rank (the upper one first on a tie)."""
    centre = (len(tier) - 1) / 2
    order = sorted(range(len(tier)), key=lambda i: (abs(i - centre), i))
    return [tier[i] for i in sorted(order[:count])]


def propose_tables(
    providers: Iterable[ProviderSize], year: int, per_table: int = SEATS_PER_TABLE
) -> tuple[Seat, ...]:
    """Three tables of ``per_table`` seats each, by clients in ``year`` (see the module)."""
    ranked = sorted((p for p in providers if p.clients > 0), key=lambda p: (-p.clients, p.agb))
    if len(ranked) < 3 * per_table:
        raise TenderError(
            f"{len(ranked)} providers had clients in {year}: too few for three tables of {per_table}"
        )
    total = sum(p.clients for p in ranked)

    def reaching(percent: int) -> int:
        """How many of the first providers together serve ``percent`` of the clients."""
        running = 0
        for count, p in enumerate(ranked, start=1):
            running += p.clients
            if running * 100 >= percent * total:
                return count
        return len(ranked)

    # each tier keeps at least a table's seats: there are at least three tables' worth of providers
    large_end = min(max(per_table, reaching(LARGE_SHARE)), len(ranked) - 2 * per_table)
    medium_end = min(max(large_end + per_table, reaching(MEDIUM_SHARE)), len(ranked) - per_table)
    tiers = (ranked[:large_end], ranked[large_end:medium_end], ranked[medium_end:])
    rank = {p.agb: i for i, p in enumerate(ranked, start=1)}
    seats: list[Seat] = []
    for table, tier, chosen in (
        (TableSize.LARGE, tiers[0], tiers[0][:per_table]),
        (TableSize.MEDIUM, tiers[1], _middle(tiers[1], per_table)),
        (TableSize.SMALL, tiers[2], _middle(tiers[2], per_table)),
    ):
        first, last = rank[tier[0].agb], rank[tier[-1].agb]
        for p in chosen:
            where = "the largest of" if table is TableSize.LARGE else "near the middle of"
            seats.append(
                Seat(
                    table,
                    p,
                    f"rank {rank[p.agb]} of {len(ranked)} by {year} clients ({p.clients}): "
                    f"{where} ranks {first}-{last}",
                )
            )
    return tuple(seats)


def swap_seat(seats: Sequence[Seat], out_agb: str, replacement: ProviderSize, by: str) -> tuple[Seat, ...]:
    """The seats with ``out_agb``'s seat given to ``replacement`` (the user's choice)."""
    seated = {s.provider.agb for s in seats}
    if out_agb not in seated:
        raise TenderError(f"provider {out_agb} has no seat at a table; seated: {', '.join(sorted(seated))}")
    if replacement.agb in seated:
        raise TenderError(f"provider {replacement.agb} has a seat already")
    return tuple(
        replace(s, provider=replacement, reason=f"chosen by {by} instead of {out_agb}", chosen_by_user=True)
        if s.provider.agb == out_agb
        else s
        for s in seats
    )


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting of one consultation table."""

    table: TableSize
    day: date
    agenda: str
    minutes: str = ""

    def __post_init__(self) -> None:
        if not self.agenda.strip():
            raise TenderError("a meeting needs an agenda")


@dataclass(frozen=True, slots=True)
class ProviderInput:
    """A provider's input, given online, on one topic of the consultation."""

    provider_agb: str
    topic: str
    text: str
    submitted_at: datetime

    def __post_init__(self) -> None:
        if not self.topic.strip():
            raise TenderError("input needs a topic")
        if not self.text.strip():
            raise TenderError("input needs a text")


def check_online_input(seats: Sequence[Seat], given: ProviderInput) -> None:
    """A provider at a table gives its input there, in person; every other one online."""
    for seat in seats:
        if seat.provider.agb == given.provider_agb:
            raise TenderError(
                f"provider {given.provider_agb} sits at the {seat.table.value} table: "
                "it gives its input there, in person"
            )


# -- the covenant ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Agreement:
    """One article of the covenant."""

    article: str
    text: str


@dataclass(frozen=True, slots=True)
class CovenantVersion:
    number: int
    valid_from: date
    agreements: tuple[Agreement, ...]

    def __post_init__(self) -> None:
        if not self.agreements:
            raise TenderError("a covenant version holds at least one agreement")
        articles = [a.article for a in self.agreements]
        if len(set(articles)) != len(articles):
            twice = sorted({a for a in articles if articles.count(a) > 1})
            raise TenderError(f"article {twice[0]} is in the covenant twice")


class ChangeKind(str, Enum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Change:
    article: str
    kind: ChangeKind
    before: str | None
    after: str | None
    valid_from: date


def next_version(
    versions: Sequence[CovenantVersion], valid_from: date, agreements: Sequence[Agreement]
) -> CovenantVersion:
    """The next version of the covenant, holding from ``valid_from``: after the last version's
    day, and not the same agreements again."""
    last = versions[-1] if versions else None
    if last is not None:
        if valid_from <= last.valid_from:
            raise TenderError(
                f"version {last.number} holds from {last.valid_from.isoformat()}: a new version holds "
                f"from a later day, not {valid_from.isoformat()}"
            )
        if tuple(agreements) == last.agreements:
            raise TenderError(f"nothing changed since version {last.number}")
    return CovenantVersion((last.number + 1) if last else 1, valid_from, tuple(agreements))


def changes(previous: CovenantVersion | None, current: CovenantVersion) -> list[Change]:
    """What ``current`` changed from ``previous``, article by article, from its day."""
    before = {a.article: a.text for a in previous.agreements} if previous else {}
    after = {a.article: a.text for a in current.agreements}
    found: list[Change] = []
    for article in [*after, *(a for a in before if a not in after)]:
        old, new = before.get(article), after.get(article)
        if old is None:
            found.append(Change(article, ChangeKind.ADDED, None, new, current.valid_from))
        elif new is None:
            found.append(Change(article, ChangeKind.REMOVED, old, None, current.valid_from))
        elif old != new:
            found.append(Change(article, ChangeKind.CHANGED, old, new, current.valid_from))
    return found


def in_force(versions: Sequence[CovenantVersion], on: date) -> CovenantVersion | None:
    """The version that holds on ``on`` (None before the first)."""
    holding = [v for v in versions if v.valid_from <= on]
    return max(holding, key=lambda v: v.valid_from, default=None)
