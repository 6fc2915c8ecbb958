# SPDX-License-Identifier: EUPL-1.2
"""Each adjudication rule holding and failing, and the adjudicator's running sums and ceilings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from zorginkoop.domain import adjudication as a
from zorginkoop.domain import declaration_facts as df
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.catalogue import Tariff, TariffSchedule
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


def test_tr418_a_line_in_euros_has_no_product_tariff_and_needs_only_a_contract():
    # CD087: Eenheid 83 carries no ProductTarief; the amount itself is the volume
    euros = line(unit=Unit.EUROS, volume=560, tariff=Money(0), amount=Money.euros(560))
    assert a.tr418_contract_tariff(euros, None, tariff_given=False, contracted=True) == ()
    assert a.tr418_contract_tariff(euros, None, tariff_given=False, contracted=False) == ("0611",)
    # any other unit without a ProductTarief names no tariff: 0611
    assert a.tr418_contract_tariff(line(), TARIFF, tariff_given=False, contracted=True) == ("0611",)


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
    debit = df.PriorLine(line(), True)
    assert a.tr323_credit_has_debit(credit, debit) == ()
    assert a.tr323_credit_has_debit(credit, None) == ("8017",)
    assert a.tr323_credit_has_debit(credit, replace(debit, approved=False)) == ("8017",)
    assert a.tr323_credit_has_debit(line(), None) == ()  # a debit needs nothing
    not_a_debit = df.PriorLine(replace(credit, reference="R1"), True)
    assert a.tr323_credit_has_debit(credit, not_a_debit) == ("8017",)


@pytest.mark.parametrize(
    "change",
    [
        {"volume": 11, "amount": TARIFF * 11},  # partial
        {"volume": 0, "amount": Money(0)},  # zero
        {"amount": TARIFF * 12 - Money(1)},
        {"tariff": Money.euros("49.00"), "amount": Money.euros("49.00") * 12},
        {"period": Period(date(2021, 1, 2), date(2021, 1, 31))},
        {"allocation_number": 8},
        {"category": "07"},
        {"product_code": "OZR2"},
        {"unit": Unit.MINUUT, "volume": 720},
    ],
)
def test_tr323_a_credit_that_does_not_mirror_its_debit_on_every_key_field_is_8017(change):
    credit = line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1", **change)
    assert a.tr323_credit_has_debit(credit, df.PriorLine(line(), True)) == ("8017",)


def test_tr390_a_debit_is_credited_once():
    credit = line(reference="R2", debit_credit=DebitCredit.CREDIT, previous_reference="R1")
    assert a.tr390_single_credit(credit, set()) == ()
    assert a.tr390_single_credit(credit, {"R1"}) == ("9390",)


def test_tr389_no_second_debit_for_the_same_period_under_a_new_reference():
    assert a.tr389_one_open_debit(line(), set()) == ()
    assert a.tr389_one_open_debit(line(reference="R9"), {a.line_debit_key(line())}) == ("9389",)
    # the month is the slot: a shorter period in January is the same slot
    other = line(reference="R9", period=Period(date(2021, 1, 2), date(2021, 1, 31)))
    assert a.tr389_one_open_debit(other, {a.line_debit_key(line())}) == ("9389",)


def test_tr387_tr388_a_product_period_is_the_calendar_month_clipped_to_the_allocation():
    assert a.tr387_period_starts_on_the_first(line(), ALLOCATION) == ()
    assert a.tr388_period_ends_on_the_last(line(), ALLOCATION) == ()
    for start in (2, 3, 15):
        late = line(period=Period(date(2021, 1, start), date(2021, 1, 31)))
        assert a.tr387_period_starts_on_the_first(late, ALLOCATION) == ("9387",)
    early = line(period=Period(date(2021, 1, 1), date(2021, 1, 30)))
    assert a.tr388_period_ends_on_the_last(early, ALLOCATION) == ("9388",)
    # an allocation starting on 12 January and ending on 20 March
    mid = replace(ALLOCATION, valid=Period(date(2021, 1, 12), date(2021, 3, 20)))
    assert (
        a.tr387_period_starts_on_the_first(line(period=Period(date(2021, 1, 12), date(2021, 1, 31))), mid)
        == ()
    )
    assert a.tr387_period_starts_on_the_first(
        line(period=Period(date(2021, 1, 13), date(2021, 1, 31))), mid
    ) == ("9387",)
    assert (
        a.tr388_period_ends_on_the_last(line(period=Period(date(2021, 3, 1), date(2021, 3, 20))), mid) == ()
    )
    assert a.tr388_period_ends_on_the_last(line(period=Period.month(2021, 3)), mid) == ("9388",)
    assert a.product_period(date(2021, 2, 14), mid.valid) == Period.month(2021, 2)


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
    # IV077: January 2021 touches 5 calendar weeks (53 of 2020 up to 4): 3 h/week x 5 = 15 hours
    assert a.tr321_volume_within_allocation(line(volume=15), ALLOCATION) == ()
    assert a.tr321_volume_within_allocation(line(volume=16), ALLOCATION) == ("9321",)
    assert a.tr321_volume_within_allocation(line(unit=Unit.MINUUT, volume=900), ALLOCATION) == ()
    assert a.tr321_volume_within_allocation(line(unit=Unit.MINUUT, volume=901), ALLOCATION) == ("9321",)
    # March 2021 touches 5 calendar weeks too (9 up to 13), May 2021 six (17 up to 22)
    may = replace(ALLOCATION, valid=Period(date(2021, 1, 1), date(2021, 12, 31)))
    assert a.tr321_volume_within_allocation(line(volume=18, period=Period.month(2021, 5)), may) == ()
    assert a.tr321_volume_within_allocation(line(volume=19, period=Period.month(2021, 5)), may) == ("9321",)


def test_tr321_household_help_may_hold_six_weeks_in_any_month():
    hh = replace(ALLOCATION, category="01")
    february = line(category="01", period=Period.month(2021, 2), volume=18, amount=TARIFF * 18)
    assert a.tr321_volume_within_allocation(february, hh) == ()  # 6 x 3, though February has 4 weeks
    assert a.tr321_volume_within_allocation(replace(february, volume=19), hh) == ("9321",)
    jeugd = replace(hh, law=Law.JEUGD)
    assert a.tr321_volume_within_allocation(february, jeugd) == ("9321",)  # only Wmo category 01


def test_tr322_summed_volume_within_the_allocation():
    # IV077: 2020-10-01..2021-03-31 touches 27 calendar weeks (40 of 2020 up to 13 of 2021) x 3 = 81 hours,
    # in base units (minutes)
    assert a.tr322_volume_sum_within_allocation(line(volume=12), ALLOCATION, used=69 * 60) == ()
    assert a.tr322_volume_sum_within_allocation(line(volume=12), ALLOCATION, used=69 * 60 + 1) == ("9322",)


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


def test_tr369_is_judged_against_the_spending_limit_with_or_without_omvang():
    limited = replace(ALLOCATION, budget_limit=Money.euros(1000))  # with Omvang: no 301 Budget (CD078)
    assert a.tr369_budget(line(), limited, Money.euros(400)) == ()
    assert a.tr369_budget(line(), limited, Money.euros(401)) == ("9369",)
    assert a.tr369_budget(line(), ALLOCATION, Money.euros(10**6)) == ()  # no limit kept: nothing to judge


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


CONTRACT = df.ContractFacts("C1", AGB, Law.WMO, frozenset({"OZR1"}), Period(date(2020, 1, 1)))


def facts(**changes: object) -> df.DeclarationFacts:
    base = df.DeclarationFacts(
        provider_agb=AGB,
        law=Law.WMO,
        declaration_period=JAN,
        allocations={7: ALLOCATION},
        products={"OZR1": df.ProductFacts(Unit.UUR)},
        contracts=(CONTRACT,),
        tariffs=TariffSchedule.of([Tariff("OZR1", TARIFF, Period(date(2020, 1, 1)))]),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


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
    judge = a.Adjudicator(facts(usage=df.Usage(volume={7: 63 * 60})))  # 81 hours over the allocation
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


KEY = df.CeilingKey("provider", "C1", 2021)


@pytest.mark.parametrize(
    ("policy", "crisis", "status"),
    [
        (CeilingPolicy.SIGNAL, False, LineStatus.APPROVED),
        (CeilingPolicy.REFUSE, False, LineStatus.REJECTED),
        (CeilingPolicy.REFUSE, True, LineStatus.APPROVED),
    ],
)
def test_beyond_a_ceiling_the_contract_policy_decides_and_crisis_care_is_always_paid(policy, crisis, status):
    contract = replace(CONTRACT, ceiling=Money.euros(1000), policy=policy)
    products = {"OZR1": df.ProductFacts(Unit.UUR, crisis=crisis)}
    spent = {(AGB, "OZR1", 2021): Money.euros(500)}
    judge = a.Adjudicator(facts(contracts=(contract,), products=products, spent=spent))
    outcome = judge.judge(line())  # 600 on top of 500 passes 1000
    assert outcome.status is status
    state = judge.ceilings[KEY]
    assert state is not None
    if status is LineStatus.REJECTED:
        assert outcome.return_codes == (a.CEILING_CODE,)
        assert state.used == Money.euros(500)
        assert judge.notices == []
    else:
        assert state.used == Money.euros(1100)
        assert judge.notices == [a.Notice(KEY, 70), a.Notice(KEY, 100)]


def test_a_collective_ceiling_never_rejects_a_line_whatever_its_policy_op095():
    from zorginkoop.domain.contracts import CollectiveCeiling

    collective = CollectiveCeiling("VRIJ", "Vrijgevestigden", Money.euros(1000), 2021, frozenset({"C1"}),
                                   CeilingPolicy.REFUSE)  # fmt: skip
    judge = a.Adjudicator(
        facts(collective_ceilings=(collective,), spent={(AGB, "OZR1", 2021): Money.euros(900)})
    )
    outcome = judge.judge(line())  # 600 on top of 900 passes 1000
    assert outcome.status is LineStatus.APPROVED
    key = df.CeilingKey("collective", "VRIJ", 2021)
    assert judge.notices == [a.Notice(key, 100)]


def test_a_missing_product_tariff_is_0611_and_books_nothing():
    judge = a.Adjudicator(facts())
    outcome = judge.judge(line(), tariff_given=False)
    assert (outcome.status, outcome.return_codes) == (LineStatus.REJECTED, ("0611",))
    assert judge.volume_used[7] == 0 and judge.amount_used[7] == Money(0) and judge.open_debits == set()
    assert judge.judge(line(reference="R2")).status is LineStatus.APPROVED  # the month is still free


def test_a_mirrored_credit_gives_back_the_month_volume_and_amount():
    debit = line()
    judge = a.Adjudicator(
        facts(prior={"R1": df.PriorLine(debit, True)}, usage=df.Usage.of([_approved(debit)]))
    )
    assert judge.judge(line(reference="R2")).return_codes == ("9389",)
    credit = judge.judge(line(reference="C1", debit_credit=DebitCredit.CREDIT, previous_reference="R1"))
    assert credit.status is LineStatus.APPROVED
    assert judge.volume_used[7] == 0 and judge.amount_used[7] == Money(0)
    assert judge.judge(line(reference="R3", volume=10, amount=TARIFF * 10)).status is LineStatus.APPROVED
    again = judge.judge(line(reference="C2", debit_credit=DebitCredit.CREDIT, previous_reference="R1"))
    assert again.return_codes == ("9390",)


def _approved(x: DeclaredLine) -> df.ApprovedLine:
    return df.ApprovedLine(x.allocation_number, x.reference, x.debit_credit, x.previous_reference, x.period,
                           x.category, x.product_code, x.volume, x.unit, x.signed_amount)  # fmt: skip


def test_notices_are_raised_once_when_a_threshold_is_crossed():
    contract = replace(CONTRACT, ceiling=Money.euros(10000))
    spent = {(AGB, "OZR1", 2021): Money.euros(6500)}
    judge = a.Adjudicator(facts(contracts=(contract,), spent=spent, declaration_period=Period.month(2021, 3)))
    judge.judge(line(reference="A", volume=6, amount=TARIFF * 6))  # 6,800: nothing
    judge.judge(line(reference="B", volume=6, amount=TARIFF * 6, period=Period.month(2021, 2)))  # 7,100
    judge.judge(line(reference="C", volume=6, amount=TARIFF * 6, period=Period.month(2021, 3)))  # 7,400
    assert judge.notices == [a.Notice(KEY, 70)]


def test_ceiling_check_lets_credits_pass():
    state = df.CeilingState(KEY, Money(0), Money(100), CeilingPolicy.REFUSE)
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


# -- IV077/IV076: the volume of a ProductPeriode, on the standard's own examples ---------------------


def _months(volume: int, unit: Unit, valid: Period, months: list[tuple[int, int]]) -> list[int]:
    from zorginkoop.domain.financing import volume_in_product_period

    return [
        volume_in_product_period(volume, Frequency.PER_WEEK, unit, valid, Period.month(y, m))
        for y, m in months
    ]


def test_iv077_effort_per_week_counts_the_calendar_weeks_of_each_month_and_of_the_whole_allocation():
    from zorginkoop.domain.financing import volume_over_allocation

    valid = Period(date(2025, 10, 7), date(2025, 12, 30))  # IV077: 3 hours a week
    assert _months(3, Unit.UUR, valid, [(2025, 10), (2025, 11), (2025, 12)]) == [12, 15, 15]
    assert (
        volume_over_allocation(3, Frequency.PER_WEEK, valid) == 39
    )  # week 41 up to week 1 of 2026: 13 weeks
    iv076 = Period(date(2025, 7, 7), date(2025, 9, 7))
    assert _months(3, Unit.UUR, iv076, [(2025, 7), (2025, 8), (2025, 9)]) == [12, 15, 3]
    assert volume_over_allocation(3, Frequency.PER_WEEK, iv076) == 27


def test_iv077_output_per_week_counts_sundays_and_the_broken_last_week_where_its_sunday_falls():
    example_2 = Period(date(2025, 7, 7), date(2025, 9, 5))  # EUR 300 a week, ends on a Friday
    assert _months(300, Unit.EUROS, example_2, [(2025, 7), (2025, 8), (2025, 9)]) == [900, 1800, 0]
    ends_on_sunday = Period(date(2025, 7, 7), date(2025, 9, 7))  # IV076 example 1
    assert _months(300, Unit.EUROS, ends_on_sunday, [(2025, 7), (2025, 8), (2025, 9)]) == [900, 1500, 300]


def test_iv078_a_broken_month_may_hold_the_whole_monthly_volume():
    from zorginkoop.domain.financing import volume_in_product_period

    valid = Period(date(2025, 10, 14), date(2025, 12, 13))
    october = Period(date(2025, 10, 14), date(2025, 10, 31))
    assert volume_in_product_period(15, Frequency.PER_MAAND, Unit.UUR, valid, october) == 15
