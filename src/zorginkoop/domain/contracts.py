# SPDX-License-Identifier: EUPL-1.2
"""Contracts: framework agreements, lots, provider contracts, terms and ceilings.

A region signs a framework agreement (raamovereenkomst / basisovereenkomst) with sub-agreements
(deelovereenkomsten) per lot (perceel) and product set. A provider joins lots; that is its
:class:`Contract`. Terms run for an initial number of years with extension options
(Lekstroom 2022: 2 + 1 + 1 years), five years (Wmo 2015), or indefinitely (U16 wish); each
extension needs a decision some months before the running term ends.

Ceilings cap what is paid: per provider (zorgplafond / omzetplafond / bestedingsruimte) and
collective over a group of contracts (all free practitioners together: EUR 2,300,000). The
national contract standard's spending-room article asks for a notice at 70% and 100%.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period, add_months


class ContractError(ValueError):
    """A contract, term or ceiling that breaks a rule."""


class AgreementKind(str, Enum):
    """Price-and-volume agreements (supra-regional care) or price-only (the rest)."""

    PRICE_AND_VOLUME = "prijs-en-volume"
    PRICE_ONLY = "alleen-prijs"


class ProcurementProcedure(str, Enum):
    BESTUURLIJK = "bestuurlijk-aanbesteden"
    TENDER = "aanbesteding"
    SAS = "sociale-en-specifieke-diensten"
    SUBSIDY = "subsidie"
    NONE = "niet-gecontracteerd"


class CeilingPolicy(str, Enum):
    """What happens when approved amounts would pass a ceiling; the region chooses per contract."""

    SIGNAL = "signaleren"
    REFUSE = "weigeren"


class TariffBasis(str, Enum):
    """Where a lot's tariffs come from: the regional schedule, or a percentage of a reference."""

    REGIONAL = "regionaal-tarief"
    PERCENT_OF_REFERENCE = "percentage-referentietarief"


@dataclass(frozen=True, slots=True)
class ExtensionDecision:
    """A date by which the region must decide whether to use an extension option."""

    number: int
    decide_by: date
    term_ends: date
    extended_until: date


@dataclass(frozen=True, slots=True)
class Term:
    """A contract term: ``initial_years`` from ``start`` plus extension options in years.

    ``initial_years=None`` is an indefinite term (no end, no extensions).
    """

    start: date
    initial_years: int | None
    extensions: tuple[int, ...] = ()
    notice_months: int = 6
    extensions_used: int = 0

    def __post_init__(self) -> None:
        if self.initial_years is None and self.extensions:
            raise ContractError("an indefinite term has no extension options")
        if self.initial_years is not None and self.initial_years < 1:
            raise ContractError("a term runs at least one year")
        if not 0 <= self.extensions_used <= len(self.extensions):
            raise ContractError("more extensions used than the term offers")

    def _end_after(self, years: int) -> date:
        return add_months(self.start, 12 * years) - timedelta(days=1)

    @property
    def end(self) -> date | None:
        """Last day of the term as it stands (with the extensions used so far)."""
        if self.initial_years is None:
            return None
        return self._end_after(self.initial_years + sum(self.extensions[: self.extensions_used]))

    @property
    def latest_end(self) -> date | None:
        """Last day if every extension is used."""
        if self.initial_years is None:
            return None
        return self._end_after(self.initial_years + sum(self.extensions))

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def extension_calendar(self) -> list[ExtensionDecision]:
        """Every extension decision with its deadline, in order, used ones included."""
        if self.initial_years is None:
            return []
        decisions = []
        years = self.initial_years
        for number, extra in enumerate(self.extensions, start=1):
            term_ends = self._end_after(years)
            decisions.append(
                ExtensionDecision(
                    number=number,
                    decide_by=add_months(term_ends + timedelta(days=1), -self.notice_months),
                    term_ends=term_ends,
                    extended_until=self._end_after(years + extra),
                )
            )
            years += extra
        return decisions

    def extended(self) -> Term:
        """The term with its next extension option used."""
        if self.extensions_used >= len(self.extensions):
            raise ContractError("no extension option left")
        return Term(
            self.start, self.initial_years, self.extensions, self.notice_months, self.extensions_used + 1
        )


@dataclass(frozen=True, slots=True)
class Lot:
    """A lot (perceel) with its sub-agreement: a product set and how it is priced."""

    code: str
    name: str
    law: Law
    product_codes: frozenset[str]
    kind: AgreementKind = AgreementKind.PRICE_ONLY
    tariff_basis: TariffBasis = TariffBasis.REGIONAL
    reference_percentage: Decimal | None = None
    """For PERCENT_OF_REFERENCE: the share of the reference (NZa) tariff, e.g. 85."""

    def __post_init__(self) -> None:
        if (self.tariff_basis is TariffBasis.PERCENT_OF_REFERENCE) != (self.reference_percentage is not None):
            raise ContractError(f"lot {self.code}: a percentage goes with, and only with, a reference tariff")


@dataclass(frozen=True, slots=True)
class FrameworkAgreement:
    """A framework agreement with its lots, procedure and term."""

    code: str
    name: str
    procedure: ProcurementProcedure
    term: Term
    lots: tuple[Lot, ...]

    def lot(self, code: str) -> Lot:
        for lot in self.lots:
            if lot.code == code:
                return lot
        raise ContractError(f"framework agreement {self.code} has no lot {code!r}")


@dataclass(frozen=True, slots=True)
class Contract:
    """A provider's participation in one lot of a framework agreement."""

    number: str
    provider_agb: str
    framework_code: str
    lot_code: str
    valid: Period
    ceiling: Money | None = None
    """Yearly ceiling for this provider under this contract; None when there is none."""
    ceiling_policy: CeilingPolicy = CeilingPolicy.SIGNAL
    volume_clients: int | None = None
    """For price-and-volume agreements: the agreed number of clients a year."""


def contracted_providers(
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    law: Law,
    product_code: str,
    day: date,
) -> set[str]:
    """AGB codes of the providers holding a contract valid on ``day`` (both ends of the contract
    included) for a lot of ``law`` whose product set contains ``product_code``.

    The one contract rule behind allocating (a consultant may only choose a contracted provider)
    and the granting policy for 315/317 (else WJ759 3, geen contract). A product code is unique
    within a law, not across laws, hence ``law``.
    """
    lots = {(fw.code, lot.code): lot for fw in frameworks for lot in fw.lots}
    contracted: set[str] = set()
    for contract in contracts:
        lot = lots.get((contract.framework_code, contract.lot_code))
        if (
            lot is not None
            and lot.law is law
            and product_code in lot.product_codes
            and contract.valid.contains(day)
        ):
            contracted.add(contract.provider_agb)
    return contracted


def contracted_for_law(
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    law: Law,
    day: date,
) -> set[str]:
    """AGB codes of the providers holding a contract valid on ``day`` (both ends included) for
    any lot of ``law``, whatever its products: who is contracted at all (coverage asks this)."""
    lots = {(fw.code, lot.code): lot for fw in frameworks for lot in fw.lots}
    return {
        c.provider_agb
        for c in contracts
        if (lot := lots.get((c.framework_code, c.lot_code))) is not None
        and lot.law is law
        and c.valid.contains(day)
    }


def covering_contract(
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    *,
    law: Law,
    product_code: str,
    provider_agb: str,
    day: date,
) -> Contract | None:
    """The contract of ``provider_agb`` covering ``product_code`` under ``law`` on ``day`` (the
    one running longest when several do), or None: the contract an allocation runs under."""
    lots = {(fw.code, lot.code): lot for fw in frameworks for lot in fw.lots}
    candidates = [
        c
        for c in contracts
        if c.provider_agb == provider_agb
        and c.valid.contains(day)
        and (lot := lots.get((c.framework_code, c.lot_code))) is not None
        and lot.law is law
        and product_code in lot.product_codes
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.valid.end is None, c.valid.end or day, c.number))


@dataclass(frozen=True, slots=True)
class ContractCover:
    """How far a provider's contracts cover a product over a wanted period: consecutive
    (contract, part) pairs from the period's first day, and the part no contract covers."""

    parts: tuple[tuple[Contract, Period], ...]
    uncovered: Period | None

    @property
    def first(self) -> tuple[Contract, Period] | None:
        return self.parts[0] if self.parts else None


def contract_cover(
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    *,
    law: Law,
    product_code: str,
    provider_agb: str,
    wanted: Period,
) -> ContractCover:
    """An allocation does not run past the contract covering its product for its provider: the
    wanted period (a decision's) cut at each contract's end, the next part under the provider's
    next contract when one covers the product from the following day (RedenWijziging 03,
    contractwijziging, WMO002/JZ002, ends the first), until no contract covers the day after.

    ``uncovered`` is what is left of ``wanted`` (None when every day is covered): the
    decision stays, but no allocation to this provider can follow there."""
    contracts = list(contracts)
    frameworks = list(frameworks)
    parts: list[tuple[Contract, Period]] = []
    day = wanted.start
    while wanted.end is None or day <= wanted.end:
        contract = covering_contract(
            contracts, frameworks, law=law, product_code=product_code, provider_agb=provider_agb, day=day
        )
        if contract is None:
            return ContractCover(tuple(parts), Period(day, wanted.end))
        end = contract.valid.end
        if wanted.end is not None and (end is None or end > wanted.end):
            end = wanted.end
        parts.append((contract, Period(day, end)))
        if end is None:
            break
        day = end + timedelta(days=1)
    return ContractCover(tuple(parts), None)


@dataclass(frozen=True, slots=True)
class CollectiveCeiling:
    """A yearly ceiling shared by a group of contracts (e.g. all free practitioners)."""

    code: str
    name: str
    amount: Money
    year: int
    contract_numbers: frozenset[str]
    policy: CeilingPolicy = CeilingPolicy.SIGNAL


NOTICE_THRESHOLDS: tuple[int, ...] = (70, 100)
"""Percentages of a ceiling at which the region and provider get a notice (spending room)."""


def providers_closed_by_collective_ceilings(
    contracts: Iterable[Contract],
    ceilings: Iterable[CollectiveCeiling],
    reached: Iterable[tuple[str, int]],
    day: date,
) -> dict[str, CollectiveCeiling]:
    """OP095: a collective ceiling never rejects a declared line (its providers cannot see what
    the others spend); it is steered by allocation instead. Once a collective ceiling of the
    year of ``day`` is reached (its 100% notice, ``reached`` = (code, year) pairs), the providers
    whose contract valid on ``day`` counts towards it get no new allocations until the contract
    manager decides (raises the ceiling, or the next year begins). Returns AGB -> the ceiling."""
    full = {(code, year) for code, year in reached}
    closed_contracts = {
        number: ceiling
        for ceiling in ceilings
        if ceiling.year == day.year and (ceiling.code, ceiling.year) in full
        for number in ceiling.contract_numbers
    }
    return {
        c.provider_agb: closed_contracts[c.number]
        for c in contracts
        if c.number in closed_contracts and c.valid.contains(day)
    }


@dataclass(frozen=True, slots=True)
class CeilingUse:
    """How far a ceiling is exhausted by approved amounts."""

    ceiling: Money
    used: Money

    @property
    def remaining(self) -> Money:
        return self.ceiling - self.used

    @property
    def percentage(self) -> Decimal:
        if self.ceiling.is_zero():
            return Decimal(100) if self.used.cents > 0 else Decimal(0)
        return (Decimal(self.used.cents) * 100 / Decimal(self.ceiling.cents)).quantize(Decimal("0.1"))

    def thresholds_passed(self) -> tuple[int, ...]:
        return tuple(t for t in NOTICE_THRESHOLDS if self.used.cents * 100 >= self.ceiling.cents * t)

    def crossed_by(self, amount: Money) -> tuple[int, ...]:
        """Thresholds newly passed if ``amount`` is approved on top of what is used."""
        after = CeilingUse(self.ceiling, self.used + amount)
        return tuple(t for t in after.thresholds_passed() if t not in self.thresholds_passed())

    def room_for(self, amount: Money) -> bool:
        return (self.used + amount).cents <= self.ceiling.cents


# -- what the contract manager writes: specifications, checked here before anything is stored ------


class ExtensionChoice(str, Enum):
    """The region's decision on an extension option for a contract."""

    EXTEND = "verlengen"
    DECLINE = "niet-verlengen"


_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_euros(text: str) -> Money:
    """An amount typed by a person, ``12,34`` or ``12.34`` (or ``1.234,56``, ``2.500.000``), as
    whole cents; refuses a negative amount, fractions of a cent and anything that is not a number.
    Without a comma, dots before groups of three digits separate thousands (a third decimal
    would be a fraction of a cent)."""
    cleaned = text.strip().replace("€", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "." in cleaned and all(len(group) == 3 and group.isdigit() for group in cleaned.split(".")[1:]):
        cleaned = cleaned.replace(".", "")
    if not _AMOUNT.fullmatch(cleaned.removeprefix("-")):
        raise ContractError(f"not an amount in euros: {text!r} (write e.g. 12,34)")
    try:
        money = Money.euros(cleaned)
    except ValueError:
        raise ContractError(f"not an amount in euros: {text!r} (write e.g. 12,34)") from None
    if money.cents < 0:
        raise ContractError(f"an amount cannot be negative: {text}")
    return money


def parse_percentage(text: str) -> Decimal:
    """A percentage typed by a person (``2,75`` or ``2.75``), exact, between -100 and 100."""
    try:
        value = Decimal(text.strip().rstrip("%").replace(",", "."))
    except ArithmeticError:
        raise ContractError(f"not a percentage: {text!r} (write e.g. 2,75)") from None
    if not value.is_finite() or not Decimal(-100) < value <= Decimal(100):
        raise ContractError(f"a percentage must lie between -100 and 100, got {text}")
    return value


@dataclass(frozen=True, slots=True)
class LotSpec:
    """A lot as the contract manager defines it."""

    code: str
    name: str
    law: Law
    product_codes: tuple[str, ...]
    kind: AgreementKind = AgreementKind.PRICE_ONLY
    tariff_basis: TariffBasis = TariffBasis.REGIONAL
    reference_percentage: Decimal | None = None

    def lot(self) -> Lot:
        if not self.code.strip() or len(self.code) > 40:
            raise ContractError(f"a lot code has 1-40 characters, got {self.code!r}")
        if not self.product_codes:
            raise ContractError(f"lot {self.code} has no products")
        if len(set(self.product_codes)) != len(self.product_codes):
            raise ContractError(f"lot {self.code} names a product twice")
        return Lot(
            self.code,
            self.name or self.code,
            self.law,
            frozenset(self.product_codes),
            self.kind,
            self.tariff_basis,
            self.reference_percentage,
        )


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    """A framework agreement to create: its procedure, term (``initial_years`` None: indefinite;
    ``extensions`` e.g. (1, 1) for 2 + 1 + 1 years) and lots with their products."""

    code: str
    name: str
    procedure: ProcurementProcedure
    start: date
    initial_years: int | None
    lots: tuple[LotSpec, ...]
    extensions: tuple[int, ...] = ()
    notice_months: int = 6

    def framework(self) -> FrameworkAgreement:
        """The agreement, or :class:`ContractError` naming the first rule it breaks."""
        if not self.code.strip() or len(self.code) > 40:
            raise ContractError(f"a framework code has 1-40 characters, got {self.code!r}")
        if not self.lots:
            raise ContractError(f"framework agreement {self.code} has no lots")
        if any(years < 1 for years in self.extensions):
            raise ContractError("an extension option runs at least one year")
        if not 0 <= self.notice_months <= 24:
            raise ContractError(f"notice months must lie between 0 and 24, got {self.notice_months}")
        codes = [lot.code for lot in self.lots]
        if len(set(codes)) != len(codes):
            raise ContractError(f"framework agreement {self.code} names a lot twice")
        term = Term(self.start, self.initial_years, tuple(self.extensions), self.notice_months)
        return FrameworkAgreement(
            self.code, self.name or self.code, self.procedure, term, tuple(s.lot() for s in self.lots)
        )


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """A provider contract to create under a lot of a framework agreement.

    ``start``/``end`` default to the agreement's term as it stands (``end`` None for an
    indefinite term). ``tariffs``: the provider's own price per product (bid prices), valid over
    the contract; empty when the lot's (catalogue) tariff holds for all. ``number`` defaults to
    ``<framework>-<lot>-<agb>``."""

    provider_agb: str
    framework_code: str
    lot_code: str
    start: date | None = None
    end: date | None = None
    tariffs: tuple[tuple[str, Money], ...] = ()
    ceiling: Money | None = None
    ceiling_policy: CeilingPolicy = CeilingPolicy.SIGNAL
    volume_clients: int | None = None
    number: str | None = None

    def contract(self, framework: FrameworkAgreement) -> Contract:
        """The contract within ``framework``, or :class:`ContractError` naming the broken rule."""
        lot = framework.lot(self.lot_code)
        term = framework.term
        start = self.start or term.start
        end = self.end if self.end is not None else term.end
        if start < term.start:
            raise ContractError(
                f"contract starts {start.isoformat()}, before framework agreement {framework.code} "
                f"({term.start.isoformat()})"
            )
        if term.end is not None and (end is None or end > term.end):
            shown = "without an end" if end is None else f"on {end.isoformat()}"
            raise ContractError(
                f"contract ends {shown}, after framework agreement {framework.code} "
                f"({term.end.isoformat()}; extend the agreement first)"
            )
        if end is not None and end < start:
            raise ContractError(f"contract ends {end.isoformat()}, before it starts {start.isoformat()}")
        if self.ceiling is not None and self.ceiling.cents < 0:
            raise ContractError("a ceiling cannot be negative")
        if self.volume_clients is not None and self.volume_clients < 0:
            raise ContractError("an agreed number of clients cannot be negative")
        priced = [code for code, _amount in self.tariffs]
        if len(set(priced)) != len(priced):
            raise ContractError("a product is priced twice")
        for code, amount in self.tariffs:
            if code not in lot.product_codes:
                raise ContractError(f"lot {lot.code} of {framework.code} has no product {code!r}")
            if amount.cents < 0:
                raise ContractError(f"the tariff for {code} cannot be negative")
        number = self.number or f"{framework.code}-{lot.code}-{self.provider_agb}"
        if not number.strip() or len(number) > 40:
            raise ContractError(f"a contract number has 1-40 characters, got {number!r}")
        return Contract(
            number,
            self.provider_agb,
            framework.code,
            lot.code,
            Period(start, end),
            self.ceiling,
            self.ceiling_policy,
            self.volume_clients,
        )


def extension_option(framework: FrameworkAgreement, contract: Contract) -> ExtensionDecision:
    """The extension option a decision on ``contract`` is about: the one whose term ends on the
    contract's last day. :class:`ContractError` when the contract runs indefinitely or no
    option is left (the last one was used, or the contract ends apart from the term)."""
    if contract.valid.end is None:
        raise ContractError(f"contract {contract.number} runs indefinitely: nothing to extend")
    if not framework.term.extensions:
        raise ContractError(f"framework agreement {framework.code} has no extension options")
    for option in framework.term.extension_calendar():
        if option.term_ends == contract.valid.end:
            return option
    if framework.term.latest_end is not None and contract.valid.end >= framework.term.latest_end:
        raise ContractError(
            f"contract {contract.number} already runs to the end of the last extension option "
            f"({framework.term.latest_end.isoformat()})"
        )
    raise ContractError(
        f"contract {contract.number} ends {contract.valid.end.isoformat()}, not at the end of a "
        f"term of {framework.code}: no extension option applies"
    )
