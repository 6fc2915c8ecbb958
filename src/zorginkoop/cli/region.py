# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""What a contract manager looks at: providers, the catalogue with tariffs, contracts and their calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from enum import Enum
from typing import Annotated, TypeVar

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
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, console, fail, note_line, plain, render
from zorginkoop.domain.catalogue import CatalogueError as DomainCatalogueError
from zorginkoop.domain.codes import Law
from zorginkoop.domain.contracts import (
    CeilingPolicy,
    ContractError,
    ContractSpec,
    ExtensionChoice,
    FrameworkSpec,
    LotSpec,
    ProcurementProcedure,
    parse_euros,
    parse_percentage,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.provider_channel import DeliveryChannel

T = TypeVar("T")


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
    state: Annotated[
        StopSwitch | None, typer.Argument(help="on or off (or --on / --off)", show_default=False)
    ] = None,
    switch: Annotated[bool | None, typer.Option("--on/--off", help="switch the stop on or off")] = None,
    db: str | None = DB_OPTION,
) -> None:
    """Switch a provider's client stop on (no new clients: consultants no longer see it among
    the eligible providers) or off. Care already allocated runs on."""
    from zorginkoop.services.providers import ProviderError, set_client_stop

    if (state is None) == (switch is None):
        fail("say on or off once: `client-stop AGB on`, or `client-stop AGB --on`")
    stop = state is StopSwitch.on if state is not None else bool(switch)
    with store_errors(), unit_of_work(platform_for(db)) as uow:
        try:
            before = set_client_stop(uow, agb, stop)
        except ProviderError as exc:
            fail(str(exc))
    was = "on" if before else "off"
    now = "on" if stop else "off"
    console.print(plain(f"provider {agb}: client stop {now} (was {was})"), highlight=False)


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
    """Framework agreements with their term and the dates by which each extension must be decided;
    ``decided``: the contracts recorded as extended (ja) and not extended (nee) per option."""
    with unit_of_work(platform_for(db)) as uow:
        frameworks = uow.contracts.frameworks()
        recorded = uow.contracts.extension_decisions()
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
                    "decided": "",
                }
            )
        for d in decisions:
            mine = [r.decision for r in recorded if r.framework_code == fw.code and r.option == d.number]
            extended = mine.count(ExtensionChoice.EXTEND.value)
            declined = mine.count(ExtensionChoice.DECLINE.value)
            rows.append(
                {
                    **base,
                    "term_ends": d.term_ends.isoformat(),
                    "decide_by": d.decide_by.isoformat(),
                    "extends_to": d.extended_until.isoformat(),
                    "used": "ja" if d.number <= term.extensions_used else "nee",
                    "decided": f"{extended} ja, {declined} nee" if mine else "",
                }
            )
    render(
        rows,
        [
            "framework",
            "name",
            "procedure",
            "start",
            "term_ends",
            "decide_by",
            "extends_to",
            "used",
            "decided",
        ],
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


# -- the contract manager's writing commands (services.contracts) ---------------------------------

tariff_app = typer.Typer(help="Add and index tariffs.", no_args_is_help=True)
catalogue_app.add_typer(tariff_app, name="tariff")
ceiling_app = typer.Typer(help="Set a contract's or a collective ceiling.", no_args_is_help=True)
contracts_app.add_typer(ceiling_app, name="ceiling")

LAW_OPTION = typer.Option("wmo", "--law", help="wmo or jeugd")
_NEGATIVE_ARGUMENTS = {"ignore_unknown_options": True}
"""``-5`` is an amount (refused as negative) or a percentage (a lowered index), not an option."""


def _law(text: str) -> Law:
    try:
        return Law(text.lower())
    except ValueError:
        fail(f"--law {text!r}: choose wmo or jeugd")


def _euros(text: str, what: str) -> Money:
    try:
        return parse_euros(text)
    except ContractError as exc:
        fail(f"{what}: {exc}")


def _optional_date(text: str | None) -> date | None:
    return _date(text) if text is not None else None


def _term(text: str) -> tuple[int | None, tuple[int, ...]]:
    """``2+1+1`` (two years, two options of one year), ``5`` or ``indefinite``/``onbepaald``."""
    if text.strip().lower() in {"indefinite", "onbepaald"}:
        return None, ()
    try:
        years = [int(part) for part in text.split("+")]
    except ValueError:
        fail(f"--term {text!r}: write years like 2+1+1, or indefinite")
    return years[0], tuple(years[1:])


def _lot(text: str) -> LotSpec:
    """``CODE:LAW:PRODUCT,PRODUCT[:NAME]``, e.g. ``OZR:wmo:OZR1,OZR2:Ondersteuning``."""
    parts = text.split(":", 3)
    if len(parts) < 3 or not parts[0] or not parts[2]:
        fail(f"--lot {text!r}: write CODE:LAW:PRODUCT,PRODUCT[:NAME], e.g. OZR:wmo:OZR1,OZR2")
    products = tuple(code.strip() for code in parts[2].split(",") if code.strip())
    return LotSpec(parts[0], parts[3] if len(parts) > 3 else parts[0], _law(parts[1]), products)


def _priced(text: str) -> tuple[str, Money]:
    code, sep, amount = text.partition("=")
    if not sep or not code.strip():
        fail(f"--tariff {text!r}: write PRODUCT=AMOUNT, e.g. OZR1=48,75")
    return code.strip(), _euros(amount, f"--tariff {code.strip()}")


def _written(call: Callable[[], T]) -> T:
    """A writing use case: its refusal (ContractError, CatalogueError) as one line, exit 1."""
    from zorginkoop.services.contracts import CatalogueError

    with store_errors():
        try:
            return call()
        except (ContractError, CatalogueError, DomainCatalogueError) as exc:
            fail(str(exc), code=1)


@tariff_app.command("add", context_settings=_NEGATIVE_ARGUMENTS)
def tariff_add(
    product: Annotated[str, typer.Argument(help="product code", show_default=False)],
    amount: Annotated[str, typer.Argument(help="euros per unit, e.g. 52,10", show_default=False)],
    valid_from: str = typer.Option(..., "--from", help="first day (YYYY-MM-DD)"),
    valid_to: str | None = typer.Option(None, "--to", help="last day (YYYY-MM-DD); open without"),
    provider: str | None = typer.Option(None, "--provider", help="a provider's own price (AGB code)"),
    law: str = LAW_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Add a product's tariff from a day: the catalogue's, or with --provider that provider's own
    price (its bid price). An open tariff starting earlier is closed the day before."""
    from zorginkoop.services.contracts import add_tariff

    chosen = _law(law)
    money = _euros(amount, "amount")
    start, end = _date(valid_from), _optional_date(valid_to)
    platform = platform_for(db)
    added = _written(
        lambda: add_tariff(
            unit_of_work(platform), chosen, product, money, start, valid_to=end, provider_agb=provider
        )
    )
    whose = f" for provider {provider}" if provider else ""
    console.print(plain(f"tariff {product}{whose}: EUR {added.tariff.amount} {_span(added.tariff.valid)}"))
    if added.closed is not None:
        console.print(
            plain(f"closed: EUR {added.closed.amount} from {added.closed.valid.start} to {start - _DAY}")
        )


@tariff_app.command("index", context_settings=_NEGATIVE_ARGUMENTS)
def tariff_index(
    percentage: Annotated[str, typer.Argument(help="e.g. 2,75", show_default=False)],
    valid_from: str = typer.Option(..., "--from", help="first day of the indexed tariffs (YYYY-MM-DD)"),
    law: str = LAW_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Index every catalogue tariff in force the day before --from by a percentage, rounded once
    to cents per tariff."""
    from zorginkoop.services.contracts import index_tariffs

    chosen = _law(law)
    try:
        value = parse_percentage(percentage)
    except ContractError as exc:
        fail(str(exc))
    start = _date(valid_from)
    platform = platform_for(db)
    added = _written(lambda: index_tariffs(unit_of_work(platform), chosen, value, start))
    rows = [
        {
            "product": a.tariff.product_code,
            "tariff_eur": str(a.tariff.amount),
            "valid_from": a.tariff.valid.start.isoformat(),
            "valid_to": a.tariff.valid.end.isoformat() if a.tariff.valid.end else "",
        }
        for a in added
    ]
    render(rows, ["product", "tariff_eur", "valid_from", "valid_to"], fmt, title=f"Indexed by {value}%")


@contracts_app.command("framework")
def framework_create(
    code: Annotated[str, typer.Argument(help="the agreement's code", show_default=False)],
    procedure: Annotated[ProcurementProcedure, typer.Option("--procedure", help="how it was procured")],
    lots: Annotated[list[str], typer.Option("--lot", help="CODE:LAW:PRODUCT,PRODUCT[:NAME], repeatable")],
    name: str = typer.Option(..., "--name", help="the agreement's name"),
    start: str = typer.Option(..., "--start", help="first day of the term (YYYY-MM-DD)"),
    term: str = typer.Option(..., "--term", help="years and extension options: 2+1+1, 5 or indefinite"),
    notice_months: int = typer.Option(6, "--notice-months", help="months before a term end to decide"),
    db: str | None = DB_OPTION,
) -> None:
    """Create a framework agreement with its term, extension options and lots."""
    from zorginkoop.services.contracts import create_framework

    initial, extensions = _term(term)
    spec = FrameworkSpec(
        code, name, procedure, _date(start), initial, tuple(_lot(x) for x in lots), extensions, notice_months
    )
    platform = platform_for(db)
    created = _written(lambda: create_framework(unit_of_work(platform), spec))
    console.print(plain(f"framework agreement {created}: {len(lots)} lot(s), term {term} from {start}"))


@contracts_app.command("create")
def contract_create(
    agb: Annotated[str, typer.Argument(help="the provider's AGB code", show_default=False)],
    framework: str = typer.Option(..., "--framework", help="the framework agreement's code"),
    lot: str = typer.Option(..., "--lot", help="the lot's code"),
    valid_from: str | None = typer.Option(None, "--from", help="first day; default the term's start"),
    valid_to: str | None = typer.Option(None, "--to", help="last day; default the term's end"),
    tariffs: Annotated[
        list[str] | None, typer.Option("--tariff", help="own price PRODUCT=AMOUNT (bid price), repeatable")
    ] = None,
    ceiling: str | None = typer.Option(None, "--ceiling", help="yearly ceiling in euros"),
    policy: Annotated[
        CeilingPolicy, typer.Option("--beyond-ceiling", help="signaleren or weigeren")
    ] = CeilingPolicy.SIGNAL,
    number: str | None = typer.Option(None, "--number", help="contract number; default FRAMEWORK-LOT-AGB"),
    db: str | None = DB_OPTION,
) -> None:
    """Contract a provider for a lot: the lot's tariff for all its products, or with --tariff the
    provider's own prices. Warns about products and years without a tariff."""
    from zorginkoop.services.contracts import create_contract, tariff_gaps

    spec = ContractSpec(
        agb, framework, lot, _optional_date(valid_from), _optional_date(valid_to),
        tuple(_priced(x) for x in tariffs or ()), _euros(ceiling, "--ceiling") if ceiling is not None else None,
        policy, None, number,
    )  # fmt: skip
    platform = platform_for(db)
    created = _written(lambda: create_contract(unit_of_work(platform), spec))
    console.print(plain(f"contract {created}: provider {agb}, {framework} lot {lot}"))
    gaps = tariff_gaps(unit_of_work(platform), created)
    if gaps:
        shown = ", ".join(f"{code} {year}" for code, year in gaps[:6]) + (" ..." if len(gaps) > 6 else "")
        note_line(f"note: no tariff for {shown}: declared lines there come back 0611")


@contracts_app.command("extend")
def contract_extend(
    number: Annotated[str, typer.Argument(help="the contract's number", show_default=False)],
    decline: bool = typer.Option(False, "--decline", help="record that the option is not used"),
    on: str | None = typer.Option(None, "--on", help="day of the decision (YYYY-MM-DD); default today"),
    db: str | None = DB_OPTION,
) -> None:
    """Record the decision on the contract's next extension option: extend (to the option's end;
    the extension calendar shows it used) or, with --decline, let the contract end as it stands."""
    from zorginkoop.services.contracts import extend_contract

    day = _date(on) if on else date.today()
    choice = ExtensionChoice.DECLINE if decline else ExtensionChoice.EXTEND
    platform = platform_for(db)
    done = _written(lambda: extend_contract(unit_of_work(platform), number, choice, day))
    until = done.valid_until.isoformat() if done.valid_until else "indefinite"
    verb = "extended" if choice is ExtensionChoice.EXTEND else "not extended"
    console.print(plain(f"contract {number}: option {done.option.number} {verb}, runs to {until}"))


@contracts_app.command("end")
def contract_end(
    number: Annotated[str, typer.Argument(help="the contract's number", show_default=False)],
    on: str = typer.Option(..., "--on", help="the contract's last day (YYYY-MM-DD)"),
    reason: str = typer.Option(..., "--reason", help="why it ends"),
    db: str | None = DB_OPTION,
) -> None:
    """End a contract early (once): --on is its last day. Allocations running past it are
    ended (reason 03) by `zorginkoop access contract-ends`, not here."""
    from zorginkoop.services.contracts import end_contract

    day = _date(on)
    platform = platform_for(db)
    _written(lambda: end_contract(unit_of_work(platform), number, day, reason))
    console.print(plain(f"contract {number}: ends {day.isoformat()} ({' '.join(reason.split())})"))


@ceiling_app.command("set", context_settings=_NEGATIVE_ARGUMENTS)
def ceiling_set(
    target: Annotated[
        str, typer.Argument(help="a contract number or a collective ceiling's code", show_default=False)
    ],
    amount: Annotated[str, typer.Argument(help="euros, e.g. 250000 or 250.000,00", show_default=False)],
    year: int = typer.Option(..., "--year", help="the year", callback=checked_year),
    db: str | None = DB_OPTION,
) -> None:
    """Set a contract's yearly ceiling (it holds for every year of the contract) or a collective
    ceiling's amount for a year (a new year takes the members still running)."""
    from zorginkoop.services.contracts import set_ceiling

    money = _euros(amount, "amount")
    platform = platform_for(db)
    kind = _written(lambda: set_ceiling(unit_of_work(platform), target, year, money))
    console.print(plain(f"{kind} ceiling {target} {year}: EUR {money}"))


_DAY = timedelta(days=1)


def _span(period: Period) -> str:
    end = period.end.isoformat() if period.end else "open"
    return f"from {period.start.isoformat()} to {end}"
