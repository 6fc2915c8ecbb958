# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's writing commands: `catalogue tariff add|index`, `contracts
framework|create|extend|end`, `contracts ceiling set`, `providers client-stop AGB --on|--off`.

A contract made with these commands is what allocation matching offers and what a 303 is paid
at, without further steps; bad input is one line (exit 1 or 2) and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.integration.test_contract_chain import ALFA, BETA, allocated, declare, seed
from tests.integration.test_contract_management import state
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts as service

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> tuple[Engine, list[str]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    upgrade(engine)
    seed(engine)
    return engine, ["--db", engine.url.render_as_string(hide_password=False)]


def ok(db: list[str], *args: str) -> str:
    result = runner.invoke(app, [*args, *db])
    assert result.exit_code == 0, result.output
    if "--format" not in args:  # the writing commands' lines fit 80 columns
        assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    return result.stdout


def contract_manager(db: list[str]) -> None:
    ok(db, "contracts", "framework", "LEK", "--name", "Lekstroom", "--procedure", "sociale-en-specifieke-diensten",
       "--start", "2021-01-01", "--term", "2+1+1", "--lot", "OZR:wmo:OZR1,SPOED:Ondersteuning")  # fmt: skip
    ok(db, "catalogue", "tariff", "add", "OZR1", "50,00", "--from", "2021-01-01")
    ok(db, "catalogue", "tariff", "add", "SPOED", "200.00", "--from", "2021-01-01")
    ok(db, "contracts", "create", ALFA, "--framework", "LEK", "--lot", "OZR")
    out = ok(db, "contracts", "create", BETA, "--framework", "LEK", "--lot", "OZR", "--tariff", "OZR1=48,75",
             "--number", "C-BETA")  # fmt: skip
    assert "contract C-BETA: provider 22222222, LEK lot OZR" in out


def test_a_contract_made_on_the_command_line_is_used_by_allocation_and_payment(
    store: tuple[Engine, list[str]], tmp_path: Path
) -> None:
    engine, db = store
    contract_manager(db)
    allocation = allocated(engine, BETA)  # checks Alfa and Beta are offered, Gamma is not
    approved, rejected, granted, answer = declare(
        engine, tmp_path, allocation, [Money.euros("48.75"), Money.euros("50.00")]
    )
    assert (approved, rejected, granted) == (1, 1, Money.euros("48.75") * 4)
    assert b"0611" in answer


def test_extensions_ends_ceilings_and_indexation_on_the_command_line(store: tuple[Engine, list[str]]) -> None:
    engine, db = store
    contract_manager(db)
    number = f"LEK-OZR-{ALFA}"
    assert "option 1 extended, runs to 2023-12-31" in ok(
        db, "contracts", "extend", number, "--on", "2022-05-01"
    )
    assert "option 1 not extended, runs to 2022-12-31" in ok(
        db, "contracts", "extend", "C-BETA", "--decline", "--on", "2022-05-01"
    )
    calendar = ok(db, "contracts", "calendar", "--format", "csv")
    assert "1 ja, 1 nee" in calendar
    assert "ends 2023-06-30 (faillissement)" in ok(
        db, "contracts", "end", number, "--on", "2023-06-30", "--reason", "faillissement"
    )
    assert "contract ceiling C-BETA 2022: EUR 250000.00" in ok(
        db, "contracts", "ceiling", "set", "C-BETA", "250.000,00", "--year", "2022"
    )
    indexed = ok(db, "catalogue", "tariff", "index", "2,75", "--from", "2022-01-01", "--format", "csv")
    assert "OZR1,51.38,2022-01-01," in indexed
    with UnitOfWork(engine) as uow:
        contract = uow.contracts.contract(number)
        assert contract is not None and contract.valid.end is not None
        assert contract.valid.end.isoformat() == "2023-06-30"
    assert service.tariff_gaps(UnitOfWork(engine), number) == []


def test_the_client_stop_takes_on_off_and_the_flags(store: tuple[Engine, list[str]]) -> None:
    _engine, db = store
    assert "client stop on (was off)" in ok(db, "providers", "client-stop", ALFA, "--on")
    assert "client stop off (was on)" in ok(db, "providers", "client-stop", ALFA, "--off")
    assert "client stop on (was off)" in ok(db, "providers", "client-stop", ALFA, "on")
    neither = runner.invoke(app, ["providers", "client-stop", ALFA, *db])
    both = runner.invoke(app, ["providers", "client-stop", ALFA, "on", "--off", *db])
    for result in (neither, both):
        assert (
            result.exit_code == 2 and result.stderr.count("\n") == 1 and "say on or off once" in result.stderr
        )


BAD = [
    # overlapping tariff periods
    (1, "overlap", ["catalogue", "tariff", "add", "OZR1", "51,00", "--from", "2020-06-01", "--to", "2021-02-01"]),
    # a contract outside its framework's term
    (1, "before framework agreement", ["contracts", "create", BETA, "--framework", "LEK", "--lot", "OZR",
                                       "--from", "2020-12-01", "--number", "X"]),
    (1, "after framework agreement", ["contracts", "create", BETA, "--framework", "LEK", "--lot", "OZR",
                                      "--to", "2025-01-01", "--number", "X"]),
    # an unknown product or provider
    (1, "no wmo product with code 'NOPE'", ["catalogue", "tariff", "add", "NOPE", "1", "--from", "2022-01-01"]),
    (1, "no provider with AGB code '99999999'", ["contracts", "create", "99999999", "--framework", "LEK",
                                                 "--lot", "OZR"]),
    (1, "no wmo product with code 'NOPE'", ["contracts", "framework", "F2", "--name", "F2", "--procedure",
                                            "aanbesteding", "--start", "2021-01-01", "--term", "2",
                                            "--lot", "A:wmo:NOPE"]),
    # a negative amount
    (2, "cannot be negative", ["catalogue", "tariff", "add", "OZR1", "-5", "--from", "2022-01-01"]),
    (2, "cannot be negative", ["contracts", "ceiling", "set", f"LEK-OZR-{ALFA}", "-5", "--year", "2022"]),
    (2, "cannot be negative", ["contracts", "create", BETA, "--framework", "LEK", "--lot", "OZR",
                               "--tariff", "OZR1=-1", "--number", "X"]),
    (2, "not an amount", ["catalogue", "tariff", "add", "OZR1", "12,345", "--from", "2022-01-01"]),
    # an extension past the last option, a second end
    (1, "last extension option", ["contracts", "extend", "C-DONE", "--on", "2024-06-01"]),
    (1, "ended already on 2021-06-30", ["contracts", "end", "C-ENDED", "--on", "2021-07-31", "--reason", "x"]),
    # and the forms
    (2, "write years like 2+1+1", ["contracts", "framework", "F3", "--name", "F3", "--procedure", "aanbesteding",
                                   "--start", "2021-01-01", "--term", "twee", "--lot", "A:wmo:OZR1"]),
    (2, "choose wmo or jeugd", ["catalogue", "tariff", "add", "OZR1", "1", "--from", "2022-01-01", "--law", "x"]),
    (2, "not a date", ["contracts", "end", "C-ENDED", "--on", "gisteren", "--reason", "x"]),
]  # fmt: skip


def test_bad_input_is_one_line_and_stores_nothing(store: tuple[Engine, list[str]]) -> None:
    engine, db = store
    contract_manager(db)
    ok(db, "contracts", "create", BETA, "--framework", "LEK", "--lot", "OZR", "--number", "C-DONE")
    ok(db, "contracts", "extend", "C-DONE", "--on", "2022-05-01")
    ok(db, "contracts", "extend", "C-DONE", "--on", "2023-05-01")
    ok(db, "contracts", "create", ALFA, "--framework", "LEK", "--lot", "OZR", "--number", "C-ENDED")
    ok(db, "contracts", "end", "C-ENDED", "--on", "2021-06-30", "--reason", "faillissement")
    before = state(engine)
    for code, message, args in BAD:
        result = runner.invoke(app, [*args, *db])
        assert (result.exit_code, result.stdout) == (code, ""), (args, result.output)
        assert result.stderr.count("\n") == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    assert state(engine) == before
