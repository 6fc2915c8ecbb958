# SPDX-License-Identifier: EUPL-1.2
"""A tender (aanbesteding) as data: procedure, award method, lots, requirements, criteria.

The procedure (how providers come in) and the award method (how bids are compared) are two
separate choices, as the national contract standards (Contractstandaarden Wmo en Jeugd) keep
them: a SAS procedure (Aanbestedingswet art. 2.39) can award on quality at fixed tariffs, as
Lekstroom 2022 does; a classic tender can award on best price-quality (EMVI) or lowest price.

Knock-out requirements (eisen) are data: each names its kind and what it asks; a bid that fails
one is refused with the requirement's code in the reason. Remarks (wensen, e.g. the seeds'
sustainability) are asked but never decide. Contract conditions are checked during the term.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money


class TenderError(ValueError):
    """A tender, bid, score or award step that breaks a rule (one line for the user)."""


class Procedure(str, Enum):
    """How providers come in."""

    SAS = "sas"
    """Social and other specific services (art. 2.39): one registration moment; every bid that
    passes the requirements and scores enough is contracted."""
    OPEN_HOUSE = "open-house"
    """Admission procedure: every provider meeting the requirements, no ranking, registration
    open during the term."""
    CLASSIC = "classic"
    """Classic tender: bids ranked, a fixed number of places per lot, 20 days standstill."""
    BESTUURLIJK = "bestuurlijk"
    """Bestuurlijk aanbesteden: a covenant with every provider that meets the requirements."""


class AwardMethod(str, Enum):
    """How bids are compared; each maps onto an OCDS awardCriteria code (:attr:`ocds`)."""

    QUALITY = "quality"
    """Quality at fixed tariffs (the region sets the price)."""
    EMVI = "emvi"
    """Best price-quality (economisch meest voordelige inschrijving): quality and price criteria."""
    LOWEST_PRICE = "lowest-price"

    @property
    def ocds(self) -> str:
        return {"quality": "qualityOnly", "emvi": "ratedCriteria", "lowest-price": "priceOnly"}[self.value]


class TariffPolicy(str, Enum):
    """What a contract's tariffs are."""

    UNIFORM = "uniform"
    """The tender's fixed tariffs for every admitted provider: the same price for the same care."""
    BID = "bid"
    """Each provider's bid prices become its contract tariffs."""


class RequirementKind(str, Enum):
    MIN_CLIENTS = "min-clients"
    """At least ``minimum`` clients served (anywhere), as the bidder declares (answer: a number)."""
    MEMBERSHIP = "membership"
    """Membership of the professional body ``accepted[0]`` (answer: true, or the body's name)."""
    QUALITY_MARK = "quality-mark"
    """One of the ``accepted`` quality marks (answer: the mark's name)."""
    ALL_PRODUCTS = "all-products"
    """The bid offers every product of its lot (no answer: read from the bid's products)."""
    MUNICIPALITIES = "municipalities"
    """The bid serves every municipality in ``accepted`` (CBS codes; read from the bid)."""
    TARGET_GROUPS = "target-groups"
    """The bid serves every target group in ``accepted`` (read from the bid)."""


Answer = bool | int | str
"""A bidder's answer to a requirement or remark: yes/no, a number or a text."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """A knock-out requirement (eis): not met is not admitted."""

    code: str
    kind: RequirementKind
    text: str = ""
    minimum: int | None = None
    accepted: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind is RequirementKind.MIN_CLIENTS and (self.minimum is None or self.minimum < 0):
            raise TenderError(f"requirement {self.code}: min-clients needs a minimum of 0 or more")
        needs_list = {
            RequirementKind.MEMBERSHIP, RequirementKind.QUALITY_MARK,
            RequirementKind.MUNICIPALITIES, RequirementKind.TARGET_GROUPS,
        }  # fmt: skip
        if self.kind in needs_list and not self.accepted:
            raise TenderError(f"requirement {self.code}: {self.kind.value} needs at least one name")
        if self.kind is RequirementKind.TARGET_GROUPS:
            known = {g.value for g in TargetGroup}
            unknown = [g for g in self.accepted if g not in known]
            if unknown:
                raise TenderError(
                    f"requirement {self.code}: unknown target group {unknown[0]!r}; known: "
                    + ", ".join(sorted(known))
                )

    @property
    def summary(self) -> str:
        if self.kind is RequirementKind.MIN_CLIENTS:
            return f"at least {self.minimum} clients served"
        if self.kind is RequirementKind.MEMBERSHIP:
            return f"member of {' or '.join(self.accepted)}"
        if self.kind is RequirementKind.QUALITY_MARK:
            return f"quality mark {' or '.join(self.accepted)}"
        if self.kind is RequirementKind.ALL_PRODUCTS:
            return "offers every product of the lot"
        return f"serves {', '.join(self.accepted)}"


@dataclass(frozen=True, slots=True)
class Remark:
    """A non-binding question (wens): answered, never decisive."""

    code: str
    text: str


class ConditionKind(str, Enum):
    MIN_ACTIVE_CLIENTS = "min-active-clients"
    """At least ``minimum`` active clients in the region each contract year (the seeds: no
    contract for one client)."""


@dataclass(frozen=True, slots=True)
class ContractCondition:
    """A condition checked during the term, not at the award."""

    kind: ConditionKind
    minimum: int
    text: str = ""

    def breached(self, active_clients_in_year: int) -> bool:
        return active_clients_in_year < self.minimum


class CriterionKind(str, Enum):
    QUALITY = "quality"
    PRICE = "price"


@dataclass(frozen=True, slots=True)
class Criterion:
    """An award criterion (gunningscriterium) with its weight: the points it can give out of 100.

    A quality criterion is scored by assessors on the tender's scale; ``minimum`` is the lowest
    acceptable score on that scale. A price criterion (EMVI) is computed, never scored."""

    code: str
    name: str
    weight: int
    kind: CriterionKind = CriterionKind.QUALITY
    minimum: Decimal | None = None

    def __post_init__(self) -> None:
        if self.weight <= 0:
            raise TenderError(
                f"criterion {self.code}: a weight is a positive whole number, got {self.weight}"
            )
        if self.kind is CriterionKind.PRICE and self.minimum is not None:
            raise TenderError(f"criterion {self.code}: a price criterion has no minimum score")


@dataclass(frozen=True, slots=True)
class Scale:
    """The scoring scale for quality criteria, both ends included (e.g. 0 to 10)."""

    low: Decimal = Decimal(0)
    high: Decimal = Decimal(10)

    def __post_init__(self) -> None:
        if self.high <= self.low:
            raise TenderError(f"scoring scale {self.low}..{self.high}: the top must be above the bottom")

    def contains(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class LotProduct:
    """A product of a lot: a fixed tariff per unit, or None when the price is bid."""

    code: str
    tariff: Money | None = None
    volume: int = 1
    """Expected units, to weigh unit prices into one bid price (EMVI and lowest price)."""


@dataclass(frozen=True, slots=True)
class TenderLot:
    """A lot (perceel) of a tender: its law, products and what a contract under it may be paid."""

    code: str
    name: str
    law: Law
    products: tuple[LotProduct, ...]
    ceiling: Money | None = None
    """A yearly ceiling for each contract under this lot; None for none."""
    places: int | None = None
    """Classic tender: how many bids are contracted (the best ranked); None for all that pass."""

    @property
    def product_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.products)

    @property
    def fixed(self) -> bool:
        return all(p.tariff is not None for p in self.products)


@dataclass(frozen=True, slots=True)
class RegistrationPeriod:
    """When bids are accepted, both ends included; ``closes`` None is continuous (open house)."""

    opens: date
    closes: date | None

    def accepts(self, day: date) -> bool:
        return self.opens <= day and (self.closes is None or day <= self.closes)


@dataclass(frozen=True, slots=True)
class ContractTerm:
    """The term of the contracts the award creates: ``years`` from ``start`` (None: indefinite)
    and extension options in years (Lekstroom 2022: 2 + 1 + 1)."""

    start: date
    years: int | None
    extensions: tuple[int, ...] = ()
    notice_months: int = 6


CLASSIC_STANDSTILL_DAYS = 20
"""Aanbestedingswet art. 2.127: at least 20 calendar days between the intended and final award."""


MAX_TENDER_CODE, MAX_LOT_CODE = 20, 10
"""So a contract number ``<tender>-<lot>-<AGB>`` fits the register's 40 characters."""


@dataclass(frozen=True, slots=True)
class Tender:
    code: str
    name: str
    procedure: Procedure
    award_method: AwardMethod
    tariff_policy: TariffPolicy
    lots: tuple[TenderLot, ...]
    registration: RegistrationPeriod
    term: ContractTerm
    requirements: tuple[Requirement, ...] = ()
    remarks: tuple[Remark, ...] = ()
    conditions: tuple[ContractCondition, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    scale: Scale = field(default_factory=Scale)
    minimum_total: Decimal | None = None
    """The lowest acceptable total score, out of 100."""
    standstill_days: int = 0
    published: date | None = None
    round_of: str | None = None
    """An additional round (scope 3): the code of the tender whose coverage gap it contracts for;
    its contracts go under that tender's framework agreement and lots."""
    gap: frozenset[tuple[str, TargetGroup]] = frozenset()
    """An additional round's cells, (municipality code, target group): what its bids may add."""

    def __post_init__(self) -> None:
        if (self.round_of is None) != (not self.gap):
            raise TenderError(
                f"tender {self.code}: an additional round names its parent tender and its gap cells, together"
            )
        if not 1 <= len(self.code) <= MAX_TENDER_CODE or not self.code.strip():
            raise TenderError(f"a tender code has 1 to {MAX_TENDER_CODE} characters, got {self.code!r}")
        if not self.lots:
            raise TenderError(f"tender {self.code}: at least one lot")
        for lot in self.lots:
            if not 1 <= len(lot.code) <= MAX_LOT_CODE or not lot.code.strip():
                raise TenderError(f"a lot code has 1 to {MAX_LOT_CODE} characters, got {lot.code!r}")
        codes = [lot.code for lot in self.lots]
        if len(set(codes)) != len(codes):
            raise TenderError(f"tender {self.code}: a lot code is used twice")
        for lot in self.lots:
            if not lot.products:
                raise TenderError(f"lot {lot.code}: at least one product")
            if self.tariff_policy is TariffPolicy.UNIFORM and not lot.fixed:
                missing = next(p.code for p in lot.products if p.tariff is None)
                raise TenderError(f"lot {lot.code}: tariff policy uniform needs a fixed tariff for {missing}")
            if self.tariff_policy is TariffPolicy.BID and any(p.tariff is not None for p in lot.products):
                raise TenderError(f"lot {lot.code}: tariff policy bid asks a price, so no fixed tariffs")
            if lot.places is not None and self.procedure is not Procedure.CLASSIC:
                raise TenderError(f"lot {lot.code}: a number of places belongs to a classic tender only")
        prices = [c for c in self.criteria if c.kind is CriterionKind.PRICE]
        if self.criteria and sum(c.weight for c in self.criteria) != 100:
            raise TenderError(
                f"tender {self.code}: the award criteria's weights add up to "
                f"{sum(c.weight for c in self.criteria)}, not 100"
            )
        if len({c.code for c in self.criteria}) != len(self.criteria):
            raise TenderError(f"tender {self.code}: a criterion code is used twice")
        if len({r.code for r in self.requirements} | {r.code for r in self.remarks}) != len(
            self.requirements
        ) + len(self.remarks):
            raise TenderError(f"tender {self.code}: a requirement or remark code is used twice")
        if self.award_method is AwardMethod.QUALITY:
            if self.tariff_policy is not TariffPolicy.UNIFORM:
                raise TenderError(
                    f"tender {self.code}: award on quality is at fixed tariffs (tariff policy uniform)"
                )
            if prices:
                raise TenderError(f"tender {self.code}: award on quality has no price criterion")
        if self.award_method is AwardMethod.EMVI:
            if len(prices) != 1 or len(self.criteria) < 2:
                raise TenderError(f"tender {self.code}: EMVI needs one price criterion and quality criteria")
            if self.tariff_policy is not TariffPolicy.BID:
                raise TenderError(f"tender {self.code}: EMVI compares bid prices (tariff policy bid)")
        if self.award_method is AwardMethod.LOWEST_PRICE:
            if self.criteria:
                raise TenderError(f"tender {self.code}: lowest price has no award criteria")
            if self.tariff_policy is not TariffPolicy.BID:
                raise TenderError(f"tender {self.code}: lowest price compares bid prices (tariff policy bid)")
        if self.procedure is Procedure.OPEN_HOUSE and (self.criteria or self.minimum_total is not None):
            raise TenderError(f"tender {self.code}: open house admits without ranking, so no award criteria")
        if self.procedure is Procedure.SAS and self.registration.closes is None:
            raise TenderError(f"tender {self.code}: a SAS tender has one registration moment (give closes)")
        if self.procedure is Procedure.CLASSIC:
            if self.registration.closes is None:
                raise TenderError(f"tender {self.code}: a classic tender has a closing date (give closes)")
            if self.standstill_days < CLASSIC_STANDSTILL_DAYS:
                raise TenderError(
                    f"tender {self.code}: a classic tender has a standstill of at least "
                    f"{CLASSIC_STANDSTILL_DAYS} days (Aanbestedingswet art. 2.127)"
                )
        if self.standstill_days < 0:
            raise TenderError(f"tender {self.code}: a standstill is never negative")
        if self.registration.closes is not None and self.registration.closes < self.registration.opens:
            raise TenderError(f"tender {self.code}: registration closes before it opens")
        for c in self.criteria:
            if c.minimum is not None and not self.scale.contains(c.minimum):
                raise TenderError(f"criterion {c.code}: minimum {c.minimum} is outside the scale")
        if self.minimum_total is not None and not Decimal(0) <= self.minimum_total <= Decimal(100):
            raise TenderError(
                f"tender {self.code}: the minimum total is out of 100, got {self.minimum_total}"
            )

    def lot(self, code: str) -> TenderLot:
        for lot in self.lots:
            if lot.code == code:
                return lot
        raise TenderError(
            f"tender {self.code} has no lot {code!r}; lots: {', '.join(x.code for x in self.lots)}"
        )

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise TenderError(
            f"tender {self.code} has no criterion {code!r}; criteria: {', '.join(c.code for c in self.criteria)}"
        )

    @property
    def quality_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind is CriterionKind.QUALITY)

    @property
    def price_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria if c.kind is CriterionKind.PRICE), None)

    def standstill_until(self, intended: date) -> date | None:
        """The last day of the standstill after an intended award on ``intended`` (the days run
        from the day after it); None when the tender has none."""
        if self.standstill_days == 0:
            return None
        return intended + timedelta(days=self.standstill_days)

    def may_finalize(self, intended: date, on: date) -> bool:
        """The final award may follow on ``on``: the standstill has run out."""
        until = self.standstill_until(intended)
        return on >= intended if until is None else on > until
