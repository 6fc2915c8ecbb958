# SPDX-License-Identifier: EUPL-1.2
"""A client's address is checked against the standard before a 301 can carry it."""

from __future__ import annotations

import pytest

from zorginkoop.domain.care import CareError
from zorginkoop.domain.contact import check_address, check_postcode


def test_a_postcode_is_stored_compact_and_in_capitals() -> None:
    assert check_postcode("3991 ab") == "3991AB"


@pytest.mark.parametrize("bad", ["0991AB", "399AB", "3991A", "3991-AB", "ABCD12", ""])
def test_a_postcode_that_is_not_dutch_is_refused_naming_cs089(bad: str) -> None:
    with pytest.raises(CareError, match="CS089"):
        check_postcode(bad)


def test_an_address_is_normalised() -> None:
    a = check_address("  Dorpsstraat ", 12, "3991 ab", "Houten", house_letter="a", phone="030-1234567")
    assert (a.street, a.house_number, a.postcode, a.city, a.house_letter, a.phone) == (
        "Dorpsstraat", 12, "3991AB", "Houten", "A", "0301234567",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"street": "Burgemeester van Reenensingel"}, "1 to 24"),  # 29 characters
        ({"street": "   "}, "1 to 24"),
        ({"house_number": 100_000}, "LDT_Huisnummer"),
        ({"house_number": -1}, "LDT_Huisnummer"),
        ({"house_letter": "AB"}, "LDT_Huisletter"),
        ({"house_letter": "1"}, "LDT_Huisletter"),
        ({"phone": "+31301234567"}, "LDT_Telefoonnummer"),
        ({"phone": "0" * 16}, "LDT_Telefoonnummer"),
        ({"city": ""}, "1 to 80"),
    ],
)
def test_an_address_breaking_the_standard_is_refused_with_the_field_and_rule(
    kwargs: dict[str, object], rule: str
) -> None:
    values: dict[str, object] = {
        "street": "Dorpsstraat",
        "house_number": 1,
        "postcode": "3991AB",
        "city": "Houten",
    }
    values.update(kwargs)
    with pytest.raises(CareError, match=rule):
        check_address(**values)  # type: ignore[arg-type]
