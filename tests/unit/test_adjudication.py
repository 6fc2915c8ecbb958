# SPDX-License-Identifier: EUPL-1.2
"""Each adjudication rule holding and failing, and the adjudicator's running sums and ceilings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from zorginkoop.domain import adjudication as a
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.contracts import CeilingPolicy
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

BSN, OTHER_BSN = "999900006", "999900018"
AGB = "11111111"
JAN = Period.month(2021, 1)
ALLOCATION = Allocation(
    number=7, client_bsn=BSN, provider_agb=AGB, municipality_code="0321", law=Law.WMO, category="02",
    product_code="OZR1", valid=Period(date(2020, 10, 1), date(2021, 3, 31)), allocated_at=datetime(2020, 9, 20),
    volume=3, unit=Unit.UUR, frequency=Frequency.PER_WEEK,
)  # fmt: skip
TARIFF = Money.euros("50.00")


def line(**changes: object) -> DeclaredLine:
    base = DeclaredLine(
        reference="R1", client_bsn=BSN, allocation_number=7, provider_agb=AGB, municipality_code="0321",
        law=Law.WMO, category="02", product_code="OZR1", period=JAN, volume=12, unit=Unit.UUR, tariff=TARIFF,
        amount=TARIFF * 12,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


# -- one rule at a time ----------------------------------------------------------------------


def test_tr418_tariff_must_equal_the_contract_tariff():
    assert a.tr418_contract_tariff(line(), TARIFF) == ()
    assert a.tr418_contract_tariff(line(tariff=Money.euros("50.01")), TARIFF) == ("0611",)
    assert a.tr418_contract_tariff(line(), None) == ("0611",)  # not contracted: no contract tariff


def test_tr346_amount_is_volume_times_tariff():
    assert a.tr346_amount(line()) == ()
    assert a.tr346_amount(line(amount=Money(60001))) == ("9346",)
    assert a.tr346_amount(line(unit=Unit.EUROS, amount=Money(1))) == ()


def test_tr346_minutes_against_an_hourly_tariff_round_once():
    # 90 minutes at EUR 50.00 an hour = 75.00; 7 minutes = 5.8333 -> 5.83
    assert a.tr346_amount(line(unit=Unit.MINUUT, volume=90, amount=Money(7500)), Unit.UUR) == ()
    assert a.tr346_amount(line(unit=Unit.MINUUT, volume=7, amount=Money(583)), Unit.UUR) == ()
    assert a.tr346_amount(line(unit=Unit.MINUUT, volume=7, amount=Money(584)), Unit.UUR) == ("9346",)


def test_tr314_a_reference_is_declared_once():
    assert a.tr314_reference_unique(line(), set()) == ()
    assert a.tr314_reference_unique(line(), {"R1"}) == ("8021",)


def test_tr323_a_credit_needs_its_approved_debit():
    credit = line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1")
    debit = a.PriorLine("R1", True, DebitCredit.DEBIT)
    assert a.tr323_credit_has_debit(credit, debit) == ()
    assert a.tr323_credit_has_debit(credit, None) == ("8017",)
    assert a.tr323_credit_has_debit(credit, replace(debit, approved=False)) == ("8017",)
    assert a.tr323_credit_has_debit(line(), None) == ()  # a debit needs nothing


def test_tr390_a_debit_is_credited_once():
    credit = line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1")
    assert a.tr390_single_credit(credit, set()) == ()
    assert a.tr390_single_credit(credit, {"R1"}) == ("9390",)


def test_tr389_no_second_debit_for_the_same_period_under_a_new_reference():
    assert a.tr389_one_open_debit(line(), set()) == ()
    assert a.tr389_one_open_debit(line(reference="R9"), {a.debit_key(line())}) == ("9389",)


def test_tr307_tr308_product_period_within_the_allocation():
    assert a.tr307_start_within_allocation(line(), ALLOCATION) == ()
    early = line(period=Period(date(2020, 9, 30), date(2020, 9, 30)))
    assert a.tr307_start_within_allocation(early, ALLOCATION) == ("9307",)
    assert a.tr308_end_within_allocation(line(), ALLOCATION) == ()
    assert a.tr308_end_within_allocation(line(period=Period.month(2021, 4)), ALLOCATION) == ("9308",)
    open_ended = replace(ALLOCATION, valid=Period(date(2020, 10, 1)), frequency=Frequency.PER_MAAND)
    assert a.tr308_end_within_allocation(line(period=Period.month(2030, 1)), open_ended) == ()


def test_tr319_within_one_declaration_period():
    assert a.tr319_within_declaration_period(line(), JAN) == ()
    assert (
        a.tr319_within_declaration_period(line(period=Period.month(2020, 12)), JAN) == ()
    )  # an earlier month
    assert a.tr319_within_declaration_period(line(period=Period.month(2021, 2)), JAN) == ("9319",)
    two_months = line(period=Period(date(2020, 12, 15), date(2021, 1, 15)))
    assert a.tr319_within_declaration_period(two_months, JAN) == ("9319",)


def test_tr321_volume_within_the_allocated_volume_for_the_period():
    # 3 h/week over 31 days = 5 started weeks = 15 hours
    assert a.tr321_volume_within_allocation(line(volume=15), ALLOCATION) == ()
    assert a.tr321_volume_within_allocation(line(volume=16), ALLOCATION) == ("9321",)
    assert a.tr321_volume_within_allocation(line(unit=Unit.MINUUT, volume=900), ALLOCATION) == ()
    assert a.tr321_volume_within_allocation(line(unit=Unit.MINUUT, volume=901), ALLOCATION) == ("9321",)


def test_tr322_summed_volume_within_the_allocation():
    # 182 days = 26 weeks x 3 = 78 hours over the whole allocation
    assert a.tr322_volume_sum_within_allocation(line(volume=12), ALLOCATION, used=66) == ()
    assert a.tr322_volume_sum_within_allocation(line(volume=12), ALLOCATION, used=67) == ("9322",)


def test_tr338_the_allocation_must_exist_for_this_provider():
    assert a.tr338_allocation_known(line(), ALLOCATION) == ()
    assert a.tr338_allocation_known(line(), None) == ("9338",)
    assert a.tr338_allocation_known(line(provider_agb="22222222"), ALLOCATION) == ("9338",)


def test_tr304_the_client_must_be_the_allocations_client():
    assert a.tr304_client_matches(line(), ALLOCATION) == ()
    assert a.tr304_client_matches(line(client_bsn=OTHER_BSN), ALLOCATION) == ("8187",)


def test_tr339_tr340_tr341_category_code_and_unit_match():
    assert a.tr339_category(line(), ALLOCATION) == ()
    assert a.tr339_category(line(category="07"), ALLOCATION) == ("9339",)
    assert a.tr340_code(line(), ALLOCATION) == ()
    assert a.tr340_code(line(product_code="OZR2"), ALLOCATION) == ("9340",)
    assert a.tr341_unit(line(), ALLOCATION) == ()
    assert a.tr341_unit(line(unit=Unit.MINUUT), ALLOCATION) == ()  # minutes against hours
    assert a.tr341_unit(line(unit=Unit.ETMAAL), ALLOCATION) == ("9341",)


def test_tr384_no_declaration_on_a_deleted_allocation():
    assert a.tr384_not_deleted(ALLOCATION) == ()
    assert a.tr384_not_deleted(replace(ALLOCATION, change_reason=ChangeReason.VERWIJDERD)) == ("9384",)


def test_tr369_budget_allocation():
    budgeted = replace(ALLOCATION, volume=None, unit=None, frequency=None, budget=Money.euros(1000))
    assert a.tr369_budget(line(), budgeted, Money.euros(400)) == ()
    assert a.tr369_budget(line(), budgeted, Money.euros(401)) == ("9369",)


def test_message_level_rules():
    assert a.tr056_identification_unique("X1", ["X0"]) == ()
    assert a.tr056_identification_unique("X1", ["X1"]) == ("9056",)
    assert a.tr333_declaration_number_unique("D1", []) == ()
    assert a.tr333_declaration_number_unique("D1", ["D1"]) == ("9333",)
    assert a.tr358_total_consistent(Money(60000), [line()]) == ()
    credit = line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1")
    assert a.tr358_total_consistent(Money(0), [line(), credit]) == ()
    assert a.tr358_total_consistent(Money(60000), [line(), credit]) == ("0001",)


# -- the adjudicator ---------------------------------------------------------------------------


def facts(**changes: object) -> a.DeclarationFacts:
    base = a.DeclarationFacts(
        declaration_period=JAN,
        allocations={7: ALLOCATION},
        products={"OZR1": a.ProductFacts(Unit.UUR)},
        tariff_for=lambda _line: TARIFF,
        ceilings_for=lambda _line: [],
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_a_good_line_is_approved_for_its_amount():
    outcome = a.Adjudicator(facts()).judge(line())
    assert outcome.status is LineStatus.APPROVED
    assert outcome.granted == Money.euros(600)
    assert outcome.return_codes == ()


def test_the_same_reference_twice_in_one_file_is_rejected_the_second_time():
    judge = a.Adjudicator(facts())
    assert judge.judge(line(volume=5, amount=TARIFF * 5)).status is LineStatus.APPROVED
    second = judge.judge(line(volume=5, amount=TARIFF * 5, period=Period.month(2020, 12)))
    assert second.return_codes == ("8021",)


def test_volumes_add_up_within_one_declaration():
    judge = a.Adjudicator(facts(volume_used={7: 60}))
    assert judge.judge(line(reference="A", period=Period.month(2020, 12))).status is LineStatus.APPROVED
    assert judge.judge(line(reference="B")).return_codes == ("9322",)


def test_a_credit_in_the_same_file_as_its_debit_is_approved_and_negative():
    judge = a.Adjudicator(facts())
    judge.judge(line())
    credit = judge.judge(line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1"))
    assert credit.status is LineStatus.APPROVED
    assert credit.granted == Money.euros(-600)
    again = judge.judge(line(reference="R3", debit_credit=DebitCredit.CREDIT, previous_reference="R1"))
    assert again.return_codes == ("9390",)


def test_several_faults_give_several_codes_in_rule_order():
    outcome = a.Adjudicator(facts()).judge(line(client_bsn=OTHER_BSN, tariff=Money(1), amount=Money(12)))
    assert outcome.status is LineStatus.REJECTED
    assert outcome.return_codes == ("8187", "0611")


def test_unknown_allocation_stops_the_allocation_rules():
    outcome = a.Adjudicator(facts()).judge(line(allocation_number=8))
    assert outcome.return_codes == ("9338",)


KEY = a.CeilingKey("provider", "C1", 2021)


@pytest.mark.parametrize(
    ("policy", "crisis", "status"),
    [
        (CeilingPolicy.SIGNAL, False, LineStatus.APPROVED),
        (CeilingPolicy.REFUSE, False, LineStatus.REJECTED),
        (CeilingPolicy.REFUSE, True, LineStatus.APPROVED),
    ],
)
def test_beyond_a_ceiling_the_contract_policy_decides_and_crisis_care_is_always_paid(policy, crisis, status):
    state = a.CeilingState(KEY, Money.euros(1000), Money.euros(500), policy)
    products = {"OZR1": a.ProductFacts(Unit.UUR, crisis=crisis)}
    judge = a.Adjudicator(facts(ceilings={KEY: state}, ceilings_for=lambda _l: [KEY], products=products))
    outcome = judge.judge(line())  # 600 on top of 500 passes 1000
    assert outcome.status is status
    if status is LineStatus.REJECTED:
        assert outcome.return_codes == (a.CEILING_CODE,)
        assert state.used == Money.euros(500)
        assert judge.notices == []
    else:
        assert state.used == Money.euros(1100)
        assert judge.notices == [a.Notice(KEY, 70), a.Notice(KEY, 100)]


def test_notices_are_raised_once_when_a_threshold_is_crossed():
    state = a.CeilingState(KEY, Money.euros(10000), Money.euros(6500), CeilingPolicy.SIGNAL)
    judge = a.Adjudicator(facts(ceilings={KEY: state}, ceilings_for=lambda _l: [KEY]))
    judge.judge(line(reference="A", volume=6, amount=TARIFF * 6))  # 6,800: nothing
    judge.judge(line(reference="B", volume=6, amount=TARIFF * 6, period=Period.month(2020, 12)))  # 7,100
    judge.judge(line(reference="C", volume=6, amount=TARIFF * 6, period=Period.month(2020, 11)))  # 7,400
    assert judge.notices == [a.Notice(KEY, 70)]


def test_ceiling_check_lets_credits_pass():
    state = a.CeilingState(KEY, Money(0), Money(100), CeilingPolicy.REFUSE)
    assert a.ceiling_check(Money(-50), [state], crisis=False) == ()
    assert a.ceiling_check(Money(50), [state], crisis=False) == (a.CEILING_CODE,)


def findings_of(
    *lines: tuple[DeclaredLine, bool], period: Period | None = None, dated: date = date(2021, 7, 5)
) -> set[str]:
    return {f.rule for f in a.message_findings(period or Period.month(2021, 6), dated, list(lines))}


def test_a_correct_message_has_no_findings_within_it():
    assert findings_of((line(), True)) == set()


def test_tr101_a_reference_occurs_once_in_the_message():
    assert findings_of((line(), True), (line(allocation_number=2), True)) == {"TR101"}


def test_tr315_tr316_credits_within_one_message():
    debit = line()
    credit = replace(
        line(reference="C1"), debit_credit=DebitCredit.CREDIT, previous_reference=debit.reference
    )
    assert findings_of((debit, True), (credit, True)) == {"TR316"}
    other = replace(credit, reference="C2")
    assert "TR315" in findings_of((credit, True), (other, True))


def test_tr416_one_debit_per_period_and_allocation():
    assert findings_of((line(), True), (line(reference="R2"), True)) == {"TR416"}


def test_tr137_a_period_does_not_end_after_the_dagtekening():
    assert findings_of((line(), True), dated=date(2021, 1, 30)) == {"TR137"}
    assert findings_of((line(), True), dated=date(2021, 1, 31)) == set()


def test_cd060_a_previous_reference_goes_with_a_credit():
    assert findings_of((replace(line(), previous_reference="X"), True)) == {"CD060"}
    assert findings_of((replace(line(), debit_credit=DebitCredit.CREDIT), True)) == {"CD060"}


def test_cd087_a_tariff_unless_the_unit_is_euros():
    assert findings_of((line(), False)) == {"CD087"}
    assert findings_of((replace(line(), unit=Unit.EUROS), True)) == {"CD087"}
    assert findings_of((replace(line(), unit=Unit.EUROS), False)) == set()


def test_cs100_and_cs337_periods_of_a_32_declaration():
    december = replace(line(), period=Period.month(2020, 12))
    assert findings_of((december, True), period=Period.month(2020, 12), dated=date(2021, 1, 5)) == {"CS100"}
    spanning = replace(line(), period=Period(date(2021, 1, 20), date(2021, 2, 3)))
    assert "CS337" in findings_of((spanning, True))
