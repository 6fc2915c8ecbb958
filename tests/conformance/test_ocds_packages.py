# SPDX-License-Identifier: EUPL-1.2
"""The OCDS release packages validate against OCDS 1.1.5 with the lots and awardCriteria
extensions and use only the standard's codes; bidders' personal data never appear in them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.ocds_examples import SOLE_TRADER, lekstroom_sas, publications
from tests.ocds_helpers import (
    assert_valid_package,
    coded_values,
    codelist_errors,
    ocds_dir,
    read_package,
    schema_errors,
)

from zorginkoop.domain.procurement.ocds import (
    EXTENSIONS,
    Publication,
    Stage,
    dumps,
    release_packages,
)

PARTY_FIELDS = {"id", "name", "identifier", "additionalIdentifiers", "roles", "details"}


@pytest.fixture(scope="module", autouse=True)
def _reference() -> None:
    ocds_dir()


def written(publication: Publication) -> dict[Stage | str, tuple[str, dict[str, Any]]]:
    """Per stage its package; an open house's later admissions by their file name."""
    return {
        (p.file_name if p.stage is Stage.ADMISSION else p.stage): (text, read_package(text))
        for p in release_packages(publication)
        for text in [dumps(p.content)]
    }


def test_a_sas_tender_gives_three_packages_that_validate() -> None:
    packages = written(lekstroom_sas())
    assert list(packages) == [Stage.TENDER, Stage.AWARD, Stage.CONTRACT]
    for _text, package in packages.values():
        assert_valid_package(package)
        assert package["extensions"] == list(EXTENSIONS)
        assert package["releases"][0]["tag"] == [package["releases"][0]["tag"][0]]


def test_the_validator_applies_the_extensions_and_the_code_lists() -> None:
    _text, package = written(lekstroom_sas())[Stage.CONTRACT]
    release = package["releases"][0]
    release["tender"]["lots"][0]["status"] = "open"  # the lots extension's closed enum
    release["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][0]["weight"] = "percent"
    release["awards"][0]["status"] = "intended"
    release["tender"]["procurementMethod"] = "negotiated"
    errors = schema_errors(package)
    for where in (
        "lots/0/status",
        "awardCriteria/criteria/0/numbers/0/weight",
        "awards/0/status",
        "procurementMethod",
    ):
        assert any(where in e for e in errors), (where, errors)
    listed = codelist_errors(package)
    assert any("awardStatus.csv" in e for e in listed) and any("method.csv" in e for e in listed)


def test_every_coded_field_the_issue_names_is_checked_against_its_code_list() -> None:
    lists = {
        codelist
        for _text, package in written(lekstroom_sas()).values()
        for r in package["releases"]
        for _p, codelist, _v in coded_values(r)
    }
    assert {
        "releaseTag.csv", "initiationType.csv", "tenderStatus.csv", "awardStatus.csv", "contractStatus.csv",
        "method.csv", "partyRole.csv", "awardCriteria.csv", "procurementCategory.csv", "submissionMethod.csv",
        "currency.csv", "awardCriterionType.csv", "criterionWeight.csv", "criterionThreshold.csv",
    } <= lists  # fmt: skip


def test_amounts_are_euros_with_two_decimals_from_whole_cents() -> None:
    text, package = written(lekstroom_sas())[Stage.CONTRACT]
    tender = package["releases"][0]["tender"]
    assert tender["value"] == {"amount": Decimal("9876543.21"), "currency": "EUR"}
    assert '"amount": 9876543.21' in text and '"amount": 52.30' in text and '"amount": 12000.00' in text
    assert tender["items"][0]["unit"]["value"]["amount"] == Decimal("52.30")


def test_a_natural_person_is_published_by_agb_code_only() -> None:
    text, package = written(lekstroom_sas())[Stage.CONTRACT]
    assert SOLE_TRADER not in text and "Praktijkhoudster" not in text
    party = next(p for p in package["releases"][0]["parties"] if p["id"] == "NL-AGB-23456789")
    assert "name" not in party and party["identifier"] == {"scheme": "NL-AGB", "id": "23456789"}
    assert party["roles"] == ["tenderer", "supplier"]
    organisation = next(p for p in package["releases"][0]["parties"] if p["id"] == "NL-AGB-12345678")
    assert organisation["name"] == "Zorggroep Lek BV"


def test_the_award_stage_says_pending_during_the_standstill_and_the_refused_are_only_tenderers() -> None:
    _text, package = written(lekstroom_sas())[Stage.AWARD]
    release = package["releases"][0]
    assert {a["status"] for a in release["awards"]} == {"active"}
    refused = next(p for p in release["parties"] if p["id"] == "NL-AGB-34567890")
    assert refused["roles"] == ["tenderer"]
    assert "contracts" not in release


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_any_tender_at_any_stage_gives_valid_packages_without_personal_data(publication: Publication) -> None:
    packages = written(publication)
    assert list(packages)[: len(publication.stages)] == list(publication.stages)
    assert len(packages) == len(publication.stages) + len(publication.admission_days)
    for text, package in packages.values():
        assert_valid_package(package)
        for tenderer in publication.tenderers:
            if tenderer.natural_person:
                assert tenderer.name not in text
        for release in package["releases"]:
            for party in release["parties"]:
                # organisations only: no contact points, addresses or persons' names
                assert set(party) <= PARTY_FIELDS
                assert party.get("identifier", {}).get("scheme", "NL-AGB") in ("NL-AGB", "NL-KVK")
        ocids = {r["ocid"] for r in package["releases"]}
        assert ocids == {f"ocds-zorginkoop-test-{publication.code}"}
