# SPDX-License-Identifier: EUPL-1.2
"""The stop policy (307 -> the municipality's end of the allocation) as pure functions, and the
evaluation signal that stops with the care."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ISTANDAARDEN
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.periods import Period
from zorginkoop.domain.signals import care_runs_on
from zorginkoop.domain.stopping import (
    CHANGE_REASON_FOR_STOP,
    change_reason_for_stop,
    ended_on_stop,
    is_definitive,
    restored_after_removed_stop,
    still_as_ended,
    stop_proposal,
)

AT = datetime(2021, 6, 20, 9, 0)
START, END = date(2021, 1, 1), date(2021, 12, 31)


def allocation(law: Law = Law.WMO, end: date | None = END, **changes: object) -> Allocation:
    values: dict[str, object] = dict(
        number=7, client_bsn="999990019", provider_agb="11111111", municipality_code="0321", law=law,
        category="02", product_code="OZR1", valid=Period(START, end), allocated_at=datetime(2020, 12, 1),
        volume=4, unit=Unit.UUR, frequency=Frequency.PER_MAAND,
    )  # fmt: skip
    values.update(changes)
    return Allocation(**values)  # type: ignore[arg-type]


def _codes(list_id: str) -> set[str]:
    text = (
        resources.files("zorginkoop.data.codelists").joinpath(f"{list_id}.json").read_text(encoding="utf-8")
    )
    return {c["code"] for c in json.loads(text)["codes"]}


def test_only_the_temporary_stop_is_not_definitive() -> None:
    assert not is_definitive("20") and not is_definitive(None)
    assert all(is_definitive(code) for code in _codes("WMO588") | _codes("JZ588") if code != "20")


@pytest.mark.parametrize(
    ("law", "reason", "expected"),
    [
        (Law.WMO, "02", "02"), (Law.WMO, "31", "07"), (Law.WMO, "37", "12"), (Law.WMO, "38", "09"),
        (Law.WMO, "39", "06"), (Law.WMO, "36", "05"), (Law.WMO, "19", "05"), (Law.WMO, "21", "05"),
        (Law.WMO, "22", "05"), (Law.WMO, "23", "05"),
        (Law.JEUGD, "02", "02"), (Law.JEUGD, "35", "07"), (Law.JEUGD, "37", "12"), (Law.JEUGD, "38", "09"),
        (Law.JEUGD, "39", "06"), (Law.JEUGD, "36", "05"), (Law.JEUGD, "31", "14"), (Law.JEUGD, "32", "14"),
        (Law.JEUGD, "33", "14"), (Law.JEUGD, "34", "14"),
    ],
)  # fmt: skip
def test_the_stop_reason_maps_to_the_reden_wijziging_the_code_lists_pair_with_it(
    law: Law, reason: str, expected: str
) -> None:
    assert change_reason_for_stop(law, reason).value == expected


def test_every_mapped_code_is_in_the_shipped_code_lists() -> None:
    for law, ends, changes in ((Law.WMO, "WMO588", "WMO002"), (Law.JEUGD, "JZ588", "JZ002")):
        assert set(CHANGE_REASON_FOR_STOP[law]) <= _codes(ends)
        assert {r.value for r in CHANGE_REASON_FOR_STOP[law].values()} <= _codes(changes)


def _paired_in_reference(path: str, code_col: int, pair_col: int) -> dict[str, str]:
    """Stop reason -> RedenWijziging where the reference code list pairs exactly one."""
    found: dict[str, str] = {}
    for line in (ISTANDAARDEN / path).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (
            len(cells) > max(code_col, pair_col)
            and re.fullmatch(r"\d\d", cells[code_col])
            and re.fullmatch(r"\d\d", cells[pair_col])
        ):
            found[cells[code_col]] = cells[pair_col]
    return found


@pytest.mark.skipif(not ISTANDAARDEN.is_dir(), reason="the reference standards are not next to the repo")
def test_the_single_pairings_are_the_ones_the_588_code_lists_give() -> None:
    wmo = _paired_in_reference("iwmo-3.2/codelijsten/WMO588_Reden_beeindiging.md", 0, 3)
    jeugd = _paired_in_reference("ijw-3.2/codelijsten/JZ588_Reden_beeindiging.md", 0, 3)
    assert wmo == {k: v.value for k, v in CHANGE_REASON_FOR_STOP[Law.WMO].items() if k != "36"}
    assert jeugd == {k: v.value for k, v in CHANGE_REASON_FOR_STOP[Law.JEUGD].items() if k != "36"}


def test_a_definitive_stop_proposes_the_stop_date_and_remembers_the_previous_end() -> None:
    proposal = stop_proposal(allocation(), date(2021, 6, 15), "19")
    assert proposal is not None
    assert (proposal.proposed_end, proposal.previous_end, proposal.reason) == (
        date(2021, 6, 15), END, ChangeReason.VERKORTING
    )  # fmt: skip
    open_ended = stop_proposal(allocation(end=None), date(2021, 6, 15), "02")
    assert open_ended is not None and open_ended.previous_end is None


@pytest.mark.parametrize(
    ("a", "stop_end", "reason"),
    [
        (allocation(), date(2021, 6, 15), "20"),  # temporary
        (allocation(), END, "19"),  # the allocation ends that day anyway
        (allocation(), date(2022, 1, 31), "19"),  # after the allocation's end
        (allocation(), date(2020, 12, 31), "19"),  # before its start: nothing to end within it
        (allocation(end=START, change_reason=ChangeReason.VERWIJDERD), START, "19"),  # withdrawn
    ],
)
def test_a_stop_that_asks_nothing_of_the_municipality_proposes_nothing(
    a: Allocation, stop_end: date, reason: str
) -> None:
    assert stop_proposal(a, stop_end, reason) is None


def test_ending_and_restoring_give_the_stop_date_and_then_the_previous_end_back() -> None:
    a = allocation(provider_reference="REF-1")
    proposal = stop_proposal(a, date(2021, 6, 15), "38")
    assert proposal is not None
    ended = ended_on_stop(a, proposal, AT)
    assert (
        ended.valid == Period(START, date(2021, 6, 15))
        and ended.change_reason is ChangeReason.OVERSTAP_AANBIEDER
    )
    assert ended.allocated_at == AT and ended.provider_reference is None  # TR379
    assert still_as_ended(ended, proposal.proposed_end, proposal.reason)
    assert not still_as_ended(ended, date(2021, 6, 14), proposal.reason)
    restored = restored_after_removed_stop(ended, proposal.previous_end, AT + timedelta(days=1))
    assert restored.valid == a.valid and restored.change_reason is ChangeReason.ADMINISTRATIEVE_CORRECTIE


reasons = st.sampled_from(sorted(_codes("WMO588")))


@given(
    end_offset=st.one_of(st.none(), st.integers(0, 800)),
    stop_offset=st.integers(-30, 900),
    reason=reasons,
)
def test_a_stop_never_lengthens_an_allocation_and_its_removal_gives_the_allocation_back(
    end_offset: int | None, stop_offset: int, reason: str
) -> None:
    a = allocation(end=None if end_offset is None else START + timedelta(days=end_offset))
    stop_end = START + timedelta(days=stop_offset)
    proposal = stop_proposal(a, stop_end, reason)
    if proposal is None:
        assert reason == "20" or stop_end < START or (a.valid.end is not None and a.valid.end <= stop_end)
        return
    ended = ended_on_stop(a, proposal, AT)
    assert ended.valid.end == stop_end and stop_end >= START
    assert a.valid.end is None or stop_end < a.valid.end
    assert restored_after_removed_stop(ended, proposal.previous_end, AT).valid == a.valid


def test_an_evaluation_is_signalled_while_care_runs_on_its_due_date() -> None:
    due = date(2021, 9, 30)
    ended_early = allocation(end=date(2021, 6, 15), change_reason=ChangeReason.VERKORTING)
    assert care_runs_on(due, [])  # not (yet) allocated: the consultant still has work
    assert care_runs_on(
        due, [allocation(end=START, change_reason=ChangeReason.VERWIJDERD)]
    )  # withdrawn: as never
    assert not care_runs_on(due, [ended_early])
    assert care_runs_on(date(2021, 6, 15), [ended_early])  # the last day of care still counts
    assert care_runs_on(due, [ended_early, allocation(number=8, valid=Period(date(2021, 6, 16), END))])
    assert care_runs_on(due, [allocation(end=None)])
