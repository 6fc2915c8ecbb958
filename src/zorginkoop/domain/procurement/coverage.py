# SPDX-License-Identifier: EUPL-1.2
"""What the admitted bids cover, per municipality and target group, through the one coverage
rule (:func:`zorginkoop.domain.monitoring.coverage`): a bid counts as a provider serving the
municipalities and target groups it declares, under the lot's law, without client stop or
capacity limit (those are facts of care running, not of a bid)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.monitoring import CoverageCell, coverage
from zorginkoop.domain.procurement.evaluation import Bid
from zorginkoop.domain.region import Provider


def bid_provider(bid: Bid, law: Law, name: str = "") -> Provider:
    """The bid as a provider the coverage rule can count."""
    return Provider(
        agb_code=bid.provider_agb,
        name=name or bid.provider_agb,
        laws=frozenset({law}),
        target_groups=frozenset(bid.target_groups),
        municipalities_served=frozenset(bid.municipalities),
    )


def bids_coverage(
    bids: Iterable[Bid], law: Law, municipality_codes: Iterable[str], minimum: int = 1
) -> list[CoverageCell]:
    """Coverage of ``bids`` (the admitted ones, typically) per municipality and target group."""
    bids = list(bids)
    providers = [bid_provider(b, law) for b in bids]
    return coverage(providers, municipality_codes, law, {b.provider_agb for b in bids}, {}, minimum)


@dataclass(frozen=True, slots=True)
class Addition:
    """What a bid from a provider new to the region adds: the cells it covers that the other
    admitted bids leave open (seed 004: new providers only when they add something)."""

    provider_agb: str
    cells: tuple[tuple[str, TargetGroup], ...]
    """(municipality code, target group) pairs; empty when it adds nothing."""


def additions(
    admitted: Sequence[Bid], newcomers: Iterable[str], law: Law, municipality_codes: Iterable[str]
) -> list[Addition]:
    """Per admitted bid of a provider in ``newcomers``, the cells it covers where coverage by
    the other admitted bids has a gap: what the region loses without it."""
    codes = list(municipality_codes)
    result = []
    for agb in sorted(set(newcomers)):
        own = [b for b in admitted if b.provider_agb == agb]
        if not own:
            continue
        with_it = bids_coverage(admitted, law, codes)
        without = bids_coverage([b for b in admitted if b.provider_agb != agb], law, codes)
        filled = tuple(
            (a.municipality_code, a.target_group)
            for a, b in zip(with_it, without, strict=True)
            if b.gap and agb in a.providers
        )
        result.append(Addition(agb, filled))
    return result
