# SPDX-License-Identifier: EUPL-1.2
"""Contracting after the award, in the domain: an additional round is its parent limited to the
gap (its own registration, the coverage requirements left out), takes only bids that serve a gap
cell and counts them there only; an open house admits a bid on its own, once, after its final
award; the OCDS admission release holds what stood on its day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ocds_examples import lekstroom_sas
from tests.ocds_helpers import assert_valid_package, read_package
from tests.unit.test_procurement import ALL_GROUPS, emvi, example
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.monitoring import CoverageCell
from zorginkoop.domain.procurement.coverage import bids_coverage
from zorginkoop.domain.procurement.evaluation import Bid
from zorginkoop.domain.procurement.model import (
    Procedure,
    RegistrationPeriod,
    Requirement,
    RequirementKind,
    TenderError,
)
from zorginkoop.domain.procurement.ocds import (
    Award,
    AwardStatus,
    Contract,
    ContractStatus,
    Stage,
    dumps,
    release,
    release_packages,
)
from zorginkoop.domain.procurement.rounds import (
    additional_round,
    admission_start,
    check_admission,
    check_gap_bid,
    gap_cells,
    gap_filled,
    round_code,
    with_round_bids,
)

HOUTEN, LOPIK, VIJFHEERENLANDEN = "0321", "0331", "1961"
LVB, NAH = TargetGroup.MILD_INTELLECTUAL_DISABILITY, TargetGroup.ACQUIRED_BRAIN_INJURY
GAP = frozenset({(VIJFHEERENLANDEN, LVB), (VIJFHEERENLANDEN, NAH)})


def parent():  # type: ignore[no-untyped-def]
    tender = example()
    serves = Requirement("E9", RequirementKind.MUNICIPALITIES, accepted=(HOUTEN, LOPIK))
    return replace(tender, requirements=(*tender.requirements, serves))


def bid(agb: str, municipalities: set[str], groups: set[TargetGroup]) -> Bid:
    return Bid(agb, "IB", date(2024, 3, 1), (), municipalities=frozenset(municipalities),
               target_groups=frozenset(groups))  # fmt: skip


def test_the_round_is_its_parent_for_the_gap_only_with_its_own_registration() -> None:
    base = parent()
    found = additional_round(base, "WMO-IB-2024-R1", GAP, date(2024, 3, 1), date(2024, 3, 31))
    assert (found.round_of, found.gap) == (base.code, GAP)
    assert found.registration == RegistrationPeriod(date(2024, 3, 1), date(2024, 3, 31))
    assert (found.lots, found.criteria, found.term, found.tariff_policy) == (
        base.lots, base.criteria, base.term, base.tariff_policy)  # fmt: skip
    # where a bidder works is the gap's question now: the parent's municipality requirement is left out
    assert [r.code for r in found.requirements] == [r.code for r in base.requirements if r.code != "E9"]


def test_no_round_without_a_gap_of_a_round_or_of_an_open_house() -> None:
    base = parent()
    with pytest.raises(TenderError, match="there is no gap"):
        additional_round(base, "R", frozenset(), date(2024, 3, 1), date(2024, 3, 31))
    first = additional_round(base, "R1", GAP, date(2024, 3, 1), date(2024, 3, 31))
    with pytest.raises(TenderError, match="is itself an additional round"):
        additional_round(first, "R2", GAP, date(2024, 4, 1), date(2024, 4, 30))
    with pytest.raises(TenderError, match="open house"):
        additional_round(replace(base, procedure=Procedure.OPEN_HOUSE, criteria=(), minimum_total=None,
                                 standstill_days=0), "R", GAP, date(2024, 3, 1), date(2024, 3, 31))  # fmt: skip
    with pytest.raises(TenderError, match="before it opens"):
        additional_round(base, "R1", GAP, date(2024, 3, 31), date(2024, 3, 1))
    with pytest.raises(TenderError, match="names its parent tender and its gap cells, together"):
        replace(base, round_of="X")


def test_a_round_bid_must_serve_a_gap_cell_and_counts_there_only() -> None:
    found = additional_round(parent(), "R1", GAP, date(2024, 3, 1), date(2024, 3, 31))
    with pytest.raises(TenderError, match="this bid serves none of those cells") as refused:
        check_gap_bid(found, bid("1", {HOUTEN, VIJFHEERENLANDEN}, {TargetGroup.COMPLEX_PROBLEMS}))
    assert "(1961: lvb, nah)" in str(refused.value)
    wide = bid("1", {HOUTEN, VIJFHEERENLANDEN}, {LVB, TargetGroup.COMPLEX_PROBLEMS})
    check_gap_bid(found, wide)
    assert gap_filled(found, wide) == {(VIJFHEERENLANDEN, LVB)}
    check_gap_bid(parent(), bid("1", {HOUTEN}, {LVB}))  # a tender that is no round asks nothing of it


def test_round_codes_count_up_and_must_fit() -> None:
    assert round_code("WMO-IB-2024", ["WMO-IB-2024", "WMO-IB-2024-R1"]) == "WMO-IB-2024-R2"
    with pytest.raises(TenderError, match="give one with --code"):
        round_code("A" * 18, [])


def test_gap_cells_and_round_bids_in_the_coverage() -> None:
    cells = bids_coverage([bid("11111111", {HOUTEN, VIJFHEERENLANDEN}, {TargetGroup.COMPLEX_PROBLEMS})], Law.WMO,
                          [HOUTEN, VIJFHEERENLANDEN])  # fmt: skip
    gap = gap_cells(cells)
    assert (HOUTEN, TargetGroup.COMPLEX_PROBLEMS) not in gap and (VIJFHEERENLANDEN, LVB) in gap
    after = with_round_bids(
        cells, [(bid("22222222", {HOUTEN, VIJFHEERENLANDEN}, {LVB}), frozenset({(VIJFHEERENLANDEN, LVB)}))]
    )
    by_cell = {(c.municipality_code, c.target_group): c for c in after}
    assert by_cell[VIJFHEERENLANDEN, LVB].providers == ("22222222",)
    assert by_cell[HOUTEN, LVB].providers == ()  # served by the bid, but not the round's gap


@given(
    st.sets(st.tuples(st.sampled_from([HOUTEN, LOPIK, VIJFHEERENLANDEN]), st.sampled_from(sorted(ALL_GROUPS))),
            min_size=1),
    st.lists(st.tuples(st.sets(st.sampled_from([HOUTEN, LOPIK, VIJFHEERENLANDEN])),
                       st.sets(st.sampled_from(sorted(ALL_GROUPS)))), max_size=5),
)  # fmt: skip
def test_round_bids_never_count_outside_the_gap_and_never_remove_a_provider(
    gap: set[tuple[str, TargetGroup]], declared: list[tuple[set[str], set[TargetGroup]]]
) -> None:
    cells = [CoverageCell(m, g, (), 1) for m in (HOUTEN, LOPIK, VIJFHEERENLANDEN) for g in sorted(ALL_GROUPS)]
    round_bids = [(bid(f"9{i}", ms, gs), frozenset(gap)) for i, (ms, gs) in enumerate(declared)]
    for cell in with_round_bids(cells, round_bids):
        key = (cell.municipality_code, cell.target_group)
        expected = {b.provider_agb for b, _ in round_bids if key in gap and key[0] in b.municipalities
                    and key[1] in b.target_groups}  # fmt: skip
        assert set(cell.providers) == expected


def test_an_open_house_admits_on_its_own_once_after_its_final_award() -> None:
    house = replace(parent(), procedure=Procedure.OPEN_HOUSE, criteria=(), minimum_total=None,
                    standstill_days=0, registration=RegistrationPeriod(date(2023, 9, 1), None))  # fmt: skip
    check_admission(house, date(2025, 6, 1), final=True, admitted_before=None)
    assert admission_start(house, date(2025, 6, 1)) == date(2025, 6, 1)
    assert admission_start(house, date(2023, 10, 1)) == house.term.start
    with pytest.raises(TenderError, match="no framework agreement yet"):
        check_admission(house, date(2025, 6, 1), final=False, admitted_before=None)
    with pytest.raises(TenderError, match="a bid is admitted once"):
        check_admission(house, date(2025, 6, 1), final=True, admitted_before=date(2025, 5, 1))
    with pytest.raises(TenderError, match="not on 2023-08-01"):
        check_admission(house, date(2023, 8, 1), final=True, admitted_before=None)
    with pytest.raises(TenderError, match="admission one by one is for an open house"):
        check_admission(emvi(), date(2025, 6, 1), final=True, admitted_before=None)


def test_an_open_house_admission_is_a_release_of_its_own_and_a_round_names_its_framework() -> None:
    base = lekstroom_sas()
    later = Contract(
        "1", "34567890", ContractStatus.ACTIVE, date(2022, 3, 6), date(2023, 12, 31), date(2022, 3, 6)
    )
    house = replace(
        base, procedure="open-house", criteria=(), minimum_total=None, registration_closes=None,
        awards=(*base.awards, Award("1", "34567890", AwardStatus.ACTIVE, date(2022, 3, 6))),
        contracts=(*base.contracts, later),
    )  # fmt: skip
    assert house.admission_days == (date(2022, 3, 6),)
    packages = release_packages(house, prefix="ocds-test")
    assert [p.stage for p in packages] == [Stage.TENDER, Stage.AWARD, Stage.CONTRACT, Stage.ADMISSION]
    contract, admission = (p.content["releases"][0] for p in packages[2:])
    assert (len(contract["awards"]), len(contract["contracts"])) == (2, 2)  # the first award as it stood
    assert admission["tag"] == ["award", "contract"] and admission["id"].endswith("-admission-2022-03-06")
    assert (len(admission["awards"]), len(admission["contracts"])) == (3, 3)
    assert packages[3].file_name == "ocds-test-LEK-2022-WMO-admission-2022-03-06.json"
    for package in packages:
        assert_valid_package(read_package(dumps(package.content)))
    # an additional round is its own process, related to the one that set up the framework
    round_release = release(replace(base, code="LEK-R1", framework=("LEK-2022-WMO", base.title)), Stage.TENDER,
                            prefix="ocds-test")  # fmt: skip
    assert round_release["relatedProcesses"] == [{
        "id": "framework", "relationship": ["framework"], "title": base.title, "scheme": "ocid",
        "identifier": "ocds-test-LEK-2022-WMO",
    }]  # fmt: skip
    assert "relatedProcesses" not in release(base, Stage.TENDER, prefix="ocds-test")
    # a SAS tender signs its contracts together: no admission releases, whatever the days
    assert replace(house, procedure="sas", registration_closes=date(2021, 10, 1)).admission_days == ()
