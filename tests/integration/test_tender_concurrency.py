# SPDX-License-Identifier: EUPL-1.2
"""Two processes at once never make a contract or a price twice: two OS processes run
``zorginkoop tenders finalize`` (or ``admit``, or ``additional-round``) on the same tender of one
SQLite file or one PostgreSQL schema, held at a barrier right after each has read the tender, so
both would pass the checks if nothing serialised them.

Afterwards: one framework agreement, each contract once, each catalogue and provider tariff once
with no overlapping validity, the tender final (or the bid decided, or the round opened) once;
every run either succeeded or ended with one clear line, never a traceback and never "another
change to the same records came first". The store is the demo region's skeleton (region,
providers, catalogue, agreements and the demo's tenders, no care) with the README's example tender
(``examples/tenders/wmo-begeleiding-2024.toml``); once with the lot's tariffs missing from the
catalogue, so the final award must put them there (once)."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date, datetime
from itertools import combinations
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tests.e2e.test_cli_tenders import BIDS, EXAMPLES, TENDER
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.demo import tenders as tender_design
from zorginkoop.demo.lekstroom import DemoRegion, build_lekstroom
from zorginkoop.services import tenders
from zorginkoop.services.demo import model_2022, run_demo_tender, run_tenders_to_try

OPEN_HOUSE = tender_design.OPEN_HOUSE_CODE
LATE = "75990826"
"""The open house's late registration (README: examples/tenders/open-house-late-registration.toml)."""
WAIT = 3.0
"""How long a process waits at the barrier for the other: once the fix serialises, the second one
waits for the first one's lock and never comes (the first goes on after this)."""


@pytest.fixture(scope="module")
def lekstroom() -> DemoRegion:
    return build_lekstroom(2020, model_2022=model_2022())


def skeleton(engine: Engine, demo: DemoRegion, *, lot_tariffs: bool = True) -> None:
    """The demo region without its care, with the demo's tenders; without ``lot_tariffs`` the
    catalogue lacks the example tender's 18 products' tariffs (and the store the demo's tenders,
    whose 2022 award puts them there)."""
    lot = set(_example_products())
    with UnitOfWork(engine) as uow:
        uow.region.add(demo.region)
        uow.providers.add_all(demo.providers)
        ids = uow.catalogue.add_products(demo.products)
        by_code = {code: pid for (_law, code), pid in ids.items()}
        uow.catalogue.add_tariffs(
            [tariff for tariff in demo.tariffs if lot_tariffs or tariff.product_code not in lot], by_code
        )
        uow.catalogue.add_reference_tariffs(demo.reference_tariffs, by_code)
        uow.contracts.add_frameworks([f for f in demo.frameworks if f.code != tender_design.CODE], by_code)
        uow.contracts.add_contracts([c for c in demo.contracts if c.framework_code != tender_design.CODE])
        uow.contracts.add_collective_ceilings(demo.collective_ceilings)
        uow.commit()
    assert demo.tender_2022 is not None
    if not lot_tariffs:  # the demo's 2022 tender would put them in the catalogue: its bidders only
        with UnitOfWork(engine) as uow:
            uow.providers.add_all(demo.tender_2022.newcomers)
            uow.commit()
        return
    run_demo_tender(engine, demo.tender_2022)
    run_tenders_to_try(engine, demo.other_tenders)


def _example_products() -> list[str]:
    text = (EXAMPLES / "wmo-begeleiding-2024.toml").read_text(encoding="utf-8")
    return [line.split('"')[1] for line in text.split("product = [", 1)[1].split("]", 1)[0].split("{")[1:]]


def example_awarded(engine: Engine) -> None:
    """The README's example tender up to its intended award (as the README's commands run it)."""
    tenders.create_tender(UnitOfWork(engine), (EXAMPLES / "wmo-begeleiding-2024.toml").read_text("utf-8"))
    for agb, name in BIDS.items():
        text = (EXAMPLES / name).read_text("utf-8")
        tenders.submit_bid(UnitOfWork(engine), TENDER, agb, text, on=date(2023, 6, 20))
    for name in ("jansen", "de-vries", "consensus"):
        text = (EXAMPLES / f"scores-{name}.toml").read_text("utf-8")
        tenders.record_scores(UnitOfWork(engine), TENDER, name, text, now=datetime(2023, 7, 20, 9))
    tenders.award(UnitOfWork(engine), TENDER, date(2023, 8, 1))


def late_registration(engine: Engine) -> None:
    text = (EXAMPLES / "open-house-late-registration.toml").read_text("utf-8")
    tenders.submit_bid(UnitOfWork(engine), OPEN_HOUSE, LATE, text, on=date(2023, 3, 1))


# -- two processes ---------------------------------------------------------------------------------


def _run(url: str, argv: list[str], read: tuple[str, int], barrier: Any, results: Any) -> None:
    """One ``zorginkoop`` command in this process, held at the barrier once it read the tender
    ``read[0]`` for the ``read[1]``-th time (the read its checks go by)."""
    import contextlib
    import threading

    from tests.e2e.test_cli_access import runner
    from zorginkoop.adapters.db.tenders import TenderRepository
    from zorginkoop.cli import app

    first_read, seen = TenderRepository.get, []

    def held(self: TenderRepository, code: str) -> Any:
        found = first_read(self, code)
        if code == read[0]:
            seen.append(code)
            if len(seen) == read[1]:
                # broken after WAIT: the other process waits for this one's lock
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=WAIT)
        return found

    TenderRepository.get = held  # type: ignore[method-assign]
    result = runner.invoke(app, [*argv, "--db", url])
    crashed = (
        None if result.exception is None or isinstance(result.exception, SystemExit) else result.exception
    )
    results.put((argv[1], result.exit_code, result.stderr, repr(crashed) if crashed else None))


def at_once(
    engine: Engine, url: str, commands: list[list[str]], read: tuple[str, int] | None = None
) -> list[tuple[str, int, str, str | None]]:
    """``commands`` in as many processes at once; each is held until all read the tender (the
    second read of it for an additional round: the first is the coverage's)."""
    engine.dispose()  # the children open their own connections
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(commands)), context.Queue()
    workers = [
        context.Process(target=_run, args=(url, argv, read or (argv[2], 1), barrier, results))
        for argv in commands
    ]
    for w in workers:
        w.start()
    got = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    return got


REFUSALS = ("already final", "a bid is admitted once", "is still open", "finalize it first")


def one_success_the_rest_one_line(
    runs: list[tuple[str, int, str, str | None]], *, successes: int = 1
) -> None:
    for command, code, stderr, crashed in runs:
        assert crashed is None, (command, crashed, stderr)
        assert "Traceback" not in stderr and "another change" not in stderr, stderr
        if code != 0:
            lines = stderr.strip().splitlines()
            assert code == 1 and len(lines) == 1, (command, stderr)
            assert lines[0].startswith("error:") and any(r in lines[0] for r in REFUSALS), lines[0]
    assert sum(code == 0 for _c, code, _s, _x in runs) == successes, runs


def no_twice(engine: Engine) -> None:
    """Every tariff once, none overlapping another of the same product (and provider)."""
    with engine.connect() as c:
        catalogue = c.execute(
            select(t.TariffRow.product_id, t.TariffRow.valid_from, t.TariffRow.valid_to)
        ).all()
        own = c.execute(
            select(
                t.ProviderTariffRow.provider_agb, t.ProviderTariffRow.product_id,
                t.ProviderTariffRow.valid_from, t.ProviderTariffRow.valid_to,
            )
        ).all()  # fmt: skip
    for rows in (catalogue, own):
        by_key: dict[tuple[Any, ...], list[tuple[date, date | None]]] = {}
        for *key, start, end in rows:
            by_key.setdefault(tuple(key), []).append((start, end))
        for key, periods in by_key.items():
            for (s1, e1), (s2, e2) in combinations(periods, 2):
                overlap = (e1 is None or s2 <= e1) and (e2 is None or s1 <= e2)
                assert not overlap, (key, (s1, e1), (s2, e2))


def contracts_of(engine: Engine, prefix: str) -> list[str]:
    with engine.connect() as c:
        return sorted(
            c.execute(select(t.ContractRow.number).where(t.ContractRow.number.like(f"{prefix}-%"))).scalars()
        )


def final_award_of(engine: Engine, code: str) -> tuple[str, int, list[str]]:
    with engine.connect() as c:
        status = c.execute(select(t.TenderRow.status).where(t.TenderRow.code == code)).scalar_one()
        frameworks = c.execute(
            select(func.count())
            .select_from(t.FrameworkAgreementRow)
            .where(t.FrameworkAgreementRow.code == code)
        ).scalar_one()
        named = c.execute(
            select(t.TenderOutcomeRow.contract_number).where(
                t.TenderOutcomeRow.tender_code == code, t.TenderOutcomeRow.contract_number.is_not(None)
            )
        ).scalars()
        return status, frameworks, sorted(n for n in named if n)


@pytest.mark.parametrize("lot_tariffs", [True, False], ids=["catalogue-has-tariffs", "tariffs-to-add"])
def test_two_finalize_runs_at_once_make_one_framework_and_each_contract_and_price_once(
    engine: Engine, engine_url: str, lekstroom: DemoRegion, lot_tariffs: bool
) -> None:
    skeleton(engine, lekstroom, lot_tariffs=lot_tariffs)
    example_awarded(engine)
    command = ["tenders", "finalize", TENDER, "--on", "2023-08-12"]
    runs = at_once(engine, engine_url, [command, command])
    no_twice(engine)
    status, frameworks, named = final_award_of(engine, TENDER)
    made = contracts_of(engine, TENDER)
    assert (status, frameworks) == ("final", 1)
    assert made == named == sorted(f"{TENDER}-IB-{agb}" for agb in ("98214099", "98478174", "98416481"))
    with engine.connect() as c:
        added = Counter(
            c.execute(
                select(t.TariffRow.product_id).where(t.TariffRow.valid_from == date(2024, 1, 1))
            ).scalars()
        )
    assert all(n == 1 for n in added.values())
    if not lot_tariffs:  # the lot's 18 uniform tariffs were put in the catalogue, once each
        assert len(added) == 18
    one_success_the_rest_one_line(runs)


@pytest.mark.parametrize(
    "pair",
    [("admit", "admit"), ("finalize", "admit")],
    ids=["admit-admit", "finalize-admit"],
)
def test_an_open_house_s_finalize_and_admissions_at_once_decide_each_bid_once(
    engine: Engine, engine_url: str, lekstroom: DemoRegion, pair: tuple[str, str]
) -> None:
    skeleton(engine, lekstroom)
    tenders.award(UnitOfWork(engine), OPEN_HOUSE, date(2022, 11, 1))
    late_registration(engine)
    argv = {
        "finalize": ["tenders", "finalize", OPEN_HOUSE, "--on", "2022-11-01"],
        "admit": ["tenders", "admit", OPEN_HOUSE, "--provider", LATE, "--on", "2023-03-06"],
    }
    if pair == ("admit", "admit"):
        tenders.finalize(UnitOfWork(engine), OPEN_HOUSE, date(2022, 11, 1))
    before = contracts_of(engine, OPEN_HOUSE)
    runs = at_once(engine, engine_url, [argv[pair[0]], argv[pair[1]]])
    no_twice(engine)
    status, frameworks, named = final_award_of(engine, OPEN_HOUSE)
    made = contracts_of(engine, OPEN_HOUSE)
    admitted = [n for n in made if n.endswith(LATE)]
    assert (status, frameworks) == ("final", 1) and made == named
    assert len(admitted) == (1 if any(c == "admit" and code == 0 for c, code, _s, _x in runs) else 0)
    assert set(before) <= set(made)
    # finalize and admit at once: admit succeeds when finalize came first, else it is refused
    assert all(code == 0 for command, code, _s, _x in runs if command == "finalize")
    one_success_the_rest_one_line(runs, successes=1 if pair == ("admit", "admit") else len(admitted) + 1)


def test_two_additional_rounds_opened_at_once_open_one(
    engine: Engine, engine_url: str, lekstroom: DemoRegion
) -> None:
    skeleton(engine, lekstroom)
    command = ["tenders", "additional-round", tender_design.CODE, "--opens", "2022-03-01", "--closes",
               "2022-03-31", "--minimum", "13"]  # fmt: skip
    runs = at_once(engine, engine_url, [command, command], read=(tender_design.CODE, 2))
    with engine.connect() as c:
        rounds = c.execute(
            select(t.TenderRow.code).where(t.TenderRow.code.like(f"{tender_design.CODE}-R%"))
        ).scalars()
        assert list(rounds) == [f"{tender_design.CODE}-R1"]
    one_success_the_rest_one_line(runs)


def test_the_skeleton_finalizes_in_turn(engine: Engine, lekstroom: DemoRegion) -> None:
    """The reference: one finalize after the other, the second refused as already final."""
    skeleton(engine, lekstroom, lot_tariffs=False)
    example_awarded(engine)
    final = tenders.finalize(UnitOfWork(engine), TENDER, date(2023, 8, 12))
    assert len(final.contracts) == 3
    with pytest.raises(tenders.TenderRefused, match="already final"):
        tenders.finalize(UnitOfWork(engine), TENDER, date(2023, 8, 12))
    no_twice(engine)


def test_a_finalize_cut_off_before_its_end_stores_nothing_and_the_next_run_picks_up_what_exists(
    engine: Engine, lekstroom: DemoRegion, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zorginkoop.adapters.db.tenders import TenderRepository
    from zorginkoop.domain.contracts import ContractSpec
    from zorginkoop.services import contracts

    skeleton(engine, lekstroom, lot_tariffs=False)
    example_awarded(engine)

    def cut_off(*_args: Any, **_kwargs: Any) -> None:
        raise ConnectionError("the connection was lost")

    with monkeypatch.context() as patched:
        patched.setattr(TenderRepository, "record_final_award", cut_off)
        with pytest.raises(ConnectionError):
            tenders.finalize(UnitOfWork(engine), TENDER, date(2023, 8, 12))
    # one transaction: no tariff, framework or contract of the award was stored
    assert final_award_of(engine, TENDER) == ("awarded", 0, []) and contracts_of(engine, TENDER) == []
    with engine.connect() as c:
        assert (
            c.execute(
                select(func.count())
                .select_from(t.TariffRow)
                .where(t.TariffRow.valid_from == date(2024, 1, 1))
            ).scalar_one()
            == 0
        )
    # a contract of the award made by hand first (or by an earlier version cut off in between) is
    # picked up, not made twice
    spec = tenders._framework_spec(tenders.show_tender(UnitOfWork(engine), TENDER).tender)
    contracts.create_framework(UnitOfWork(engine), spec)
    number = f"{TENDER}-IB-98214099"
    contracts.create_contracts(UnitOfWork(engine), [ContractSpec("98214099", TENDER, "IB", number=number)])
    final = tenders.finalize(UnitOfWork(engine), TENDER, date(2023, 8, 12))
    assert number in final.contracts and len(final.contracts) == 3
    assert final_award_of(engine, TENDER) == ("final", 1, sorted(final.contracts)) == (
        "final", 1, contracts_of(engine, TENDER),
    )  # fmt: skip
    no_twice(engine)
