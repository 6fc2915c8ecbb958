# SPDX-License-Identifier: EUPL-1.2
"""The contract rule: only a provider contracted, on the day care begins, for a lot holding the
product may get an allocation; and a decision starts while its product model is in force."""

from __future__ import annotations

from datetime import date

import pytest

from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import (
    Contract,
    FrameworkAgreement,
    Lot,
    ProcurementProcedure,
    Term,
    contracted_providers,
)
from zorginkoop.domain.periods import Period
from zorginkoop.domain.product_models import IntakeRefused, RefusalReason, check_model_valid_on
from zorginkoop.domain.region import Provider, eligible_providers

ALFA, BETA, GAMMA, DELTA = "11111111", "22222222", "33333333", "44444444"
TERM_2022 = Term(date(2022, 1, 1), 2, extensions=(1, 1))
FRAMEWORKS = (
    FrameworkAgreement(
        "WMO2022",
        "Raamovereenkomst 2022",
        ProcurementProcedure.SAS,
        TERM_2022,
        (
            Lot("IB", "Individuele begeleiding", Law.WMO, frozenset({"02O11", "02B11"})),
            Lot("HH", "Huishoudelijke hulp", Law.WMO, frozenset({"01H01"})),
        ),
    ),
    FrameworkAgreement(
        "JW2022",
        "Jeugd 2022",
        ProcurementProcedure.TENDER,
        TERM_2022,
        (Lot("KMB", "Kind met beperking", Law.JEUGD, frozenset({"02O11"})),),
    ),
)
CONTRACTS = (
    Contract("C1", ALFA, "WMO2022", "IB", TERM_2022.period),
    Contract("C2", BETA, "WMO2022", "IB", Period(date(2022, 1, 1), date(2022, 6, 30))),
    Contract("C3", GAMMA, "WMO2022", "HH", TERM_2022.period),
    Contract("C4", DELTA, "JW2022", "KMB", TERM_2022.period),
)


def contracted(product: str, day: date, law: Law = Law.WMO) -> set[str]:
    return contracted_providers(CONTRACTS, FRAMEWORKS, law, product, day)


def test_a_contract_valid_on_the_day_for_a_lot_with_the_product_counts() -> None:
    assert contracted("02O11", date(2022, 2, 1)) == {ALFA, BETA}
    # both ends of a contract are included
    assert contracted("02B11", date(2022, 1, 1)) == {ALFA, BETA}
    assert contracted("02B11", date(2023, 12, 31)) == {ALFA}


def test_an_expired_or_not_yet_started_contract_does_not_count() -> None:
    assert contracted("02O11", date(2022, 7, 1)) == {ALFA}  # Beta's ended on 2022-06-30
    assert contracted("02O11", date(2021, 12, 31)) == set()
    assert contracted("02O11", date(2024, 1, 1)) == set()  # the extension is not used


def test_a_contract_for_another_lot_or_another_product_does_not_count() -> None:
    assert GAMMA not in contracted("02O11", date(2022, 2, 1))  # Gamma holds the other lot
    assert contracted("01H01", date(2022, 2, 1)) == {GAMMA}
    assert contracted("OZR1", date(2022, 2, 1)) == set()  # in no lot at all


def test_the_same_code_under_another_law_is_another_product() -> None:
    assert contracted("02O11", date(2022, 2, 1), Law.JEUGD) == {DELTA}
    assert DELTA not in contracted("02O11", date(2022, 2, 1))


def test_a_contract_of_an_unknown_framework_does_not_count() -> None:
    stray = Contract("C9", "99999999", "GONE", "IB", TERM_2022.period)
    assert contracted_providers([stray], FRAMEWORKS, Law.WMO, "02O11", date(2022, 2, 1)) == set()


def test_eligible_providers_keep_only_the_contracted_ones_when_asked() -> None:
    def provider(agb: str, name: str) -> Provider:
        return Provider(
            agb,
            name,
            laws=frozenset({Law.WMO}),
            target_groups=frozenset({TargetGroup.MILD_INTELLECTUAL_DISABILITY}),
            municipalities_served=frozenset({"0321"}),
        )

    candidates = [provider(ALFA, "Alfa"), provider(BETA, "Beta"), provider(GAMMA, "Gamma")]
    every = eligible_providers(candidates, "0321", None, Law.WMO, {})
    assert {m.provider.agb_code for m in every} == {ALFA, BETA, GAMMA}
    only = eligible_providers(
        candidates, "0321", None, Law.WMO, {}, contracted=contracted("02O11", date(2022, 7, 1))
    )
    assert [m.provider.agb_code for m in only] == [ALFA]
    assert eligible_providers(candidates, "0321", None, Law.WMO, {}, contracted=set()) == []


def test_a_decision_starts_while_its_model_is_in_force() -> None:
    models = load_models()
    new, old = models["lekstroom-2022"].info, models["lekstroom-ozr"].info
    check_model_valid_on(new, date(2022, 1, 1))  # valid_from itself is in force
    check_model_valid_on(old, date(2021, 12, 31))  # and so is valid_until
    with pytest.raises(IntakeRefused) as before:
        check_model_valid_on(new, date(2021, 6, 1))
    assert before.value.reason is RefusalReason.START_BEFORE_MODEL_VALID
    assert "2022-01-01" in before.value.message_en and "2021-06-01" in before.value.message_en
    with pytest.raises(IntakeRefused) as after:
        check_model_valid_on(old, date(2022, 1, 1))
    assert after.value.reason is RefusalReason.START_AFTER_MODEL_VALID
    assert after.value.reason.value == "start-after-model-valid"


def test_a_reached_collective_ceiling_closes_its_member_contracts_for_the_year_only():
    from zorginkoop.domain.contracts import CollectiveCeiling, providers_closed_by_collective_ceilings
    from zorginkoop.domain.money import Money

    free = Contract("V1", "11111111", "FW", "L1", Period(date(2021, 1, 1), None))
    other = Contract("C2", "22222222", "FW", "L1", Period(date(2021, 1, 1), None))
    ceiling = CollectiveCeiling("VRIJ", "Vrijgevestigden", Money.euros(2_300_000), 2021, frozenset({"V1"}))
    day = date(2021, 9, 1)
    closed = providers_closed_by_collective_ceilings([free, other], [ceiling], {("VRIJ", 2021)}, day)
    assert closed == {"11111111": ceiling}
    assert providers_closed_by_collective_ceilings([free, other], [ceiling], set(), day) == {}  # not reached
    # the next year begins with room again
    assert (
        providers_closed_by_collective_ceilings([free], [ceiling], {("VRIJ", 2021)}, date(2022, 1, 3)) == {}
    )
