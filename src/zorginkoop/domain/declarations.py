# SPDX-License-Identifier: EUPL-1.2
"""Declarations (323) and their declared service lines (prestaties).

A provider declares a month of care per client and allocation as a Prestatie: a unique
ProductReferentie, the ToewijzingNummer, product, ProductPeriode, GeleverdVolume in the
allocation's Eenheid, the ProductTarief and the IngediendBedrag (debit or credit). The
municipality grants or rejects each line (325); what is granted is paid once and only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


class DebitCredit(str, Enum):
    """COD043 Indicatie debet/credit."""

    DEBIT = "D"
    CREDIT = "C"


class LineStatus(str, Enum):
    """Outcome of adjudication for one declared line."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class DeclaredLine:
    """One Prestatie of a declaration as the provider submitted it."""

    reference: str
    """ProductReferentie/ReferentieNummer: declared once per provider (TR314, code 8021)."""
    client_bsn: str
    allocation_number: int
    provider_agb: str
    municipality_code: str
    law: Law
    category: str
    product_code: str | None
    period: Period
    volume: int
    unit: Unit
    tariff: Money
    amount: Money
    debit_credit: DebitCredit = DebitCredit.DEBIT
    previous_reference: str | None = None
    """For a credit line: the reference of the debit line it reverses (TR323, code 8017)."""

    @property
    def signed_amount(self) -> Money:
        """The amount with the sign that a payment ledger uses: credits are negative."""
        return self.amount if self.debit_credit is DebitCredit.DEBIT else -self.amount


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declaration (DeclaratieNummer) by one provider to one municipality for one month."""

    number: str
    """DeclaratieNummer: unique per provider (TR333, code 9333)."""
    message_id: str
    """BerichtIdentificatie/Identificatie of the 323 that carried it (TR056, code 9056)."""
    provider_agb: str
    municipality_code: str
    law: Law
    period: Period
    submitted_on: date
    lines: tuple[DeclaredLine, ...]

    @property
    def total(self) -> Money:
        """TotaalIngediendBedrag as a signed sum of the lines."""
        return Money.sum(line.signed_amount for line in self.lines)


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What the municipality decided about one declared line (325)."""

    reference: str
    status: LineStatus
    granted: Money
    return_codes: tuple[str, ...] = ()
