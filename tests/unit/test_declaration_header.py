# SPDX-License-Identifier: EUPL-1.2
"""Header rules of a 323 (zorginkoop.domain.declaration_header): TR135, CS340, TR137."""

from __future__ import annotations

from datetime import date, datetime

from zorginkoop.domain.declaration_header import (
    Level,
    cs340_one_calendar_month,
    header_findings,
    refusal_codes,
    system_date,
    tr135_dagtekening_not_in_future,
    unreadable_content,
)

TODAY = date(2021, 7, 10)


def test_tr135_refuses_the_header_when_the_dagtekening_lies_after_today_8848():
    assert tr135_dagtekening_not_in_future(TODAY, TODAY) == []
    [finding] = tr135_dagtekening_not_in_future(date(2021, 7, 11), TODAY)
    assert (finding.rule, finding.code, finding.level) == ("TR135", "8848", Level.HEADER)


def test_cs340_wants_exactly_one_whole_calendar_month_and_never_raises_on_reversed_ends():
    assert cs340_one_calendar_month(date(2021, 2, 1), date(2021, 2, 28)) == []
    assert cs340_one_calendar_month(date(2024, 2, 1), date(2024, 2, 29)) == []
    for begin, end in [(date(2021, 2, 1), date(2021, 2, 27)), (date(2021, 2, 2), date(2021, 2, 28)),
                       (date(2021, 1, 1), date(2021, 2, 28)), (date(2021, 2, 28), date(2021, 2, 1))]:  # fmt: skip
        [finding] = cs340_one_calendar_month(begin, end)
        assert (finding.rule, finding.code, finding.level) == ("CS340", "0001", Level.DECLARATION)
    [reversed_] = cs340_one_calendar_month(date(2021, 6, 30), date(2021, 6, 1))
    assert "before it begins" in reversed_.detail


def test_header_findings_combine_tr135_cs340_and_tr137():
    assert header_findings(date(2021, 6, 1), date(2021, 6, 30), date(2021, 7, 5), TODAY) == []
    rules = [f.rule for f in header_findings(date(2021, 6, 1), date(2021, 7, 31), date(2021, 7, 20), TODAY)]
    assert rules == ["TR135", "CS340", "TR137"]


def test_refusal_codes_split_header_and_declaration_codes_each_once():
    findings = [*header_findings(date(2021, 6, 2), date(2021, 7, 31), date(2021, 7, 20), TODAY),
                unreadable_content("Bsn '1' is not a valid BSN", "XSD")]  # fmt: skip
    assert refusal_codes(findings) == (("8848",), ("0001",))
    assert refusal_codes([]) == ((), ())


def test_the_system_date_is_the_date_in_the_netherlands():
    assert system_date(datetime(2021, 7, 10, 21, 59)) == date(2021, 7, 10)
    assert system_date(datetime(2021, 7, 10, 22, 30)) == date(2021, 7, 11)  # 00:30 CEST
    assert system_date(datetime(2021, 1, 10, 23, 30)) == date(2021, 1, 11)  # 00:30 CET
