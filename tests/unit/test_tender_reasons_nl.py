# SPDX-License-Identifier: EUPL-1.2
"""The evaluation's reasons in Dutch (``web.ui.tenders.reason_nl``): every reason the domain
writes, on the demo's three tenders and on bids made to fail each requirement kind and each
award rule, reads as Dutch, and every translation pattern is used by one of them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.evaluation import Bid, Score, evaluate
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
from zorginkoop.domain.procurement.rounds import admitted_reason
from zorginkoop.services import tenders as service
from zorginkoop.web.ui import tenders as screens
from zorginkoop.web.ui.tenders import reason_nl

ENGLISH = re.compile(
    r"knock-out|ranked|scored|answered|declared|lacks|serve|minimum met|meets|not scored|no price|under the|"
    r"outside the|place\(s\)|at least|member of|quality mark|offers every|\btotal\b"
)
ON = date(2024, 1, 15)
AT = datetime(2024, 2, 10, 9, 0)


def _tender(procedure: Procedure = Procedure.CLASSIC, places: int | None = 1) -> Tender:
    """A tender asking every requirement kind, none with its own text (so the kind's Dutch
    summary is used), at bid prices, with one place."""
    classic = procedure is Procedure.CLASSIC
    lot = TenderLot("A", "Ambulant", Law.JEUGD, (LotProduct("45A48", volume=10), LotProduct("45A49", volume=5)),
                    places=places if classic else None)  # fmt: skip
    return Tender(
        code="JW-NL",
        name="Jeugd ambulant",
        procedure=procedure,
        award_method=AwardMethod.EMVI if classic else AwardMethod.LOWEST_PRICE,
        tariff_policy=TariffPolicy.BID,
        lots=(lot,),
        registration=RegistrationPeriod(date(2024, 1, 1), date(2024, 2, 1) if classic else None),
        term=ContractTerm(date(2025, 1, 1), 3),
        requirements=(
            Requirement("E1", RequirementKind.MIN_CLIENTS, minimum=5),
            Requirement("E2", RequirementKind.MEMBERSHIP, accepted=("SKJ",)),
            Requirement("E3", RequirementKind.QUALITY_MARK, accepted=("HKZ", "ISO 9001")),
            Requirement("E4", RequirementKind.ALL_PRODUCTS),
            Requirement("E5", RequirementKind.MUNICIPALITIES, accepted=("0321",)),
            Requirement("E6", RequirementKind.TARGET_GROUPS, accepted=("jeugd-ggz",)),
        ),
        criteria=(
            (
                Criterion("Q", "Kwaliteit", 60, minimum=Decimal(4)),
                Criterion("P", "Prijs", 40, CriterionKind.PRICE),
            )
            if classic
            else ()
        ),
        minimum_total=Decimal(50) if classic else None,
        standstill_days=20 if classic else 0,
    )


PRICES = {"45A48": Money(10000), "45A49": Money(12000)}
GOOD = {"E1": 12, "E2": True, "E3": "HKZ"}


def _bid(agb: str, **changes: object) -> Bid:
    fields: dict[str, object] = {
        "products": ("45A48", "45A49"), "prices": PRICES, "municipalities": frozenset({"0321"}),
        "target_groups": frozenset({TargetGroup.YOUTH_MENTAL_HEALTH}), "answers": GOOD,
    }  # fmt: skip
    fields.update(changes)
    return Bid(agb, "A", ON, **fields)  # type: ignore[arg-type]


def _reasons() -> tuple[Tender, dict[str, str], list[str]]:
    tender = _tender()
    bids = [
        _bid("1", answers={}),  # nothing answered
        _bid("2", answers={"E1": "veel", "E2": False, "E3": "geen"}),
        _bid("3", answers={"E1": 2, "E2": 7, "E3": "d'r keurmerk"}),
        _bid(
            "4",
            products=("45A48",),
            prices={"45A48": Money(10000)},
            municipalities=frozenset(),
            target_groups=frozenset(),
        ),
        _bid("5"),
        _bid("6"),
        _bid("7"),
        _bid("8", prices={"45A48": Money(9000), "45A49": Money(11000)}),
        _bid("10", answers={**GOOD, "E3": True}),  # a yes where a quality mark's name is asked
    ]
    scores = [
        Score("5", "A", "Q", "tests", Decimal("9.5"), AT),  # best: place 1 of 1
        Score("8", "A", "Q", "tests", Decimal("7.5"), AT),  # ranked 2: outside the one place
        Score("6", "A", "Q", "tests", Decimal("3.5"), AT),  # under the criterion's minimum
        # 7 not scored
    ]
    by_agb = {o.provider_agb: o.reason for o in evaluate(tender, bids, scores)}
    reasons = list(by_agb.values())
    unlimited = _tender(places=None)  # no number of places: every bid passing the minimums
    low_scores = [
        Score("5", "A", "Q", "tests", Decimal("4.5"), AT),
        Score("7", "A", "Q", "tests", Decimal(9), AT),
    ]
    expensive = {"45A48": Money(90000), "45A49": Money(90000)}
    reasons += [o.reason for o in evaluate(unlimited, [_bid("5", prices=expensive), _bid("7")], low_scores)]
    open_house = _tender(Procedure.OPEN_HOUSE)
    reasons += [o.reason for o in evaluate(open_house, [_bid("9")], [])]
    reasons.append(admitted_reason(date(2023, 3, 6)))  # an open house's admission after its award
    return tender, by_agb, reasons


def test_every_reason_the_domain_writes_reads_as_dutch_and_every_pattern_is_used() -> None:
    tender, by_agb, reasons = _reasons()
    shown = [reason_nl(r, tender) for r in reasons]
    assert all(s and not ENGLISH.search(s) for s in shown), [s for s in shown if ENGLISH.search(s)]
    assert all(s[0].isupper() for s in shown)
    parts = [p for r in reasons for p in r.removeprefix("knock-out ").split("; ")]
    details = [m.group(3) for p in parts if (m := screens._KNOCK_OUT.fullmatch(p))]
    unused = [p.pattern for p, _ in screens._PATTERNS if not any(p.fullmatch(x) for x in parts)]
    unused += [p.pattern for p, _ in screens._DETAIL if not any(p.fullmatch(x) for x in details)]
    assert not unused
    nl = {agb: reason_nl(reason, tender) for agb, reason in by_agb.items()}
    assert nl["1"].startswith("Voldoet niet aan eis E1 (ten minste 5 cliënten): niet met een getal beantwoord; "
                                  "voldoet niet aan eis E2 (lid van SKJ): niet beantwoord")  # fmt: skip
    assert "voldoet niet aan eis E3 (keurmerk HKZ of ISO 9001): antwoord 'geen'" in nl["2"]
    assert "eis E4 (elk product van het perceel): ontbreekt: 45A49" in nl["4"]
    assert "eis E5 (bedient 0321): bedient niet: 0321" in nl["4"]
    assert "geen prijs voor 45A49" in nl["4"]
    assert nl["5"] == "Plaats 1 van 1, aan elk minimum voldaan"
    assert nl["8"] == "Plaats 2, buiten de 1 plaats(en) van perceel A"
    assert nl["6"] == "Q beoordeeld met 3,5, minimum 4" and nl["7"] == "Niet beoordeeld op Q"


def test_scores_are_shown_with_a_decimal_comma() -> None:
    tender = _tender()
    assert reason_nl("Q scored 3.5, minimum 4", tender) == "Q beoordeeld met 3,5, minimum 4"
    assert (
        reason_nl("total 47.25 under the minimum 50", tender)
        == "Totaal 47,25 punten, onder het minimum van 50"
    )
    assert reason_nl("something new", tender) == "Something new"  # an unknown form is shown as it is


def test_the_demo_s_reasons_all_read_as_dutch(demo_store_url: str) -> None:
    engine = make_engine(demo_store_url)
    try:
        uow = UnitOfWork(engine, Scope.region(), actor="tests")
        seen = 0
        for summary in service.list_tenders(uow):
            for line in service.evaluation(uow, summary.tender.code).lines:
                shown = reason_nl(line.outcome.reason, summary.tender)
                assert shown and not ENGLISH.search(shown), (line.outcome.reason, shown)
                seen += 1
    finally:
        engine.dispose()
    assert seen == 52 + 4 + 5
