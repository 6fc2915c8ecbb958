# SPDX-License-Identifier: EUPL-1.2
"""The demo's 2022 framework agreement comes out of its SAS tender (issue 11, scope 7): the bids
of the 49 OZR providers and three newcomers, scored by two assessors, evaluated, awarded and
finalised after the standstill, admit exactly the providers the demo contracts for 2022, and
every refused bid says why."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.demo import tenders as tender_2022
from zorginkoop.demo.lekstroom import build_lekstroom
from zorginkoop.services import tenders
from zorginkoop.services.demo import model_2022


@pytest.fixture(scope="module")
def engine(demo_store_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(demo_store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def designed() -> tender_2022.DemoTender:
    demo = build_lekstroom(2020, model_2022=model_2022())
    assert demo.tender_2022 is not None
    return demo.tender_2022


def test_the_tender_admits_exactly_the_providers_contracted_for_2022(engine: Engine, designed) -> None:  # type: ignore[no-untyped-def]
    found = tenders.evaluation(UnitOfWork(engine), tender_2022.CODE)
    assert found.tender.procedure.value == "sas" and found.status.value == "final"
    admitted = {line.outcome.provider_agb for line in found.lines if line.outcome.admitted}
    assert len(admitted) == 32 and admitted == designed.admitted
    assert len(found.lines) == 49 + len(tender_2022.NEWCOMERS)
    with UnitOfWork(engine) as uow:
        framework = uow.contracts.framework(tender_2022.CODE)
        contracted = {
            c.provider_agb: c for c in uow.contracts.contracts() if c.framework_code == tender_2022.CODE
        }
    assert framework is not None and framework.term.start == date(2022, 1, 1)
    assert framework.term.extensions == (1, 1)
    assert set(contracted) == admitted
    assert {line.contract_number for line in found.lines if line.outcome.admitted} == {
        c.number for c in contracted.values()
    }


def test_every_refused_bid_says_why_as_it_was_designed(engine: Engine, designed) -> None:  # type: ignore[no-untyped-def]
    found = tenders.evaluation(UnitOfWork(engine), tender_2022.CODE)
    design = {b.provider_agb: b.refusal for b in designed.bids}
    refused = [line for line in found.lines if not line.outcome.admitted]
    assert len(refused) == 17 + len(tender_2022.NEWCOMERS)
    kinds = set()
    for line in refused:
        reason = line.outcome.reason
        expected = design[line.outcome.provider_agb]
        assert expected is not None, line
        if expected is tender_2022.Refusal.SCORE:
            assert "minimum" in reason and "knock-out" not in reason, reason
        else:
            assert reason.startswith(f"knock-out {expected.value}"), reason
        kinds.add(expected)
    assert kinds == set(tender_2022.Refusal)  # each way of failing is shown at least once
    # newcomers bid, none is admitted (seed 004: only when they add something)
    newcomers = {agb for agb, _name, _refusal in tender_2022.NEWCOMERS}
    assert newcomers <= {line.outcome.provider_agb for line in refused}


def test_the_2022_declarations_find_the_tenders_tariffs_in_the_catalogue(engine: Engine, designed) -> None:  # type: ignore[no-untyped-def]
    """Policy uniform: the lot's fixed tariffs are the catalogue's from 2022-01-01 (the demo's
    2022 tariffs were there already and equal), and no contract has prices of its own."""
    tender = tenders.evaluation(UnitOfWork(engine), tender_2022.CODE).tender
    (lot,) = tender.lots
    with UnitOfWork(engine) as uow:
        catalogue = {
            t.product_code: t for t in uow.catalogue.tariffs(lot.law) if t.valid.contains(date(2022, 6, 1))
        }
    assert {p.code: p.tariff for p in lot.products} == {
        code: catalogue[code].amount for code in lot.product_codes
    }


def test_the_classic_emvi_tender_waits_at_its_intended_award_and_can_be_finalised(
    demo_store_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Try it: the classic tender stands at its intended award (two places, best price-quality);
    its final award after the 20-day standstill makes two contracts with the bid prices."""
    import shutil

    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        found = tenders.evaluation(UnitOfWork(engine), tender_2022.CLASSIC_CODE)
        assert (found.tender.procedure.value, found.tender.award_method.value, found.status.value) == (
            "classic", "emvi", "awarded",
        )  # fmt: skip
        admitted = [line.outcome for line in found.lines if line.outcome.admitted]
        assert [o.rank for o in admitted] == [1, 2]
        refused = {line.outcome.reason.split(" ")[0] for line in found.lines if not line.outcome.admitted}
        assert refused == {"knock-out", "ranked"}  # one fails E1, one is ranked outside the places
        with pytest.raises(tenders.TenderRefused):  # inside the standstill
            tenders.finalize(UnitOfWork(engine), tender_2022.CLASSIC_CODE, date(2022, 10, 10))
        final = tenders.finalize(UnitOfWork(engine), tender_2022.CLASSIC_CODE, date(2022, 11, 30))
        assert len(final.contracts) == 2
        with UnitOfWork(engine) as uow:
            made = {
                c.provider_agb
                for c in uow.contracts.contracts()
                if c.framework_code == tender_2022.CLASSIC_CODE
            }
        assert made == {o.provider_agb for o in admitted}
    finally:
        engine.dispose()


def test_the_open_house_admits_every_bid_that_meets_the_requirements_and_stays_open(engine: Engine) -> None:
    found = tenders.evaluation(UnitOfWork(engine), tender_2022.OPEN_HOUSE_CODE)
    assert found.status.value == "open" and found.tender.registration.closes is None
    outcomes = [line.outcome for line in found.lines]
    assert sum(o.admitted for o in outcomes) == 4 and all(o.score is None for o in outcomes)
    (refused,) = [o for o in outcomes if not o.admitted]
    assert refused.reason.startswith("knock-out E1")
