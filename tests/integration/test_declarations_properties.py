# SPDX-License-Identifier: EUPL-1.2
"""Properties of declaration processing through the real store (SQLite and PostgreSQL).

Hypothesis writes 323 files for three allocations (4 h/week through 2021; the third with a spending
limit of EUR 1,000; the provider's contract ceiling EUR 3,000 with policy REFUSE and a collective
ceiling of EUR 1,000 with policy REFUSE, which OP095 makes a notice only): debits with canonical and
overlapping periods, credits that mirror, are partial, zero or of unknown debits, references used
twice, the same file again and the same lines under a new DeclaratieNummer. Every file goes through
``services.declarations.process_file`` in the order drawn. Afterwards the store keeps every promise:
per allocation and month net approved volume and amount within IV077, a month paid at most once net,
TR369 and the REFUSE ceiling held, every approved line exactly one payment, no payment for a rejected
line, and the payments ledger equal to the sum of the 325s' TotaalToegekendBedrag.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, select, update

from tests.conftest import _empty_all_tables
from tests.declaration_helpers import TARIFF, credit_of, line_for, max_hours, seed_store, write_323
from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.adjudication import expected_amount
from zorginkoop.domain.codes import Unit
from zorginkoop.domain.contracts import CeilingPolicy
from zorginkoop.domain.declarations import DeclaredLine
from zorginkoop.domain.financing import base_units
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.services.declarations import DeclarationFileError, process_file

JUNE = Period.month(2021, 6)
CEILING = Money.euros(3000)
LIMIT = Money.euros(1000)

debit = st.tuples(
    st.just("debit"),
    st.integers(0, 2),  # allocation
    st.integers(1, 3),  # month
    st.sampled_from(["canonical", "canonical", "canonical", "later start", "earlier end"]),
    st.sampled_from([0, 0, 0, -1, -3, 1]),  # hours below or above what the month may hold
    st.integers(0, 7),  # reference
    st.booleans(),  # in minutes
)
credit = st.tuples(
    st.just("credit"), st.integers(0, 11), st.sampled_from(["mirror", "mirror", "partial", "zero"])
)
declaration = st.lists(st.one_of(debit, debit, debit, credit), min_size=1, max_size=4) | st.tuples(
    st.sampled_from(["same file", "same lines"]), st.integers(0, 20)
)


def _debit(allocations, spec) -> DeclaredLine:  # type: ignore[no-untyped-def]
    _kind, index, month, shape, extra, ref, minutes = spec
    whole = Period.month(2021, month)
    assert whole.end is not None
    period = {
        "canonical": whole,
        "later start": Period(whole.start + timedelta(days=1), whole.end),
        "earlier end": Period(whole.start, whole.end - timedelta(days=1)),
    }[shape]
    hours = max(1, max_hours(whole) + extra)
    line = line_for(allocations[index], f"R{ref}", period, hours)
    if minutes:
        volume = hours * 60 - 7
        line = replace(
            line,
            unit=Unit.MINUUT,
            volume=volume,
            amount=expected_amount(volume, TARIFF, Unit.MINUUT, Unit.UUR),
        )
    return line


def _credit(declared: dict[str, DeclaredLine], allocations, spec, n: int) -> DeclaredLine:  # type: ignore[no-untyped-def]
    _kind, ref, how = spec
    target = declared.get(f"R{ref}") or line_for(allocations[0], f"R{ref}", Period.month(2021, 1), 3)
    line = credit_of(target, f"C{n}")
    if how == "partial" and line.volume > 1:
        return replace(
            line, volume=line.volume - 1, amount=expected_amount(line.volume - 1, TARIFF, line.unit, Unit.UUR)
        )
    if how == "zero":
        return replace(line, volume=1, amount=Money(0))
    return line


def _granted(answer: Path) -> int:
    node = next(etree.parse(str(answer)).getroot().iter("{*}TotaalToegekendBedrag"))
    cents = int(node.find("{*}TotaalBedrag").text)
    return -cents if node.find("{*}DebetCredit").text == "C" else cents


def _check(engine) -> None:  # type: ignore[no-untyped-def]
    line, payment = t.DeclarationLineRow, t.PaymentRow
    with engine.connect() as c:
        approved = c.execute(
            select(line.allocation_number, line.period_start, line.debit_credit, line.volume, line.unit,
                   line.amount_cents, line.granted_cents).where(line.status == "approved")
        ).all()  # fmt: skip
        per_line = dict(
            c.execute(
                select(payment.declaration_line_id, func.count()).group_by(payment.declaration_line_id)
            ).all()
        )
        statuses = dict(c.execute(select(line.id, line.status)).all())
    keys = (line.allocation_number, line.category, line.product_code, line.period_start, line.period_end, line.volume,
            line.unit, line.tariff_cents, line.amount_cents)  # fmt: skip
    with engine.connect() as c:
        debits = {row[0]: row[1:] for row in c.execute(select(line.reference, *keys).where(
            line.status == "approved", line.debit_credit == "D"))}  # fmt: skip
        credits = c.execute(select(line.previous_reference, *keys).where(line.status == "approved",
                                                                          line.debit_credit == "C")).all()  # fmt: skip
    # TR323/TR390: an approved credit is the exact mirror of an approved debit, and the only one
    assert all(debits.get(previous) == tuple(rest) for previous, *rest in credits)
    assert len({previous for previous, *_ in credits}) == len(credits)
    # every approved line exactly one payment; none for a rejected line
    assert all(per_line.get(i) == 1 for i, s in statuses.items() if s == "approved")
    assert all(i not in per_line for i, s in statuses.items() if s != "approved")
    volume: dict[tuple[int, int], int] = defaultdict(int)
    amount: dict[tuple[int, int], int] = defaultdict(int)
    net: dict[tuple[int, int], int] = defaultdict(int)
    for number, stored_start, dc, vol, unit, _amount, granted in approved:
        start = date.fromisoformat(stored_start) if isinstance(stored_start, str) else stored_start
        sign = 1 if dc == "D" else -1
        slot = (number, start.month)
        volume[slot] += sign * base_units(vol, Unit(unit))
        amount[slot] += granted
        net[slot] += sign
    for (number, month), units in volume.items():
        allowed = max_hours(Period.month(2021, month))
        assert 0 <= units <= allowed * 60, (number, month, units)
        assert 0 <= amount[number, month] <= (TARIFF * allowed).cents
        assert net[number, month] in {0, 1}  # a month paid at most once net
    assert sum(c for (n, _m), c in amount.items() if n == 3) <= LIMIT.cents  # TR369
    assert sum(amount.values()) <= CEILING.cents  # the provider's REFUSE ceiling


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(declaration, min_size=1, max_size=10))
# the holes of issue 7, always tried: January again under a new reference and as an overlapping
# period; a zero and a partial credit, then the month declared again; a file and its lines again; a
# mirror credit twice, then the month declared again
@example(
    [
        [("debit", 0, 1, "canonical", 0, 0, False)],
        [("debit", 0, 1, "canonical", 0, 1, False)],
        [("debit", 0, 1, "later start", 0, 2, False)],
    ]
)
@example(
    [
        [("debit", 1, 2, "canonical", 0, 0, False)],
        [("credit", 0, "partial")],
        [("credit", 0, "zero")],
        [("debit", 1, 2, "canonical", -1, 3, True)],
        ("same file", 0),
        ("same lines", 0),
    ]
)
@example(
    [
        [("debit", 2, 3, "canonical", 0, 5, False)],
        [("credit", 5, "mirror")],
        [("credit", 5, "mirror")],
        [("debit", 2, 3, "canonical", -3, 6, False)],
    ]
)
def test_any_mix_of_files_pays_within_the_allocation_once_and_the_ledger_equals_the_325s(
    engine, tmp_path, batch
):
    _empty_all_tables(engine)
    allocations = seed_store(
        engine, ceiling=CEILING, policy=CeilingPolicy.REFUSE, collective=Money.euros(1000)
    )
    with engine.begin() as c:
        c.execute(
            update(t.AllocationRow).where(t.AllocationRow.number == 3).values(budget_limit_cents=LIMIT.cents)
        )
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    written: list[tuple[Path, list[DeclaredLine]]] = []
    declared: dict[str, DeclaredLine] = {}
    answers: dict[str, Path] = {}  # one stored 325 per file name (its Identificatie)
    for n, item in enumerate(batch):
        if isinstance(item, tuple):
            if not written:
                continue
            path, lines = written[item[1] % len(written)]
            if item[0] == "same lines":
                path = write_323(
                    folder / f"d{n}.xml", lines, number=f"D{n}", identification=f"M{n}", period=JUNE
                )
        else:
            lines = []
            for spec in item:
                x = (
                    _debit(allocations, spec)
                    if spec[0] == "debit"
                    else _credit(declared, allocations, spec, n * 10 + len(lines))
                )
                lines.append(x)
            for x in lines:
                declared.setdefault(x.reference, x)
            path = write_323(folder / f"d{n}.xml", lines, number=f"D{n}", identification=f"M{n}", period=JUNE)
        written.append((path, lines))
        try:
            result = process_file(engine, path, folder / "out")
        except DeclarationFileError:
            continue
        assert result.answer is not None
        if result.status == "duplicate":
            # the same bytes again: nothing granted now, and the answer it got the first time
            assert result.granted.cents == 0
            assert result.answer.read_bytes() in {a.read_bytes() for a in answers.values()}
            continue
        answers[result.answer.name] = result.answer
        assert _granted(result.answer) == result.granted.cents
    _check(engine)
    with engine.connect() as c:
        ledger = int(c.scalar(select(func.coalesce(func.sum(t.PaymentRow.amount_cents), 0))) or 0)
    assert ledger == sum(_granted(p) for p in answers.values())
