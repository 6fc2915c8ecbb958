# SPDX-License-Identifier: EUPL-1.2
"""Lines judged together on the real store (SQLite and PostgreSQL): one ProductPeriode per month
(TR387/TR388), one open debit per month (TR389), credits only as mirrors (TR323, TR390), TR369 on
the allocation's spending limit, and the ledger equal to what the 325s granted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from lxml import etree
from sqlalchemy import update

from tests.declaration_helpers import TARIFF, counts, credit_of, line_for, seed_store, write_323
from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.codes import Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.services.declarations import process_file

JANUARY = Period.month(2021, 1)


def _rejected(answer: Path | None) -> dict[str, list[str]]:
    assert answer is not None
    root = etree.parse(str(answer)).getroot()
    return {
        next(p.iter("{*}ReferentieNummer")).text: [c.text for c in p.find("{*}RetourCodes")]
        for p in root.iter("{*}Prestatie")
    }


def _file(tmp_path: Path, name: str, lines, n: int, period: Period = JANUARY):  # type: ignore[no-untyped-def]
    return write_323(tmp_path / f"{name}.xml", lines, number=f"D{n}", identification=f"M{n}", period=period)


def test_overlapping_periods_in_one_month_are_paid_once_in_one_file_and_across_files(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    first = [
        line_for(a1, "J1", JANUARY, 8),
        line_for(a1, "J2", Period(date(2021, 1, 2), date(2021, 1, 31)), 8),
        line_for(a1, "J3", Period(date(2021, 1, 3), date(2021, 1, 31)), 8),
    ]
    result = process_file(engine, _file(tmp_path, "a", first, 1), tmp_path / "out")
    assert (result.approved, result.granted) == (1, TARIFF * 8)
    # TR387: the period starts on the first of the month (the allocation starts on 1 January);
    # TR389: January's debit slot is taken by J1
    assert _rejected(result.answer) == {"J2": ["9387", "9389"], "J3": ["9387", "9389"]}
    # the same month again in later files, under new references and shapes
    later = process_file(
        engine,
        _file(tmp_path, "b", [line_for(a1, "J4", Period(date(2021, 1, 1), date(2021, 1, 30)), 4)], 2),
        tmp_path / "out",
    )
    assert _rejected(later.answer) == {"J4": ["9388", "9389"]}
    again = process_file(engine, _file(tmp_path, "c", [line_for(a1, "J5", JANUARY, 4)], 3), tmp_path / "out")
    assert _rejected(again.answer) == {"J5": ["9389"]}
    assert counts(engine)["paid_cents"] == (TARIFF * 8).cents


def test_an_allocation_starting_mid_month_has_its_own_first_day(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    with engine.begin() as c:
        c.execute(
            update(t.AllocationRow)
            .where(t.AllocationRow.number == a1.number)
            .values(valid_from=date(2021, 1, 13))
        )
    whole = line_for(a1, "K1", JANUARY, 4)
    clipped = line_for(a1, "K2", Period(date(2021, 1, 13), date(2021, 1, 31)), 4)
    result = process_file(engine, _file(tmp_path, "a", [whole, clipped], 1), tmp_path / "out")
    assert _rejected(result.answer) == {"K1": ["9307", "9387"]}
    assert result.approved == 1


def test_a_partial_or_zero_credit_is_8017_and_leaves_the_month_taken(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    debit = line_for(a1, "G1", JANUARY, 10)
    process_file(engine, _file(tmp_path, "a", [debit], 1), tmp_path / "out")
    partial = replace(credit_of(debit, "C1"), volume=5, amount=TARIFF * 5)
    zero = replace(credit_of(debit, "C2"), volume=0, amount=Money(0))
    result = process_file(engine, _file(tmp_path, "b", [partial], 2), tmp_path / "out")
    assert _rejected(result.answer) == {"C1": ["8017"]}
    result = process_file(engine, _file(tmp_path, "c", [zero], 3), tmp_path / "out")
    assert _rejected(result.answer) == {"C2": ["8017"]}
    redo = process_file(engine, _file(tmp_path, "d", [line_for(a1, "G2", JANUARY, 12)], 4), tmp_path / "out")
    assert _rejected(redo.answer) == {"G2": ["9389"]}
    assert counts(engine)["paid_cents"] == (TARIFF * 10).cents


def test_a_mirror_credit_gives_back_the_month_and_a_second_credit_is_9390(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    debit = line_for(a1, "G1", JANUARY, 10)
    process_file(engine, _file(tmp_path, "a", [debit], 1), tmp_path / "out")
    result = process_file(engine, _file(tmp_path, "b", [credit_of(debit, "C1")], 2), tmp_path / "out")
    assert result.approved == 1 and result.granted == -(TARIFF * 10)
    result = process_file(
        engine,
        _file(tmp_path, "c", [credit_of(debit, "C2"), line_for(a1, "G2", JANUARY, 12)], 3),
        tmp_path / "out",
    )
    assert _rejected(result.answer) == {"C2": ["9390"]}
    assert result.approved == 1  # January declared again after the credit
    assert counts(engine)["paid_cents"] == (TARIFF * 12).cents


def test_tr369_refuses_beyond_the_spending_limit_of_an_allocation_with_omvang(engine, tmp_path):
    a1, a2, _ = seed_store(engine)
    with engine.begin() as c:
        c.execute(
            update(t.AllocationRow)
            .where(t.AllocationRow.number == a1.number)
            .values(budget_limit_cents=100000)
        )
    lines = [line_for(a1, "L1", JANUARY, 12), line_for(a1, "L2", Period.month(2021, 2), 12)]
    lines.append(line_for(a2, "L3", Period.month(2021, 2), 12))  # no limit kept: paid
    result = process_file(engine, _file(tmp_path, "a", lines, 1, Period.month(2021, 2)), tmp_path / "out")
    # 600 + 600 > 1,000: the second month of a1 is refused, a2 has no limit
    assert _rejected(result.answer) == {"L2": ["9369"]}
    assert counts(engine)["paid_cents"] == (TARIFF * 24).cents


def test_an_allocation_in_euros_is_paid_without_a_product_tariff_up_to_its_total(engine, tmp_path):
    """Output financing (Eenheid 83, frequency 6): the 323 carries no ProductTarief (CD087); the
    contracted product is paid what is declared, until the allocated euros are used (TR322)."""
    a1, _, _ = seed_store(engine)
    with engine.begin() as c:
        c.execute(
            update(t.AllocationRow)
            .where(t.AllocationRow.number == a1.number)
            .values(volume=1000, unit="83", frequency="6")
        )

    def euros(reference: str, month: Period, amount: int):  # type: ignore[no-untyped-def]
        return line_for(
            a1, reference, month, amount, unit=Unit.EUROS, tariff=Money(0), amount=Money.euros(amount)
        )

    paid = process_file(engine, _file(tmp_path, "jan", [euros("E1", JANUARY, 600)], 1), tmp_path / "out")
    assert (paid.approved, paid.granted) == (1, Money.euros(600))
    february = Period.month(2021, 2)
    over = process_file(
        engine, _file(tmp_path, "feb", [euros("E2", february, 500)], 2, february), tmp_path / "out"
    )
    assert over.approved == 0 and _rejected(over.answer)["E2"] == ["9322"]  # 1,100 of 1,000 euros
    rest = process_file(
        engine, _file(tmp_path, "feb2", [euros("E3", february, 400)], 3, february), tmp_path / "out"
    )
    assert (rest.approved, rest.granted) == (1, Money.euros(400))
