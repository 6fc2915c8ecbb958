# SPDX-License-Identifier: EUPL-1.2
"""Adjudication of declared lines (prestaties of a 323): the cross-message rules, as pure functions.

Each rule takes the line and the facts it needs (the allocation, the contract tariff, what was
declared before) and returns the WJ001 retourcodes it raises: an empty tuple when the line
passes. :class:`Adjudicator` applies every rule to the lines of one declaration in order,
keeping the running sums (TR314 within the file, TR389 open debits, TR322 volumes, TR369
budgets, ceilings) so that a later line of the same declaration sees what an earlier one was
granted. The facts are plain data (``domain.declaration_facts``); which tariff and ceilings apply
is decided there, the volume a period may hold in ``domain.financing`` (IV077).

Lines are judged together: a ProductPeriode is its calendar month clipped to the allocation
(TR387/TR388), so one allocation, product and month has one open debit (TR389); the month holds
what IV077 allows (TR321) and all months together what the allocation allows (TR322); a credit is
the exact mirror of an approved debit (TR323 on key fields) and comes once (TR390).

Ceilings (national contract standard, spending room): approved amounts exhaust the provider's
yearly contract ceiling and collective ceilings (the free practitioners' EUR 2,300,000). Per
contract the region chooses what happens beyond its own ceiling: :attr:`CeilingPolicy.SIGNAL`
pays and records a notice, :attr:`CeilingPolicy.REFUSE` rejects the line with
:data:`CEILING_CODE`. A collective ceiling never rejects a line (OP095: the sender cannot see it);
it records notices. Crisis care is always paid. Notices are raised at 70% and 100%
(``NOTICE_THRESHOLDS``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import CRISIS_CATEGORIES, ChangeReason, Law, Unit
from zorginkoop.domain.contracts import NOTICE_THRESHOLDS
from zorginkoop.domain.declaration_facts import (
    CeilingKey,
    CeilingState,
    DebitKey,
    DeclarationFacts,
    PriorLine,
    allocation_key,
    ceiling_keys,
    ceiling_state,
    contract_tariff,
    contracts_covering,
    debit_key,
    tariff_for_allocation,
)
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.financing import (
    MINUTES_PER_UNIT,
    base_units,
    volume_in_product_period,
    volume_over_allocation,
)
from zorginkoop.domain.money import Money, round_to_cents
from zorginkoop.domain.periods import Period

Codes = tuple[str, ...]
OK: Codes = ()
_ZERO = Money(0)

HOUSEHOLD_HELP_CATEGORY = "01"
"""WMO020 Productcategorie 01 huishoudelijke hulp: IV077 allows 6 weekly volumes in any month."""

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


def product_period(month_day: date, allocation_valid: Period) -> Period:
    """TR387/TR388: the one ProductPeriode of the calendar month of ``month_day``: the whole
    month, starting on the allocation's Ingangsdatum when that lies later in the month and
    ending on its Einddatum when that lies earlier in it."""
    return _product_period(month_day.year, month_day.month, allocation_valid)


@lru_cache(maxsize=65536)
def _product_period(year: int, month_number: int, allocation_valid: Period) -> Period:
    # lines of one month share it with many allocations: worked out once per shape
    month = Period.month(year, month_number)
    assert month.end is not None
    start, end = month.start, month.end
    if start < allocation_valid.start <= end:
        start = allocation_valid.start
    if allocation_valid.end is not None and start <= allocation_valid.end < end:
        end = allocation_valid.end
    return Period(start, end)


def tr387_tr388_canonical_period(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR387 (9387) and TR388 (9388) together, with the month's ProductPeriode worked out once."""
    expected = product_period(line.period.start, allocation.valid)
    if line.period == expected:
        return OK
    return (*(("9387",) if line.period.start != expected.start else ()),
            *(("9388",) if line.period.end != expected.end else ()))  # fmt: skip


def tr387_period_starts_on_the_first(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR387 (9387): the Begindatum of a ProductPeriode is the first day of its calendar month,
    unless the allocation's Ingangsdatum lies later in that month: then that date."""
    expected = product_period(line.period.start, allocation.valid)
    return OK if line.period.start == expected.start else ("9387",)


def tr388_period_ends_on_the_last(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR388 (9388): the Einddatum of a ProductPeriode is the last day of its calendar month,
    unless the allocation's Einddatum lies earlier in that month: then that date."""
    expected = product_period(line.period.start, allocation.valid)
    return OK if line.period.end == expected.end else ("9388",)


def tr319_within_declaration_period(line: DeclaredLine, declaration_period: Period) -> Codes:
    """TR319 (9319): the ProductPeriode lies within one declaration period (a calendar month),
    the current one or an earlier one."""
    start, end = line.period.start, line.period.end
    if end is None or (start.year, start.month) != (end.year, end.month):
        return ("9319",)
    if declaration_period.end is not None and end > declaration_period.end:
        return ("9319",)
    return OK


def household_help(allocation: Allocation) -> bool:
    """IV077/TR321: Wmo ProductCategorie 01 (huishoudelijke hulp) may hold 6 weeks in any month."""
    return allocation.law is Law.WMO and allocation.category == HOUSEHOLD_HELP_CATEGORY


def volume_allowed_in(line: DeclaredLine, allocation: Allocation) -> int | None:
    """IV077: the volume the allocation allows within the line's ProductPeriode, in the
    allocation's unit (None without an Omvang)."""
    if allocation.volume is None or allocation.frequency is None or allocation.unit is None:
        return None
    if line.period.end is None:
        return 0
    return volume_in_product_period(
        allocation.volume, allocation.frequency, allocation.unit, allocation.valid, line.period,
        household_help(allocation),
    )  # fmt: skip


def volume_allowed_total(allocation: Allocation) -> int | None:
    """IV077/TR322: the volume the allocation allows over its whole period, in its unit."""
    if allocation.volume is None or allocation.frequency is None or allocation.unit is None:
        return None
    return volume_over_allocation(allocation.volume, allocation.frequency, allocation.valid)


def allowed_base_units(allowed: int | None, allocation: Allocation) -> int | None:
    """An allowed volume in the allocation's unit, in base units (None stays None)."""
    return None if allowed is None or allocation.unit is None else base_units(allowed, allocation.unit)


def tr321_volume_fits(units: int, allowed: int | None) -> Codes:
    """TR321 (9321): the line's GeleverdVolume (``units``) fits what IV077 allows in its
    ProductPeriode (``allowed``), both in base units; None: no Omvang, nothing to exceed."""
    return OK if allowed is None or units <= allowed else ("9321",)


def tr321_volume_within_allocation(line: DeclaredLine, allocation: Allocation) -> Codes:
    """TR321 (9321): GeleverdVolume fits the Omvang for the ProductPeriode as IV077 counts it
    (calendar weeks, 6 weeks for Wmo huishoudelijke hulp, Sundays for output, days, months),
    compared in base units (minutes against hours)."""
    allowed = allowed_base_units(volume_allowed_in(line, allocation), allocation)
    return tr321_volume_fits(base_units(line.volume, line.unit), allowed)


def tr322_volume_sum_fits(units: int, used: int, allowed: int | None) -> Codes:
    """TR322 (9322): the net GeleverdVolume of all approved Prestaties on the allocation
    (``used``) plus this line's (``units``) fits the Omvang over its whole period (``allowed``,
    IV077), all in base units, so IV077's generous months cannot add up to more than allocated."""
    return OK if allowed is None or used + units <= allowed else ("9322",)


def tr322_volume_sum_within_allocation(line: DeclaredLine, allocation: Allocation, used: int) -> Codes:
    """TR322 (9322) for one line against an allocation: see :func:`tr322_volume_sum_fits`."""
    allowed = allowed_base_units(volume_allowed_total(allocation), allocation)
    return tr322_volume_sum_fits(base_units(line.volume, line.unit), used, allowed)


def tr369_budget(line: DeclaredLine, allocation: Allocation, used: Money) -> Codes:
    """TR369 (9369): the approved amounts on the allocation (``used``, net) plus this line stay
    within what it may cost: the 301's Budget, else the budget limit kept for every allocation
    (``Allocation.spending_limit``), with or without Omvang."""
    limit = allocation.spending_limit
    if limit is None:
        return OK
    return OK if (used + line.amount).cents <= limit.cents else ("9369",)


# -- tariff and amount -----------------------------------------------------------------------


def tr418_contract_tariff(
    line: DeclaredLine, contract_tariff: Money | None, tariff_given: bool = True, contracted: bool = True
) -> Codes:
    """TR418 (0611): ProductTarief equals the contract tariff of the product for this provider
    on the first day of the ProductPeriode (derived tariffs, e.g. 85% of NZa, included).
    No contract for the product on that day means no contract tariff, and a line without a
    ProductTarief names none: 0611 as well. A line in euros (Eenheid 83) carries no
    ProductTarief (CD087): its amount is the volume, held by TR321/TR322/TR369; TR418 then asks
    only that the product is contracted (``contracted``) for the provider on that day."""
    if line.unit is Unit.EUROS and not tariff_given:
        return OK if contracted else ("0611",)
    if not tariff_given or contract_tariff is None or line.tariff != contract_tariff:
        return ("0611",)
    return OK


def expected_amount(volume: int, tariff: Money, unit: Unit, tariff_unit: Unit | None = None) -> Money:
    """TR346/IV081: volume x tariff; a volume in another time unit than the tariff's (minutes
    against an hourly tariff) as tariff x its share of the tariff's unit, rounded once to cents."""
    if tariff_unit is None or unit == tariff_unit or tariff_unit not in MINUTES_PER_UNIT:
        return tariff * volume
    if unit not in MINUTES_PER_UNIT:
        return tariff * volume
    share = Decimal(base_units(volume, unit)) / Decimal(base_units(1, tariff_unit))
    return Money(round_to_cents(tariff.to_decimal() * share))


def tr346_amount(line: DeclaredLine, tariff_unit: Unit | None = None) -> Codes:
    """TR346 (9346): unless the Eenheid is 83 (euros), IngediendBedrag = GeleverdVolume x
    ProductTarief."""
    if line.unit is Unit.EUROS:
        return OK
    return (
        OK if line.amount == expected_amount(line.volume, line.tariff, line.unit, tariff_unit) else ("9346",)
    )


# -- references, debit and credit --------------------------------------------------------------


def tr314_reference_unique(line: DeclaredLine, known: Mapping[str, PriorLine] | set[str]) -> Codes:
    """TR314 (8021): a ReferentieNummer is declared once per provider within the law, within one
    message and across messages."""
    return ("8021",) if line.reference in known else OK


def mirrors(credit: DeclaredLine, debit: DeclaredLine) -> bool:
    """TR323 "op basis van sleutelvelden": the credit repeats the debit's ToewijzingNummer,
    ProductCategorie, ProductCode, ProductPeriode, GeleverdVolume, Eenheid, ProductTarief and
    IngediendBedrag."""
    return (
        credit.allocation_number == debit.allocation_number
        and credit.category == debit.category
        and credit.product_code == debit.product_code
        and credit.period == debit.period
        and credit.volume == debit.volume
        and credit.unit == debit.unit
        and credit.tariff == debit.tariff
        and credit.amount == debit.amount
    )


def tr323_credit_has_debit(line: DeclaredLine, debit: PriorLine | None) -> Codes:
    """TR323 (8017): a credit Prestatie refers with VorigReferentieNummer to an earlier approved
    debit Prestatie and mirrors it on the key fields (:func:`mirrors`): a partial, zero or
    otherwise different credit is no credit of that debit."""
    if line.debit_credit is not DebitCredit.CREDIT:
        return OK
    if debit is None or not debit.approved or debit.debit_credit is not DebitCredit.DEBIT:
        return ("8017",)
    return OK if mirrors(line, debit.line) else ("8017",)


def tr390_single_credit(line: DeclaredLine, credited: set[str] | frozenset[str]) -> Codes:
    """TR390 (9390): a debit Prestatie is credited once (``credited`` holds the references of
    debits that already have an approved credit)."""
    if line.debit_credit is DebitCredit.CREDIT and line.previous_reference in credited:
        return ("9390",)
    return OK


def line_debit_key(line: DeclaredLine) -> DebitKey:
    return debit_key(line.allocation_number, line.period, line.category, line.product_code)


def tr389_one_open_debit(
    line: DeclaredLine, open_debits: set[DebitKey] | frozenset[DebitKey], key: DebitKey | None = None
) -> Codes:
    """TR389 (9389): a debit for the same ProductPeriode (with TR387/TR388: the same calendar
    month), category, code and ToewijzingNummer is sent again only after the earlier debit was
    credited (no payment twice under a new reference). ``key``: the line's slot, when known."""
    if line.debit_credit is DebitCredit.DEBIT and (key or line_debit_key(line)) in open_debits:
        return ("9389",)
    return OK


# -- ceilings --------------------------------------------------------------------------------


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
    """Refuse (9369, :data:`CEILING_CODE`) when approving ``amount`` passes a ceiling that may
    refuse (:attr:`CeilingState.may_refuse`: a provider's own contract ceiling with policy
    REFUSE; never a collective one, OP095). Crisis care (product.crisis, CRISIS_CATEGORIES) is
    always paid; credits always pass."""
    if crisis or amount.cents <= 0:
        return OK
    for state in ceilings:
        if state.may_refuse and not state.use.room_for(amount):
            return (CEILING_CODE,)
    return OK


def is_crisis(line: DeclaredLine, product_crisis: bool) -> bool:
    return product_crisis or line.category in CRISIS_CATEGORIES


# -- the whole declaration ---------------------------------------------------------------------


class Adjudicator:
    """Judges the lines of one declaration in order, with running sums; pure (no I/O).

    ``outcome = adjudicator.judge(line, tariff_given)`` for every line, then
    ``adjudicator.notices``. Every outcome (0611 for a missing ProductTarief included) is decided
    here before anything is booked: only an approved line moves the running sums (volume and
    amount per allocation, open debits, credited debits, ceilings) and raises notices. The facts
    are not changed; the running state lives in the adjudicator.
    """

    def __init__(self, facts: DeclarationFacts) -> None:
        self.facts = facts
        self.seen: set[str] = set()
        self.approved_here: dict[str, DeclaredLine] = {}
        self.notices: list[Notice] = []
        self.volume_used: defaultdict[int, int] = defaultdict(int, facts.usage.volume)
        """Net approved volume per allocation, in base units (``financing.base_units``)."""
        self.amount_used: defaultdict[int, Money] = defaultdict(Money.zero, facts.usage.amount)
        self.open_debits: set[DebitKey] = set(facts.usage.open_debits)
        self.credited: set[str] = set(facts.usage.credited)
        self.ceilings: dict[CeilingKey, CeilingState | None] = {}
        # A declaration has a few products and months: each (product, day) is worked out once.
        self._tariffs: dict[tuple[str | None, date], Money | None] = {}
        self._states: dict[tuple[str | None, date], list[CeilingState]] = {}
        self._totals: dict[int, int | None] = {}

    def contract_tariff(self, line: DeclaredLine) -> Money | None:
        """The tariff the line is held against (TR418): the contract tariff, or for an allocation
        under the rule for providers without a contract its share of the NZa tariff."""
        allocation = self.facts.allocations.get(line.allocation_number)
        if allocation is not None and allocation.nza_percentage is not None:
            return tariff_for_allocation(self.facts, allocation, line.product_code, line.period.start)
        slot = (line.product_code, line.period.start)
        if slot not in self._tariffs:
            self._tariffs[slot] = contract_tariff(self.facts, line.product_code, line.period.start)
        return self._tariffs[slot]

    def ceiling_states(self, line: DeclaredLine) -> list[CeilingState]:
        """The ceilings the line's amount counts against (``ceiling_keys``), in their running state."""
        slot = (line.product_code, line.period.start)
        states = self._states.get(slot)
        if states is None:
            keys = ceiling_keys(self.facts, None, line.product_code, line.period.start)
            states = self._states[slot] = [s for s in map(self._state, keys) if s is not None]
        allocation = self.facts.allocations.get(line.allocation_number)
        if allocation is not None and allocation.budget is not None:
            own = self._state(allocation_key(allocation))
            if own is not None:
                return [*states, own]
        return states

    def _state(self, key: CeilingKey) -> CeilingState | None:
        if key not in self.ceilings:
            self.ceilings[key] = ceiling_state(self.facts, key)
        return self.ceilings[key]

    def debit_of(self, credit: DeclaredLine) -> PriorLine | None:
        """The debit a credit names: approved earlier in this declaration, or stored."""
        previous = credit.previous_reference or ""
        here = self.approved_here.get(previous)
        return PriorLine(here, True) if here is not None else self.facts.prior.get(previous)

    def codes(self, line: DeclaredLine, tariff_given: bool = True) -> Codes:
        """Every retourcode the line raises (before ceilings), in the order of the rules."""
        return self._codes(line, tariff_given, base_units(line.volume, line.unit), line_debit_key(line))

    def total_allowed(self, allocation: Allocation) -> int | None:
        """IV077/TR322: what the allocation allows over its whole period, in base units (once per
        allocation)."""
        number = allocation.number
        if number not in self._totals:
            self._totals[number] = allowed_base_units(volume_allowed_total(allocation), allocation)
        return self._totals[number]

    def _codes(self, line: DeclaredLine, tariff_given: bool, units: int, key: DebitKey) -> Codes:
        f = self.facts
        codes: list[str] = []
        codes += tr314_reference_unique(line, f.prior) or tr314_reference_unique(line, self.seen)
        credit = line.debit_credit is DebitCredit.CREDIT
        if credit:
            codes += tr323_credit_has_debit(line, self.debit_of(line)) or tr390_single_credit(
                line, self.credited
            )
        codes += tr319_within_declaration_period(line, f.declaration_period)
        allocation = f.allocations.get(line.allocation_number)
        found = tr338_allocation_known(line, allocation)
        if found or allocation is None:
            return tuple(dict.fromkeys(codes + list(found)))
        codes += tr304_client_matches(line, allocation)
        if credit:
            # TR323: a credit is the mirror of an approved debit, which passed the allocation,
            # product, period, tariff and volume rules; it stays acceptable when the allocation
            # changed since (a provider must be able to credit months outside a shortened one).
            return tuple(dict.fromkeys(codes)) if codes else OK
        product = f.products.get(line.product_code or "")
        codes += tr384_not_deleted(allocation)
        codes += tr339_category(line, allocation)
        codes += tr340_code(line, allocation)
        codes += tr341_unit(line, allocation, product.unit if product else None)
        codes += tr307_start_within_allocation(line, allocation)
        codes += tr308_end_within_allocation(line, allocation)
        codes += tr387_tr388_canonical_period(line, allocation)
        codes += tr418_contract_tariff(
            line,
            self.contract_tariff(line),
            tariff_given,
            contracted=allocation.nza_percentage is not None
            or bool(contracts_covering(f, line.product_code, line.period.start)),
        )
        codes += tr346_amount(line, product.unit if product else allocation.unit)
        codes += tr389_one_open_debit(line, self.open_debits, key)
        codes += tr321_volume_fits(units, allowed_base_units(volume_allowed_in(line, allocation), allocation))
        codes += tr322_volume_sum_fits(
            units, self.volume_used[line.allocation_number], self.total_allowed(allocation)
        )
        codes += tr369_budget(line, allocation, self.amount_used[line.allocation_number])
        return tuple(dict.fromkeys(codes)) if codes else OK

    def judge(self, line: DeclaredLine, tariff_given: bool = True) -> LineOutcome:
        """The outcome of one line; only an approved line updates the running sums and ceilings."""
        units, key = base_units(line.volume, line.unit), line_debit_key(line)
        codes = self._codes(line, tariff_given, units, key)
        self.seen.add(line.reference)
        if codes:
            return LineOutcome(line.reference, LineStatus.REJECTED, _ZERO, codes)
        signed = line.signed_amount
        states = self.ceiling_states(line)
        if states:
            product = self.facts.products.get(line.product_code or "")
            codes = ceiling_check(signed, states, is_crisis(line, bool(product and product.crisis)))
            if codes:
                return LineOutcome(line.reference, LineStatus.REJECTED, _ZERO, codes)
        self._book(line, states, signed, units, key)
        return LineOutcome(line.reference, LineStatus.APPROVED, signed)

    def _book(
        self, line: DeclaredLine, states: Sequence[CeilingState], signed: Money, units: int, key: DebitKey
    ) -> None:
        if line.debit_credit is DebitCredit.DEBIT:
            self.volume_used[line.allocation_number] += units
            self.open_debits.add(key)
        else:
            # the mirror of its debit: gives back its volume, amount, slot and ceilings
            self.volume_used[line.allocation_number] -= units
            self.credited.add(line.previous_reference or "")
            self.open_debits.discard(key)
        self.amount_used[line.allocation_number] += signed
        self.approved_here[line.reference] = line
        for state in states:
            before = state.used.cents
            after = before + signed.cents
            state.used = Money(after)
            if after * 100 >= state.ceiling.cents * NOTICE_THRESHOLDS[0]:  # below 70% nothing is crossed
                self.notices.extend(
                    Notice(state.key, t) for t in thresholds_crossed(state.ceiling, before, after)
                )
