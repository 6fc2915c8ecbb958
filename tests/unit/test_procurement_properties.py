# SPDX-License-Identifier: EUPL-1.2
"""Properties of the evaluation over many tenders, bids and scores: an admitted bid meets every
knock-out and every minimum; ranks follow the scores; in EMVI the lowest valid price gets the
price criterion's full points and no bid more."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.evaluation import Bid, Outcome, Score, evaluate, knock_out_failures
from zorginkoop.domain.procurement.model import (
    AwardMethod,
    ContractTerm,
    Criterion,
    CriterionKind,
    LotProduct,
    Procedure,
    RegistrationPeriod,
    Requirement,
    RequirementKind,
    TariffPolicy,
    Tender,
    TenderLot,
)

PRODUCTS = ("P1", "P2", "P3")
AT = datetime(2024, 2, 1)


@st.composite
def tenders(draw: st.DrawFn) -> Tender:
    procedure = draw(st.sampled_from([Procedure.SAS, Procedure.CLASSIC]))
    split = draw(st.integers(10, 80))
    quality_minimum = draw(st.one_of(st.none(), st.integers(0, 10).map(Decimal)))
    places = draw(st.one_of(st.none(), st.integers(1, 4))) if procedure is Procedure.CLASSIC else None
    lot = TenderLot("A", "A", Law.WMO, tuple(LotProduct(p, volume=draw(st.integers(1, 20))) for p in PRODUCTS),
                    places=places)  # fmt: skip
    return Tender(
        code="T",
        name="T",
        procedure=procedure,
        award_method=AwardMethod.EMVI,
        tariff_policy=TariffPolicy.BID,
        lots=(lot,),
        registration=RegistrationPeriod(date(2024, 1, 1), date(2024, 1, 31)),
        term=ContractTerm(date(2025, 1, 1), 2),
        requirements=(
            Requirement("E1", RequirementKind.MIN_CLIENTS, minimum=draw(st.integers(0, 20))),
            Requirement("E2", RequirementKind.QUALITY_MARK, accepted=("HKZ",)),
            Requirement("E3", RequirementKind.ALL_PRODUCTS),
        ),
        criteria=(
            Criterion("Q1", "Q1", split, minimum=quality_minimum),
            Criterion("Q2", "Q2", 100 - split - 10),
            Criterion("P", "Prijs", 10, CriterionKind.PRICE),
        ),
        minimum_total=draw(st.one_of(st.none(), st.integers(0, 100).map(Decimal))),
        standstill_days=20 if procedure is Procedure.CLASSIC else 0,
    )


@st.composite
def bids_and_scores(draw: st.DrawFn) -> tuple[list[Bid], list[Score]]:
    count = draw(st.integers(1, 8))
    bids, scores = [], []
    for i in range(count):
        agb = f"{10_000_000 + i}"
        offered = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True))
        prices = {p: Money(draw(st.integers(1, 100_000))) for p in offered}
        answers = {"E1": draw(st.integers(0, 30)), "E2": draw(st.sampled_from(["HKZ", "none", "hkz"]))}
        bids.append(Bid(agb, "A", date(2024, 1, 10), tuple(offered), prices, answers=answers))  # type: ignore[arg-type]
        for criterion in ("Q1", "Q2"):
            for assessor in draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True)):
                value = Decimal(draw(st.integers(0, 20))) / 2
                scores.append(Score(agb, "A", criterion, assessor, value, AT, draw(st.booleans())))
    return bids, scores


def _scored(outcome: Outcome, criterion: str) -> Decimal:
    return outcome.criterion_scores[criterion]


@settings(max_examples=120, deadline=None)
@given(tenders(), bids_and_scores())
def test_an_admitted_bid_meets_every_knock_out_and_every_minimum(
    tender: Tender, data: tuple[list[Bid], list[Score]]
) -> None:
    bids, scores = data
    by_agb = {b.provider_agb: b for b in bids}
    outcomes = evaluate(tender, bids, scores)
    assert sorted(o.provider_agb for o in outcomes) == sorted(by_agb)
    for o in outcomes:
        assert o.reason, "every outcome is explained"
        if not o.admitted:
            continue
        assert knock_out_failures(tender, by_agb[o.provider_agb]) == []
        for c in tender.quality_criteria:
            assert c.code in o.criterion_scores
            assert c.minimum is None or _scored(o, c.code) >= c.minimum
        assert o.score is not None
        assert tender.minimum_total is None or o.score >= tender.minimum_total


@settings(max_examples=120, deadline=None)
@given(tenders(), bids_and_scores())
def test_ranks_follow_the_scores_and_places_are_kept(
    tender: Tender, data: tuple[list[Bid], list[Score]]
) -> None:
    bids, scores = data
    ranked = sorted(
        (o for o in evaluate(tender, bids, scores) if o.rank is not None), key=lambda o: o.rank or 0
    )
    assert [o.rank for o in ranked] == list(range(1, len(ranked) + 1))
    for better, worse in itertools.pairwise(ranked):
        assert better.score is not None and worse.score is not None and better.score >= worse.score
    places = tender.lots[0].places
    admitted = [o for o in ranked if o.admitted]
    if places is None:
        assert admitted == ranked
    else:
        assert admitted == ranked[:places]
    for o in ranked:
        assert o.score is not None and Decimal(0) <= o.score <= Decimal(100)


@settings(max_examples=120, deadline=None)
@given(tenders(), bids_and_scores())
def test_the_lowest_valid_price_gets_the_full_price_points(
    tender: Tender, data: tuple[list[Bid], list[Score]]
) -> None:
    bids, scores = data
    price = tender.price_criterion
    assert price is not None
    priced = [o for o in evaluate(tender, bids, scores) if "P" in o.criterion_scores]
    if not priced:
        return
    lowest = min(o.price.cents for o in priced if o.price is not None)
    for o in priced:
        assert o.price is not None
        points = o.criterion_scores["P"]
        assert Decimal(0) < points <= price.weight
        assert (points == price.weight) == (o.price.cents == lowest)
