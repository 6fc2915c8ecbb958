# SPDX-License-Identifier: EUPL-1.2
"""Declarations end to end against the store (SQLite and PostgreSQL): 323 in, judged, paid, 325 out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from tests.conftest import ISTANDAARDEN
from tests.declaration_helpers import (
    TARIFF,
    counts,
    credit_of,
    line_for,
    max_hours,
    seed_store,
    write_323,
)
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.istandaarden import validate_message, validate_with_xsd
from zorginkoop.domain.codes import Unit
from zorginkoop.domain.contracts import CeilingPolicy
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.services.declarations import DeclarationFileError, process_file
from zorginkoop.services.spending import ExhaustionLevel, Filters, exhaustion, ledger


def _rejected(answer: Path) -> dict[str, list[str]]:
    """ReferentieNummer -> RetourCodes of the prestaties a 325 lists."""
    root = etree.parse(str(answer)).getroot()
    found = {}
    for p in root.iter("{*}Prestatie"):
        ref = next(p.iter("{*}ReferentieNummer")).text
        found[ref] = [c.text for c in p.find("{*}RetourCodes")]
    return found


def _totals(answer: Path) -> tuple[str, str]:
    root = etree.parse(str(answer)).getroot()
    submitted = next(root.iter("{*}TotaalIngediendBedrag")).find("{*}TotaalBedrag").text
    granted = next(root.iter("{*}TotaalToegekendBedrag")).find("{*}TotaalBedrag").text
    return submitted, granted


def _valid_325(answer: Path) -> None:
    assert validate_message(answer).errors == ()
    if ISTANDAARDEN.is_dir():
        assert validate_with_xsd(answer.read_bytes(), ISTANDAARDEN) == []


def _refusal_kept(before: dict[str, int], after: dict[str, int]) -> bool:
    """Nothing paid or booked: only the file's hash and its refusal (a 325 in the outbox)."""
    return after == {
        **before,
        "processed_file": before["processed_file"] + 1,
        "message": before["message"] + 1,
    }


def test_a_declaration_is_judged_line_by_line_paid_once_and_answered_with_its_rejections(engine, tmp_path):
    a1, a2, a3 = seed_store(engine)
    lines = [
        line_for(a1, "G1"),
        line_for(a2, "G2", tariff=Money.euros("55.00"), amount=Money.euros("550.00")),  # 0611
        line_for(a3, "G3", hours=40, amount=TARIFF * 40),  # 9321: 4 h/week x 5 started weeks = 20
        line_for(a1, "G4", Period.month(2021, 7)),  # 9319: after the declaration period (sent in August)
        line_for(a1, "G5", allocation_number=99),  # 9338
        line_for(a2, "G6", Period.month(2021, 5), client_bsn=a1.client_bsn),  # 8187
        line_for(a3, "G7", Period.month(2021, 5), amount=Money(1)),  # 9346
    ]
    result = process_file(
        engine, write_323(tmp_path / "in" / "d.xml", lines, dated=date(2021, 8, 5)), tmp_path / "out"
    )
    assert result.status == "processed"
    assert (result.lines, result.approved, result.rejected) == (7, 1, 6)
    assert result.granted == Money.euros(500)
    assert result.answer is not None
    _valid_325(result.answer)
    rejected = _rejected(result.answer)
    assert rejected == {
        "G2": ["0611"],
        "G3": ["9321"],
        "G4": ["9319"],
        "G5": ["9338"],
        "G6": ["8187"],
        "G7": ["9346"],
    }
    submitted = sum(x.amount.cents for x in lines)
    assert _totals(result.answer) == (str(submitted), "50000")
    after = counts(engine)
    assert (after["declaration"], after["declaration_line"], after["payment"]) == (1, 7, 1)
    assert after["paid_cents"] == 50000
    assert after["message"] == 1  # the 325 is kept in the message store
    rows = ledger(engine, 2021)
    assert rows[-1]["municipality"] == "total" and rows[-1]["paid_eur"] == "500.00"


def test_the_same_file_twice_grants_nothing_and_gets_its_first_answer_again(engine, tmp_path):
    # was: the second time every line came back 8021 with 0 granted, an answer that denied
    # lines that had been paid; now the provider gets the 325 it got the first time
    a1, a2, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2", amount=Money(1))])
    first = process_file(engine, path, tmp_path / "out")
    sent = first.answer.read_bytes()
    before = counts(engine)
    second = process_file(engine, path, tmp_path / "again")
    assert first.granted == Money.euros(500)
    assert second.status == "duplicate" and second.granted == Money.zero()
    assert "already received" in second.note and "sent again" in second.note
    assert counts(engine) == before
    assert second.answer is not None and second.answer.name == first.answer.name
    assert second.answer.read_bytes() == sent
    _valid_325(second.answer)
    assert _rejected(second.answer) == {"G2": ["9346"]}
    assert _totals(second.answer)[1] == "50000"


def test_lines_declared_before_in_another_file_are_answered_8021_and_not_paid_again(engine, tmp_path):
    a1, a2, _ = seed_store(engine)
    process_file(engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1")]), tmp_path / "out")
    again = [line_for(a1, "G1", Period.month(2021, 5)), line_for(a2, "G2")]
    result = process_file(
        engine, write_323(tmp_path / "b.xml", again, number="D2", identification="M2"), tmp_path / "out"
    )
    assert (result.approved, result.rejected) == (1, 1)
    assert _rejected(result.answer) == {"G1": ["8021"]}
    assert counts(engine)["payment"] == 2


@pytest.mark.parametrize(
    ("change", "code", "header"),
    [
        ({"number": "D1", "identification": "M9"}, "9333", False),
        ({"number": "D9", "identification": "M1"}, "9056", True),
    ],
)
def test_a_repeated_declaration_number_or_identification_is_refused_whole(
    engine, tmp_path, change, code, header
):
    a1, a2, _ = seed_store(engine)
    process_file(engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1")]), tmp_path / "out")
    before = counts(engine)
    result = process_file(
        engine, write_323(tmp_path / "b.xml", [line_for(a2, "G2")], **change), tmp_path / "out"
    )
    assert result.status == "refused" and result.granted == Money.zero()
    assert _refusal_kept(before, counts(engine))
    _valid_325(result.answer)
    root = etree.parse(str(result.answer)).getroot()
    header_codes = [c.text for c in root.find("{*}Header").find("{*}RetourCodes")]
    assert (code in header_codes) is header
    if not header:
        antwoord = root.find("{*}DeclaratieAntwoord")
        assert [c.text for c in antwoord.find("{*}RetourCodes")] == [code]


def test_a_total_that_is_not_the_sum_of_the_lines_refuses_the_declaration(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1")])
    data = path.read_bytes().replace(b"<iwmo:TotaalBedrag>50000<", b"<iwmo:TotaalBedrag>50001<")
    path.write_bytes(data)
    before = counts(engine)
    result = process_file(engine, path, tmp_path / "out")
    assert result.status == "refused" and result.codes == {"0001": 1}
    assert _refusal_kept(before, counts(engine))


def test_a_credit_reverses_its_debit_in_the_ledger_and_a_second_credit_is_refused(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    debit = line_for(a1, "G1")
    process_file(engine, write_323(tmp_path / "a.xml", [debit]), tmp_path / "out")
    credit = credit_of(debit, "G1C")
    second = credit_of(debit, "G1C2")
    orphan = credit_of(line_for(a1, "NOPE"), "G9C")
    result = process_file(
        engine,
        write_323(tmp_path / "b.xml", [credit, orphan], number="D2", identification="M2"),
        tmp_path / "out",
    )
    assert result.approved == 1
    assert _rejected(result.answer) == {"G9C": ["8017"]}
    assert counts(engine)["paid_cents"] == 0
    result = process_file(
        engine, write_323(tmp_path / "b2.xml", [second], number="D4", identification="M4"), tmp_path / "out"
    )
    assert _rejected(result.answer) == {"G1C2": ["9390"]}
    # after the credit the same period may be declared again (TR389)
    redo = line_for(a1, "G1B", hours=8)
    result = process_file(
        engine, write_323(tmp_path / "c.xml", [redo], number="D3", identification="M3"), tmp_path / "out"
    )
    assert result.approved == 1 and counts(engine)["paid_cents"] == 40000


def test_a_second_debit_for_the_same_period_under_a_new_reference_is_refused(engine, tmp_path):
    a1, _, _ = seed_store(engine)
    process_file(engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1")]), tmp_path / "out")
    result = process_file(
        engine,
        write_323(tmp_path / "b.xml", [line_for(a1, "G1X")], number="D2", identification="M2"),
        tmp_path / "out",
    )
    assert _rejected(result.answer) == {"G1X": ["9389"]}


def test_the_summed_volume_counts_what_was_paid_before(engine, tmp_path):
    (a1,) = seed_store(engine, allocations=1)
    # 2021-01-01..2022-06-30 touches 79 calendar weeks (IV077): 316 hours over the allocation, while
    # each month alone may hold 4 x the calendar weeks it touches (May and August 2021 six)
    year = [
        line_for(a1, f"M{m}", Period.month(2021, m), max_hours(Period.month(2021, m))) for m in range(1, 13)
    ]
    first = process_file(
        engine, write_323(tmp_path / "a.xml", year, period=Period.month(2021, 12)), tmp_path / "out"
    )
    assert first.approved == 12  # 244 hours
    more = [
        line_for(a1, f"N{m}", Period.month(2022, m), max_hours(Period.month(2022, m))) for m in range(1, 5)
    ]
    result = process_file(engine, write_323(tmp_path / "b.xml", more, number="D2", identification="M2",
                                            period=Period.month(2022, 4)), tmp_path / "out")  # fmt: skip
    assert result.approved == 3  # + 24 + 20 + 20 = 308; April's 20 more would pass 316 (TR322)
    assert _rejected(result.answer) == {"N4": ["9322"]}


@pytest.mark.parametrize("policy", [CeilingPolicy.SIGNAL, CeilingPolicy.REFUSE])
def test_a_provider_ceiling_signals_or_refuses_and_notices_are_recorded_once(engine, tmp_path, policy):
    allocations = seed_store(engine, ceiling=Money.euros(1000), policy=policy)
    lines = [line_for(a, f"G{a.number}", hours=8) for a in allocations]  # 3 x 400 = 1,200 against 1,000
    result = process_file(engine, write_323(tmp_path / "a.xml", lines), tmp_path / "out")
    with engine.connect() as c:
        notices = sorted(
            c.execute(select(t.CeilingNoticeRow.ceiling_key, t.CeilingNoticeRow.threshold)).all()
        )
    if policy is CeilingPolicy.SIGNAL:
        assert result.approved == 3 and result.granted == Money.euros(1200)
        assert notices == [("C-ALFA", 70), ("C-ALFA", 100)]
    else:
        assert result.approved == 2 and result.granted == Money.euros(800)
        assert _rejected(result.answer) == {"G3": ["9369"]}
        assert notices == [("C-ALFA", 70)]
    rows = exhaustion(engine, ExhaustionLevel.ceiling, Filters(2021))
    assert rows[0]["ceiling"] == "C-ALFA" and rows[0]["used_eur"] == str(result.granted)
    # a later declaration passing nothing new adds no second notice
    process_file(engine, write_323(tmp_path / "b.xml", [line_for(allocations[0], "X1", Period.month(2021, 5), 1)],
                                   number="D2", identification="M2"), tmp_path / "out")  # fmt: skip
    with engine.connect() as c:
        assert len(c.execute(select(t.CeilingNoticeRow.id)).all()) == len(notices)


def test_a_collective_ceiling_never_rejects_a_line_it_records_notices_op095(engine, tmp_path):
    # The free practitioners' collective ceiling is not the provider's to see (OP095): whatever its
    # policy (here REFUSE, as the old behaviour honoured), lines are paid and notices recorded.
    # Before OP095 was applied this test asserted 9369 for both lines.
    a1, a2, _ = seed_store(engine, policy=CeilingPolicy.REFUSE, collective=Money.euros(100))
    result = process_file(
        engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1", hours=4), line_for(a2, "G2", hours=4)]),
        tmp_path / "out",
    )  # fmt: skip
    assert result.approved == 2 and result.granted == Money.euros(400)
    with engine.connect() as c:
        notices = sorted(
            c.execute(select(t.CeilingNoticeRow.ceiling_key, t.CeilingNoticeRow.threshold)).all()
        )
    assert notices == [("COLL", 70), ("COLL", 100)]


def test_crisis_care_is_paid_beyond_a_refusing_provider_ceiling(engine, tmp_path):
    a1, a2, _ = seed_store(engine, ceiling=Money.euros(100), policy=CeilingPolicy.REFUSE)
    result = process_file(
        engine, write_323(tmp_path / "a.xml", [line_for(a1, "G1", hours=4), line_for(a2, "G2", hours=4)]),
        tmp_path / "out",
    )  # fmt: skip
    assert result.approved == 0 and set(result.codes) == {"9369"}
    # the same product under crisis: change the catalogue flag and declare again
    with engine.begin() as c:
        c.execute(t.ProductRow.__table__.update().where(t.ProductRow.code == "OZR1").values(crisis=True))
    result = process_file(
        engine,
        write_323(tmp_path / "b.xml", [line_for(a1, "H1", hours=4)], number="D2", identification="M2"),
        tmp_path / "out",
    )
    assert result.approved == 1


def test_minutes_against_an_hourly_allocation(engine, tmp_path):
    (a1,) = seed_store(engine, allocations=1)
    line = line_for(a1, "G1", unit=Unit.MINUUT, volume=90, tariff=TARIFF, amount=Money.euros(75))
    result = process_file(engine, write_323(tmp_path / "a.xml", [line]), tmp_path / "out")
    assert result.approved == 1 and result.granted == Money.euros(75)


HOSTILE = {
    "entities": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "not xml": b"PK\x03\x04 this is a zip file",
    "empty": b"",
    "latin-1": b'<?xml version="1.0" encoding="ISO-8859-1"?><x>\xe9</x>',
}


# a wrong BSN, an impossible date or a foreign element after a readable header is answered with a
# 325 refusing the declaration (0001): tests/integration/test_declarations_hostile.py
@pytest.mark.parametrize("kind", [*HOSTILE, "truncated", "wrong namespace", "too large"])
def test_hostile_or_malformed_files_are_refused_with_a_reason_and_change_nothing(
    engine, tmp_path, kind, monkeypatch
):
    a1, _, _ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1"), line_for(a1, "G2", Period.month(2021, 5))])
    data = path.read_bytes()
    if kind in HOSTILE:
        data = HOSTILE[kind]
    elif kind == "truncated":
        data = data[: len(data) // 2]
    elif kind == "wrong namespace":
        data = data.replace(b"wmo323", b"wmo301")
    elif kind == "too large":
        monkeypatch.setenv("ZORGINKOOP_MAX_MESSAGE_BYTES", "1000")
    path.write_bytes(data)
    before = counts(engine)
    with pytest.raises(DeclarationFileError) as caught:
        process_file(engine, path, tmp_path / "out")
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    assert counts(engine) == before
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("build", "rule"),
    [
        (lambda a1, a2: [line_for(a1, "G1"), line_for(a2, "G1")], "TR101"),
        (lambda a1, a2: [line_for(a1, "G1"), credit_of(line_for(a1, "G1"), "G1C")], "TR316"),
        (lambda a1, a2: [line_for(a1, "G1", Period.month(2021, 7))], "TR137"),
        (lambda a1, a2: [line_for(a1, "G1", Period(date(2021, 6, 20), date(2021, 7, 10)))], "CS337"),
    ],
)
def test_a_message_that_breaks_a_rule_within_it_is_refused_whole_and_changes_nothing(
    engine, tmp_path, build, rule
):
    a1, a2, _ = seed_store(engine)
    before = counts(engine)
    result = process_file(engine, write_323(tmp_path / "d.xml", build(a1, a2)), tmp_path / "out")
    assert result.status == "refused" and result.codes == {"0001": 1}
    assert rule in result.note
    assert _refusal_kept(before, counts(engine))
    _valid_325(result.answer)
