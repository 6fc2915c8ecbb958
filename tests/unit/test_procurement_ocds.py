# SPDX-License-Identifier: EUPL-1.2
"""The OCDS writer's own rules: exact amounts, the procedure mapping, statuses, refused input."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ocds_examples import lekstroom_sas
from zorginkoop.domain.procurement.ocds import (
    PROCEDURES,
    Award,
    AwardStatus,
    ContractStatus,
    PublicationError,
    Stage,
    amount,
    dumps,
    ocid,
    release,
)
from zorginkoop.settings import SettingError, Settings


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_an_amount_is_its_cents_in_euros_with_two_decimals(cents: int) -> None:
    text = dumps({"amount": amount(cents)})
    written = json.loads(text, parse_float=Decimal)["amount"]
    assert written * 100 == cents
    assert text.split(": ")[1].strip().rstrip("}").strip().split(".")[1] == f"{abs(cents) % 100:02d}"


def test_floats_never_enter() -> None:
    with pytest.raises(PublicationError):
        dumps({"amount": 1.5})
    with pytest.raises(PublicationError):
        amount(1.5)  # type: ignore[arg-type]


def test_the_dutch_procedures_map_onto_the_standards_methods() -> None:
    assert {name: m.method for name, m in PROCEDURES.items()} == {
        "sas": "open",
        "open-house": "open",
        "classic": "open",
        "bestuurlijk": "limited",
    }
    assert "Sociaal-maatschappelijke diensten (SAS)" in PROCEDURES["sas"].details
    assert "open house (toelatingsprocedure)" in PROCEDURES["open-house"].details.lower()
    assert "Bestuurlijk aanbesteden" in PROCEDURES["bestuurlijk"].details


def test_quality_at_fixed_tariffs_is_quality_only_with_weights_and_minimum_scores_per_lot() -> None:
    tender = release(lekstroom_sas(), Stage.TENDER)["tender"]
    assert tender["awardCriteria"] == "qualityOnly"
    criteria = tender["lots"][0]["awardCriteria"]["criteria"]
    assert [c["numbers"][0]["number"] for c in criteria] == [60, 40, 0]
    assert criteria[0]["numbers"][1] == {"number": Decimal("5.5"), "threshold": "minimumScore"}
    assert "awards" not in release(lekstroom_sas(), Stage.TENDER)


def test_an_open_house_without_criteria_has_no_award_criteria() -> None:
    publication = dataclasses.replace(
        lekstroom_sas(), procedure="open-house", criteria=(), minimum_total=None
    )
    tender = release(publication, Stage.TENDER)["tender"]
    assert "awardCriteria" not in tender and "awardCriteria" not in tender["lots"][0]
    assert tender["procurementMethod"] == "open"


def test_an_intended_award_is_pending_and_the_tender_stays_active() -> None:
    publication = dataclasses.replace(
        lekstroom_sas(),
        awards=(Award("1", "12345678", AwardStatus.PENDING, date(2021, 11, 1)),),
        contracts=(),
    )
    assert publication.stages == (Stage.TENDER, Stage.AWARD)
    award_release = release(publication, Stage.AWARD)
    assert award_release["awards"][0]["status"] == "pending"
    assert award_release["tender"]["status"] == "active"
    assert "standstill" in award_release["awards"][0]["description"]
    with pytest.raises(PublicationError, match="contract stage"):
        release(publication, Stage.CONTRACT)


def test_a_contracts_status_follows_its_term() -> None:
    start, end = date(2022, 1, 1), date(2023, 12, 31)
    assert ContractStatus.on(date(2021, 12, 31), start, end) is ContractStatus.PENDING
    assert ContractStatus.on(start, start, end) is ContractStatus.ACTIVE
    assert ContractStatus.on(end, start, end) is ContractStatus.ACTIVE
    assert ContractStatus.on(date(2024, 1, 1), start, end) is ContractStatus.TERMINATED
    assert ContractStatus.on(date(2040, 1, 1), start, None) is ContractStatus.ACTIVE


def test_input_that_cannot_become_ocds_is_refused_with_one_line() -> None:
    base = lekstroom_sas()
    with pytest.raises(PublicationError, match="lot '9'"):
        dataclasses.replace(
            base, awards=(Award("9", "12345678", AwardStatus.ACTIVE, date(2021, 11, 1)),), contracts=()
        )
    with pytest.raises(PublicationError, match="not among the tenderers"):
        dataclasses.replace(
            base, awards=(Award("1", "99999999", AwardStatus.ACTIVE, date(2021, 11, 1)),), contracts=()
        )
    with pytest.raises(PublicationError, match="has no award"):
        dataclasses.replace(base, awards=base.awards[:1])
    with pytest.raises(PublicationError, match="procedure 'negotiated'"):
        dataclasses.replace(base, procedure="negotiated")


def test_the_ocid_is_the_prefix_and_the_tender_code() -> None:
    assert ocid("ocds-a1b2c3", "LEK-2022-WMO") == "ocds-a1b2c3-LEK-2022-WMO"
    assert release(lekstroom_sas(), Stage.TENDER, prefix="ocds-a1b2c3")["ocid"] == "ocds-a1b2c3-LEK-2022-WMO"
    with pytest.raises(PublicationError, match="ocid prefix"):
        ocid("lekstroom", "X")


def test_the_ocid_prefix_setting_defaults_to_a_test_prefix_and_refuses_a_bad_one() -> None:
    assert Settings.from_env({}).ocid_prefix == "ocds-zorginkoop-test"
    assert Settings.from_env({"ZORGINKOOP_OCID_PREFIX": "ocds-a1b2c3"}).ocid_prefix == "ocds-a1b2c3"
    with pytest.raises(SettingError, match="ZORGINKOOP_OCID_PREFIX"):
        Settings.from_env({"ZORGINKOOP_OCID_PREFIX": "not a prefix"})
