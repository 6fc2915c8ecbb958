# SPDX-License-Identifier: EUPL-1.2
"""An additional round and an open house's admission on the store, on SQLite and PostgreSQL:
a SAS tender admits Alfa and Beta for one target group in Houten, the round for the gap takes
Gamma for another, its final award adds Gamma's contract under the tender's framework, and a
decision allocated the day after offers Gamma; run twice, nothing is made twice."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from tests.integration.test_contract_chain import ALFA, BETA, BSN, GAMMA, seed
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import ContractSpec, parse_euros
from zorginkoop.domain.product_models import Intake
from zorginkoop.services import allocations as workflow
from zorginkoop.services import contracts, tenders

HOUTEN = "0321"
TENDER = """
[tender]
code = "LEK-SAS"
name = "Ondersteuning"
procedure = "sas"
award_method = "quality"
tariff_policy = "uniform"
standstill_days = 10
[tender.registration]
opens = 2020-09-01
closes = 2020-10-01
[tender.term]
start = 2021-01-01
years = 2
[[lot]]
code = "OZR"
name = "Ondersteuning"
law = "wmo"
product = [{ code = "OZR1", tariff_eur = "50.00" }, { code = "SPOED", tariff_eur = "200.00" }]
[[requirement]]
code = "E1"
kind = "min-clients"
minimum = 5
[[criterion]]
code = "Q"
name = "Kwaliteit"
weight = 100
minimum = 5
"""


def bid(group: str) -> str:
    return (
        f'[[bid]]\nlot = "OZR"\nproducts = ["OZR1", "SPOED"]\nmunicipalities = ["{HOUTEN}"]\n'
        f'target_groups = ["{group}"]\n[bid.answers]\nE1 = 20\n'
    )


def score(agb: str) -> str:
    return f'[[score]]\nprovider = "{agb}"\nlot = "OZR"\ncriterion = "Q"\nscore = 8\n'


def test_a_round_s_contract_joins_the_framework_and_allocation_offers_it(engine: Engine) -> None:
    seed(engine)
    contracts.add_tariff(UnitOfWork(engine), Law.WMO, "OZR1", parse_euros("50,00"), date(2021, 1, 1))
    contracts.add_tariff(UnitOfWork(engine), Law.WMO, "SPOED", parse_euros("200,00"), date(2021, 1, 1))
    tenders.create_tender(UnitOfWork(engine), TENDER)
    for agb in (ALFA, BETA):
        tenders.submit_bid(
            UnitOfWork(engine), "LEK-SAS", agb, bid("complexe-problematiek"), on=date(2020, 9, 10)
        )
        tenders.record_scores(
            UnitOfWork(engine), "LEK-SAS", "jansen", score(agb), now=datetime(2020, 10, 2, 9)
        )
    with pytest.raises(tenders.TenderRefused, match="not evaluated yet"):
        tenders.open_additional_round(
            UnitOfWork(engine), "LEK-SAS", opens=date(2020, 10, 2), closes=date(2020, 10, 9)
        )
    tenders.award(UnitOfWork(engine), "LEK-SAS", date(2020, 10, 5))
    # the round may be opened once the evaluation is fixed; its finalize waits for the parent's
    opened = tenders.open_additional_round(
        UnitOfWork(engine), "LEK-SAS", opens=date(2020, 10, 6), closes=date(2020, 10, 20)
    )
    assert (
        opened.tender.code == "LEK-SAS-R1" and (HOUTEN, TargetGroup.COMPLEX_PROBLEMS) not in opened.tender.gap
    )
    assert (HOUTEN, TargetGroup.MILD_INTELLECTUAL_DISABILITY) in opened.tender.gap
    with pytest.raises(tenders.TenderRefused, match="is still open"):
        tenders.open_additional_round(
            UnitOfWork(engine), "LEK-SAS", opens=date(2020, 10, 6), closes=date(2020, 10, 20)
        )
    tenders.submit_bid(UnitOfWork(engine), "LEK-SAS-R1", GAMMA, bid("lvb"), on=date(2020, 10, 10))
    tenders.record_scores(
        UnitOfWork(engine), "LEK-SAS-R1", "jansen", score(GAMMA), now=datetime(2020, 10, 21, 9)
    )
    tenders.award(UnitOfWork(engine), "LEK-SAS-R1", date(2020, 10, 21))
    with pytest.raises(tenders.TenderRefused, match="finalize LEK-SAS first"):
        tenders.finalize(UnitOfWork(engine), "LEK-SAS-R1", date(2020, 11, 2))
    tenders.finalize(UnitOfWork(engine), "LEK-SAS", date(2020, 10, 16))
    final = tenders.finalize(UnitOfWork(engine), "LEK-SAS-R1", date(2021, 3, 1))
    assert (final.framework_code, final.contracts) == ("LEK-SAS", (f"LEK-SAS-R1-OZR-{GAMMA}",))
    with pytest.raises(tenders.TenderRefused, match="already final"):
        tenders.finalize(UnitOfWork(engine), "LEK-SAS-R1", date(2021, 3, 2))
    with UnitOfWork(engine) as uow:
        made = sorted(
            (c.provider_agb, c.framework_code, c.lot_code, c.valid.start) for c in uow.contracts.contracts()
        )
        assert [f.code for f in uow.contracts.frameworks()] == ["LEK-SAS"]
    assert made == [
        (ALFA, "LEK-SAS", "OZR", date(2021, 1, 1)),
        (BETA, "LEK-SAS", "OZR", date(2021, 1, 1)),
        (GAMMA, "LEK-SAS", "OZR", date(2021, 3, 1)),
    ]
    # a decision allocated the next day goes to an admitted provider, the round's included
    municipality = Scope.municipality(HOUTEN)
    model = load_models()["lekstroom-ozr"]
    workflow.record_contact(UnitOfWork(engine, municipality), BSN, "Lekdijk", 7, "3991AB", "Houten")
    decided = workflow.decide(
        UnitOfWork(engine, municipality), model, Intake(months=6, product_code="OZR1", hours_per_week=Decimal(4)),
        client_bsn=BSN, start=date(2021, 3, 2), decided_on=date(2021, 3, 1),
    )  # fmt: skip
    _decision, matches = workflow.providers_for_decision(
        UnitOfWork(engine, municipality), decided.decision.id, TargetGroup.COMPLEX_PROBLEMS
    )
    assert {m.provider.agb_code for m in matches} == {ALFA, BETA, GAMMA}
    allocated = workflow.allocate(
        UnitOfWork(engine, municipality), model, decision_id=decided.decision.id, provider_agb=GAMMA,
        now=datetime(2021, 3, 2, 9),
    ).allocation  # fmt: skip
    assert allocated.provider_agb == GAMMA


OPEN_HOUSE = """
[tender]
code = "LEK-OH"
name = "Open house ondersteuning"
procedure = "open-house"
award_method = "quality"
tariff_policy = "uniform"
[tender.registration]
opens = 2020-09-01
[tender.term]
start = 2021-01-01
[[lot]]
code = "OZR"
name = "Ondersteuning"
law = "wmo"
product = [{ code = "OZR1", tariff_eur = "50.00" }, { code = "SPOED", tariff_eur = "200.00" }]
[[requirement]]
code = "E1"
kind = "min-clients"
minimum = 5
"""


def test_an_open_house_admission_cut_off_after_its_contract_is_picked_up_and_never_made_twice(
    engine: Engine,
) -> None:
    seed(engine)
    tenders.create_tender(UnitOfWork(engine), OPEN_HOUSE)
    tenders.submit_bid(UnitOfWork(engine), "LEK-OH", ALFA, bid("lvb"), on=date(2020, 9, 10))
    tenders.award(UnitOfWork(engine), "LEK-OH", date(2020, 10, 1))
    tenders.finalize(UnitOfWork(engine), "LEK-OH", date(2020, 10, 1))
    with pytest.raises(tenders.TenderRefused, match="not admitted: knock-out E1"):
        late = bid("lvb").replace("E1 = 20", "E1 = 2")
        tenders.submit_bid(UnitOfWork(engine), "LEK-OH", GAMMA, late, on=date(2021, 5, 1))
        tenders.admit(UnitOfWork(engine), "LEK-OH", GAMMA, date(2021, 5, 3))
    # a corrected registration replaces the refused one (nothing was decided)
    tenders.submit_bid(UnitOfWork(engine), "LEK-OH", GAMMA, bid("lvb"), on=date(2021, 5, 4))
    # an admission cut off after its contract was written: the next run records it, makes no second
    contracts.create_contracts(
        UnitOfWork(engine),
        [ContractSpec(GAMMA, "LEK-OH", "OZR", start=date(2021, 5, 5), number=f"LEK-OH-OZR-{GAMMA}")],
    )
    admitted = tenders.admit(UnitOfWork(engine), "LEK-OH", GAMMA, date(2021, 5, 5))
    assert [line.contract_number for line in admitted.lines] == [f"LEK-OH-OZR-{GAMMA}"]
    with pytest.raises(tenders.TenderRefused, match="a bid is admitted once"):
        tenders.admit(UnitOfWork(engine), "LEK-OH", GAMMA, date(2021, 5, 6))
    with UnitOfWork(engine) as uow:
        made = sorted((c.provider_agb, c.valid.start) for c in uow.contracts.contracts())
    assert made == [(ALFA, date(2021, 1, 1)), (GAMMA, date(2021, 5, 5))]
    lines = {
        line.outcome.provider_agb: line for line in tenders.evaluation(UnitOfWork(engine), "LEK-OH").lines
    }
    assert (lines[GAMMA].decided_on, lines[GAMMA].pending, lines[ALFA].decided_on) == (
        date(2021, 5, 5),
        False,
        None,
    )
