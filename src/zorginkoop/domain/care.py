# SPDX-License-Identifier: EUPL-1.2
"""Clients, decisions (beschikkingen) and allocations (toewijzingen).

The social team decides *what*: a decision for a client names the result areas, the budget
frame, the duration and the evaluation moments. The allocation gives that decision to one
provider as the iStandaarden's ToegewezenProduct (message 301): a ToewijzingNummer, a product
(category and code), a period, and either an Omvang (volume, unit, frequency) or a budget.
The provider decides *how*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from stdnum.nl import bsn as stdnum_bsn

from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.periods import Period, age_on
from zorginkoop.domain.referral import Referrer


class CareError(ValueError):
    """A client, decision or allocation that breaks a rule. ``message_nl``: the same in Dutch
    for the screens, where one is written (the command line shows the English message)."""

    def __init__(self, message: str, *, message_nl: str | None = None) -> None:
        super().__init__(message)
        self.message_nl = message_nl


def check_bsn(value: str) -> str:
    """Return the BSN as nine digits or raise CareError (CD: the BSN eleven-test)."""
    digits = stdnum_bsn.compact(value) if value else value
    if not digits or not stdnum_bsn.is_valid(digits):
        raise CareError(f"{value!r} is not a valid BSN (nine digits passing the eleven-test)")
    return digits


class Gender(str, Enum):
    """COD046 Geslacht."""

    UNKNOWN = "0"
    MALE = "1"
    FEMALE = "2"


@dataclass(frozen=True, slots=True)
class Client:
    """An inhabitant receiving care; personal data, read only under a scope and logged."""

    bsn: str
    birth_date: date
    family_name: str
    initials: str
    gender: Gender
    municipality_code: str
    household_id: str | None = None
    prefix: str = ""
    """Voorvoegsel, e.g. 'van', 'de'."""

    def __post_init__(self) -> None:
        check_bsn(self.bsn)

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


@dataclass(frozen=True, slots=True)
class EvaluationMoment:
    """A planned evaluation of a decision with the client and provider."""

    due: date
    label: str = "evaluatie"


@dataclass(frozen=True, slots=True)
class DecidedAddOn:
    """An add-on module a decision grants next to its main product (Twente): a decided product
    of its own, with its own product code and its total over the decision's period."""

    module_id: str
    product_code: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Decision:
    """A beschikking: what the municipality grants a client, for how long, within which budget."""

    id: str
    client_bsn: str
    municipality_code: str
    law: Law
    decided_on: date
    valid: Period
    product_code: str
    model_id: str | None = None
    result_areas: tuple[str, ...] = ()
    support_type: str | None = None
    intensity: str | None = None
    monthly_budget: Money | None = None
    total_budget: Money | None = None
    evaluation_moments: tuple[EvaluationMoment, ...] = ()
    add_ons: tuple[DecidedAddOn, ...] = ()
    """Add-on modules with a product code of their own; ``total_budget`` includes them."""

    def add_on(self, product_code: str) -> DecidedAddOn | None:
        return next((a for a in self.add_ons if a.product_code == product_code), None)

    @property
    def main_budget(self) -> Money | None:
        """The total budget of the main product: the total without the add-ons of their own."""
        if self.total_budget is None:
            return None
        return self.total_budget - Money.sum(a.amount for a in self.add_ons)


@dataclass(frozen=True, slots=True)
class Allocation:
    """A toewijzing: one product allocated to one provider for one client.

    Either ``volume``/``unit``/``frequency`` (Omvang) or ``budget`` is set, as the
    toewijzingsvarianten prescribe; ``end`` is required when the frequency is per week.
    """

    number: int
    """ToewijzingNummer: unique per municipality within the law (TR332)."""
    client_bsn: str
    provider_agb: str
    municipality_code: str
    law: Law
    category: str
    product_code: str | None
    valid: Period
    allocated_at: datetime
    volume: int | None = None
    unit: Unit | None = None
    frequency: Frequency | None = None
    budget: Money | None = None
    """The 301's Budget: only for an allocation without Omvang (CD078)."""
    decision_id: str | None = None
    change_reason: ChangeReason | None = None
    budget_limit: Money | None = None
    """What approved declarations on this allocation may add up to (TR369), kept in the store
    for every allocation, with or without Omvang: the decision's budget for this allocation,
    priced with the catalogue or contract tariffs in force. ``budget`` when that is set."""
    provider_reference: str | None = None
    """ReferentieAanbieder: set when the allocation answers a provider's request (315/317)."""
    comment: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)
    nza_percentage: Decimal | None = None
    """The allocation's tariff basis: None is the contract tariff of its provider; a percentage
    (70) is that share of the product's NZa tariff, the region's rule for a provider without a
    contract (seed 000)."""
    goals_reached: GoalsReached | None = None
    """Recorded by the consultant at the end evaluation (eindevaluatie): reached, partly or
    not; None while nobody recorded it."""
    referrer: Referrer | None = None
    """Who referred the client (iJw Verwijzer, COD327; :mod:`zorginkoop.domain.referral`): the
    315's Verwijzer for a granted request, the municipality (01) for its own Jeugd decision,
    None under the Wmo."""

    def __post_init__(self) -> None:
        if not 0 < self.number <= 999_999_999:
            raise CareError(f"ToewijzingNummer must be 1..999999999, got {self.number}")
        has_omvang = self.volume is not None
        if has_omvang != (self.unit is not None) or has_omvang != (self.frequency is not None):
            raise CareError(f"allocation {self.number}: volume, unit and frequency go together")
        if has_omvang and self.budget is not None:
            raise CareError(f"allocation {self.number}: give either an Omvang or a budget, not both")
        if self.frequency is Frequency.PER_WEEK and self.valid.end is None:
            raise CareError(f"allocation {self.number}: a volume per week needs an end date")
        if has_omvang and self.product_code is None:
            raise CareError(f"allocation {self.number}: an Omvang needs a product code")
        if self.referrer is not None and self.law is Law.WMO:
            raise CareError(f"allocation {self.number}: the Wmo knows no referrer (Verwijzer)")

    @property
    def spending_limit(self) -> Money | None:
        """The amount TR369 judges against: the 301's Budget, else the stored budget limit."""
        return self.budget if self.budget is not None else self.budget_limit

    def active_on(self, day: date) -> bool:
        return self.valid.contains(day) and self.change_reason is not ChangeReason.VERWIJDERD
