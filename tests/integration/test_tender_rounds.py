# SPDX-License-Identifier: EUPL-1.2
"""Contracting after the award on the demo (issue 11, scopes 1 and 3): an additional round for
the coverage gap of the 2022 SAS tender (Vijfheerenlanden, when a cell needs 13 providers)
takes a bid that serves the gap only, evaluates and awards it like the parent, and its final
award adds a contract under the SAME framework agreement and lot, which allocation matching
offers for a decision in the gap's municipality; the open house admits a late registration
on its own under its existing agreement. Run twice, neither makes a second contract."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.ocds_helpers import assert_valid_package, read_package
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.tables import ClientRow
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.demo import tenders as demo
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.procurement.ocds import dumps
from zorginkoop.domain.product_models import Intake
from zorginkoop.services import allocations as workflow
from zorginkoop.services import tenders
from zorginkoop.services.demo import model_2022
from zorginkoop.services.open_contracting import ocds_packages

VIJFHEERENLANDEN = "1961"
NEWCOMER = "98990011"  # Zorgpunt Vianen Thuis: serves Nieuwegein and Vijfheerenlanden, refused in 2022
OPENS, CLOSES = date(2022, 3, 1), date(2022, 3, 31)
AWARD_ON, FINAL_ON = date(2022, 4, 5), date(2022, 4, 26)


@pytest.fixture
def engine(demo_store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


def round_bid(products: tuple[str, ...], municipalities: list[str], groups: list[str]) -> str:
    quoted = ", ".join(f'"{p}"' for p in products)
    return (
        f'[[bid]]\nlot = "{demo.LOT}"\nproducts = [{quoted}]\n'
        f"municipalities = {municipalities!r}\ntarget_groups = {groups!r}\n".replace("'", '"')
        + '[bid.answers]\nE1 = 25\nE2 = "HKZ"\nE3 = true\n'
    )


def scores(agb: str) -> str:
    return "".join(
        f'[[score]]\nprovider = "{agb}"\nlot = "{demo.LOT}"\ncriterion = "{code}"\nscore = 8\n'
        for code, _name, _weight in demo.CRITERIA
    )


def open_round(engine: Engine) -> tenders.RoundOpened:
    return tenders.open_additional_round(
        UnitOfWork(engine), demo.CODE, opens=OPENS, closes=CLOSES, minimum=13, now=datetime(2022, 2, 28, 9)
    )


def test_an_additional_round_for_the_gap_contracts_under_the_same_framework_and_allocation_uses_it(
    engine: Engine, tmp_path: Path
) -> None:
    # at least 13 providers per cell: Vijfheerenlanden's five cells (12 each) are the gap
    opened = open_round(engine)
    code = opened.tender.code
    assert code == f"{demo.CODE}-R1" and opened.tender.round_of == demo.CODE
    assert {(r.municipality_code, r.target_group) for r in opened.gap} == {
        (VIJFHEERENLANDEN, g) for g in TargetGroup if g in demo._WMO_GROUPS
    }
    products = opened.tender.lot(demo.LOT).product_codes
    # a bid that serves no gap cell is refused, with the gap named; nothing stored
    with pytest.raises(tenders.TenderRefused, match="serves none of those cells"):
        tenders.submit_bid(UnitOfWork(engine), code, NEWCOMER, round_bid(products, ["0356"], ["lvb"]),
                           on=date(2022, 3, 10))  # fmt: skip
    # an admitted provider of the parent may not come in again through the round
    contracted = sorted(
        line.outcome.provider_agb
        for line in tenders.evaluation(UnitOfWork(engine), demo.CODE).lines
        if line.outcome.admitted
    )
    with pytest.raises(tenders.TenderRefused, match="admitted to lot"):
        tenders.submit_bid(UnitOfWork(engine), code, contracted[0],
                           round_bid(products, [VIJFHEERENLANDEN], ["lvb"]), on=date(2022, 3, 10))  # fmt: skip
    tenders.submit_bid(UnitOfWork(engine), code, NEWCOMER,
                       round_bid(products, ["0356", VIJFHEERENLANDEN], ["lvb", "psychiatrisch-psychosociaal"]),
                       on=date(2022, 3, 10))  # fmt: skip
    # a provider new to the region: what its bid adds (the gap cells it serves, nothing else)
    (added,) = tenders.bid_additions(UnitOfWork(engine), code, NEWCOMER)
    assert added.cells == (("Vijfheerenlanden", "lvb"), ("Vijfheerenlanden", "psychiatrisch-psychosociaal"))
    tenders.record_scores(
        UnitOfWork(engine), code, "M. de Graaf", scores(NEWCOMER), now=datetime(2022, 4, 1, 9)
    )
    (line,) = tenders.evaluation(UnitOfWork(engine), code).lines
    assert line.outcome.admitted and line.score == Decimal("80.00")
    tenders.award(UnitOfWork(engine), code, AWARD_ON)
    with pytest.raises(tenders.TenderRefused, match="standstill"):
        tenders.finalize(UnitOfWork(engine), code, date(2022, 4, 20))
    final = tenders.finalize(UnitOfWork(engine), code, FINAL_ON)
    assert final.framework_code == demo.CODE and final.contracts == (f"{code}-{demo.LOT}-{NEWCOMER}",)
    with pytest.raises(tenders.TenderRefused, match="already final"):
        tenders.finalize(UnitOfWork(engine), code, FINAL_ON)
    with UnitOfWork(engine) as uow:
        made = [c for c in uow.contracts.contracts(NEWCOMER)]
        frameworks = [f.code for f in uow.contracts.frameworks()]
    assert [(c.framework_code, c.lot_code, c.valid.start) for c in made] == [(demo.CODE, demo.LOT, FINAL_ON)]
    assert frameworks.count(demo.CODE) == 1 and code not in frameworks
    # the parent's coverage now counts the round's bid in the gap cells it fills, and only there
    rows = {
        (r.municipality_code, r.target_group): r
        for r in tenders.tender_coverage(UnitOfWork(engine), demo.CODE, 13).rows
    }
    assert NEWCOMER in rows[VIJFHEERENLANDEN, TargetGroup.MILD_INTELLECTUAL_DISABILITY].providers
    assert NEWCOMER not in rows["0356", TargetGroup.MILD_INTELLECTUAL_DISABILITY].providers
    assert not rows[VIJFHEERENLANDEN, TargetGroup.MILD_INTELLECTUAL_DISABILITY].gap
    # show and list carry the link both ways
    assert tenders.show_tender(UnitOfWork(engine), demo.CODE).rounds == (code,)
    # a decision in Vijfheerenlanden the day after is offered the round's provider
    matches = offered(engine)
    assert NEWCOMER in matches
    # the round's OCDS packages validate, and say which framework they add to
    for package in ocds_packages(UnitOfWork(engine), code, today=date(2022, 5, 1), prefix="ocds-test"):
        assert_valid_package(read_package(dumps(package.content)))
        (related,) = package.content["releases"][0]["relatedProcesses"]
        assert related["relationship"] == ["framework"] and related["identifier"] == f"ocds-test-{demo.CODE}"
    # another round: the gap left (three cells) only
    second = tenders.open_additional_round(
        UnitOfWork(engine), demo.CODE, opens=date(2022, 5, 1), closes=date(2022, 5, 31), minimum=13
    )
    assert second.tender.code == f"{demo.CODE}-R2" and len(second.tender.gap) == 3


def offered(engine: Engine) -> set[str]:
    scope = Scope.municipality(VIJFHEERENLANDEN)
    with engine.connect() as connection:  # an adult inhabitant of the gap's municipality
        bsn = connection.scalars(
            select(ClientRow.bsn)
            .where(ClientRow.municipality_code == VIJFHEERENLANDEN, ClientRow.birth_date < date(1990, 1, 1))
            .order_by(ClientRow.bsn)
        ).first()
    assert bsn is not None
    model = model_2022()
    workflow.record_contact(UnitOfWork(engine, scope), bsn, "Voorstraat", 1, "4132AS", "Vianen")
    decided = workflow.decide(
        UnitOfWork(engine, scope), model,
        Intake(months=6, areas=("regelvermogen-structuur",), support_type="ontwikkelen"),
        client_bsn=bsn, start=date(2022, 5, 2), decided_on=date(2022, 4, 27),
    )  # fmt: skip
    _decision, matches = workflow.providers_for_decision(
        UnitOfWork(engine, scope), decided.decision.id, TargetGroup.MILD_INTELLECTUAL_DISABILITY
    )
    return {m.provider.agb_code for m in matches}


def test_no_round_without_a_gap_nor_before_the_evaluation(engine: Engine) -> None:
    with pytest.raises(tenders.TenderRefused) as refused:
        tenders.open_additional_round(UnitOfWork(engine), demo.CODE, opens=OPENS, closes=CLOSES)
    assert refused.value.problems == [
        f"tender {demo.CODE}: the admitted bids cover every municipality and target group; "
        "there is no gap for an additional round"
    ]
    with pytest.raises(tenders.TenderRefused, match="not evaluated yet"):
        tenders.open_additional_round(UnitOfWork(engine), demo.OPEN_HOUSE_CODE, opens=OPENS, closes=CLOSES)
    assert tenders.show_tender(UnitOfWork(engine), demo.CODE).rounds == ()


LATE = """[[bid]]
lot = "GGZ"
products = ["54002"]
municipalities = ["0321"]
target_groups = ["jeugd-ggz"]
[bid.answers]
E1 = "BIG-register"
E2 = 12
"""


def test_the_open_house_admits_a_late_registration_on_its_own(engine: Engine) -> None:
    code = demo.OPEN_HOUSE_CODE
    tenders.award(UnitOfWork(engine), code, date(2022, 11, 1))
    before = tenders.finalize(UnitOfWork(engine), code, date(2022, 11, 1))
    with UnitOfWork(engine) as uow:
        first = {c.number: c for c in uow.contracts.contracts() if c.framework_code == code}
        late = next(
            p.agb_code for p in uow.providers.all()
            if Law.JEUGD in p.laws and p.agb_code not in {c.provider_agb for c in first.values()}
        )  # fmt: skip
    assert set(first) == set(before.contracts)
    # after the award the open house still takes a registration (a SAS tender does not)
    tenders.submit_bid(UnitOfWork(engine), code, late, LATE, on=date(2023, 3, 1))
    pending = [line for line in tenders.evaluation(UnitOfWork(engine), code).lines if line.pending]
    assert [(p.outcome.provider_agb, p.outcome.admitted) for p in pending] == [(late, True)]
    with pytest.raises(tenders.TenderRefused, match="came in on 2023-03-01"):
        tenders.admit(UnitOfWork(engine), code, late, date(2023, 2, 1))
    admitted = tenders.admit(UnitOfWork(engine), code, late, date(2023, 3, 6))
    (line,) = admitted.lines
    assert line.contract_number == f"{code}-GGZ-{late}"
    with pytest.raises(tenders.TenderRefused, match="decided on 2023-03-06 already"):
        tenders.admit(UnitOfWork(engine), code, late, date(2023, 3, 7))
    with pytest.raises(tenders.TenderRefused, match="decided already"):
        tenders.submit_bid(UnitOfWork(engine), code, late, LATE, on=date(2023, 3, 8))
    with UnitOfWork(engine) as uow:
        now = {c.number: c for c in uow.contracts.contracts() if c.framework_code == code}
    assert {n: c for n, c in now.items() if n in first} == first  # the earlier contracts untouched
    assert now[line.contract_number].valid.start == date(2023, 3, 6)
    assert len(now) == len(first) + 1
    # OCDS: the admission is an additional award and contract in a release of its own
    packages = ocds_packages(UnitOfWork(engine), code, today=date(2023, 4, 1), prefix="ocds-test")
    for package in packages:
        assert_valid_package(read_package(dumps(package.content)))
    last = packages[-1].content["releases"][0]
    assert last["id"].endswith("2023-03-06") and late in {
        a["suppliers"][0]["id"].split("-")[-1] for a in last["awards"]
    }
    earlier = packages[-2].content["releases"][0]
    assert len(earlier["contracts"]) == len(first) and len(last["contracts"]) == len(first) + 1


def test_a_sas_tender_takes_no_bid_after_its_registration(engine: Engine) -> None:
    with pytest.raises(tenders.TenderRefused, match="final: it takes no more bids"):
        tenders.submit_bid(UnitOfWork(engine), demo.CODE, NEWCOMER,
                           round_bid(("X",), [VIJFHEERENLANDEN], ["lvb"]), on=date(2022, 3, 1))  # fmt: skip
    with pytest.raises(tenders.TenderRefused, match="admission one by one is for an open house"):
        tenders.admit(UnitOfWork(engine), demo.CODE, NEWCOMER, date(2022, 3, 1))
