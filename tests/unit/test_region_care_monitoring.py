# SPDX-License-Identifier: EUPL-1.2
from datetime import date, datetime

import pytest

from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.care import Allocation, CareError, Client, Gender, check_bsn
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import ProviderSpend, concentration, providers_holding
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Municipality, Provider, Region, RegionError, eligible_providers


def provider(agb: str, name: str, **kwargs) -> Provider:
    defaults = dict(
        laws=frozenset({Law.WMO}),
        target_groups=frozenset({TargetGroup.MILD_INTELLECTUAL_DISABILITY}),
        municipalities_served=frozenset({"0356"}),
    )
    defaults.update(kwargs)
    return Provider(agb, name, **defaults)


def test_municipalities_and_providers_check_their_codes():
    with pytest.raises(RegionError, match="four digits"):
        Municipality("356", "Nieuwegein", 63000)
    with pytest.raises(RegionError, match="eight digits"):
        provider("1234", "Kort")
    region = Region(
        "lekstroom",
        "Lekstroom",
        (Municipality("0356", "Nieuwegein", 63000), Municipality("0321", "Houten", 50000)),
    )
    assert region.municipality("nieuwegein").code == "0356"
    assert region.municipality("0321").name == "Houten"
    with pytest.raises(RegionError, match="known: Nieuwegein"):
        region.municipality("Utrecht")


def test_eligible_providers_serve_the_area_group_and_law_and_have_room():
    candidates = [
        provider("11111111", "Alfa", waiting_weeks=4),
        provider("22222222", "Beta", waiting_weeks=1),
        provider("33333333", "Gamma", client_stop=True),
        provider("44444444", "Delta", capacity=10),
        provider("55555555", "Epsilon", municipalities_served=frozenset({"0321"})),
        provider("66666666", "Zeta", target_groups=frozenset({TargetGroup.ACQUIRED_BRAIN_INJURY})),
        provider("77777777", "Eta", laws=frozenset({Law.JEUGD})),
    ]
    matches = eligible_providers(
        candidates, "0356", TargetGroup.MILD_INTELLECTUAL_DISABILITY, Law.WMO, {"44444444": 10}
    )
    assert [m.provider.name for m in matches] == ["Beta", "Alfa"]
    matches = eligible_providers(
        candidates, "0356", TargetGroup.MILD_INTELLECTUAL_DISABILITY, Law.WMO, {"44444444": 9}
    )
    assert [m.provider.name for m in matches] == ["Delta", "Beta", "Alfa"]


def test_bsn_eleven_test():
    assert check_bsn("999900006") == "999900006"
    with pytest.raises(CareError, match="eleven-test"):
        check_bsn("999900007")
    with pytest.raises(CareError):
        Client("123", date(2000, 1, 1), "Jansen", "J", Gender.MALE, "0356")


def allocation(**kwargs) -> Allocation:
    values = dict(
        number=101,
        client_bsn="999900006",
        provider_agb="11111111",
        municipality_code="0356",
        law=Law.WMO,
        category="02",
        product_code="OZR2",
        valid=Period(date(2021, 1, 1), date(2021, 12, 31)),
        allocated_at=datetime(2020, 12, 14, 10, 0),
        volume=3,
        unit=Unit.UUR,
        frequency=Frequency.PER_WEEK,
    )
    values.update(kwargs)
    return Allocation(**values)


def test_allocation_follows_the_allocation_variants():
    assert allocation().active_on(date(2021, 6, 1))
    assert not allocation(change_reason=ChangeReason.VERWIJDERD).active_on(date(2021, 6, 1))
    with pytest.raises(CareError, match="go together"):
        allocation(unit=None)
    with pytest.raises(CareError, match="either an Omvang or a budget"):
        allocation(budget=Money.euros(1000))
    with pytest.raises(CareError, match="needs an end date"):
        allocation(valid=Period(date(2021, 1, 1)))
    budget_only = allocation(
        volume=None, unit=None, frequency=None, product_code=None, budget=Money.euros(6000)
    )
    assert budget_only.budget == Money.euros(6000)


def test_scope_parsing():
    assert Scope.parse("municipality:0356") == Scope.municipality("0356")
    assert Scope.parse("region").kind is ScopeKind.REGION
    with pytest.raises(ValueError):
        Scope.parse("municipality")
    with pytest.raises(ValueError):
        Scope.parse("everyone")


def spend(costs_and_clients: list[tuple[int, int]]) -> list[ProviderSpend]:
    return [
        ProviderSpend(f"{i:08d}", f"P{i}", clients, Money.euros(cost))
        for i, (cost, clients) in enumerate(costs_and_clients)
    ]


def test_concentration_reads_shares_as_the_memo_does():
    providers = spend([(500, 50), (300, 30), (100, 10), (50, 5), (30, 3), (20, 2)])
    assert providers_holding(providers, 80) == 2  # 80.0%
    assert providers_holding(providers, 90) == 3  # 90.0%
    result = concentration(providers)
    assert result.total.providers == 6 and result.total.cost == Money.euros(1000)
    assert result.smallest_rest.providers == 3 and result.smallest_rest.cost == Money.euros(100)
    assert result.small_providers.providers == 3 and result.small_providers.cost == Money.euros(100)


def test_concentration_rounds_to_whole_percents():
    providers = spend([(8949, 100), (1051, 10)])  # 89.49% rounds to 89, not 90
    assert providers_holding(providers, 90) == 2
    providers = spend([(8950, 100), (1050, 10)])  # 89.50% rounds to 90
    assert providers_holding(providers, 90) == 1
