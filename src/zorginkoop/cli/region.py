# SPDX-License-Identifier: EUPL-1.2
"""What a contract manager looks at: providers, the catalogue with tariffs, contracts and their calendar."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import typer

from zorginkoop.cli.common import (
    DB_OPTION,
    checked_year,
    known_product,
    known_provider,
    platform_for,
    store_errors,
    unit_of_work,
)
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, console, fail, plain, render
from zorginkoop.domain.provider_channel import DeliveryChannel


class StopSwitch(str, Enum):
    on = "on"
    off = "off"


providers_app = typer.Typer(help="Providers of the region.", no_args_is_help=True)
catalogue_app = typer.Typer(help="Product catalogue and tariffs.", no_args_is_help=True)
contracts_app = typer.Typer(
    help="Framework agreements, contracts, ceilings and extension decisions.", no_args_is_help=True
)


@providers_app.command("list")
def list_providers(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Every provider with its laws, target groups, delivery area, client stop, capacity and waiting time."""
    with unit_of_work(platform_for(db)) as uow:
        names = uow.region.municipality_names()
        providers = uow.providers.all()
    rows = [
        {
            "agb": p.agb_code,
            "provider": p.name,
            "laws": sorted(law.value for law in p.laws),
            "target_groups": sorted(g.value for g in p.target_groups),
            "municipalities": sorted(names.get(c, c) for c in p.municipalities_served),
            "client_stop": "ja" if p.client_stop else "nee",
            "capacity": p.capacity,
            "waiting_weeks": p.waiting_weeks,
            "free_practitioner": "ja" if p.free_practitioner else "nee",
        }
        for p in providers
    ]
    columns = [
        "agb",
        "provider",
        "laws",
        "target_groups",
        "municipalities",
        "client_stop",
        "capacity",
        "waiting_weeks",
        "free_practitioner",
    ]
    render(rows, columns, fmt, title="Providers")


@providers_app.command("channel")
def channel(
    agb: Annotated[str, typer.Argument(help="the provider's AGB code", show_default=False)],
    to: Annotated[DeliveryChannel, typer.Argument(help="api or files", show_default=False)],
    db: str | None = DB_OPTION,
) -> None:
    """Deliver the provider's outbox through the HTTP API (api) or as files by `messages export`
    (files, the default). One channel at a time: the other neither lists nor delivers it."""
    from zorginkoop.services.provider_channel import ChannelError, switch_channel

    with store_errors():
        try:
            before = switch_channel(unit_of_work(platform_for(db)), agb, to)
        except ChannelError as exc:
            fail(str(exc))
    console.print(plain(f"provider {agb}: delivery channel {to.value} (was {before.value})"), highlight=False)


@providers_app.command("client-stop")
def client_stop(
    agb: Annotated[str, typer.Argument(help="the provider's AGB code", show_default=False)],
    state: Annotated[StopSwitch, typer.Argument(help="on or off", show_default=False)],
    db: str | None = DB_OPTION,
) -> None:
    """Switch a provider's client stop on (no new clients: consultants no longer see it among
    the eligible providers) or off. Care already allocated runs on."""
    from zorginkoop.services.providers import ProviderError, set_client_stop

    with store_errors(), unit_of_work(platform_for(db)) as uow:
        try:
            before = set_client_stop(uow, agb, state is StopSwitch.on)
        except ProviderError as exc:
            fail(str(exc))
    was = "on" if before else "off"
    console.print(plain(f"provider {agb}: client stop {state.value} (was {was})"), highlight=False)


@catalogue_app.command("products")
def products(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Products with category, unit, frequency and financing variant."""
    with unit_of_work(platform_for(db)) as uow:
        items = uow.catalogue.products()
    rows = [
        {
            "law": p.law.value,
            "code": p.code,
            "name": p.name,
            "category": p.category,
            "unit": f"{p.unit.value} {p.unit.label}",
            "frequency": f"{p.frequency.value} {p.frequency.label}",
            "variant": p.variant.value,
        }
        for p in items
    ]
    render(rows, ["law", "code", "name", "category", "unit", "frequency", "variant"], fmt, title="Products")


@catalogue_app.command("tariffs")
def tariffs(
    product: str | None = typer.Option(None, "--product", help="only this product code"),
    on: str | None = typer.Option(None, "--on", help="only tariffs valid on this date (YYYY-MM-DD)"),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Tariffs with their validity periods (indexed yearly; derived tariffs say so in the note)."""
    day = _date(on) if on else None
    platform = platform_for(db)
    if product is not None:
        product = known_product(platform, product)
    with unit_of_work(platform) as uow:
        items = uow.catalogue.tariffs()
    rows = [
        {
            "product": tariff.product_code,
            "tariff_eur": str(tariff.amount),
            "valid_from": tariff.valid.start.isoformat(),
            "valid_to": tariff.valid.end.isoformat() if tariff.valid.end else "",
            "note": tariff.note,
        }
        for tariff in items
        if (product is None or tariff.product_code == product) and (day is None or tariff.valid.contains(day))
    ]
    render(rows, ["product", "tariff_eur", "valid_from", "valid_to", "note"], fmt, title="Tariffs")


@contracts_app.command("list")
def list_contracts(
    provider: str | None = typer.Option(None, "--provider", help="only this provider's AGB code"),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Provider contracts per framework agreement and lot, with ceiling and agreement kind."""
    platform = platform_for(db)
    if provider is not None:
        provider = known_provider(platform, provider)
    with unit_of_work(platform) as uow:
        lots = {(fw.code, lot.code): lot for fw in uow.contracts.frameworks() for lot in fw.lots}
        providers = {p.agb_code: p.name for p in uow.providers.all()}
        contracts = uow.contracts.contracts(provider)
    rows = [
        {
            "contract": c.number,
            "agb": c.provider_agb,
            "provider": providers.get(c.provider_agb, ""),
            "framework": c.framework_code,
            "lot": c.lot_code,
            "kind": lots[(c.framework_code, c.lot_code)].kind.value,
            "valid_from": c.valid.start.isoformat(),
            "valid_to": c.valid.end.isoformat() if c.valid.end else "",
            "ceiling_eur": str(c.ceiling) if c.ceiling is not None else "",
            "beyond_ceiling": c.ceiling_policy.value,
        }
        for c in contracts
    ]
    columns = [
        "contract",
        "agb",
        "provider",
        "framework",
        "lot",
        "kind",
        "valid_from",
        "valid_to",
        "ceiling_eur",
        "beyond_ceiling",
    ]
    render(rows, columns, fmt, title="Contracts")


@contracts_app.command("calendar")
def calendar(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Framework agreements with their term and the dates by which each extension must be decided."""
    with unit_of_work(platform_for(db)) as uow:
        frameworks = uow.contracts.frameworks()
    rows = []
    for fw in frameworks:
        term = fw.term
        base = {
            "framework": fw.code,
            "name": fw.name,
            "procedure": fw.procedure.value,
            "start": term.start.isoformat(),
        }
        decisions = term.extension_calendar()
        if not decisions:
            rows.append(
                {
                    **base,
                    "term_ends": term.end.isoformat() if term.end else "onbepaald",
                    "decide_by": "",
                    "extends_to": "",
                    "used": "",
                }
            )
        for d in decisions:
            rows.append(
                {
                    **base,
                    "term_ends": d.term_ends.isoformat(),
                    "decide_by": d.decide_by.isoformat(),
                    "extends_to": d.extended_until.isoformat(),
                    "used": "ja" if d.number <= term.extensions_used else "nee",
                }
            )
    render(
        rows,
        ["framework", "name", "procedure", "start", "term_ends", "decide_by", "extends_to", "used"],
        fmt,
        title="Extension calendar",
    )


@contracts_app.command("ceilings")
def ceilings(
    year: int | None = typer.Option(None, "--year", help="only this year", callback=checked_year),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Collective ceilings (e.g. all free practitioners together) with their member contracts."""
    with unit_of_work(platform_for(db)) as uow:
        items = uow.contracts.collective_ceilings(year)
    rows = [
        {
            "ceiling": c.code,
            "name": c.name,
            "year": c.year,
            "amount_eur": str(c.amount),
            "contracts": len(c.contract_numbers),
            "beyond": c.policy.value,
        }
        for c in items
    ]
    render(
        rows,
        ["ceiling", "name", "year", "amount_eur", "contracts", "beyond"],
        fmt,
        title="Collective ceilings",
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"not a date in the form YYYY-MM-DD: {text!r}")
