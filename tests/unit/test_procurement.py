# SPDX-License-Identifier: EUPL-1.2
"""The procurement domain: a tender's rules, the TOML definition files, knock-outs, scores,
the evaluation's reasons, EMVI price points, the award steps and what admitted bids cover."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.award import (
    TenderStatus,
    check_final_award,
    check_intended_award,
    contract_plans,
)
from zorginkoop.domain.procurement.coverage import additions, bids_coverage
from zorginkoop.domain.procurement.evaluation import (
    Bid,
    Score,
    check_bid,
    check_score,
    criterion_score,
    evaluate,
)
from zorginkoop.domain.procurement.files import TenderFileError, read_bids, read_scores, read_tender
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
    TenderError,
    TenderLot,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenders"
AT = datetime(2023, 7, 20, 10, 0)
ALL_GROUPS = frozenset(TargetGroup(g) for g in ("psychogeriatrisch-somatisch", "psychiatrisch-psychosociaal", "nah",
                                                 "lvb", "complexe-problematiek"))  # fmt: skip


def example() -> Tender:
    return read_tender((EXAMPLES / "wmo-begeleiding-2024.toml").read_text(encoding="utf-8"))


def emvi(places: int | None = 2) -> Tender:
    lot = TenderLot("A", "Ambulant", Law.JEUGD, (LotProduct("45A48", volume=10), LotProduct("45A49", volume=5)),
                    places=places)  # fmt: skip
    return Tender(
        code="JW-EMVI",
        name="Jeugd ambulant",
        procedure=Procedure.CLASSIC,
        award_method=AwardMethod.EMVI,
        tariff_policy=TariffPolicy.BID,
        lots=(lot,),
        registration=RegistrationPeriod(date(2024, 1, 1), date(2024, 2, 1)),
        term=ContractTerm(date(2025, 1, 1), 3),
        requirements=(Requirement("E1", RequirementKind.MIN_CLIENTS, minimum=5),),
        criteria=(
            Criterion("Q", "Kwaliteit", 60, minimum=Decimal(4)),
            Criterion("P", "Prijs", 40, CriterionKind.PRICE),
        ),
        standstill_days=20,
    )


def priced(agb: str, a: str, b: str, clients: int = 10) -> Bid:
    return Bid(agb, "A", date(2024, 1, 10), ("45A48", "45A49"), {"45A48": Money.euros(a), "45A49": Money.euros(b)},
               answers={"E1": clients})  # fmt: skip


def quality(
    agb: str, lot: str, value: str, criterion: str = "Q", assessor: str = "x", consensus: bool = False
) -> Score:
    return Score(agb, lot, criterion, assessor, Decimal(value), AT, consensus)


# -- the tender and its files ----------------------------------------------------------------------


def test_the_example_tender_reads_into_a_sas_tender_at_fixed_tariffs() -> None:
    tender = example()
    assert (tender.procedure, tender.award_method, tender.tariff_policy) == (
        Procedure.SAS, AwardMethod.QUALITY, TariffPolicy.UNIFORM)  # fmt: skip
    (lot,) = tender.lots
    assert len(lot.products) == 18 and lot.fixed
    assert lot.products[0] == LotProduct("02O11", Money.euros("325.17"))
    assert sum(c.weight for c in tender.criteria) == 100
    assert tender.term == ContractTerm(date(2024, 1, 1), 2, (1, 1), 6)
    assert tender.standstill_until(date(2023, 8, 1)) == date(2023, 8, 11)


def test_weights_not_adding_up_to_100_are_refused_in_one_line() -> None:
    text = (
        (EXAMPLES / "wmo-begeleiding-2024.toml")
        .read_text(encoding="utf-8")
        .replace("weight = 40", "weight = 35")
    )
    with pytest.raises(TenderFileError) as caught:
        read_tender(text, "t.toml")
    assert caught.value.problems == [
        "t.toml: tender WMO-IB-2024: the award criteria's weights add up to 95, not 100"
    ]


def test_every_problem_of_a_definition_file_gets_its_own_line() -> None:
    text = """
[tender]
code = "X"
procedure = "auction"
award_method = "quality"
tariff_policy = "uniform"
[tender.registration]
opens = "2024-01-01"
[tender.term]
start = 2024-01-01
years = 2
[[lot]]
code = "A"
name = "A"
law = "wmo"
product = [{ code = "OZR1", tariff_eur = 48.5 }]
"""
    with pytest.raises(TenderFileError) as caught:
        read_tender(text, "t.toml")
    assert caught.value.problems == [
        "t.toml [tender]: procedure must be one of sas, open-house, classic, bestuurlijk, got 'auction'",
        "t.toml [tender] registration: opens must be a date (YYYY-MM-DD, unquoted)",
        't.toml [[lot]] A product OZR1: tariff_eur must be a quoted amount like "48.83", got 48.5',
    ]


def test_not_toml_is_one_line() -> None:
    with pytest.raises(TenderFileError) as caught:
        read_tender("[tender\n", "t.toml")
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith("t.toml: not valid TOML")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"award_method": AwardMethod.EMVI}, "EMVI needs one price criterion"),
        ({"standstill_days": 10}, "at least 20 days"),
        ({"registration": RegistrationPeriod(date(2024, 1, 1), None)}, "closing date"),
        (
            {"criteria": (Criterion("Q", "Q", 60), Criterion("P", "P", 60, CriterionKind.PRICE))},
            "add up to 120",
        ),
    ],
)
def test_a_tender_breaking_a_rule_is_refused(change: dict[str, object], words: str) -> None:
    fields = {f: getattr(emvi(), f) for f in Tender.__dataclass_fields__}
    fields.update(change)
    if change.get("award_method") is AwardMethod.EMVI:
        fields["criteria"] = (Criterion("Q", "Q", 100),)
    with pytest.raises(TenderError, match=words):
        Tender(**fields)


def test_the_example_bids_and_scores_read() -> None:
    (bid,) = read_bids((EXAMPLES / "bid-zorggroep-lekstroom.toml").read_text(encoding="utf-8"), "98214099",
                       date(2023, 6, 20))  # fmt: skip
    assert (bid.lot_code, len(bid.products), bid.target_groups) == ("IB", 18, ALL_GROUPS)
    assert bid.answers == {"E1": 412, "E2": "HKZ", "E3": True, "W1": bid.answers["W1"]}
    scores = read_scores(
        (EXAMPLES / "scores-consensus.toml").read_text(encoding="utf-8"), "C. Voorzitter", AT
    )
    assert scores == [Score("98478174", "IB", "G1", "C. Voorzitter", Decimal(7), AT, True)]


# -- bids and scores -------------------------------------------------------------------------------


def test_a_bid_after_registration_or_for_a_missing_lot_is_refused() -> None:
    tender = example()
    (bid,) = read_bids(
        (EXAMPLES / "bid-kompas.toml").read_text(encoding="utf-8"), "98306771", date(2023, 7, 15)
    )
    with pytest.raises(TenderError, match="registration is open 2023-06-01 to 2023-07-14, not on 2023-07-15"):
        check_bid(tender, bid, date(2023, 7, 15))
    with pytest.raises(TenderError, match="has no lot 'XX'"):
        check_bid(tender, Bid("98306771", "XX", date(2023, 7, 1), ()), date(2023, 7, 1))
    check_bid(tender, bid, date(2023, 7, 14))  # the closing day is included


def test_a_score_outside_the_scale_is_refused() -> None:
    tender = example()
    bids = [Bid("98214099", "IB", date(2023, 6, 20), ())]
    with pytest.raises(TenderError, match="outside the scale 0 to 10"):
        check_score(tender, quality("98214099", "IB", "11", "G1"), bids)
    with pytest.raises(TenderError, match="no bid of 98000000"):
        check_score(tender, quality("98000000", "IB", "5", "G1"), bids)


def test_a_consensus_score_overrides_the_mean_of_the_assessors_latest_scores() -> None:
    early, late = datetime(2023, 7, 1), datetime(2023, 7, 2)
    scores = [
        Score("1", "A", "Q", "jansen", Decimal(4), early),
        Score("1", "A", "Q", "jansen", Decimal(6), late),  # a correction: the latest counts
        Score("1", "A", "Q", "de vries", Decimal(9), early),
    ]
    assert criterion_score(scores) == Decimal("7.5")
    assert criterion_score([*scores, Score("1", "A", "Q", "chair", Decimal(7), late, consensus=True)]) == 7
    assert criterion_score([]) is None


# -- evaluation ------------------------------------------------------------------------------------


def test_the_example_evaluation_explains_every_bid() -> None:
    tender = example()
    bids = [
        b
        for name, agb in (("zorggroep-lekstroom", "98214099"), ("op-maat-lopik", "98478174"),
                          ("horizon-lopik", "98416481"), ("kompas", "98306771"), ("de-polderzorg", "98058598"))
        for b in read_bids((EXAMPLES / f"bid-{name}.toml").read_text(encoding="utf-8"), agb, date(2023, 6, 20))
    ]  # fmt: skip
    scores = [
        s
        for name in ("jansen", "de-vries", "consensus")
        for s in read_scores((EXAMPLES / f"scores-{name}.toml").read_text(encoding="utf-8"), name, AT)
    ]
    outcomes = {o.provider_agb: o for o in evaluate(tender, bids, scores)}
    assert {a for a, o in outcomes.items() if o.admitted} == {"98214099", "98478174", "98416481"}
    assert outcomes["98214099"].reason == "ranked 1, every minimum met"
    # G1 40 x 8.5/10 + G2 30 x 7/10 + G3 30 x 8/10 = 34 + 21 + 24
    assert outcomes["98214099"].shown_score == Decimal("79.00")
    assert outcomes["98478174"].criterion_scores["G1"] == 7  # the consensus, not the mean 6.5
    assert outcomes["98058598"].reason == "G2 scored 4, minimum 5"
    assert outcomes["98306771"].reason.startswith(
        "knock-out E1 (at least 10 clients served): declared 8; E4 ("
    )
    assert outcomes["98306771"].score is None


def test_emvi_ranks_on_quality_and_price_and_fills_the_places() -> None:
    tender = emvi(places=2)
    bids = [priced("1", "10.00", "20.00"), priced("2", "20.00", "40.00"), priced("3", "12.00", "24.00"),
            priced("4", "5.00", "5.00", clients=2)]  # fmt: skip
    scores = [
        quality("1", "A", "6"),
        quality("2", "A", "10"),
        quality("3", "A", "9"),
        quality("4", "A", "10"),
    ]
    outcomes = {o.provider_agb: o for o in evaluate(tender, bids, scores)}
    # 1: 36 + 40 (lowest valid price: 200) = 76; 2: 60 + 20 = 80; 3: 54 + 40 x 200/240 = 87.33
    assert [outcomes[a].shown_score for a in "123"] == [Decimal("76.00"), Decimal("80.00"), Decimal("87.33")]
    assert [outcomes[a].rank for a in "321"] == [1, 2, 3]
    assert (
        outcomes["1"].admitted is False
        and outcomes["1"].reason == "ranked 3, outside the 2 place(s) of lot A"
    )
    # bid 4 is cheapest but fails a knock-out: it does not set the lowest valid price
    assert outcomes["4"].reason.startswith("knock-out E1") and outcomes["1"].criterion_scores["P"] == 40


def test_a_missing_price_is_a_knock_out() -> None:
    bid = Bid("1", "A", date(2024, 1, 10), ("45A48",), {"45A48": Money.euros("10.00")}, answers={"E1": 9})
    (outcome,) = evaluate(emvi(), [bid], [quality("1", "A", "8")])
    assert (outcome.admitted, outcome.reason) == (False, "knock-out no price for 45A49")


# -- award -----------------------------------------------------------------------------------------


def test_an_award_is_made_once_and_finalized_after_the_standstill() -> None:
    tender = emvi()
    outcomes = evaluate(tender, [priced("1", "10.00", "20.00")], [quality("1", "A", "8")])
    with pytest.raises(TenderError, match="registration runs until 2024-02-01"):
        check_intended_award(tender, TenderStatus.OPEN, outcomes, date(2024, 2, 1))
    check_intended_award(tender, TenderStatus.OPEN, outcomes, date(2024, 2, 2))
    with pytest.raises(TenderError, match="already awarded"):
        check_intended_award(tender, TenderStatus.AWARDED, outcomes, date(2024, 2, 3))
    with pytest.raises(TenderError, match="standstill runs until 2024-02-22"):
        check_final_award(tender, TenderStatus.AWARDED, date(2024, 2, 2), date(2024, 2, 22))
    check_final_award(tender, TenderStatus.AWARDED, date(2024, 2, 2), date(2024, 2, 23))
    with pytest.raises(TenderError, match="no intended award"):
        check_final_award(tender, TenderStatus.OPEN, None, date(2024, 3, 1))
    (plan,) = contract_plans(tender, outcomes, [priced("1", "10.00", "20.00")])
    assert plan.tariffs == {"45A48": Money.euros("10.00"), "45A49": Money.euros("20.00")}


# -- coverage --------------------------------------------------------------------------------------


def test_coverage_of_bids_shows_gaps_and_what_a_newcomer_adds() -> None:
    wide = Bid("11111111", "IB", date(2023, 6, 1), (), municipalities=frozenset({"0321", "0356"}),
               target_groups=frozenset({TargetGroup.MILD_INTELLECTUAL_DISABILITY}))  # fmt: skip
    new = Bid("22222222", "IB", date(2023, 6, 1), (), municipalities=frozenset({"0356"}),
              target_groups=frozenset({TargetGroup.ACQUIRED_BRAIN_INJURY, TargetGroup.MILD_INTELLECTUAL_DISABILITY}))  # fmt: skip
    cells = {
        (c.municipality_code, c.target_group): c
        for c in bids_coverage([wide, new], Law.WMO, ["0321", "0356"])
    }
    assert len(cells) == 10
    assert cells["0356", TargetGroup.MILD_INTELLECTUAL_DISABILITY].providers == ("11111111", "22222222")
    assert cells["0321", TargetGroup.ACQUIRED_BRAIN_INJURY].gap
    (added,) = additions([wide, new], {"22222222"}, Law.WMO, ["0321", "0356"])
    assert added.cells == (("0356", TargetGroup.ACQUIRED_BRAIN_INJURY),)
