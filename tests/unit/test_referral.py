# SPDX-License-Identifier: EUPL-1.2
"""The referrer (iJw Verwijzer, COD327): its rules, who it is for a decision or a request, and
the Jeugd dashboard's figures per referrer type."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ISTANDAARDEN
from zorginkoop.domain.care import Allocation, CareError
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import (
    UNKNOWN_REFERRER_LABEL,
    MonitoringError,
    ReferrerCount,
    by_referrer,
)
from zorginkoop.domain.periods import Period
from zorginkoop.domain.referral import (
    MUNICIPALITY,
    ReferralError,
    Referrer,
    ReferrerType,
    decided_referrer,
    requested_referrer,
)

CODELISTS = Path(__file__).parents[2] / "src" / "zorginkoop" / "data" / "codelists"


def test_the_referrer_types_are_cod327_of_the_package_and_of_the_standard() -> None:
    shipped = json.loads((CODELISTS / "COD327.json").read_text(encoding="utf-8"))
    assert {(c["code"], c["label"]) for c in shipped["codes"]} == {(k.value, k.label) for k in ReferrerType}
    standard = ISTANDAARDEN / "ijw-3.2" / "codelijsten" / "COD327_Code_verwijzer.md"
    if standard.exists():
        text = standard.read_text(encoding="utf-8")
        for kind in ReferrerType:
            assert f"| {kind.value} | {kind.label} |" in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [("02", ReferrerType.HUISARTS), ("huisarts", ReferrerType.HUISARTS), ("2", ReferrerType.HUISARTS),
     ("gemeente", ReferrerType.GEMEENTE), ("GI", ReferrerType.GECERTIFICEERDE_INSTELLING)],
)  # fmt: skip
def test_a_referrer_type_is_read_from_its_code_or_a_word(text: str, kind: ReferrerType) -> None:
    assert ReferrerType.parse(text) is kind


def test_07_is_no_referrer_type() -> None:
    with pytest.raises(ValueError, match="07"):
        ReferrerType.parse("07")
    with pytest.raises(ReferralError, match="COD327"):
        Referrer.of("07")


def test_cd066_a_doctor_with_a_zorgverlenercode_has_no_name() -> None:
    assert Referrer(ReferrerType.HUISARTS, agb_code="01234567").agb_code == "01234567"
    with pytest.raises(ReferralError, match="CD066"):
        Referrer(ReferrerType.HUISARTS, name="Dr. Jansen", agb_code="01234567")


def test_cd068_only_doctors_have_a_zorgverlenercode() -> None:
    with pytest.raises(ReferralError, match="CD068"):
        Referrer(ReferrerType.GEMEENTE, agb_code="01234567")
    with pytest.raises(ReferralError, match="8 digits"):
        Referrer(ReferrerType.HUISARTS, agb_code="1234")
    with pytest.raises(ReferralError, match="64"):
        Referrer(ReferrerType.JEUGDARTS, name="x" * 65)


def test_the_municipality_refers_its_own_jeugd_decision_and_the_wmo_has_no_referrer() -> None:
    assert decided_referrer(Law.JEUGD) == MUNICIPALITY == Referrer(ReferrerType.GEMEENTE)
    gp = Referrer(ReferrerType.HUISARTS, name="Huisartsenpraktijk De Lek")
    assert decided_referrer(Law.JEUGD, gp) == gp
    assert decided_referrer(Law.WMO) is None
    with pytest.raises(ReferralError, match="Wmo"):
        decided_referrer(Law.WMO, gp)
    assert requested_referrer(Law.JEUGD, gp) == gp
    assert requested_referrer(Law.WMO, gp) is None


def test_a_wmo_allocation_has_no_referrer() -> None:
    with pytest.raises(CareError, match="referrer"):
        Allocation(
            number=1, client_bsn="999900006", provider_agb="11111111", municipality_code="0321", law=Law.WMO,
            category="02", product_code="OZR1", valid=Period(date(2021, 1, 1), date(2021, 6, 30)),
            allocated_at=datetime(2021, 1, 1), referrer=MUNICIPALITY,
        )  # fmt: skip


def test_by_referrer_orders_by_code_labels_in_dutch_and_suppresses_small_shares() -> None:
    counts = [
        ReferrerCount("02", 40, Money.euros("40000.00")),
        ReferrerCount("01", 50, Money.euros("50000.00")),
        ReferrerCount("05", 4, Money.euros("6000.00")),
        ReferrerCount(None, 6, Money.euros("4000.00")),
    ]
    found = by_referrer(counts, 100, Money.euros("100000.00"))
    assert [(f.referrer_type, f.label) for f in found] == [
        ("01", "Gemeente"),
        ("02", "Huisarts"),
        ("05", "Medisch specialist"),
        (None, UNKNOWN_REFERRER_LABEL),
    ]
    assert [f.cost_share for f in found] == [Decimal("0.5000"), Decimal("0.4000"), None, None]
    assert found[2].clients == 4 and found[2].cost == Money.euros("6000.00")  # counts stay exact


def test_by_referrer_refuses_a_code_outside_cod327() -> None:
    with pytest.raises(MonitoringError, match="COD327"):
        by_referrer([ReferrerCount("07", 1, Money(100))], 1, Money(100))


@given(
    st.lists(
        st.tuples(st.sampled_from([None, *(k.value for k in ReferrerType)]), st.integers(0, 50),
                  st.integers(0, 10_000_000)),
        max_size=20,
    )
)  # fmt: skip
def test_by_referrer_keeps_every_cent_and_every_count(rows: list[tuple[str | None, int, int]]) -> None:
    counts = [ReferrerCount(code, clients, Money(cents)) for code, clients, cents in rows]
    total = Money(sum(cents for _, _, cents in rows))
    people = sum(clients for _, clients, _ in rows)
    found = by_referrer(counts, people, total)
    assert Money.sum(f.cost for f in found) == total
    assert sum(f.clients for f in found) == people
    assert len({f.referrer_type for f in found}) == len(found)
    for f in found:
        # a share over 1-9 people (the group or the whole) is never shown
        assert f.cost_share is None or ((f.clients == 0 or f.clients >= 10) and people >= 10)


def test_a_referrer_reads_as_its_dutch_type_with_name_or_agb() -> None:
    from zorginkoop.domain.referral import Referrer, ReferrerType

    assert Referrer(ReferrerType.HUISARTS, "Dr. Jansen").label_nl == "Huisarts (Dr. Jansen)"
    assert Referrer(ReferrerType.JEUGDARTS, agb_code="01234567").label_nl == "Jeugdarts (AGB 01234567)"
    assert Referrer(ReferrerType.GEMEENTE).label_nl == "Gemeente"
