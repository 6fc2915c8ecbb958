# SPDX-License-Identifier: EUPL-1.2
"""Cross-message rules of 305/307 (delivery) and 315/317 (requests): each holds and each fails."""

from __future__ import annotations

from datetime import date

from zorginkoop.domain import delivery as d
from zorginkoop.domain import requests as r
from zorginkoop.domain.delivery import DeliveryEvent, DeliveryKind, DeliveryReport
from zorginkoop.domain.exchange import identification, tr056_identification_unique

BSN, NR, B = "999900006", 7, date(2021, 1, 10)
START = DeliveryEvent(DeliveryKind.START, BSN, NR, B)


def start(status: str = "1", begin: date = B) -> DeliveryReport:
    return DeliveryReport(DeliveryKind.START, BSN, NR, begin, status)


def stop(
    status: str = "1", end: date = date(2021, 3, 31), reason: str = "19", begin: date = B
) -> DeliveryReport:
    return DeliveryReport(DeliveryKind.STOP, BSN, NR, begin, status, end, reason)


def stopped(reason: str = "19", end: date = date(2021, 3, 31)) -> DeliveryEvent:
    return DeliveryEvent(DeliveryKind.STOP, BSN, NR, B, end, reason)


def test_tr056_identification_is_unique_per_sender_and_type() -> None:
    assert tr056_identification_unique("A1", {"A0"}) == ()
    assert tr056_identification_unique("A1", {"A1"}) == ("9056",)
    assert identification("301", 42) == "301000000042"


def test_tr019_start_must_match_an_allocation() -> None:
    assert d.tr019_linked_to_allocation(True) == ()
    assert d.tr019_linked_to_allocation(False) == ("9019",)
    assert d.check_start(start(), False, []) == ("9019",)


def test_tr063_removal_needs_an_earlier_report() -> None:
    assert d.tr063_removal_has_earlier(start("3"), [START]) == ()
    assert d.tr063_removal_has_earlier(start("3"), []) == ("9063",)


def test_tr069_stop_needs_a_current_start() -> None:
    assert d.tr069_stop_needs_current_start(stop(), [START]) == ()
    assert d.tr069_stop_needs_current_start(stop(), []) == ("9069",)
    removed = DeliveryEvent(DeliveryKind.START, BSN, NR, B, current=False)
    assert d.check_stop(stop(), True, [removed]) == ("9069",)


def test_tr071_start_cannot_be_removed_after_its_stop() -> None:
    assert d.tr071_no_removal_after_stop(start("3"), [START]) == ()
    assert d.tr071_no_removal_after_stop(start("3"), [START, stopped()]) == ("9071",)


def test_tr074_the_same_key_twice_is_refused() -> None:
    assert d.tr074_key_unique(start(), []) == ()
    assert d.tr074_key_unique(start(), [START]) == ("9074",)
    assert d.check_start(start(), True, [START]) == ("9074",)
    assert d.tr074_key_unique(stop(), [START, stopped()]) == ("9074",)


def test_tr326_no_second_start_while_one_is_current() -> None:
    later = start(begin=date(2021, 2, 1))
    assert d.tr326_no_current_start(later, [START]) == ("9326",)
    assert d.tr326_no_current_start(later, [START, stopped("20")]) == ()
    assert d.check_start(later, True, [START]) == ("9326",)


def test_tr413_no_second_temporary_stop() -> None:
    assert d.tr413_second_temporary_stop(stop(reason="20"), [START]) == ()
    assert d.tr413_second_temporary_stop(
        stop(reason="20", end=date(2021, 4, 30)), [START, stopped("20")]
    ) == ("9413",)


def test_tr414_end_not_before_the_current_stop() -> None:
    assert d.tr414_end_not_before_current_stop(stop(end=date(2021, 4, 30)), [START, stopped("20")]) == ()
    assert d.tr414_end_not_before_current_stop(stop(end=date(2021, 2, 28)), [START, stopped("20")]) == (
        "9414",
    )


def test_tr415_no_stop_after_a_final_stop() -> None:
    assert d.tr415_no_stop_after_final_stop(stop(reason="22"), [START, stopped("20")]) == ()
    assert d.tr415_no_stop_after_final_stop(
        stop(reason="22", end=date(2021, 5, 1)), [START, stopped("19")]
    ) == ("9415",)


def test_accepted_reports_change_the_delivery_state() -> None:
    events = d.apply_report(start(), [])
    assert events[-1].current and events[-1].kind is DeliveryKind.START
    assert not d.apply_report(start("3"), events)[-1].current


def test_tr347_reference_unique() -> None:
    assert r.tr347_reference_unique("REF1", used=False) == ()
    assert r.tr347_reference_unique("REF1", used=True) == ("9347",)


def test_tr374_no_open_request() -> None:
    assert r.tr374_no_open_request([]) == ()
    assert r.tr374_no_open_request(["REF0"]) == ("9374",)


def test_tr349_tr350_tr351_current_allocations() -> None:
    assert r.tr349_all_current_listed({1, 2}, [1, 2]) == ()
    assert r.tr349_all_current_listed({1, 2}, [1]) == ("9349",)
    assert r.tr350_unchanged_is_current(1, {1}) == ()
    assert r.tr350_unchanged_is_current(3, {1}) == ("9350",)
    assert r.tr351_to_change_is_current(1, {1}) == ()
    assert r.tr351_to_change_is_current(3, {1}) == ("9351",)


def test_tr357_backdated_change_holds_for_the_whole_period() -> None:
    dag = date(2021, 3, 1)
    assert r.tr357_backdated_change_whole_period(date(2021, 4, 1), dag, date(2021, 1, 1)) == ()
    assert r.tr357_backdated_change_whole_period(date(2021, 1, 1), dag, date(2021, 1, 1)) == ()
    assert r.tr357_backdated_change_whole_period(date(2021, 2, 1), dag, date(2021, 1, 1)) == ("9357",)


def _facts(**kw: object) -> r.RequestFacts:
    base: dict[str, object] = dict(
        inhabitant=True, client_age_on_start=40, is_youth_care=False, provider_serves_municipality=True,
        known_products=frozenset({"OZR1"}), contracted_products=frozenset({"OZR1"}),
    )  # fmt: skip
    base.update(kw)
    return r.RequestFacts(**base)  # type: ignore[arg-type]


def test_granting_policy() -> None:
    wanted = [r.RequestedProduct("02", "OZR1", date(2021, 2, 1))]
    assert r.decide_request(wanted, _facts()).granted
    assert r.decide_request(wanted, _facts(inhabitant=False)).reason is r.RefusalReason.OTHER_MUNICIPALITY
    assert (
        r.decide_request(wanted, _facts(contracted_products=frozenset())).reason
        is r.RefusalReason.NO_CONTRACT
    )
    assert (
        r.decide_request(wanted, _facts(known_products=frozenset())).reason is r.RefusalReason.NOT_IN_CONTRACT
    )
    youth = _facts(is_youth_care=True, client_age_on_start=18)
    assert r.decide_request(wanted, youth).reason is r.RefusalReason.AGE_LIMIT
    category_only = [r.RequestedProduct("02", None, date(2021, 2, 1))]
    assert r.decide_request(category_only, _facts()).answer == r.IN_INVESTIGATION


def test_a_request_for_a_client_without_an_address_on_file_is_put_in_onderzoek_not_refused() -> None:
    wanted = [r.RequestedProduct("02", "OZR1", date(2021, 2, 1))]
    decision = r.decide_request(wanted, _facts(address_on_file=False))
    assert (decision.granted, decision.answer, decision.reason) == (False, r.IN_INVESTIGATION, None)
    # a refusal still wins: there is nothing for the consultant to complete
    assert r.decide_request(wanted, _facts(address_on_file=False, inhabitant=False)).answer == r.REFUSED
