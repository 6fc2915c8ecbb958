# SPDX-License-Identifier: EUPL-1.2
"""One tariff truth end to end on a copy of the demo store: a decision priced with the
catalogue tariff in force each month (not the model file's), the allocation's budget limit kept
in the store and never sent beside an Omvang (CD078), an allocation ending with its contract (a
notice, or the next contract's allocation in the same 301), and the rule for providers without
a contract (70% of the NZa tariff, refused without one)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from tests.e2e.test_cli_access import (
    HOUTEN,
    Cli,
    adult_of,
    as_json,
    assert_valid_301,
    contracted_for,
    outbox_301,
    providers_in,
    refused,
    runner,
    scalar,
    scalar_row,
)
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.istandaarden import read_message
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.cli import app
from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.declarations import DeclaredLine
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("tariffs") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    return lambda *args: runner.invoke(app, [*args, "--db", store])


def tariff(store: str, product: str, day: date) -> Money:
    return Money(
        scalar(
            store,
            select(t.TariffRow.amount_cents)
            .join(t.ProductRow, t.ProductRow.id == t.TariffRow.product_id)
            .where(t.ProductRow.code == product, t.TariffRow.valid_from <= day, t.TariffRow.valid_to >= day),
        )
    )


def stored_allocation(store: str, number: int) -> tuple[int | None, Decimal | None, date | None]:
    row = scalar_row(
        store,
        select(
            t.AllocationRow.budget_limit_cents, t.AllocationRow.nza_percentage, t.AllocationRow.valid_to
        ).where(
            t.AllocationRow.municipality_code == HOUTEN,
            t.AllocationRow.law == "wmo",
            t.AllocationRow.number == number,
        ),
    )
    return row[0], row[1], row[2]


def execute(store: str, statement: object) -> None:
    engine = make_engine(store)
    try:
        with engine.begin() as connection:
            connection.execute(statement)  # type: ignore[call-overload]
    finally:
        engine.dispose()


def product_id(store: str, code: str) -> int:
    return int(
        scalar(store, select(t.ProductRow.id).where(t.ProductRow.code == code, t.ProductRow.law == "wmo"))
    )


def decide_2022(cli: Cli, store: str, offset: int, start: str) -> dict[str, str]:
    return as_json(  # type: ignore[no-any-return]
        cli("access", "decide", "lekstroom-2022", "--bsn", adult_of(store, HOUTEN, offset=offset), "-m", HOUTEN,
            "--start", start, "--months", "12", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen",
            "--format", "json")
    )  # fmt: skip


def contracted_2022(store: str, day: date) -> list[str]:
    providers = providers_in(store)
    return sorted(
        a for a in contracted_for(store, "02O11", day, "WMO2022")
        if providers[a].serves(HOUTEN) and not providers[a].client_stop
    )  # fmt: skip


def test_a_decision_is_priced_with_the_catalogue_and_its_allocation_keeps_the_budget(
    cli: Cli, store: str
) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN), "-m", HOUTEN,
                           "--start", "2021-07-01", "--months", "6", "--product", "OZR1", "--hours", "3",
                           "--format", "json"))  # fmt: skip
    in_force = tariff(store, "OZR1", date(2021, 7, 1))
    monthly = in_force * 13  # 3 h/week x 13/3 weeks a month
    assert in_force != Money.euros("52.17")  # the model file's indicative hourly tariff
    assert (decision["monthly_budget_eur"], decision["total_budget_eur"]) == (str(monthly), str(monthly * 6))

    agb = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                      "--format", "json"))[0]["agb"]  # fmt: skip
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                            "--provider", agb, "--format", "json"))  # fmt: skip
    assert (allocated["volume"], allocated["budget_limit_eur"]) == (3, str(monthly * 6))
    assert "notice" not in allocated and "follow_ups" not in allocated
    assert stored_allocation(store, allocated["toewijzing_nummer"]) == (
        (monthly * 6).cents,
        None,
        date(2021, 12, 31),
    )
    content = outbox_301(store, allocated["message"])
    assert_valid_301(content)
    (product,) = [p for p in read_message(content).bericht.client.toegewezen_producten
                  if p.toewijzing_nummer == allocated["toewijzing_nummer"]]  # fmt: skip
    assert product.omvang is not None and product.budget is None  # CD078


def test_a_decision_running_past_the_catalogues_tariffs_is_refused_with_one_line(
    cli: Cli, store: str
) -> None:
    # the OZR tariffs end with the OZR contracts in 2021: a decision into 2022 cannot be priced
    refused(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=1), "-m", HOUTEN,
                "--start", "2021-11-01", "--months", "6", "--product", "OZR1", "--hours", "3"),
            "no tariff for product OZR1 on 2022-01-01", "catalogue")  # fmt: skip


def test_a_2022_decision_into_the_next_year_is_priced_with_the_indexed_tariff(cli: Cli, store: str) -> None:
    decision = decide_2022(cli, store, 2, "2022-07-01")
    indexed = tariff(store, "02O11", date(2023, 1, 1))
    assert indexed == Money.euros("307.10")  # 295.00 + 4.10%
    assert (decision["monthly_budget_eur"], decision["total_budget_eur"]) == (
        "295.00",
        str(Money.euros(295) * 6 + indexed * 6),
    )


def test_an_allocation_ends_with_its_contract_and_the_consultant_is_told(cli: Cli, store: str) -> None:
    decision = decide_2022(cli, store, 3, "2023-07-01")  # the 2022 contracts run through 2023
    agb = contracted_2022(store, date(2023, 7, 1))[0]
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                            "--provider", agb, "--format", "json"))  # fmt: skip
    assert (allocated["start"], allocated["end"]) == ("2023-07-01", "2023-12-31")
    assert "no later contract" in allocated["notice"] and decision["end"] in allocated["notice"]
    assert allocated["budget_limit_eur"] == str(Money.euros("307.10") * 6)
    # the decision stays whole
    assert scalar(
        store, select(t.DecisionRow.valid_to).where(t.DecisionRow.id == decision["decision"])
    ) == date(2024, 6, 30)


def test_the_next_contract_takes_over_in_the_same_301(cli: Cli, store: str, tmp_path: Path) -> None:
    decision = decide_2022(cli, store, 4, "2023-07-01")
    agb = contracted_2022(store, date(2023, 7, 1))[1]
    # the provider's contract is extended by a year (a contract of its own, as a region records it)
    execute(store, insert(t.ContractRow).values(
        number=f"WMO22-EXT-{agb}", provider_agb=agb, framework_code="WMO2022", lot_code="IB",
        valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31), ceiling_cents=None, ceiling_policy="signaleren",
        volume_clients=None,
    ))  # fmt: skip
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                            "--provider", agb, "--format", "json"))  # fmt: skip
    assert (allocated["start"], allocated["end"]) == ("2023-07-01", "2023-12-31")
    (follow_up,) = allocated["follow_ups"]
    assert (follow_up["toewijzing_nummer"], follow_up["start"], follow_up["end"]) == (
        allocated["toewijzing_nummer"] + 1,
        "2024-01-01",
        "2024-06-30",
    )
    assert "notice" not in allocated
    limits = Money.euros(allocated["budget_limit_eur"]) + Money.euros(follow_up["budget_limit_eur"])
    assert limits == Money.euros(decision["total_budget_eur"])
    content = outbox_301(store, allocated["message"])
    assert_valid_301(content)
    numbers = {p.toewijzing_nummer for p in read_message(content).bericht.client.toegewezen_producten}
    assert numbers == {allocated["toewijzing_nummer"], follow_up["toewijzing_nummer"]}

    # a declaration in the extension year finds its tariff (indexed 2024) and is paid
    in_2024 = tariff(store, "02O11", date(2024, 1, 1))
    line = DeclaredLine(
        reference="EXT2024-1", client_bsn=decision["bsn"], allocation_number=follow_up["toewijzing_nummer"],
        provider_agb=agb, municipality_code=HOUTEN, law=Law.WMO, category="02", product_code="02O11",
        period=Period.month(2024, 1), volume=1, unit=Unit.STUKS_INSPANNING, tariff=in_2024, amount=in_2024,
    )  # fmt: skip
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "ext.xml").open("wb") as f:
        write_declaratie(f, law=Law.WMO, afzender=agb, ontvanger=HOUTEN, identificatie="EXT2024", dagtekening=date(2024, 2, 5),
                         number="EXT2024", period=Period.month(2024, 1), clients=[(decision["bsn"], [line])])  # fmt: skip
    processed = as_json(
        cli("declarations", "process", str(folder), "--out", str(tmp_path / "out"), "--format", "json")
    )
    (row,) = processed
    assert (row["status"], row["approved"], row["rejected"], row["granted_eur"]) == (
        "processed",
        1,
        0,
        str(in_2024),
    )


def test_a_provider_without_a_contract_only_under_the_70_percent_nza_rule(cli: Cli, store: str) -> None:
    decision = decide_2022(cli, store, 5, "2022-03-01")
    providers = providers_in(store)
    contracted = set(contracted_for(store, "02O11", date(2022, 3, 1), "WMO2022"))
    left_out = next(
        a for a, p in sorted(providers.items())
        if Law.WMO in p.laws and a not in contracted and p.serves(HOUTEN) and not p.client_stop
    )  # fmt: skip
    allocate = ("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022")
    refused(cli(*allocate, "--provider", left_out), left_out, "no contract")
    refused(cli(*allocate, "--provider", left_out, "--non-contracted"), "02O11", "no NZa tariff", "70")
    refused(cli(*allocate, "--provider", sorted(contracted)[0], "--non-contracted"), "holds contract")

    execute(store, insert(t.ReferenceTariffRow).values(
        product_id=product_id(store, "02O11"), amount_cents=40000, valid_from=date(2022, 1, 1),
        valid_to=date(2023, 12, 31), note="NZa-tarief",
    ))  # fmt: skip
    allocated = as_json(cli(*allocate, "--provider", left_out, "--non-contracted", "--format", "json"))
    assert allocated["tariff_basis"] == "70% NZa"
    assert allocated["budget_limit_eur"] == str(Money.euros(280) * 12)  # 70% of EUR 400.00, twelve months
    assert stored_allocation(store, allocated["toewijzing_nummer"]) == (
        Money.euros(280 * 12).cents,
        Decimal(70),
        date(2023, 2, 28),
    )
    assert_valid_301(outbox_301(store, allocated["message"]))


def test_allocations_running_past_a_contract_ended_early_end_with_it_reden_03(cli: Cli, store: str) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=6), "-m",
                           HOUTEN, "--start", "2021-06-01", "--months", "6", "--product", "OZR2", "--hours", "2",
                           "--format", "json"))  # fmt: skip
    agb = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                      "--format", "json"))[0]["agb"]  # fmt: skip
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                            "--provider", agb, "--format", "json"))  # fmt: skip
    assert allocated["end"] == "2021-11-30"
    nothing = as_json(cli("access", "contract-ends", "-m", HOUTEN, "--on", "2021-06-01", "--format", "json"))
    assert nothing == []  # every allocation keeps to its contract

    # the provider's OZR contract is ended early, on 30 September 2021
    execute(store, update(t.ContractRow)
            .where(t.ContractRow.provider_agb == agb, t.ContractRow.framework_code == "WMO2015")
            .values(valid_to=date(2021, 9, 30)))  # fmt: skip
    ended = as_json(cli("access", "contract-ends", "-m", HOUTEN, "--on", "2021-06-01", "--format", "json"))
    mine = [r for r in ended if r["toewijzing_nummer"] == allocated["toewijzing_nummer"]]
    assert len(mine) == 1
    row = mine[0]
    assert (row["old_end"], row["end"], row["reden_wijziging"], row["follow_ups"]) == (
        "2021-11-30",
        "2021-09-30",
        "03",
        [],  # a list-valued field is a list in JSON, empty when there is no follow-up
    )
    assert "no later contract" in row["notice"]
    content = outbox_301(store, row["message"])
    assert_valid_301(content)
    (product,) = [p for p in read_message(content).bericht.client.toegewezen_producten
                  if p.toewijzing_nummer == allocated["toewijzing_nummer"]]  # fmt: skip
    assert (product.einddatum, product.reden_wijziging) == (date(2021, 9, 30), "03")
    limit, _basis, end = stored_allocation(store, allocated["toewijzing_nummer"])
    assert end == date(2021, 9, 30) and limit is not None
    assert limit < Money.euros(allocated["budget_limit_eur"]).cents  # the budget of four months, not six
    # the decision stays
    assert scalar(
        store, select(t.DecisionRow.valid_to).where(t.DecisionRow.id == decision["decision"])
    ) == date(2021, 11, 30)
    # run again: nothing left to end
    again = as_json(cli("access", "contract-ends", "-m", HOUTEN, "--on", "2021-06-01", "--format", "json"))
    assert all(r["toewijzing_nummer"] != allocated["toewijzing_nummer"] for r in again)


def test_a_shortened_allocation_keeps_the_budget_of_its_shorter_period(cli: Cli, store: str) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=7), "-m",
                           HOUTEN, "--start", "2021-07-01", "--months", "6", "--product", "OZR3", "--hours", "2",
                           "--format", "json"))  # fmt: skip
    agb = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                      "--format", "json"))[0]["agb"]  # fmt: skip
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                            "--provider", agb, "--format", "json"))  # fmt: skip
    monthly = Money.euros(decision["monthly_budget_eur"])
    assert allocated["budget_limit_eur"] == str(monthly * 6)
    shortened = as_json(cli("access", "change", str(allocated["toewijzing_nummer"]), "-m", HOUTEN, "--reason", "05",
                            "--end", "2021-09-30", "--format", "json"))  # fmt: skip
    assert shortened["budget_limit_eur"] == str(monthly * 3)
    assert stored_allocation(store, allocated["toewijzing_nummer"])[0] == (monthly * 3).cents
