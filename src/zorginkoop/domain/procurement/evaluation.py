# SPDX-License-Identifier: EUPL-1.2
"""Bids, assessors' scores and the evaluation that explains every outcome.

The evaluation is one pure function, :func:`evaluate`: knock-outs first (every failed
requirement named), then the scores (per criterion the assessors' mean, or their consensus
score when one is recorded), the minimum per criterion and in total, and for a classic tender
the places per lot by rank.

Total score (out of 100): per quality criterion ``weight * (score - low) / (high - low)`` on
the tender's scale, plus for EMVI the price criterion's points

    price points = weight * lowest valid price / this bid's price

where a bid's price is the sum of its unit prices times the lot's expected volumes, and the
lowest valid price is the lowest price among the bids of the lot that pass every knock-out. The
lowest price gets the full weight; a bid twice as dear gets half. For lowest price the score is
100 times the same ratio. Points are kept exact (Decimal) and shown rounded to two places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from zorginkoop.domain.codes import TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.model import (
    Answer,
    AwardMethod,
    CriterionKind,
    Procedure,
    Requirement,
    RequirementKind,
    Tender,
    TenderError,
    TenderLot,
)


@dataclass(frozen=True, slots=True)
class Bid:
    """A provider's bid (inschrijving) on one lot."""

    provider_agb: str
    lot_code: str
    submitted: date
    products: tuple[str, ...]
    """The products offered (for a lot with bid prices: those priced)."""
    prices: Mapping[str, Money] = field(default_factory=dict)
    municipalities: frozenset[str] = frozenset()
    """CBS codes of the municipalities the bidder will serve."""
    target_groups: frozenset[TargetGroup] = frozenset()
    answers: Mapping[str, Answer] = field(default_factory=dict)
    """Per requirement or remark code."""

    def price(self, lot: TenderLot) -> Money | None:
        """The bid's price over the lot: unit prices times expected volumes; None when a product
        of the lot has no (positive) price."""
        total = 0
        for product in lot.products:
            price = self.prices.get(product.code)
            if price is None or price.cents <= 0:
                return None
            total += price.cents * product.volume
        return Money(total)


def check_bid(tender: Tender, bid: Bid, day: date) -> None:
    """A bid the tender can take on ``day``; else :class:`TenderError` with the reason."""
    lot = tender.lot(bid.lot_code)
    if not tender.registration.accepts(day):
        closes = tender.registration.closes
        window = f"{tender.registration.opens} to {closes}" if closes else f"from {tender.registration.opens}"
        raise TenderError(f"tender {tender.code}: registration is open {window}, not on {day}")
    unknown = [p for p in (*bid.products, *bid.prices) if p not in lot.product_codes]
    if unknown:
        raise TenderError(
            f"lot {lot.code} has no product {unknown[0]!r}; products: {', '.join(lot.product_codes)}"
        )
    if lot.fixed and bid.prices:
        raise TenderError(f"lot {lot.code} has fixed tariffs: a bid gives no prices")
    if any(p.cents <= 0 for p in bid.prices.values()):
        raise TenderError(f"lot {lot.code}: a price is a positive amount")
    known = {r.code for r in tender.requirements} | {r.code for r in tender.remarks}
    stray = sorted(set(bid.answers) - known)
    if stray:
        raise TenderError(
            f"tender {tender.code} asks no question {stray[0]!r}; it asks: {', '.join(sorted(known))}"
        )


@dataclass(frozen=True, slots=True)
class Score:
    """One assessor's score for one bid on one quality criterion; ``consensus`` scores override
    the assessors' mean, recorded with who set it and when."""

    provider_agb: str
    lot_code: str
    criterion_code: str
    assessor: str
    value: Decimal
    recorded_at: datetime
    consensus: bool = False


def check_score(tender: Tender, score: Score, bids: Iterable[Bid]) -> None:
    """A score the tender can take; else :class:`TenderError`."""
    criterion = tender.criterion(score.criterion_code)
    if criterion.kind is CriterionKind.PRICE:
        raise TenderError(f"criterion {criterion.code} is the price criterion: it is computed, not scored")
    if not tender.scale.contains(score.value):
        raise TenderError(
            f"score {score.value} for {score.provider_agb} on {criterion.code} is outside the scale "
            f"{tender.scale.low} to {tender.scale.high}"
        )
    if not any(b.provider_agb == score.provider_agb and b.lot_code == score.lot_code for b in bids):
        raise TenderError(f"tender {tender.code} has no bid of {score.provider_agb} on lot {score.lot_code}")


def criterion_score(scores: Sequence[Score]) -> Decimal | None:
    """The score of one bid on one criterion: the latest consensus score when there is one,
    else the mean of each assessor's latest score; None when nobody scored."""
    consensus = [s for s in scores if s.consensus]
    if consensus:
        return max(consensus, key=lambda s: s.recorded_at).value
    latest: dict[str, Score] = {}
    for s in sorted(scores, key=lambda s: s.recorded_at):
        latest[s.assessor] = s
    if not latest:
        return None
    return sum((s.value for s in latest.values()), Decimal(0)) / len(latest)


def knock_out_failures(tender: Tender, bid: Bid) -> list[str]:
    """Every requirement the bid fails, each as ``CODE (what it asks): what the bid gave``."""
    lot = tender.lot(bid.lot_code)
    failures = [f for r in tender.requirements if (f := _failure(r, bid, lot)) is not None]
    if not lot.fixed and bid.price(lot) is None:
        missing = [p for p in lot.product_codes if p not in bid.prices]
        failures.append(f"no price for {', '.join(missing) or 'every product'}")
    return failures


def _failure(requirement: Requirement, bid: Bid, lot: TenderLot) -> str | None:
    answer = bid.answers.get(requirement.code)
    head = f"{requirement.code} ({requirement.summary})"
    kind = requirement.kind
    if kind is RequirementKind.MIN_CLIENTS:
        if isinstance(answer, bool) or not isinstance(answer, int):
            return f"{head}: not answered with a number"
        return None if answer >= (requirement.minimum or 0) else f"{head}: declared {answer}"
    if kind in {RequirementKind.MEMBERSHIP, RequirementKind.QUALITY_MARK}:
        if answer is True and kind is RequirementKind.MEMBERSHIP:
            return None
        if isinstance(answer, str) and answer.strip().lower() in {a.lower() for a in requirement.accepted}:
            return None
        return f"{head}: " + ("not answered" if answer is None else f"answered {answer!r}")
    if kind is RequirementKind.ALL_PRODUCTS:
        offered = set(bid.products) | set(bid.prices)
        missing = [p for p in lot.product_codes if p not in offered]
        return None if not missing else f"{head}: lacks {', '.join(missing)}"
    if kind is RequirementKind.MUNICIPALITIES:
        missing = [m for m in requirement.accepted if m not in bid.municipalities]
        return None if not missing else f"{head}: does not serve {', '.join(missing)}"
    served = {g.value for g in bid.target_groups}
    missing = [g for g in requirement.accepted if g not in served]
    return None if not missing else f"{head}: does not serve {', '.join(missing)}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The evaluation of one bid, with the reason in words."""

    provider_agb: str
    lot_code: str
    admitted: bool
    reason: str
    score: Decimal | None
    """Total points out of 100 (None when not scored: a knock-out, or open house)."""
    criterion_scores: Mapping[str, Decimal] = field(default_factory=dict)
    """Per criterion: the score on the scale (quality) or the points (price)."""
    price: Money | None = None
    rank: int | None = None
    """Place among the lot's bids that passed every knock-out and minimum (1 = best)."""

    @property
    def shown_score(self) -> Decimal | None:
        return None if self.score is None else self.score.quantize(Decimal("0.01"), ROUND_HALF_UP)


def evaluate(tender: Tender, bids: Iterable[Bid], scores: Iterable[Score]) -> list[Outcome]:
    """Every bid's outcome, by lot, then rank (admitted first), then AGB code."""
    bids = list(bids)
    by_bid: dict[tuple[str, str, str], list[Score]] = {}
    for s in scores:
        by_bid.setdefault((s.provider_agb, s.lot_code, s.criterion_code), []).append(s)
    outcomes: list[Outcome] = []
    for lot in tender.lots:
        outcomes += _evaluate_lot(tender, lot, [b for b in bids if b.lot_code == lot.code], by_bid)
    return outcomes


def _evaluate_lot(
    tender: Tender, lot: TenderLot, bids: list[Bid], by_bid: Mapping[tuple[str, str, str], list[Score]]
) -> list[Outcome]:
    refused: list[Outcome] = []
    passing: list[Bid] = []
    for bid in bids:
        failures = knock_out_failures(tender, bid)
        if failures:
            refused.append(
                Outcome(bid.provider_agb, lot.code, False, "knock-out " + "; ".join(failures), None,
                        price=None if lot.fixed else bid.price(lot))
            )  # fmt: skip
        else:
            passing.append(bid)
    prices = {b.provider_agb: b.price(lot) for b in passing}
    lowest = min((p.cents for p in prices.values() if p is not None), default=None)
    scored: list[Outcome] = []
    for bid in passing:
        price = prices[bid.provider_agb]
        if tender.procedure is Procedure.OPEN_HOUSE:
            scored.append(
                Outcome(bid.provider_agb, lot.code, True, "meets every requirement", None, price=price)
            )
            continue
        points: dict[str, Decimal] = {}
        total = Decimal(0)
        problems: list[str] = []
        for c in tender.criteria:
            if c.kind is CriterionKind.PRICE:
                assert price is not None and lowest is not None  # a passing bid on a bid lot has a price
                value = price_points(c.weight, Money(lowest), price)
                points[c.code] = value
                total += value
                continue
            value_on_scale = criterion_score(by_bid.get((bid.provider_agb, lot.code, c.code), []))
            if value_on_scale is None:
                problems.append(f"not scored on {c.code}")
                continue
            points[c.code] = value_on_scale
            total += c.weight * (value_on_scale - tender.scale.low) / (tender.scale.high - tender.scale.low)
            if c.minimum is not None and value_on_scale < c.minimum:
                problems.append(f"{c.code} scored {_show(value_on_scale)}, minimum {_show(c.minimum)}")
        if tender.award_method is AwardMethod.LOWEST_PRICE:
            assert price is not None and lowest is not None
            total = price_points(100, Money(lowest), price)
        score = total if (tender.criteria or tender.award_method is AwardMethod.LOWEST_PRICE) else None
        if not problems and tender.minimum_total is not None and total < tender.minimum_total:
            problems.append(f"total {_show(total)} under the minimum {_show(tender.minimum_total)}")
        if problems:
            scored.append(
                Outcome(bid.provider_agb, lot.code, False, "; ".join(problems), score, points, price)
            )
        else:
            scored.append(Outcome(bid.provider_agb, lot.code, True, "", score, points, price))
    ranked = sorted(
        (o for o in scored if o.admitted),
        key=lambda o: (-(o.score or Decimal(0)), o.price.cents if o.price else 0, o.provider_agb),
    )
    result: list[Outcome] = []
    for rank, o in enumerate(ranked, start=1):
        if tender.procedure is Procedure.OPEN_HOUSE:
            result.append(o)
            continue
        if lot.places is not None and rank > lot.places:
            reason = f"ranked {rank}, outside the {lot.places} place(s) of lot {lot.code}"
            result.append(
                Outcome(o.provider_agb, o.lot_code, False, reason, o.score, o.criterion_scores, o.price, rank)
            )
            continue
        reason = (
            f"ranked {rank}" + (f" of {lot.places} place(s)" if lot.places else "") + ", every minimum met"
        )
        result.append(
            Outcome(o.provider_agb, o.lot_code, True, reason, o.score, o.criterion_scores, o.price, rank)
        )
    result += sorted((o for o in scored if not o.admitted), key=lambda o: o.provider_agb)
    result += sorted(refused, key=lambda o: o.provider_agb)
    return result


def price_points(weight: int, lowest: Money, price: Money) -> Decimal:
    """EMVI price points: ``weight * lowest valid price / this price`` (the lowest gets them all)."""
    if price.cents <= 0 or lowest.cents <= 0:
        raise TenderError("a price to compare is a positive amount")
    return Decimal(weight) * Decimal(lowest.cents) / Decimal(price.cents)


def _show(value: Decimal) -> str:
    shown = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return str(shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown.normalize())
