# SPDX-License-Identifier: EUPL-1.2
"""Properties of adjudication over many declarations (pure, no store).

Hypothesis generates, for a few allocations of different shapes, declarations holding debits
(canonical and overlapping periods, volumes up to and beyond what IV077 allows, minutes against
hours, wrong tariffs), credits (mirrors, partial, zero, of unknown debits), duplicate references
and replays, and judges them in random order. Between declarations the state is carried the way
the store carries it: stored lines and their outcomes, from which the next declaration's facts
are built (``Usage.of`` over the approved lines, earlier lines by reference, paid per provider,
product and year). Whatever comes in, what is approved stays within what was allocated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorginkoop.domain import adjudication as a
from zorginkoop.domain import declaration_facts as df
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.catalogue import Tariff, TariffSchedule
from zorginkoop.domain.codes import Frequency, Law, Unit
from zorginkoop.domain.contracts import CeilingPolicy, CollectiveCeiling
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.financing import base_units
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

AGB, GEMEENTE = "11111111", "0321"
TARIFF = Money.euros(50)
BSNS = ("999900006", "999900018", "999900031", "999900043")
DECLARATION_PERIOD = Period.month(2021, 6)


def _allocation(number: int, bsn: str, category: str, valid: Period, volume: int, frequency: Frequency,
                budget_limit: Money | None = None) -> Allocation:  # fmt: skip
    return Allocation(
        number=number, client_bsn=bsn, provider_agb=AGB, municipality_code=GEMEENTE, law=Law.WMO, category=category,
        product_code="HH1" if category == "01" else "OZR1", valid=valid, allocated_at=datetime(2020, 12, 1),
        volume=volume, unit=Unit.UUR, frequency=frequency, budget_limit=budget_limit,
    )  # fmt: skip


ALLOCATIONS = {
    # 4 h/week for the half year: IV077 calendar weeks per month, 26 weeks in all
    1: _allocation(1, BSNS[0], "02", Period(date(2021, 1, 1), date(2021, 6, 30)), 4, Frequency.PER_WEEK),
    # huishoudelijke hulp 3 h/week starting and ending mid-month: 6 weeks in any month, TR322 over 15 weeks
    2: _allocation(2, BSNS[1], "01", Period(date(2021, 1, 13), date(2021, 4, 20)), 3, Frequency.PER_WEEK),
    # 10 hours a month with a spending limit of EUR 800 (TR369 with Omvang)
    3: _allocation(3, BSNS[2], "02", Period(date(2021, 2, 1), date(2021, 6, 30)), 10, Frequency.PER_MAAND,
                   budget_limit=Money.euros(800)),
    # 30 hours in total over four months
    4: _allocation(4, BSNS[3], "02", Period(date(2021, 2, 15), date(2021, 5, 31)), 30, Frequency.TOTAAL),
}  # fmt: skip
CONTRACTS = (
    df.ContractFacts("C1", AGB, Law.WMO, frozenset({"OZR1", "HH1"}), Period(date(2020, 1, 1)),
                     Money.euros(2500), CeilingPolicy.REFUSE),
)  # fmt: skip
COLLECTIVE = CollectiveCeiling("VRIJ", "Vrijgevestigden", Money.euros(1000), 2021, frozenset({"C1"}),
                               CeilingPolicy.REFUSE)  # fmt: skip
TARIFFS = TariffSchedule.of([Tariff(code, TARIFF, Period(date(2020, 1, 1))) for code in ("OZR1", "HH1")])
PRODUCTS = {"OZR1": df.ProductFacts(Unit.UUR), "HH1": df.ProductFacts(Unit.UUR)}


# -- generating lines ---------------------------------------------------------------------------


@st.composite
def debits(draw: st.DrawFn) -> DeclaredLine:
    number = draw(st.sampled_from(sorted(ALLOCATIONS)))
    allocation = ALLOCATIONS[number]
    inside = [m for m in range(1, 7) if allocation.valid.overlaps(Period.month(2021, m))]
    month = draw(st.one_of(st.sampled_from(inside), st.sampled_from(inside), st.integers(1, 6)))
    canonical = a.product_period(date(2021, month, 1), allocation.valid)
    assert canonical.end is not None
    shape = draw(
        st.sampled_from(["canonical", "canonical", "canonical", "later start", "earlier end", "month"])
    )
    period = {
        "canonical": canonical,
        "later start": Period(min(canonical.start + timedelta(days=draw(st.integers(1, 2))), canonical.end),
                              canonical.end),
        "earlier end": Period(canonical.start, max(canonical.start, canonical.end - timedelta(days=1))),
        "month": Period.month(2021, month),
    }[shape]  # fmt: skip
    allowed = a.volume_allowed_in(DeclaredLine("x", "", number, AGB, GEMEENTE, Law.WMO, allocation.category,
                                               allocation.product_code, canonical, 0, Unit.UUR, TARIFF, Money(0)),
                                  allocation) or 10  # fmt: skip
    volume = draw(st.one_of(st.just(allowed), st.integers(1, allowed + 3)))  # often all a month may hold
    minutes = draw(st.booleans())
    tariff = draw(st.sampled_from([TARIFF, TARIFF, TARIFF, TARIFF + Money(1)]))
    unit = Unit.MINUUT if minutes else Unit.UUR
    volume = volume * 60 - draw(st.integers(0, 59)) if minutes else volume
    amount = a.expected_amount(volume, tariff, unit, Unit.UUR)
    return DeclaredLine(
        reference=f"R{draw(st.integers(0, 24))}", client_bsn=allocation.client_bsn, allocation_number=number,
        provider_agb=AGB, municipality_code=GEMEENTE, law=Law.WMO, category=allocation.category,
        product_code=allocation.product_code, period=period, volume=volume, unit=unit, tariff=tariff, amount=amount,
    )  # fmt: skip


@dataclass(frozen=True)
class CreditOf:
    """A credit of the debit with reference ``target`` as it is stored when judged."""

    target: str
    kind: str
    reference: str


credits = st.builds(
    CreditOf,
    st.sampled_from([f"R{i}" for i in range(25)] + ["NOPE"]),
    st.sampled_from(["mirror", "mirror", "mirror", "partial", "zero", "tariff"]),
    st.integers(0, 9).map(lambda i: f"C{i}"),
)

declarations = st.lists(
    st.lists(st.one_of(debits(), debits(), credits), min_size=1, max_size=4)
    | st.integers(0, 30).map(lambda i: ("replay", i)),
    min_size=1,
    max_size=20,
)


# -- the store, in memory --------------------------------------------------------------------------


class MemoryStore:
    """Lines and outcomes as ``DeclarationStore.save`` keeps them: 8021 lines are not stored."""

    def __init__(self) -> None:
        self.lines: list[tuple[DeclaredLine, LineOutcome]] = []
        self.by_reference: dict[str, tuple[DeclaredLine, LineOutcome]] = {}

    def facts(self, lines: list[DeclaredLine]) -> df.DeclarationFacts:
        refs = {x.reference for x in lines} | {x.previous_reference for x in lines if x.previous_reference}
        prior = {
            ref: df.PriorLine(line, outcome.status is LineStatus.APPROVED)
            for ref in refs
            if ref in self.by_reference
            for line, outcome in [self.by_reference[ref]]
        }
        numbers = {x.allocation_number for x in lines}
        approved = [
            df.ApprovedLine(x.allocation_number, x.reference, x.debit_credit, x.previous_reference, x.period,
                            x.category, x.product_code, x.volume, x.unit, o.granted)
            for x, o in self.lines
            if o.status is LineStatus.APPROVED and x.allocation_number in numbers
        ]  # fmt: skip
        spent: dict[tuple[str, str, int], Money] = defaultdict(Money.zero)
        for x, o in self.lines:
            if o.status is LineStatus.APPROVED:
                spent[x.provider_agb, x.product_code or "", x.period.start.year] += o.granted
        return df.DeclarationFacts(
            provider_agb=AGB, law=Law.WMO, declaration_period=DECLARATION_PERIOD, allocations=ALLOCATIONS,
            products=PRODUCTS, contracts=CONTRACTS, tariffs=TARIFFS, collective_ceilings=(COLLECTIVE,), prior=prior,
            usage=df.Usage.of(approved), spent=dict(spent),
        )  # fmt: skip

    def process(self, lines: list[DeclaredLine]) -> list[LineOutcome] | None:
        """Judge one declaration as the service does; None when refused whole (message rules)."""
        if a.message_findings(DECLARATION_PERIOD, date(2021, 7, 5), [(x, True) for x in lines]):
            return None
        judge = a.Adjudicator(self.facts(lines))
        outcomes = [judge.judge(x) for x in lines]
        for x, o in zip(lines, outcomes, strict=True):
            if "8021" not in o.return_codes:
                self.lines.append((x, o))
                self.by_reference[x.reference] = (x, o)
        return outcomes

    def credit(self, spec: CreditOf) -> DeclaredLine:
        found = self.by_reference.get(spec.target)
        debit = found[0] if found else None
        if debit is None:
            debit = replace(next(iter(self.by_reference.values()))[0], reference=spec.target) if self.by_reference \
                else DeclaredLine(spec.target, BSNS[0], 1, AGB, GEMEENTE, Law.WMO, "02", "OZR1",
                                  Period.month(2021, 1), 4, Unit.UUR, TARIFF, TARIFF * 4)  # fmt: skip
        credit = replace(debit, reference=spec.reference, debit_credit=DebitCredit.CREDIT,
                         previous_reference=spec.target)  # fmt: skip
        if spec.kind == "partial" and credit.volume > 1:
            volume = credit.volume - 1
            return replace(
                credit, volume=volume, amount=a.expected_amount(volume, credit.tariff, credit.unit, Unit.UUR)
            )
        if spec.kind == "zero":
            return replace(credit, volume=0, amount=Money(0))
        if spec.kind == "tariff":
            return replace(credit, amount=credit.amount + Money(1))
        return credit


# -- the promises ----------------------------------------------------------------------------------


def check_invariants(store: MemoryStore) -> None:
    approved = [x for x, o in store.lines if o.status is LineStatus.APPROVED]
    volume: dict[tuple[int, int], int] = defaultdict(int)
    amount: dict[tuple[int, int], int] = defaultdict(int)
    open_debits: dict[tuple[int, int], int] = defaultdict(int)
    by_reference = {x.reference: x for x in approved}
    credited: dict[str, int] = defaultdict(int)
    for x in approved:
        slot = (x.allocation_number, x.period.start.month)
        sign = 1 if x.debit_credit is DebitCredit.DEBIT else -1
        volume[slot] += sign * base_units(x.volume, x.unit)
        amount[slot] += x.signed_amount.cents
        open_debits[slot] += sign
        if x.debit_credit is DebitCredit.CREDIT:
            # an approved credit mirrors an approved debit, once
            debit = by_reference[x.previous_reference or ""]
            assert debit.debit_credit is DebitCredit.DEBIT and a.mirrors(x, debit)
            credited[debit.reference] += 1
    assert all(n == 1 for n in credited.values())
    for (number, month), units in volume.items():
        allocation = ALLOCATIONS[number]
        canonical = a.product_period(date(2021, month, 1), allocation.valid)
        probe = DeclaredLine("p", "", number, AGB, GEMEENTE, Law.WMO, allocation.category, allocation.product_code,
                             canonical, 0, Unit.UUR, TARIFF, Money(0))  # fmt: skip
        allowed = a.volume_allowed_in(probe, allocation)
        assert allowed is not None
        # per allocation and period: net approved volume and amount within what IV077 allows
        assert 0 <= units <= base_units(allowed, Unit.UUR), (number, month)
        assert 0 <= amount[number, month] <= (TARIFF * allowed).cents
        # a debit month is paid at most once net
        assert open_debits[number, month] in {0, 1}
    for number, allocation in ALLOCATIONS.items():
        total = sum(v for (n, _m), v in volume.items() if n == number)
        allowed_total = a.volume_allowed_total(allocation)
        assert allowed_total is not None
        assert total <= base_units(allowed_total, Unit.UUR)  # TR322 over the whole period
        paid = sum(c for (n, _m), c in amount.items() if n == number)
        if allocation.spending_limit is not None:
            assert paid <= allocation.spending_limit.cents  # TR369
    # the provider's own ceiling with policy REFUSE is never passed; the collective one may be (OP095)
    assert sum(amount.values()) <= CONTRACTS[0].ceiling.cents  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations, st.randoms(use_true_random=False))
def test_whatever_is_declared_in_whatever_order_approved_stays_within_the_allocation(batch, rng):
    store = MemoryStore()
    submitted: list[tuple[list[DeclaredLine], bool]] = []
    rng.shuffle(batch)
    for item in batch:
        replayed = None
        if isinstance(item, tuple):
            if not submitted:
                continue
            lines, replayed = submitted[item[1] % len(submitted)]  # an earlier declaration again
        else:
            lines = [store.credit(x) if isinstance(x, CreditOf) else x for x in item]
        outcomes = store.process(lines)
        submitted.append((lines, outcomes is not None))
        if replayed and outcomes is not None:
            # every reference of a declaration that was judged is taken: nothing is paid again
            assert all(o.status is LineStatus.REJECTED and "8021" in o.return_codes for o in outcomes)
        check_invariants(store)


def test_overlapping_january_periods_are_paid_once():
    store = MemoryStore()
    january = [
        DeclaredLine(f"J{d}", BSNS[0], 1, AGB, GEMEENTE, Law.WMO, "02", "OZR1", Period(date(2021, 1, d), date(2021, 1, 31)),
                     20, Unit.UUR, TARIFF, TARIFF * 20)
        for d in (1, 2, 3)
    ]  # fmt: skip
    outcomes = [store.process([x]) for x in january]
    assert [o[0].status for o in outcomes if o] == [
        LineStatus.APPROVED,
        LineStatus.REJECTED,
        LineStatus.REJECTED,
    ]
    check_invariants(store)
