# SPDX-License-Identifier: EUPL-1.2
"""A client's address and phone as a 301 carries them (Contact Soort 01, BRP-adres).

The checks are the standard's own, so a recorded address always gives a valid 301:
CS089 (a Dutch postcode is four digits, the first not 0, and two capitals), LDT_Straatnaam
(1..24 characters), LDT_Plaatsnaam (1..80), LDT_Huisnummer (0..99999), LDT_Huisletter (one
letter) and LDT_Telefoonnummer (1..15 digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zorginkoop.domain.care import CareError

_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Address:
    """A checked BRP address with an optional phone number."""

    street: str
    house_number: int
    postcode: str
    city: str
    house_letter: str | None = None
    phone: str | None = None


def check_postcode(value: str) -> str:
    """CS089: ``1234 ab`` is accepted and stored as ``1234AB``."""
    compact = value.replace(" ", "").upper()
    if not _POSTCODE.fullmatch(compact):
        raise CareError(f"postcode {value!r} is not a Dutch postcode (1234AB, CS089)")
    return compact


def _text(label: str, value: str, longest: int) -> str:
    text = " ".join(value.split())
    if not 1 <= len(text) <= longest:
        raise CareError(f"{label} {value!r} must have 1 to {longest} characters (iStandaarden)")
    return text


def check_address(  # noqa: PLR0917 - the parts of one address
    street: str,
    house_number: int,
    postcode: str,
    city: str,
    house_letter: str | None = None,
    phone: str | None = None,
) -> Address:
    """The address normalised, or :class:`CareError` naming the field and the rule."""
    if not 0 <= house_number <= 99_999:
        raise CareError(f"house number {house_number} must lie in 0..99999 (LDT_Huisnummer)")
    letter = house_letter.strip() if house_letter else None
    if letter is not None and not (len(letter) == 1 and letter.isalpha()):
        raise CareError(f"house letter {house_letter!r} must be one letter (LDT_Huisletter)")
    digits = phone.replace(" ", "").replace("-", "") if phone else None
    if digits is not None and not (digits.isdigit() and 1 <= len(digits) <= 15):
        raise CareError(f"phone {phone!r} must be 1 to 15 digits (LDT_Telefoonnummer)")
    return Address(
        street=_text("street", street, 24),
        house_number=house_number,
        postcode=check_postcode(postcode),
        city=_text("city", city, 80),
        house_letter=letter.upper() if letter else None,
        phone=digits,
    )
