# SPDX-License-Identifier: EUPL-1.2
"""Allocation integrity as pure rules: one decided product is allocated once at a time, never
beyond its decision; a switch ends the running allocation the day before (09); a deleted
allocation stays deleted; OP033x1 (volume only with frequency 6); TR385; lines outside."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from zorginkoop.domain.allocating import change_allocation
from zorginkoop.domain.allocation_integrity import (
    DecidedKey,
    DecidedProduct,
    IntegrityError,
    PaidLine,
    check_change,
    check_not_withdrawn,
    decided_product,
    decided_product_without_model,
    integrity_breaches,
    lines_outside,
    plan_allocation,
    same_product_running,
    volume_kept_on_switch,
)
from zorginkoop.domain.care import Allocation, CareError, Decision
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

AT = datetime(2021, 9, 1, 10, 0)
YEAR = Period(date(2021, 1, 1), date(2021, 12, 31))
WEEKLY = DecidedProduct(DecidedKey("B-1", "OZR1"), YEAR, Unit.UUR, Frequency.PER_WEEK, 3)
TOTAL = DecidedProduct(DecidedKey("B-2", "TWO12"), YEAR, Unit.EUROS, Frequency.TOTAAL, 6720)


def allocation(number: int, agb: str = "11111111", *, decided: DecidedProduct = WEEKLY,
               start: date = date(2021, 1, 1), end: date | None = date(2021, 12, 31),
               volume: int | None = None) -> Allocation:  # fmt: skip
    return Allocation(
        number=number,
        client_bsn="999900006",
        provider_agb=agb,
        municipality_code="0321",
        law=Law.WMO,
        category="02",
        product_code=decided.key.product_code,
        valid=Period(start, end),
        allocated_at=datetime(2020, 12, 1, 9, 0),
        volume=decided.volume if volume is None else volume,
        unit=decided.unit,
        frequency=decided.frequency,
        decision_id=decided.key.decision_id,
    )


def paid(line_id: int, month: int, volume: int = 12, number: int = 1) -> PaidLine:
    return PaidLine(
        line_id, f"R{line_id}", number, Period.month(2021, month), volume, Money.euros(40) * volume
    )


# -- the invariant ---------------------------------------------------------------------------------


def test_allocations_one_after_the_other_within_the_decision_keep_to_it() -> None:
    first = allocation(1, end=date(2021, 6, 30))
    second = allocation(2, "22222222", start=date(2021, 7, 1))
    assert integrity_breaches(WEEKLY, [first, second]) == []


def test_two_allocations_over_the_same_day_break_the_decision_whoever_holds_them() -> None:
    for agb in ("11111111", "22222222"):
        found = integrity_breaches(WEEKLY, [allocation(1, end=date(2021, 6, 30)),
                                            allocation(2, agb, start=date(2021, 6, 30))])  # fmt: skip
        assert len(found) == 1 and "overlaps" in found[0] and "allocation 1" in found[0]


def test_a_deleted_allocation_counts_as_never_given_and_overlaps_nothing() -> None:
    deleted = replace(allocation(1), valid=Period(date(2021, 1, 1), date(2021, 1, 1)),
                      change_reason=ChangeReason.VERWIJDERD)  # fmt: skip
    assert integrity_breaches(WEEKLY, [deleted, allocation(2, "22222222")]) == []


def test_an_allocation_past_the_decision_or_above_its_rate_breaks_it() -> None:
    assert "outside decision B-1" in integrity_breaches(WEEKLY, [allocation(1, end=date(2022, 1, 31))])[0]
    assert "more than the decided 3" in integrity_breaches(WEEKLY, [allocation(1, volume=4)])[0]


def test_totals_with_frequency_6_add_up_to_at_most_the_decided_total() -> None:
    halves = [allocation(1, decided=TOTAL, end=date(2021, 6, 30), volume=3360),
              allocation(2, "22222222", decided=TOTAL, start=date(2021, 7, 1), volume=3360)]  # fmt: skip
    assert integrity_breaches(TOTAL, halves) == []
    too_much = [halves[0], replace(halves[1], volume=3361)]
    assert "add up to 6721, more than the decided total 6720" in integrity_breaches(TOTAL, too_much)[0]


def test_allocations_of_another_decision_or_product_are_not_counted() -> None:
    other = replace(allocation(2, "22222222"), decision_id="B-9")
    assert integrity_breaches(WEEKLY, [allocation(1), other]) == []


# -- allocating and switching ------------------------------------------------------------------------


def test_a_second_allocation_while_one_runs_is_refused_naming_it_and_the_way_out() -> None:
    with pytest.raises(IntegrityError) as refused:
        plan_allocation(WEEKLY, [allocation(1)], allocation(2, "22222222", start=date(2021, 9, 1)),
                        switch_from=None, at=AT)  # fmt: skip
    text = str(refused.value)
    assert "allocation 1 (provider 11111111, 2021-01-01..2021-12-31)" in text
    assert "--switch-from 1" in text and "access end 1" in text and "\n" not in text


def test_a_switch_ends_the_running_allocation_the_day_before_with_reason_09() -> None:
    plan = plan_allocation(WEEKLY, [allocation(1)], allocation(2, "22222222", start=date(2021, 9, 1)),
                           switch_from=1, at=AT)  # fmt: skip
    assert plan.ended is not None
    assert (plan.ended.number, plan.ended.valid, plan.ended.change_reason, plan.ended.allocated_at) == (
        1, Period(date(2021, 1, 1), date(2021, 8, 31)), ChangeReason.OVERSTAP_AANBIEDER, AT,
    )  # fmt: skip
    assert (plan.new.valid, plan.new.volume) == (Period(date(2021, 9, 1), date(2021, 12, 31)), 3)
    assert integrity_breaches(WEEKLY, [plan.ended, plan.new]) == []


def test_a_switch_to_the_same_provider_from_its_first_day_or_from_the_wrong_number_is_refused() -> None:
    running = [allocation(1)]
    cases = [
        (allocation(2, start=date(2021, 9, 1)), 1, "already with provider 11111111"),
        (allocation(2, "22222222"), 1, "cannot end before 2021-01-01"),
        (allocation(2, "22222222", start=date(2021, 9, 1)), 7, "allocation 7 is no live allocation"),
    ]
    for new, number, words in cases:
        with pytest.raises(IntegrityError, match=words):
            plan_allocation(WEEKLY, running, new, switch_from=number, at=AT)


def test_a_new_allocation_after_the_running_one_has_ended_needs_no_switch() -> None:
    plan = plan_allocation(WEEKLY, [allocation(1, end=date(2021, 8, 31))],
                           allocation(2, "22222222", start=date(2021, 9, 1)), switch_from=None, at=AT)  # fmt: skip
    assert plan.ended is None and plan.new.number == 2


def test_a_switch_with_a_total_splits_it_by_days_and_never_below_what_was_approved() -> None:
    running = [allocation(1, decided=TOTAL)]
    new = allocation(2, "22222222", decided=TOTAL, start=date(2021, 7, 1))
    plan = plan_allocation(TOTAL, running, new, switch_from=1, at=AT)
    assert plan.ended is not None and plan.ended.volume is not None and plan.new.volume is not None
    # 181 of 365 days of 6720, rounded up
    assert plan.ended.volume == 3333 and plan.new.volume == 6720 - 3333
    generous = plan_allocation(TOTAL, running, new, switch_from=1, at=AT, used=5000)
    assert generous.ended is not None and (generous.ended.volume, generous.new.volume) == (5000, 1720)
    with pytest.raises(IntegrityError, match="total of 6720 is allocated already"):
        plan_allocation(TOTAL, running, new, switch_from=1, at=AT, used=6720)


def test_the_kept_share_of_a_total_is_bounded_by_what_the_allocation_had() -> None:
    running = allocation(1, decided=TOTAL, volume=100)
    assert volume_kept_on_switch(6720, running, YEAR, date(2021, 7, 1), used=0) == 100
    open_ended = replace(running, valid=Period(date(2021, 1, 1), None))
    assert volume_kept_on_switch(6720, open_ended, Period(date(2021, 1, 1)), date(2021, 7, 1), used=40) == 40


# -- changes ------------------------------------------------------------------------------------------


def test_a_deleted_allocation_stays_deleted_whatever_the_change() -> None:
    current = allocation(1)
    deleted = change_allocation(current, ChangeReason.VERWIJDERD, AT)
    check_change(current, deleted, decided=WEEKLY, siblings=[current], open_lines=0)
    with pytest.raises(IntegrityError, match="stays deleted"):
        check_not_withdrawn(deleted)
    revived = replace(deleted, valid=YEAR, change_reason=ChangeReason.ADMINISTRATIEVE_CORRECTIE)
    with pytest.raises(IntegrityError, match="allocation 1 was deleted"):
        check_change(deleted, revived, decided=WEEKLY, siblings=[deleted], open_lines=0)


def test_tr385_an_allocation_with_approved_lines_is_not_deleted() -> None:
    current = allocation(1)
    with pytest.raises(IntegrityError, match=r"TR385, 9385") as refused:
        check_change(current, change_allocation(current, ChangeReason.VERWIJDERD, AT), decided=WEEKLY,
                     siblings=[current], open_lines=2)  # fmt: skip
    assert "2 approved" in str(refused.value)


def test_op033x1_a_volume_changes_only_with_frequency_6() -> None:
    weekly = allocation(1)
    with pytest.raises(IntegrityError, match=r"frequency 2: its volume may change only with frequency 6"):
        check_change(weekly, replace(weekly, volume=4), decided=WEEKLY, siblings=[weekly], open_lines=0)
    total = allocation(1, decided=TOTAL, volume=5000)
    check_change(total, replace(total, volume=6000), decided=TOTAL, siblings=[total], open_lines=0)
    with pytest.raises(IntegrityError, match="more than the decided total 6720"):
        check_change(total, replace(total, volume=6721), decided=TOTAL, siblings=[total], open_lines=0)


def test_a_lengthening_into_the_next_providers_allocation_or_past_the_decision_is_refused() -> None:
    first = allocation(1, end=date(2021, 8, 31))
    second = allocation(2, "22222222", start=date(2021, 9, 1))
    longer = change_allocation(first, ChangeReason.VERLENGING, AT, end=date(2021, 9, 30))
    with pytest.raises(IntegrityError, match="overlaps allocation 2"):
        check_change(first, longer, decided=WEEKLY, siblings=[first, second], open_lines=0)
    past = change_allocation(second, ChangeReason.VERLENGING, AT, end=date(2022, 3, 31))
    with pytest.raises(IntegrityError, match="outside decision B-1"):
        check_change(second, past, decided=WEEKLY, siblings=[first, second], open_lines=0)


def test_a_shortening_is_allowed_even_where_the_decision_was_broken_before() -> None:
    broken = [allocation(1), allocation(2, "22222222", start=date(2021, 9, 1))]
    shorter = change_allocation(broken[0], ChangeReason.VERKORTING, AT, end=date(2021, 8, 31))
    check_change(broken[0], shorter, decided=WEEKLY, siblings=broken, open_lines=0)


def test_lines_paid_past_a_new_end_are_outside_the_allocation() -> None:
    lines = [paid(1, 7), paid(2, 8), paid(3, 9), paid(4, 10)]
    shorter = Period(date(2021, 1, 1), date(2021, 8, 15))
    assert [x.line_id for x in lines_outside(shorter, lines)] == [2, 3, 4]
    assert lines_outside(YEAR, lines) == []


def test_a_product_asked_for_anew_may_not_double_one_the_provider_holds_then() -> None:
    running = allocation(1, end=date(2021, 8, 31))
    asked = replace(allocation(5, start=date(2021, 8, 1)), decision_id=None)
    assert same_product_running(asked, [running]) == running
    assert (
        same_product_running(replace(asked, valid=Period(date(2021, 9, 1), date(2021, 12, 31))), [running])
        is None
    )
    assert same_product_running(replace(asked, provider_agb="22222222"), [running]) is None
    deleted = replace(
        running, valid=Period(date(2021, 1, 1), date(2021, 1, 1)), change_reason=ChangeReason.VERWIJDERD
    )
    assert same_product_running(replace(asked, valid=YEAR), [deleted]) is None


# -- the decided product -----------------------------------------------------------------------------


def test_the_decided_product_takes_the_models_coding_and_without_a_model_the_decisions_total() -> None:
    decision = Decision("B-2", "999900006", "0321", Law.WMO, date(2020, 12, 1), YEAR, "TWO12",
                        total_budget=Money.euros("6720.49"))  # fmt: skip
    coded = allocation(9, decided=TOTAL)
    assert decided_product(decision, coded) == TOTAL
    assert decided_product_without_model(decision, [coded]).volume == 6720
    weekly = replace(decision, product_code="OZR1")
    assert decided_product_without_model(weekly, [allocation(1)]).volume is None  # a rate needs the model


# -- Twente add-on modules: decided products of their own ------------------------------------------


def test_a_twente_add_on_module_is_a_decided_product_of_its_own() -> None:
    from zorginkoop.adapters.model_files import load_models
    from zorginkoop.domain.allocating import (
        allocation_for_add_on,
        allocation_for_decision,
        decision_from_indication,
    )
    from zorginkoop.domain.product_models import Intake, evaluate

    model = load_models()["twente"]
    indication = evaluate(model, Intake(months=12, support_type="ontwikkelen", need="zelfredzaamheid",
                                        intensity="2", modules=("vervoer", "gezinsondersteuning")))  # fmt: skip
    decision = decision_from_indication(indication, decision_id="B-T", client_bsn="999900006",
                                        municipality_code="0153", decided_on=date(2023, 1, 2),
                                        start=date(2023, 2, 1))  # fmt: skip
    assert [(a.module_id, a.product_code, a.amount) for a in decision.add_ons] == [
        ("vervoer", "TWM01", Money.euros(1140)), ("gezinsondersteuning", "TWM03", Money.euros(650)),
    ]  # fmt: skip
    assert decision.total_budget == Money.euros(560 * 12 + 1140 + 650)
    main = allocation_for_decision(decision, model, number=1, provider_agb="11111111", allocated_at=AT)
    module = allocation_for_add_on(
        decision, model, "TWM01", number=2, provider_agb="22222222", allocated_at=AT
    )
    assert (main.product_code, main.volume) == ("TWO12", 6720)  # the main product without the modules
    assert (module.product_code, module.volume, module.unit, module.frequency, module.valid) == (
        "TWM01", 1140, Unit.EUROS, Frequency.TOTAAL, decision.valid,
    )  # fmt: skip
    main_decided, module_decided = decided_product(decision, main), decided_product(decision, module)
    assert main_decided.key != module_decided.key and module_decided.volume == 1140
    # the main product and a module run side by side; a second allocation of the module does not
    plan = plan_allocation(module_decided, [main], module, switch_from=None, at=AT)
    assert plan.new == module and integrity_breaches(main_decided, [main, module]) == []
    with pytest.raises(IntegrityError, match="allocation 2"):
        plan_allocation(module_decided, [main, module], replace(module, number=3), switch_from=None, at=AT)
    assert decided_product_without_model(decision, [main, module], "TWM01").volume == 1140
    assert decided_product_without_model(decision, [main, module]).volume == 6720
    with pytest.raises(CareError, match="no add-on module TWM02"):
        allocation_for_add_on(decision, model, "TWM02", number=4, provider_agb="22222222", allocated_at=AT)
