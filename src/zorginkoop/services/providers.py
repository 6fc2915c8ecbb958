# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the contract manager about providers: the list, one provider's page, and the
client stop (clientenstop) switched on and off.

A provider on client stop takes no new clients: :func:`zorginkoop.domain.region.eligible_providers`
leaves it out when a consultant allocates. Care already allocated runs on; the stop worklist of
the back office (:mod:`zorginkoop.services.stops`, a provider's 307) is about ending one client's
care and is not touched by a client stop. Nothing here reads personal data: counts and sums only.

Each function takes an open unit of work (``with uow:``), as :mod:`zorginkoop.services.reports`
does; :func:`set_client_stop` commits it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.catalogue import NoTariff, Product, TariffSchedule, with_own_prices
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, Lot
from zorginkoop.domain.money import Money
from zorginkoop.domain.provider_channel import DeliveryChannel
from zorginkoop.domain.region import Provider
from zorginkoop.services.spending import CeilingUseLine, ceiling_uses


class ProviderError(ValueError):
    """No such provider (the message is one line for the caller)."""


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    """A provider as the list shows it: AGB code whole, laws, delivery area by name, client stop."""

    agb_code: str
    name: str
    laws: tuple[Law, ...]
    target_groups: tuple[TargetGroup, ...]
    municipalities: tuple[str, ...]
    """Names of the municipalities it serves, alphabetical."""
    client_stop: bool
    capacity: int | None
    waiting_weeks: int
    free_practitioner: bool


def _summary(provider: Provider, names: dict[str, str]) -> ProviderSummary:
    return ProviderSummary(
        provider.agb_code,
        provider.name,
        tuple(sorted(provider.laws, key=lambda law: law.value)),
        tuple(sorted(provider.target_groups, key=lambda group: group.value)),
        tuple(sorted((names.get(code, code) for code in provider.municipalities_served), key=str.lower)),
        provider.client_stop,
        provider.capacity,
        provider.waiting_weeks,
        provider.free_practitioner,
    )


def provider_list(uow: UnitOfWork, *, law: Law | None = None, municipality_code: str | None = None,
                  client_stop: bool | None = None) -> list[ProviderSummary]:  # fmt: skip
    """Every provider of the region by name, narrowed to a law, a municipality served or the
    client stop when asked."""
    names = uow.region.municipality_names()
    providers = uow.providers.all()
    return [
        _summary(p, names)
        for p in providers
        if (law is None or law in p.laws)
        and (municipality_code is None or municipality_code in p.municipalities_served)
        and (client_stop is None or p.client_stop is client_stop)
    ]


@dataclass(frozen=True, slots=True)
class ContractedProduct:
    """A product a contract covers, with the regional tariff on the day asked (None: no tariff)."""

    product: Product
    tariff: Money | None


@dataclass(frozen=True, slots=True)
class ProviderContract:
    contract: Contract
    framework: FrameworkAgreement
    lot: Lot
    products: tuple[ContractedProduct, ...]
    running: bool
    """The contract is valid on the day asked."""


@dataclass(frozen=True, slots=True)
class ProviderFile:
    """One provider's page: its facts, contracts with products and tariffs, ceilings with their
    use in ``year``, and the channel its outbox is delivered on."""

    provider: ProviderSummary
    channel: DeliveryChannel
    on: date
    year: int
    clients_in_care: int
    """Clients with an allocation to the provider running on ``on`` (in the reader's scope)."""
    contracts: tuple[ProviderContract, ...]
    ceilings: tuple[CeilingUseLine, ...]


def provider_file(uow: UnitOfWork, agb_code: str, *, on: date, year: int) -> ProviderFile:
    """The provider's page; :class:`ProviderError` when there is no such provider."""
    provider = uow.providers.get(agb_code)
    if provider is None:
        raise ProviderError(f"no provider with AGB code {agb_code}")
    names = uow.region.municipality_names()
    channel = DeliveryChannel(uow.messages.delivery_channel(agb_code) or DeliveryChannel.FILES.value)
    frameworks = {fw.code: fw for fw in uow.contracts.frameworks()}
    products = {(p.law, p.code): p for p in uow.catalogue.products()}
    schedules = {
        law: with_own_prices(
            TariffSchedule.of(uow.catalogue.tariffs(law)), uow.catalogue.provider_tariffs(law, agb_code)
        )
        for law in Law
    }
    contracts = []
    for c in uow.contracts.contracts(agb_code):
        framework = frameworks[c.framework_code]
        lot = framework.lot(c.lot_code)
        covered = tuple(
            ContractedProduct(products[lot.law, code], _tariff_on(schedules[lot.law], code, on))
            for code in sorted(lot.product_codes)
            if (lot.law, code) in products
        )
        contracts.append(ProviderContract(c, framework, lot, covered, c.valid.contains(on)))
    ceilings = ceiling_uses(uow, year, agb_code)
    contracts.sort(key=lambda pc: (not pc.running, -pc.contract.valid.start.toordinal(), pc.contract.number))
    in_care = uow.workflow.clients_in_care(on).get(agb_code, 0)
    return ProviderFile(
        _summary(provider, names), channel, on, year, in_care, tuple(contracts), tuple(ceilings)
    )


def _tariff_on(schedule: TariffSchedule, code: str, day: date) -> Money | None:
    try:
        return schedule.tariff_on(code, day)
    except NoTariff:
        return None


def set_client_stop(uow: UnitOfWork, agb_code: str, on: bool) -> bool:
    """Switch the provider's client stop on or off; returns what it was. From the commit on,
    the provider is (no longer) left out when a consultant looks for eligible providers."""
    provider = uow.providers.get(agb_code)
    if provider is None:
        raise ProviderError(f"no provider with AGB code {agb_code} (see `zorginkoop providers list`)")
    uow.providers.set_client_stop(agb_code, on)
    uow.commit()
    return provider.client_stop
