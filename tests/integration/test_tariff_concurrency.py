# SPDX-License-Identifier: EUPL-1.2
"""Two processes writing one product's tariffs at once never store overlapping tariffs: two OS
processes run ``zorginkoop catalogue tariff add`` (or ``catalogue tariff index``, or ``tenders
finalize``) on one SQLite file or one PostgreSQL schema, each held at a barrier right after it
first read a product's tariffs (the read its overlap check goes by), so both would pass the check
if nothing serialised them.

Afterwards no two tariffs of one product overlap (the catalogue's, or one provider's own: TR418
would pay against an ambiguous price), and every run either succeeded or ended with one clear
line, never a traceback and never "another change to the same records came first". The store is
the skeleton of :mod:`tests.integration.test_tender_concurrency` without the README example
tender's lot tariffs in the catalogue."""

from __future__ import annotations

import multiprocessing
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.e2e.test_cli_tenders import TENDER
from tests.integration.test_tender_concurrency import example_awarded, no_twice, skeleton
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.demo.lekstroom import DemoRegion, build_lekstroom
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts
from zorginkoop.services.demo import model_2022

PRODUCT = "02O11"
"""A product of the example tender's lot; the skeleton's catalogue has no tariff for it."""
WAIT = 3.0
"""How long a process waits at the barrier for the other: once the tariffs are serialised, the
second one waits for the first one's lock and never comes (the first goes on after this)."""
Run = tuple[str, int, str, str | None]


@pytest.fixture(scope="module")
def lekstroom() -> DemoRegion:
    return build_lekstroom(2020, model_2022=model_2022())


def _run(url: str, argv: list[str], barrier: Any, results: Any) -> None:
    """One ``zorginkoop`` command in this process, held at the barrier once it first read a
    product's tariffs."""
    import contextlib
    import threading

    from tests.e2e.test_cli_access import runner
    from zorginkoop.adapters.db.repositories import CatalogueRepository
    from zorginkoop.cli import app

    first_read, seen = CatalogueRepository.tariff_rows, []

    def held(self: CatalogueRepository, product_id: int, provider_agb: str | None = None) -> Any:
        found = first_read(self, product_id, provider_agb)
        seen.append(product_id)
        if len(seen) == 1:
            # broken after WAIT: the other process waits for this one's lock
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=WAIT)
        return found

    CatalogueRepository.tariff_rows = held  # type: ignore[method-assign]
    result = runner.invoke(app, [*argv, "--db", url])
    crashed = (
        None if result.exception is None or isinstance(result.exception, SystemExit) else result.exception
    )
    results.put((" ".join(argv[:3]), result.exit_code, result.stderr, repr(crashed) if crashed else None))


def at_once(engine: Engine, url: str, commands: list[list[str]]) -> list[Run]:
    engine.dispose()  # the children open their own connections
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(commands)), context.Queue()
    workers = [context.Process(target=_run, args=(url, argv, barrier, results)) for argv in commands]
    for w in workers:
        w.start()
    got = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    return got


def succeeded_or_one_line(runs: list[Run]) -> list[str]:
    """The commands that succeeded; every other one ended with one ``error:`` line."""
    for command, code, stderr, crashed in runs:
        assert crashed is None, (command, crashed, stderr)
        assert "Traceback" not in stderr and "another change" not in stderr, stderr
        if code != 0:
            lines = stderr.strip().splitlines()
            assert code == 1 and len(lines) == 1 and lines[0].startswith("error:"), (command, stderr)
    return [command for command, code, _s, _x in runs if code == 0]


def catalogue_tariffs(engine: Engine, code: str) -> list[tuple[date, date | None, int]]:
    with engine.connect() as c:
        return sorted(
            tuple(row)
            for row in c.execute(
                select(t.TariffRow.valid_from, t.TariffRow.valid_to, t.TariffRow.amount_cents)
                .join(t.ProductRow, t.ProductRow.id == t.TariffRow.product_id)
                .where(t.ProductRow.code == code)
            )
        )


ADD = ["catalogue", "tariff", "add", PRODUCT, "330,00", "--from", "2024-01-01", "--law", "wmo"]


def test_the_same_tariff_added_twice_at_once_is_stored_once(
    engine: Engine, engine_url: str, lekstroom: DemoRegion
) -> None:
    skeleton(engine, lekstroom, lot_tariffs=False)
    runs = at_once(engine, engine_url, [ADD, ADD])
    no_twice(engine)
    assert len(succeeded_or_one_line(runs)) == 1
    assert catalogue_tariffs(engine, PRODUCT) == [(date(2024, 1, 1), None, 33000)]


def test_a_tariff_added_during_a_final_award_that_puts_it_in_the_catalogue_never_overlaps(
    engine: Engine, engine_url: str, lekstroom: DemoRegion
) -> None:
    skeleton(engine, lekstroom, lot_tariffs=False)
    example_awarded(engine)
    finalize = ["tenders", "finalize", TENDER, "--on", "2023-08-12"]
    runs = at_once(engine, engine_url, [finalize, ADD])
    no_twice(engine)
    done = succeeded_or_one_line(runs)
    assert "tenders finalize " + TENDER in done  # the award never fails for the tariff added
    stored = catalogue_tariffs(engine, PRODUCT)
    assert len(stored) == 1 and stored[0][:2] == (date(2024, 1, 1), None)
    with engine.connect() as c:
        own = c.execute(
            select(t.ProviderTariffRow.amount_cents)
            .join(t.ProductRow, t.ProductRow.id == t.ProviderTariffRow.product_id)
            .where(t.ProductRow.code == PRODUCT)
        ).scalars()
        own_prices = set(own)
    if len(done) == 2:  # the tariff came first: the award's uniform price is each provider's own
        assert stored[0][2] == 33000 and own_prices == {32517}
    else:  # the award came first: its price is the catalogue's, the tariff add was refused
        assert stored[0][2] == 32517 and own_prices == set()


def test_an_indexation_during_a_tariff_add_never_overlaps(
    engine: Engine, engine_url: str, lekstroom: DemoRegion
) -> None:
    skeleton(engine, lekstroom, lot_tariffs=False)
    contracts.add_tariff(UnitOfWork(engine), Law.WMO, PRODUCT, Money.euros("300.00"), date(2023, 1, 1))
    index = ["catalogue", "tariff", "index", "2,5", "--from", "2024-01-01", "--law", "wmo"]
    runs = at_once(engine, engine_url, [index, ADD])
    no_twice(engine)
    done = succeeded_or_one_line(runs)
    assert len(done) == 1
    stored = catalogue_tariffs(engine, PRODUCT)
    assert stored[0] == (date(2023, 1, 1), date(2023, 12, 31), 30000)
    # the add's open 330.00, or the indexation's 307.50 (open as the tariff it followed)
    assert stored[1:] == [(date(2024, 1, 1), None, 33000 if "catalogue tariff add" in done else 30750)]
