# SPDX-License-Identifier: EUPL-1.2
"""Adjudication of declared lines (prestaties of a 323): the cross-message rules, as pure functions.

Each rule takes the line and the facts it needs (the allocation, the contract tariff, what was
declared before) and returns the WJ001 retourcodes it raises: an empty tuple when the line
passes. :class:`Adjudicator` applies every rule to the lines of one declaration in order,
keeping the running sums (TR314 within the file, TR322 volumes, TR369 budgets, ceilings) so
that a later line of the same declaration sees what an earlier one was granted.

Ceilings (national contract standard, spending room): approved amounts exhaust the provider's
yearly contract ceiling and collective ceilings (the free practitioners' EUR 2,300,000). Per
contract the region chooses what happens beyond a ceiling: :attr:`CeilingPolicy.SIGNAL` pays
and records a notice, :attr:`CeilingPolicy.REFUSE` rejects the line with :data:`CEILING_CODE`.
Crisis care is always paid. Notices are raised at 70% and 100% (``NOTICE_THRESHOLDS``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import CRISIS_CATEGORIES, ChangeReason, Frequency, Unit
from zorginkoop.domain.contracts import NOTICE_THRESHOLDS, CeilingPolicy, CeilingUse
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.financing import MINUTES_PER_UNIT, allocated_units
from zorginkoop.domain.money import Money, round_to_cents
from zorginkoop.domain.periods import Period

Codes = tuple[str, ...]
OK: Codes = ()
_ZERO = Money(0)

CEILING_CODE = "9369"
"""WJ001 code for a line refused because a ceiling with policy REFUSE would be passed.

The standard has no code for a contract or collective ceiling. The closest is 9369 (TR369:
"Budget is meegegeven, maar de som ... past niet binnen het toegewezen Budget"): the money
made available is used up. The 325 cannot say more; the region's notice names the ceiling.
"""


# -- message level --------------------------------------------------------------------------


def tr056_identification_unique(identification: str, received: Iterable[str]) -> Codes:
    """TR056 (9056): the Identificatie of a 323 is unique for the provider within the law."""
    return ("9056",) if identification in set(received) else OK


def tr333_declaration_number_unique(number: str, known: Iterable[str]) -> Codes:
    """TR333 (9333): DeclaratieNummer is unique for the provider within the law."""
    return ("9333",) if number in set(known) else OK


def tr358_total_consistent(total: Money, lines: Iterable[DeclaredLine]) -> Codes:
    """TR358 (0001): TotaalIngediendBedrag equals the signed sum of the IngediendBedragen."""
    return OK if Money.sum(line.signed_amount for line in lines) == total else ("0001",)


@dataclass(frozen=True, slots=True)
class MessageFinding:
    """A rule within one 323 that the message breaks; any finding refuses the whole
    declaration with retourcode 0001 (as the standard's technical rules prescribe)."""

    rule: str
    detail: str


CS100_FIRST_DAY = date(2021, 1, 1)
"""CS100: declaration and product periods of a 3.2 declaration start on or after 2021-01-01."""


def tr101_unique_references(lines: Sequence[DeclaredLine]) -> list[MessageFinding]:
    """TR101 (0001): no duplicate lines: each ProductReferentie occurs once in the message."""
    counts = Counter(line.reference for line in lines)
    return [
        MessageFinding("TR101", f"ReferentieNummer {ref} occurs {n} times")
        for ref, n in counts.items()
        if n > 1
    ]


def tr315_previous_reference_unique(lines: Sequence[DeclaredLine]) -> list[MessageFinding]:
    """TR315 (0001): a VorigReferentieNummer occurs once in the message."""
    counts = Counter(line.previous_reference for line in lines if line.previous_reference)
    return [
        MessageFinding("TR315", f"VorigReferentieNummer {ref} occurs {n} times")
        for ref, n in counts.items()
        if n > 1
    ]


def tr316_not_credited_in_same_message(lines: Sequence[DeclaredLine]) -> list[MessageFinding]:
    """TR316 (0001): a debit line is not credited in the message that declares it."""
    references = {line.reference for line in lines}
    return [
        MessageFinding(
            "TR316", f"Prestatie {line.previous_reference} is credited in the message that declares it"
        )
        for line in lines
        if line.previous_reference in references
    ]


def tr416_one_debit_per_period(lines: Sequence[DeclaredLine]) -> list[MessageFinding]:
    """TR416 (0001): one debit per client, ProductPeriode, category, code and ToewijzingNummer."""
    counts = Counter(
        (line.client_bsn, line.period, line.category, line.product_code, line.allocation_number)
        for line in lines
        if line.debit_credit is DebitCredit.DEBIT
    )
    return [
        MessageFinding("TR416", f"{n} debit lines for allocation {key[4]} and period {key[1]}")
        for key, n in counts.items()
        if n > 1
    ]


def tr137_period_not_after_dagtekening(line: DeclaredLine, dagtekening: date) -> list[MessageFinding]:
    """TR137 (0001): a ProductPeriode ends on or after it starts and not after the Dagtekening."""
    end = line.period.end
    if end is None or end > dagtekening:
        return [
            MessageFinding(
                "TR137", f"{line.reference}: ProductPeriode ends after the Dagtekening {dagtekening}"
            )
        ]
    return []


def cd060_previous_reference_with_credit(line: DeclaredLine) -> list[MessageFinding]:
    """CD060 (0001): VorigReferentieNummer is filled for a credit line and only then."""
    if (line.debit_credit is DebitCredit.CREDIT) != (line.previous_reference is not None):
        return [
            MessageFinding(
                "CD060", f"{line.reference}: VorigReferentieNummer goes with, and only with, a credit"
            )
        ]
    return []


def cd087_tariff_unless_euros(line: DeclaredLine, tariff_given: bool) -> list[MessageFinding]:
    """CD087 (0001): ProductTarief is filled when the Eenheid is not 83 (euro's), else left empty."""
    if tariff_given != (line.unit is not Unit.EUROS):
        return [
            MessageFinding(
                "CD087", f"{line.reference}: ProductTarief goes with, and only with, a unit other than 83"
            )
        ]
    return []


def cs100_from_2021(line: DeclaredLine) -> list[MessageFinding]:
    """CS100 (0001): a ProductPeriode starts on or after 2021-01-01."""
    if line.period.start < CS100_FIRST_DAY:
        return [MessageFinding("CS100", f"{line.reference}: ProductPeriode starts before {CS100_FIRST_DAY}")]
    return []


def cs337_one_calendar_month(line: DeclaredLine) -> list[MessageFinding]:
    """CS337 (0001): a ProductPeriode ends in the calendar month and year it starts in."""
    end = line.period.end
    if end is None or (end.year, end.month) != (line.period.start.year, line.period.start.month):
        return [
            MessageFinding(
                "CS337", f"{line.reference}: ProductPeriode runs over more than one calendar month"
            )
        ]
    return []


def message_findings(
    declaration_period: Period, dagtekening: date, lines: Sequence[tuple[DeclaredLine, bool]]
) -> list[MessageFinding]:
    """Every rule within one 323 that needs more than one Prestatie or that the streaming reader
    does not check per element. ``lines`` pairs each line with whether ProductTarief was given."""
    findings: list[MessageFinding] = []
    if declaration_period.start < CS100_FIRST_DAY:
        findings.append(MessageFinding("CS100", f"DeclaratiePeriode starts before {CS100_FIRST_DAY}"))
    for line, tariff_given in lines:
        findings += cd060_previous_reference_with_credit(line)
        findings += cd087_tariff_unless_euros(line, tariff_given)
        findings += cs100_from_2021(line)
        findings += cs337_one_calendar_month(line)
        findings += tr137_period_not_after_dagtekening(line, dagtekening)
    plain = [line for line, _ in lines]
    findings += tr101_unique_references(plain)
    findings += tr315_previous_reference_unique(plain)
    findings += tr316_not_credited_in_same_message(plain)
    findings += tr416_one_debit_per_period(plain)
    return findings


# -- line against the allocation -------------------------------------------------------------


def tr338_allocation_known(line: DeclaredLine, allocation: Allocation | None) -> Codes:
    """TR338 (9338): the Prestatie relates to a ToegewezenProduct of this provider by its
    ToewijzingNummer (an allocation of another provider does not count)."""
    if allocation is None or allocation.provider_agb != line.provider_agb:
        return ("9338",)
    return OK


def tr304_client_matches(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR304 (8187): the Bsn of the Client is the Bsn of the allocation's client."""
    return OK if allocation.client_bsn == line.client_bsn else ("8187",)


def tr384_not_deleted(allocation: Allocation) -> Codes:
    """TR384 (9384): no declaration on an allocation with RedenWijziging 13 (Verwijderd)."""
    return ("9384",) if allocation.change_reason is ChangeReason.VERWIJDERD else OK


def tr339_category(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR339 (9339): ProductCategorie equals the allocated ProductCategorie."""
    return OK if line.category == allocation.category else ("9339",)


def tr340_code(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR340 (9340): ProductCode equals the allocated ProductCode when the allocation has one."""
    if allocation.product_code is None or allocation.product_code == line.product_code:
        return OK
    return ("9340",)


def units_fit(declared: Unit, allocated: Unit) -> bool:
    """TR341: the same unit, or minutes against an allocation in hours."""
    return declared == allocated or (declared is Unit.MINUUT and allocated is Unit.UUR)


def tr341_unit(line: DeclaredLine, allocation: Allocation, product_unit: Unit | None = None) -> Codes:
    """TR341 (9341): Eenheid fits the allocated Eenheid (minutes may be declared against hours);
    for an allocation without Omvang, the unit of the contracted product."""
    expected = allocation.unit or product_unit
    if expected is None or units_fit(line.unit, expected):
        return OK
    return ("9341",)


def tr307_start_within_allocation(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR307 (9307): Begindatum of the ProductPeriode is on or after the allocation's Ingangsdatum."""
    return OK if line.period.start >= allocation.valid.start else ("9307",)


def tr308_end_within_allocation(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR308 (9308): Einddatum of the ProductPeriode is on or before the allocation's Einddatum."""
    end = line.period.end
    if allocation.valid.end is None or (end is not None and end <= allocation.valid.end):
        return OK
    return ("9308",)


def tr319_within_declaration_period(line: DeclaredLine, declaration_period: Period) -> Codes:
    """TR319 (9319): the ProductPeriode lies within one declaration period (a calendar month),
    the current one or an earlier one."""
    start, end = line.period.start, line.period.end
    if end is None or (start.year, start.month) != (end.year, end.month):
        return ("9319",)
    if declaration_period.end is not None and end > declaration_period.end:
        return ("9319",)
    return OK


def _in_unit(units: int, allocated: Unit, declared: Unit) -> int:
    """Allocated units expressed in the declared unit (hours -> minutes: x 60)."""
    if declared == allocated or declared not in MINUTES_PER_UNIT or allocated not in MINUTES_PER_UNIT:
        return units
    return units * MINUTES_PER_UNIT[allocated] // MINUTES_PER_UNIT[declared]


@lru_cache(maxsize=65536)
def _units_within(volume: int, frequency: Frequency, valid: Period, period: Period) -> int:
    # Lines of one month share their window with many allocations: computed once per shape.
    window = valid.intersection(period)
    if window is None or window.end is None:
        return 0
    return allocated_units(volume, frequency, window)


def volume_allowed_in(line: DeclaredLine, allocation: Allocation) -> int | None:
    """The volume the allocation allows within the line's ProductPeriode, in the line's unit."""
    if allocation.volume is None or allocation.frequency is None or allocation.unit is None:
        return None
    units = _units_within(allocation.volume, allocation.frequency, allocation.valid, line.period)
    return _in_unit(units, allocation.unit, line.unit)


def volume_allowed_total(allocation: Allocation, unit: Unit) -> int | None:
    """The volume the allocation allows over its whole (closed) period, in ``unit``."""
    if allocation.volume is None or allocation.frequency is None or allocation.unit is None:
        return None
    if allocation.valid.end is None:
        return None  # an open allocation (per month or per day) has no total to exceed
    units = _units_within(allocation.volume, allocation.frequency, allocation.valid, allocation.valid)
    return _in_unit(units, allocation.unit, unit)


def tr321_volume_within_allocation(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR321 (9321): GeleverdVolume fits the allocated Omvang for the ProductPeriode, taking
    unit and frequency into account (``financing.allocated_units``)."""
    allowed = volume_allowed_in(line, allocation)
    return OK if allowed is None or line.volume <= allowed else ("9321",)


def tr322_volume_sum_within_allocation(line: DeclaredLine, allocation: Allocation, used: int) -> Codes:
    """TR322 (9322): the sum of GeleverdVolume of all approved Prestaties on the allocation
    (``used``, in the line's unit), this one included, fits the Omvang over its whole period."""
    allowed = volume_allowed_total(allocation, line.unit)
    return OK if allowed is None or used + line.volume <= allowed else ("9322",)


def tr369_budget(line: DeclaredLine, allocation: Allocation, used: Money) -> Codes:
    """TR369 (9369): with a Budget on the allocation, the approved amounts (``used``) plus this
    line stay within it."""
    if allocation.budget is None:
        return OK
    return OK if (used + line.amount).cents <= allocation.budget.cents else ("9369",)


# -- tariff and amount -----------------------------------------------------------------------


def tr418_contract_tariff(line: DeclaredLine, contract_tariff: Money | None) -> Codes:
    """TR418 (0611): ProductTarief equals the contract tariff of the product for this provider
    on the first day of the ProductPeriode (derived tariffs, e.g. 85% of NZa, included).
    No contract for the product on that day means no contract tariff: 0611 as well."""
    if contract_tariff is None or line.tariff != contract_tariff:
        return ("0611",)
    return OK


def expected_amount(volume: int, tariff: Money, unit: Unit, tariff_unit: Unit | None = None) -> Money:
    """TR346/IV081: volume x tariff; minutes against an hourly tariff as tariff x volume / 60,
    rounded once to cents."""
    if unit is Unit.MINUUT and tariff_unit is Unit.UUR:
        return Money(round_to_cents(tariff.to_decimal() * volume / Decimal(60)))
    return tariff * volume


def tr346_amount(line: DeclaredLine, tariff_unit: Unit | None = None) -> Codes:
    """TR346 (9346): unless the Eenheid is 83 (euros), IngediendBedrag = GeleverdVolume x
    ProductTarief."""
    if line.unit is Unit.EUROS:
        return OK
    return (
        OK if line.amount == expected_amount(line.volume, line.tariff, line.unit, tariff_unit) else ("9346",)
    )


# -- references, debit and credit --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorLine:
    """A line declared before (stored), as far as the reference rules need it."""

    reference: str
    approved: bool
    debit_credit: DebitCredit
    previous_reference: str | None = None


def tr314_reference_unique(line: DeclaredLine, known: Mapping[str, PriorLine] | set[str]) -> Codes:
    """TR314 (8021): a ReferentieNummer is declared once per provider within the law, within one
    message and across messages."""
    return ("8021",) if line.reference in known else OK


def tr323_credit_has_debit(line: DeclaredLine, debit: PriorLine | None) -> Codes:
    """TR323 (8017): a credit Prestatie refers with VorigReferentieNummer to an earlier approved
    debit Prestatie."""
    if line.debit_credit is not DebitCredit.CREDIT:
        return OK
    if debit is None or not debit.approved or debit.debit_credit is not DebitCredit.DEBIT:
        return ("8017",)
    return OK


def tr390_single_credit(line: DeclaredLine, credited: set[str]) -> Codes:
    """TR390 (9390): a debit Prestatie is credited once (``credited`` holds the references of
    debits that already have a credit)."""
    if line.debit_credit is DebitCredit.CREDIT and line.previous_reference in credited:
        return ("9390",)
    return OK


DebitKey = tuple[int, date, date | None, str, str | None]
"""(ToewijzingNummer, ProductPeriode begin, end, ProductCategorie, ProductCode) for TR389."""


def debit_key(line: DeclaredLine) -> DebitKey:
    return (line.allocation_number, line.period.start, line.period.end, line.category, line.product_code)


def tr389_one_open_debit(line: DeclaredLine, open_debits: set[DebitKey]) -> Codes:
    """TR389 (9389): a debit for the same ProductPeriode, category, code and ToewijzingNummer is
    sent again only after the earlier debit was credited (no payment twice under a new reference)."""
    if line.debit_credit is DebitCredit.DEBIT and debit_key(line) in open_debits:
        return ("9389",)
    return OK


# -- ceilings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class CeilingKey:
    """A ceiling and year: kind ``provider`` (key = contract number) or ``collective`` (key =
    ceiling code)."""

    kind: str
    key: str
    year: int


@dataclass(slots=True)
class CeilingState:
    """A ceiling with what approved amounts have used of it so far."""

    key: CeilingKey
    ceiling: Money
    used: Money
    policy: CeilingPolicy = CeilingPolicy.SIGNAL

    @property
    def use(self) -> CeilingUse:
        return CeilingUse(self.ceiling, self.used)


@dataclass(frozen=True, slots=True)
class Notice:
    """A ceiling passed a notice threshold (70% or 100%) with this declaration."""

    key: CeilingKey
    threshold: int


def thresholds_crossed(ceiling: Money, before: int, after: int) -> tuple[int, ...]:
    """Notice thresholds (70%, 100%) passed when use goes from ``before`` to ``after`` cents;
    the same as ``CeilingUse.crossed_by`` in whole-number arithmetic (once per approved line)."""
    c = ceiling.cents
    return tuple(t for t in NOTICE_THRESHOLDS if before * 100 < c * t <= after * 100)


def ceiling_check(amount: Money, ceilings: Sequence[CeilingState], crisis: bool) -> Codes:
    """Refuse (9369, :data:`CEILING_CODE`) when approving ``amount`` passes a ceiling whose policy
    is REFUSE. Crisis care (product.crisis, CRISIS_CATEGORIES) is always paid; credits always pass."""
    if crisis or amount.cents <= 0:
        return OK
    for state in ceilings:
        if state.policy is CeilingPolicy.REFUSE and not state.use.room_for(amount):
            return (CEILING_CODE,)
    return OK


def is_crisis(line: DeclaredLine, product_crisis: bool) -> bool:
    return product_crisis or line.category in CRISIS_CATEGORIES


# -- the whole declaration ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What adjudication needs of a catalogue product."""

    unit: Unit
    crisis: bool = False


@dataclass(slots=True)
class DeclarationFacts:
    """Everything stored that the lines of one declaration are judged against.

    ``tariff_for(line)`` returns the contract tariff for the line's product and provider on its
    first day (None when not contracted); ``ceilings_for(line)`` the keys of the ceilings the
    line's amount counts against.
    """

    declaration_period: Period
    allocations: Mapping[int, Allocation]
    products: Mapping[str, ProductFacts]
    tariff_for: Callable[[DeclaredLine], Money | None]
    ceilings_for: Callable[[DeclaredLine], Sequence[CeilingKey]]
    prior: Mapping[str, PriorLine] = field(default_factory=dict)
    """Earlier lines of the provider within the law by reference: this file's references and
    VorigReferentieNummers, at least."""
    credited: set[str] = field(default_factory=set)
    """References of debits that already have a credit."""
    open_debits: set[DebitKey] = field(default_factory=set)
    volume_used: dict[int, int] = field(default_factory=dict)
    """Approved volume per allocation number (debits minus credits), in the allocation's unit."""
    amount_used: dict[int, Money] = field(default_factory=dict)
    ceilings: dict[CeilingKey, CeilingState] = field(default_factory=dict)


class Adjudicator:
    """Judges the lines of one declaration in order, with running sums; pure (no I/O).

    ``outcome = adjudicator.judge(line)`` for every line, then ``adjudicator.notices``.
    """

    def __init__(self, facts: DeclarationFacts) -> None:
        self.facts = facts
        self.seen: set[str] = set()
        self.approved_here: dict[str, DeclaredLine] = {}
        self.notices: list[Notice] = []
        self.volume_used: defaultdict[int, int] = defaultdict(int, facts.volume_used)
        self.amount_used: defaultdict[int, Money] = defaultdict(Money.zero, facts.amount_used)

    def codes(self, line: DeclaredLine) -> Codes:
        """Every retourcode the line raises (before ceilings), in the order of the rules."""
        f = self.facts
        codes: list[str] = []
        codes += tr314_reference_unique(line, f.prior) or tr314_reference_unique(line, self.seen)
        if line.debit_credit is DebitCredit.CREDIT:
            previous = line.previous_reference or ""
            here = self.approved_here.get(previous)
            debit = PriorLine(here.reference, True, here.debit_credit) if here else f.prior.get(previous)
            codes += tr323_credit_has_debit(line, debit) or tr390_single_credit(line, f.credited)
        codes += tr319_within_declaration_period(line, f.declaration_period)
        allocation = f.allocations.get(line.allocation_number)
        found = tr338_allocation_known(line, allocation)
        if found or allocation is None:
            return tuple(dict.fromkeys(codes + list(found)))
        product = f.products.get(line.product_code or "")
        codes += tr304_client_matches(line, allocation)
        codes += tr384_not_deleted(allocation)
        codes += tr339_category(line, allocation)
        codes += tr340_code(line, allocation)
        codes += tr341_unit(line, allocation, product.unit if product else None)
        codes += tr307_start_within_allocation(line, allocation)
        codes += tr308_end_within_allocation(line, allocation)
        codes += tr418_contract_tariff(line, f.tariff_for(line))
        codes += tr346_amount(line, product.unit if product else allocation.unit)
        if line.debit_credit is DebitCredit.DEBIT:
            codes += tr389_one_open_debit(line, f.open_debits)
            codes += tr321_volume_within_allocation(line, allocation)
            codes += tr322_volume_sum_within_allocation(
                line,
                allocation,
                _in_unit(self.volume_used[line.allocation_number], allocation.unit or line.unit, line.unit),
            )
            codes += tr369_budget(line, allocation, self.amount_used[line.allocation_number])
        return tuple(dict.fromkeys(codes)) if codes else OK

    def judge(self, line: DeclaredLine) -> LineOutcome:
        """The outcome of one line; an approved line updates the running sums and ceilings."""
        codes = self.codes(line)
        self.seen.add(line.reference)
        keys = () if codes else self.facts.ceilings_for(line)
        states = [self.facts.ceilings[k] for k in keys if k in self.facts.ceilings]
        if not codes:
            product = self.facts.products.get(line.product_code or "")
            codes = ceiling_check(
                line.signed_amount, states, is_crisis(line, bool(product and product.crisis))
            )
        if codes:
            return LineOutcome(line.reference, LineStatus.REJECTED, _ZERO, codes)
        self._book(line, states)
        self.approved_here[line.reference] = line
        return LineOutcome(line.reference, LineStatus.APPROVED, line.signed_amount)

    def _book(self, line: DeclaredLine, states: Sequence[CeilingState]) -> None:
        f = self.facts
        signed = line.signed_amount
        allocation = f.allocations[line.allocation_number]
        volume = line.volume
        if (
            line.unit != allocation.unit
            and allocation.unit is not None
            and line.unit in MINUTES_PER_UNIT
            and allocation.unit in MINUTES_PER_UNIT
        ):
            # kept in the allocation's unit; minutes against hours are rounded up to whole hours
            per = MINUTES_PER_UNIT[allocation.unit] // MINUTES_PER_UNIT[line.unit]
            volume = -(-volume // per)
        if line.debit_credit is DebitCredit.DEBIT:
            self.volume_used[line.allocation_number] += volume
            f.open_debits.add(debit_key(line))
        else:
            self.volume_used[line.allocation_number] -= volume
            f.credited.add(line.previous_reference or "")
            f.open_debits.discard(debit_key(line))
        self.amount_used[line.allocation_number] += signed
        for state in states:
            before = state.used.cents
            after = before + signed.cents
            state.used = Money(after)
            crossed = thresholds_crossed(state.ceiling, before, after)
            if crossed:
                self.notices.extend(Notice(state.key, t) for t in crossed)
