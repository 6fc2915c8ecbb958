# SPDX-License-Identifier: EUPL-1.2
"""From a classic best price-quality (EMVI) tender to a paid declaration line: the bids' prices
become each admitted provider's contract tariffs, allocation offers only the admitted providers,
a 303 line is paid at the provider's bid price (TR418) and refused at another (0611), and the
tender's contract condition (a minimum of active clients a year) is checked during the term."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.integration.test_contract_chain import ALFA, BETA, GAMMA, allocated, declare, seed
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.contracts import parse_euros
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts, tenders

TENDER = """
[tender]
code = "LEK-EMVI"
name = "Ondersteuning zelfredzaamheid"
procedure = "classic"
award_method = "emvi"
tariff_policy = "bid"
standstill_days = 20
[tender.registration]
opens = 2020-09-01
closes = 2020-10-01
[tender.term]
start = 2021-01-01
years = 2
extensions = [1, 1]
[tender.scoring]
minimum_total = 50

[[lot]]
code = "OZR"
name = "Ondersteuning"
law = "wmo"
places = 2
ceiling_eur = "100000.00"
product = [{ code = "OZR1", volume = 100 }, { code = "SPOED", volume = 5 }]

[[condition]]
kind = "min-active-clients"
minimum = 2

[[requirement]]
code = "E1"
kind = "min-clients"
minimum = 5

[[criterion]]
code = "Q"
name = "Kwaliteit"
weight = 70
minimum = 5
[[criterion]]
code = "P"
name = "Prijs"
kind = "price"
weight = 30
"""


def bid(ozr1: str, spoed: str) -> str:
    return f'[[bid]]\nlot = "OZR"\n[bid.prices]\nOZR1 = "{ozr1}"\nSPOED = "{spoed}"\n[bid.answers]\nE1 = 20\n'


def tender_to_contracts(engine: Engine) -> list[tenders.OutcomeLine]:
    contracts.add_tariff(UnitOfWork(engine), Law.WMO, "OZR1", parse_euros("50,00"), date(2021, 1, 1))
    contracts.add_tariff(UnitOfWork(engine), Law.WMO, "SPOED", parse_euros("200,00"), date(2021, 1, 1))
    tenders.create_tender(UnitOfWork(engine), TENDER)
    for agb, prices in (
        (ALFA, ("50.00", "200.00")),
        (BETA, ("48.75", "190.00")),
        (GAMMA, ("47.00", "180.00")),
    ):
        tenders.submit_bid(UnitOfWork(engine), "LEK-EMVI", agb, bid(*prices), on=date(2020, 9, 15))
    scores = "".join(
        f'[[score]]\nprovider = "{agb}"\nlot = "OZR"\ncriterion = "Q"\nscore = {value}\n'
        for agb, value in ((ALFA, 9), (BETA, 8), (GAMMA, 5))
    )
    tenders.record_scores(UnitOfWork(engine), "LEK-EMVI", "jansen", scores, now=datetime(2020, 10, 5, 9))
    tenders.award(UnitOfWork(engine), "LEK-EMVI", date(2020, 10, 15))
    final = tenders.finalize(UnitOfWork(engine), "LEK-EMVI", date(2020, 11, 5))
    assert final.contracts == ("LEK-EMVI-OZR-11111111", "LEK-EMVI-OZR-22222222")
    return list(tenders.evaluation(UnitOfWork(engine), "LEK-EMVI").lines)


def test_an_emvi_award_contracts_the_best_two_at_their_bid_prices(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    lines = {line.outcome.provider_agb: line for line in tender_to_contracts(engine)}
    # Q: 70 x score/10; P: 30 x lowest valid price / price, prices weighed 100 x OZR1 + 5 x SPOED
    # ALFA 63 + 30 x 5600/6000 = 91.00; BETA 56 + 30 x 5600/5825 = 84.84; GAMMA 35 + 30 = 65.00
    assert [(a, lines[a].score, lines[a].outcome.admitted) for a in (ALFA, BETA, GAMMA)] == [
        (ALFA, Decimal("91.00"), True), (BETA, Decimal("84.84"), True), (GAMMA, Decimal("65.00"), False)]  # fmt: skip
    assert lines[GAMMA].outcome.reason == "ranked 3, outside the 2 place(s) of lot OZR"
    assert lines[BETA].contract_number == "LEK-EMVI-OZR-22222222"
    with UnitOfWork(engine) as uow:
        (contract,) = uow.contracts.contracts(BETA)
        assert (contract.valid.start, contract.valid.end, contract.ceiling) == (
            date(2021, 1, 1), date(2022, 12, 31), Money.euros("100000.00"))  # fmt: skip
        (framework,) = uow.contracts.frameworks()
        assert framework.term.latest_end == date(2024, 12, 31)
        assert [d.decide_by for d in framework.term.extension_calendar()] == [
            date(2022, 7, 1),
            date(2023, 7, 1),
        ]


def test_a_declaration_is_paid_at_the_bid_price_of_the_admitted_provider(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    tender_to_contracts(engine)
    allocation = allocated(engine, BETA)  # offers ALFA and BETA only: GAMMA was not admitted
    approved, rejected, granted, answer = declare(
        engine, tmp_path, allocation, [Money.euros("48.75"), Money.euros("50.00")]
    )
    assert (approved, rejected, granted) == (1, 1, Money.euros("48.75") * 4)
    assert b"0611" in answer
    # during the term: one active client is under the tender's minimum of two (no contract for one client)
    checks = {c.provider_agb: c for c in tenders.check_conditions(UnitOfWork(engine), "LEK-EMVI", 2021)}
    assert {a: (c.active_clients, c.breached) for a, c in checks.items()} == {
        ALFA: (0, True),
        BETA: (1, True),
    }


def test_a_tender_without_admitted_bids_contracts_nothing(engine: Engine) -> None:
    seed(engine)
    tenders.create_tender(UnitOfWork(engine), TENDER)
    tenders.submit_bid(UnitOfWork(engine), "LEK-EMVI", ALFA, bid("50.00", "200.00").replace("E1 = 20", "E1 = 2"),
                       on=date(2020, 9, 15))  # fmt: skip
    tenders.award(UnitOfWork(engine), "LEK-EMVI", date(2020, 10, 15))
    with pytest.raises(tenders.TenderRefused, match="no bid was admitted"):
        tenders.finalize(UnitOfWork(engine), "LEK-EMVI", date(2020, 11, 5))
    with UnitOfWork(engine) as uow:
        assert uow.contracts.frameworks() == [] and uow.contracts.contracts() == []
