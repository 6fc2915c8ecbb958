# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden in the domain: the proposed tables, a swapped seat, online input, and
the covenant's versions with what changed and from when."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.procurement.consultation import (
    Agreement,
    ChangeKind,
    ProviderInput,
    ProviderSize,
    TableSize,
    changes,
    check_online_input,
    in_force,
    next_version,
    propose_tables,
    swap_seat,
)
from zorginkoop.domain.procurement.model import TenderError

sizes = st.lists(st.integers(min_value=0, max_value=2_000), min_size=9, max_size=80).map(
    lambda counts: [ProviderSize(f"98{i:06d}", f"Aanbieder {i}", c) for i, c in enumerate(counts)]
)


@given(sizes)
def test_three_tables_of_three_ordered_by_size(providers: list[ProviderSize]) -> None:
    with_clients = [p for p in providers if p.clients > 0]
    if len(with_clients) < 9:
        with pytest.raises(TenderError, match="too few"):
            propose_tables(providers, 2020)
        return
    seats = propose_tables(providers, 2020)
    assert [s.table for s in seats] == [TableSize.LARGE] * 3 + [TableSize.MEDIUM] * 3 + [TableSize.SMALL] * 3
    assert len({s.provider.agb for s in seats}) == 9 and all(s.provider.clients > 0 for s in seats)
    by_table = {table: [s.provider.clients for s in seats if s.table is table] for table in TableSize}
    assert min(by_table[TableSize.LARGE]) >= max(by_table[TableSize.MEDIUM])
    assert min(by_table[TableSize.MEDIUM]) >= max(by_table[TableSize.SMALL])
    largest = sorted(with_clients, key=lambda p: (-p.clients, p.agb))[:3]
    assert [s.provider for s in seats[:3]] == largest
    assert all(s.reason.startswith("rank ") for s in seats)


def test_the_memo_shape_puts_mid_sized_providers_at_the_medium_table() -> None:
    """A concentrated market (a few large, a long tail): the medium table is not the tail."""
    counts = [385, 323, 225, 150, 120, 100, 98, 56, 53, 40, 30, 20, *([3] * 20), *([1] * 10)]
    providers = [ProviderSize(f"98{i:06d}", f"A{i}", c) for i, c in enumerate(counts)]
    seats = propose_tables(providers, 2020)
    medium = [s.provider.clients for s in seats if s.table is TableSize.MEDIUM]
    assert all(c >= 30 for c in medium)


def test_a_seat_goes_to_another_provider_only_once() -> None:
    providers = [ProviderSize(f"98{i:06d}", f"A{i}", 100 - i) for i in range(20)]
    seats = propose_tables(providers, 2020)
    newcomer = ProviderSize("98999999", "Nieuw", 0)
    swapped = swap_seat(seats, seats[-1].provider.agb, newcomer, "contractmanager")
    assert swapped[-1].provider == newcomer and swapped[-1].chosen_by_user
    assert swapped[-1].table is seats[-1].table and "contractmanager" in swapped[-1].reason
    with pytest.raises(TenderError, match="has a seat already"):
        swap_seat(swapped, swapped[0].provider.agb, newcomer, "x")
    with pytest.raises(TenderError, match="no seat"):
        swap_seat(swapped, "12345678", providers[15], "x")


def test_a_provider_at_a_table_gives_its_input_in_person() -> None:
    seats = propose_tables([ProviderSize(f"98{i:06d}", f"A{i}", 100 - i) for i in range(20)], 2020)
    at = datetime(2016, 3, 1, 10)
    with pytest.raises(TenderError, match="in person"):
        check_online_input(seats, ProviderInput(seats[0].provider.agb, "Tarieven", "x", at))
    unseated = next(f"98{i:06d}" for i in range(20) if f"98{i:06d}" not in {s.provider.agb for s in seats})
    check_online_input(seats, ProviderInput(unseated, "Tarieven", "x", at))  # not seated: online
    with pytest.raises(TenderError, match="topic"):
        ProviderInput("98000019", " ", "x", at)


def test_covenant_versions_show_what_changed_and_from_when() -> None:
    one = next_version([], date(2016, 7, 1), [Agreement("1", "a"), Agreement("2", "b")])
    two = next_version(
        [one], date(2018, 1, 1), [Agreement("1", "a"), Agreement("2", "B"), Agreement("3", "c")]
    )
    three = next_version([one, two], date(2019, 1, 1), [Agreement("1", "a"), Agreement("3", "c")])
    assert [(c.article, c.kind) for c in changes(None, one)] == [
        ("1", ChangeKind.ADDED),
        ("2", ChangeKind.ADDED),
    ]
    assert [(c.article, c.kind, c.before, c.after, c.valid_from) for c in changes(one, two)] == [
        ("2", ChangeKind.CHANGED, "b", "B", date(2018, 1, 1)),
        ("3", ChangeKind.ADDED, None, "c", date(2018, 1, 1)),
    ]
    assert [(c.article, c.kind) for c in changes(two, three)] == [("2", ChangeKind.REMOVED)]
    versions = [one, two, three]
    assert in_force(versions, date(2016, 6, 30)) is None
    assert in_force(versions, date(2017, 12, 31)) == one and in_force(versions, date(2018, 1, 1)) == two
    with pytest.raises(TenderError, match="later day"):
        next_version(versions, date(2018, 6, 1), [Agreement("9", "z")])
    with pytest.raises(TenderError, match="nothing changed"):
        next_version(versions, date(2020, 1, 1), list(three.agreements))
    with pytest.raises(TenderError, match="twice"):
        next_version([], date(2016, 1, 1), [Agreement("1", "a"), Agreement("1", "b")])
