# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop demo``: a working Lekstroom region in one command."""

from __future__ import annotations

import time

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import OperationalError

from zorginkoop.adapters.db.session import StoreError, make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli.common import DB_OPTION, settings
from zorginkoop.cli.output import OutputFormat, console, fail, render
from zorginkoop.domain.codes import Law
from zorginkoop.services import reports


def demo(
    db: str | None = DB_OPTION,
    seed: int = typer.Option(2020, "--seed", help="random seed; the same seed gives the same region"),
    scale: int = typer.Option(
        1,
        "--scale",
        min=1,
        max=900,
        help="a region N times larger for benchmarks: N copies of the care, same providers and products",
    ),
) -> None:
    """Build the Lekstroom demo region in the store and show the memo's 2020 Wmo table.

    Five municipalities, 49 Wmo providers and Jeugd care, 2018-2020 history, allocations running
    into 2021 with their 301s in the outbox, the providers' 305/307 history with end reasons, goals
    reached at the end evaluations, and the 2022 framework agreement. An earlier demo in the same
    store is replaced; a store with another region is refused. With --scale N the memo's figures
    are N times the memo's."""
    from zorginkoop.services.demo import DemoError, build_demo  # the generator loads only when asked

    url = settings(db).database_url
    started = time.perf_counter()
    try:
        engine = make_engine(url)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("building the Lekstroom demo region", total=None)

            def step(name: str, count: int) -> None:
                progress.update(task, description=f"{name}: {count:,}")
                progress.console.print(f"  [green]✓[/] {name}: {count:,}")

            summary = build_demo(engine, seed=seed, progress=step, scale=scale)
    except (DemoError, StoreError) as exc:
        fail(str(exc))
    except OperationalError as exc:  # a folder that vanished, a read-only file, a lost server
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        fail(f"the database could not be written ({first}); check --db ({url})")
    elapsed = time.perf_counter() - started
    console.print(
        f"Demo region Lekstroom built in {elapsed:.1f} s: {summary.municipalities} municipalities, "
        f"{summary.providers} providers, {summary.clients:,} clients, {summary.allocations:,} allocations, "
        f"{summary.lines:,} declared lines (seed {seed}{f', scale {scale}' if scale > 1 else ''}).",
        highlight=False,
    )
    with UnitOfWork(engine) as uow:
        lines, total = reports.costs_by_municipality(uow, 2020, Law.WMO)
    rows = [
        {"municipality": line.municipality, "clients": line.clients, "cost_eur": str(line.cost)}
        for line in lines
    ]
    sums = [{"municipality": "total", "clients": total.clients, "cost_eur": str(total.cost)}]
    render(
        rows, ["municipality", "clients", "cost_eur"], OutputFormat.table, title="Wmo begeleiding (OZR) 2020",
        totals=sums,
    )  # fmt: skip
    console.print(f"Store: {url}", highlight=False)
