# SPDX-License-Identifier: EUPL-1.2
"""The consultant's commands end to end on a copy of the demo store: intake, decision, eligible
providers, allocation (an XSD-valid 301 in the outbox), change and end, recording an address,
the signals; and the refusals, each one line and exit code 2."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner, Result

from tests.conftest import ISTANDAARDEN
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import read_message, validate_message, validate_with_xsd
from zorginkoop.cli import app
from zorginkoop.domain.codes import Law

runner = CliRunner()
HOUTEN, NIEUWEGEIN = "0321", "0356"
MUNICIPALITIES = ("0321", "0353", "0331", "0356", "1961")
WMO_XSD = ISTANDAARDEN / "iwmo-3.2" / "xsd"
Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A private copy of the session's demo store (the commands write to it)."""
    copy = tmp_path_factory.mktemp("access") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    def invoke(*args: str) -> Result:
        # intake reads no store; every other command works on the copy
        return runner.invoke(app, [*args] if args[1] == "intake" else [*args, "--db", store])

    return invoke


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(result: Result, *words: str) -> None:
    """Exit code 2 with one clear line on stderr naming what was wrong."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


def scalar(store: str, query: Any) -> Any:
    return scalar_row(store, query)[0]


def scalar_row(store: str, query: Any) -> Any:
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            return connection.execute(query).one()
    finally:
        engine.dispose()


def adult_of(store: str, municipality: str, offset: int = 0) -> str:
    return str(
        scalar(
            store,
            select(t.ClientRow.bsn)
            .where(t.ClientRow.municipality_code == municipality, t.ClientRow.birth_date < date(1990, 1, 1))
            .order_by(t.ClientRow.bsn)
            .offset(offset)
            .limit(1),
        )
    )


def outbox_301(store: str, file_name: str) -> bytes:
    engine = make_engine(store)
    try:
        with UnitOfWork(engine) as uow:
            (message,) = [m for m in uow.messages.outbox("301") if m.file_name == file_name]
            return message.content
    finally:
        engine.dispose()


def assert_valid_301(content: bytes) -> None:
    assert validate_message(content).valid
    if not WMO_XSD.is_dir():
        pytest.skip(f"official XSDs not found in {WMO_XSD}")
    assert validate_with_xsd(content, WMO_XSD) == []


def contracted_for(store: str, product: str, day: date, framework: str | None = None) -> set[str]:
    """AGB codes with a contract valid on ``day`` for a lot holding ``product``, read straight from the tables."""
    query = (
        select(t.ContractRow.provider_agb)
        .join(t.LotProductRow, (t.LotProductRow.framework_code == t.ContractRow.framework_code)
              & (t.LotProductRow.lot_code == t.ContractRow.lot_code))
        .join(t.ProductRow, t.ProductRow.id == t.LotProductRow.product_id)
        .where(t.ProductRow.code == product, t.ContractRow.valid_from <= day,
               (t.ContractRow.valid_to.is_(None)) | (t.ContractRow.valid_to >= day))
    )  # fmt: skip
    if framework is not None:
        query = query.where(t.ContractRow.framework_code == framework)
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(query))
    finally:
        engine.dispose()


def providers_in(store: str) -> dict[str, Any]:
    engine = make_engine(store)
    try:
        with UnitOfWork(engine) as uow:
            return {p.agb_code: p for p in uow.providers.all()}
    finally:
        engine.dispose()


# -- intake ---------------------------------------------------------------------------------------


def test_an_intake_with_the_2022_result_area_model_gives_the_matrix_cell(cli: Cli) -> None:
    out = as_json(cli("access", "intake", "lekstroom-2022", "--areas", "zelfzorg-gezondheid,regelvermogen-structuur",
                      "--type", "ontwikkelen", "--months", "12", "--format", "json"))  # fmt: skip
    assert (out["product_code"], out["monthly_tariff_eur"], out["total_eur"]) == (
        "02O11",
        "295.00",
        "3540.00",
    )


def test_an_intake_with_the_hourly_ozr_model_allocates_hours_per_week(cli: Cli) -> None:
    out = as_json(cli("access", "intake", "lekstroom-ozr", "--product", "OZR1", "--hours", "3", "--months", "6",
                      "--format", "json"))  # fmt: skip
    assert out["product_code"] == "OZR1"
    assert out["allocation"] == {"category": "02", "unit": "04", "frequency": "2", "volume": "3"}


def test_a_refused_intake_exits_2_with_one_line(cli: Cli) -> None:
    refused(cli("access", "intake", "lekstroom-2022", "--areas", "administratie-financien", "--type", "ontwikkelen",
                "--months", "12"), "intake refused", "administratie-financien")  # fmt: skip


# -- decision, providers, allocation, change, end --------------------------------------------------


def test_decide_allocate_change_and_end_each_put_a_valid_301_in_the_outbox(cli: Cli, store: str) -> None:
    bsn = adult_of(store, HOUTEN)
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", bsn, "-m", HOUTEN, "--start", "2021-07-01",
                           "--months", "6", "--product", "OZR1", "--hours", "3", "--format", "json"))  # fmt: skip
    assert (decision["law"], decision["product"], decision["end"]) == ("wmo", "OZR1", "2021-12-31")

    listed = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                         "--format", "json"))  # fmt: skip
    providers = providers_in(store)
    assert listed and all(
        providers[p["agb"]].serves(HOUTEN) and not providers[p["agb"]].client_stop
        and Law.WMO in providers[p["agb"]].laws
        for p in listed
    )  # fmt: skip
    assert [p["waiting_weeks"] for p in listed] == sorted(p["waiting_weeks"] for p in listed)

    chosen = listed[0]["agb"]
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                            "--provider", chosen, "--format", "json"))  # fmt: skip
    number = allocated["toewijzing_nummer"]
    assert (allocated["provider"], allocated["volume"], allocated["unit"], allocated["frequency"]) == (
        chosen,
        3,
        "04",
        "2",
    )
    content = outbox_301(store, allocated["message"])
    assert_valid_301(content)
    client = read_message(content).bericht.client
    assert client.bsn == bsn
    (product,) = [p for p in client.toegewezen_producten if p.toewijzing_nummer == number]
    assert (product.ingangsdatum, product.einddatum, product.reden_wijziging) == (
        date(2021, 7, 1),
        date(2021, 12, 31),
        None,
    )

    shortened = as_json(cli("access", "change", str(number), "-m", HOUTEN, "--reason", "05", "--end", "2021-10-31",
                            "--format", "json"))  # fmt: skip
    assert (shortened["end"], shortened["reden_wijziging"]) == ("2021-10-31", "05")
    content = outbox_301(store, shortened["message"])
    assert_valid_301(content)
    (product,) = [
        p for p in read_message(content).bericht.client.toegewezen_producten if p.toewijzing_nummer == number
    ]
    assert (product.einddatum, product.reden_wijziging) == (date(2021, 10, 31), "05")

    ended = as_json(cli("access", "end", str(number), "-m", HOUTEN, "--end", "2021-08-31", "--reason", "09",
                        "--format", "json"))  # fmt: skip
    assert (ended["end"], ended["reden_wijziging"]) == ("2021-08-31", "09")
    content = outbox_301(store, ended["message"])
    assert_valid_301(content)
    (product,) = [
        p for p in read_message(content).bericht.client.toegewezen_producten if p.toewijzing_nummer == number
    ]
    assert (product.einddatum, product.reden_wijziging) == (date(2021, 8, 31), "09")

    withdrawn = as_json(
        cli("access", "change", str(number), "-m", HOUTEN, "--reason", "13", "--format", "json")
    )
    assert (withdrawn["start"], withdrawn["end"], withdrawn["reden_wijziging"]) == (
        "2021-07-01",
        "2021-07-01",
        "13",
    )
    assert_valid_301(outbox_301(store, withdrawn["message"]))


def test_a_decision_with_the_2022_model_is_allocated_with_its_matrix_product(cli: Cli, store: str) -> None:
    bsn = adult_of(store, HOUTEN, offset=1)
    decision = as_json(cli("access", "decide", "lekstroom-2022", "--bsn", bsn, "-m", HOUTEN, "--start", "2022-01-01",
                           "--months", "12", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen", "--format",
                           "json"))  # fmt: skip
    assert (decision["product"], decision["total_budget_eur"]) == ("02O11", "3540.00")
    assert decision["evaluations"] == ["2022-06-30 evaluatie maand 6", "2022-12-31 eindevaluatie"]
    listed = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                         "--format", "json"))  # fmt: skip
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                            "--provider", listed[0]["agb"], "--format", "json"))  # fmt: skip
    assert (allocated["product"], allocated["unit"], allocated["frequency"]) == ("02O11", "84", "4")
    assert_valid_301(outbox_301(store, allocated["message"]))


def test_a_2022_decision_lists_and_allocates_only_providers_contracted_under_the_2022_agreement(
    cli: Cli, store: str
) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-2022", "--bsn", adult_of(store, HOUTEN, offset=4), "-m",
                           HOUTEN, "--start", "2022-02-01", "--months", "12", "--areas",
                           "zelfzorg-gezondheid,regelvermogen-structuur,sociaal-functioneren", "--type", "behouden",
                           "--format", "json"))  # fmt: skip
    assert decision["product"] == "02B21"
    contracted_2022 = contracted_for(store, "02B21", date(2022, 2, 1), "WMO2022")
    providers = providers_in(store)
    wmo = {a for a, p in providers.items() if Law.WMO in p.laws}
    assert 30 <= len(contracted_2022) < len(wmo)  # the award left some OZR providers out
    listed = {p["agb"] for p in as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model",
                                             "lekstroom-2022", "--format", "json"))}  # fmt: skip
    assert listed and listed <= contracted_2022
    # exactly the contracted ones that serve Houten, are open and have room (nobody is in care in 2022 yet)
    assert listed == {
        a for a in contracted_2022 if providers[a].serves(HOUTEN) and not providers[a].client_stop
    }
    assert listed == {p["agb"] for p in as_json(cli("access", "providers", "-m", HOUTEN, "--on", "2022-02-01",
                                                     "--product", "02B21", "--format", "json"))}  # fmt: skip

    # a provider that serves Houten, is open and held an OZR contract, but was not awarded 2022
    left_out = next(a for a in sorted(wmo - contracted_2022)
                    if providers[a].serves(HOUTEN) and not providers[a].client_stop)  # fmt: skip
    before = scalar(store, select(func.count()).select_from(t.AllocationRow))
    refused(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                "--provider", left_out), left_out, "no contract", "2022-02-01", "02B21", "without --provider")  # fmt: skip
    assert scalar(store, select(func.count()).select_from(t.AllocationRow)) == before
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                            "--provider", sorted(listed)[0], "--format", "json"))  # fmt: skip
    assert (allocated["product"], allocated["start"]) == ("02B21", "2022-02-01")


def test_a_2022_decision_starting_before_the_model_is_in_force_is_refused(cli: Cli, store: str) -> None:
    before = scalar(store, select(func.count()).select_from(t.DecisionRow))
    refused(cli("access", "decide", "lekstroom-2022", "--bsn", adult_of(store, HOUTEN, offset=5), "-m", HOUTEN,
                "--start", "2021-06-01", "--months", "12", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen"),
            "intake refused", "lekstroom-2022", "2022-01-01", "2021-06-01")  # fmt: skip
    assert scalar(store, select(func.count()).select_from(t.DecisionRow)) == before


def test_an_ozr_decision_in_2021_still_goes_to_a_provider_under_the_ozr_contracts(
    cli: Cli, store: str
) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=5), "-m",
                           HOUTEN, "--start", "2021-03-01", "--months", "6", "--product", "OZR2", "--hours", "2",
                           "--format", "json"))  # fmt: skip
    listed = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                         "--format", "json"))  # fmt: skip
    # the OZR contracts run through 2021, so providers left out of 2022 are still listed
    ozr = contracted_for(store, "OZR2", date(2021, 3, 1), "WMO2015")
    assert listed and {p["agb"] for p in listed} <= ozr
    assert {p["agb"] for p in listed} - contracted_for(store, "02B21", date(2022, 2, 1), "WMO2022")
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-ozr",
                            "--provider", listed[0]["agb"], "--format", "json"))  # fmt: skip
    assert (allocated["product"], allocated["start"], allocated["end"]) == (
        "OZR2",
        "2021-03-01",
        "2021-08-31",
    )
    assert_valid_301(outbox_301(store, allocated["message"]))


def test_the_providers_listed_are_exactly_the_eligible_ones_for_the_municipality_and_law(
    cli: Cli, store: str
) -> None:
    providers = providers_in(store)
    for law in (Law.WMO, Law.JEUGD):
        listed = {p["agb"] for p in as_json(cli("access", "providers", "-m", HOUTEN, "--law", law.value,
                                                 "--format", "json"))}  # fmt: skip
        serving = {
            a for a, p in providers.items() if law in p.laws and p.serves(HOUTEN) and not p.client_stop
        }
        # capacity may hold some back, never add one
        assert listed and listed <= serving
        assert not {a for a in listed if providers[a].client_stop or not providers[a].serves(HOUTEN)}


def test_allocate_without_provider_lists_jeugd_providers_for_a_jeugd_decision(cli: Cli, store: str) -> None:
    jeugd_decision, starts, product = scalar_row(store, select(
        t.DecisionRow.id, t.DecisionRow.valid_from, t.DecisionRow.product_code).where(
        t.DecisionRow.municipality_code == HOUTEN, t.DecisionRow.law == "jeugd").limit(1))  # fmt: skip
    listed = as_json(cli("access", "allocate", jeugd_decision, "-m", HOUTEN, "--model", "lekstroom-ozr",
                         "--format", "json"))  # fmt: skip
    providers = providers_in(store)
    assert listed and all(Law.JEUGD in providers[p["agb"]].laws for p in listed)
    # capacity and contract are judged on the day the decision's care begins, for its product
    same_day = as_json(cli("access", "providers", "-m", HOUTEN, "--law", "jeugd", "--on", starts.isoformat(),
                           "--product", product, "--format", "json"))  # fmt: skip
    assert {p["agb"] for p in listed} == {p["agb"] for p in same_day}
    assert {p["agb"] for p in listed} <= contracted_for(store, product, starts)


def test_a_provider_on_client_stop_or_not_serving_the_municipality_is_refused(cli: Cli, store: str) -> None:
    providers = providers_in(store)
    on_stop = next(
        a for a, p in providers.items() if Law.WMO in p.laws and p.client_stop and p.serves(HOUTEN)
    )
    elsewhere = next(
        a for a, p in providers.items() if Law.WMO in p.laws and not p.client_stop and not p.serves(HOUTEN)
    )
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=2), "-m", HOUTEN,
                           "--start", "2021-07-01", "--months", "6", "--product", "OZR2", "--hours", "2",
                           "--format", "json"))["decision"]  # fmt: skip
    before = scalar(store, select(func.count()).select_from(t.AllocationRow))
    for agb in (on_stop, elsewhere):
        refused(cli("access", "allocate", decision, "-m", HOUTEN, "--model", "lekstroom-ozr", "--provider", agb),
                agb, "not eligible")  # fmt: skip
    assert scalar(store, select(func.count()).select_from(t.AllocationRow)) == before


def test_a_decision_for_someone_not_an_inhabitant_is_refused(cli: Cli, store: str) -> None:
    other = adult_of(store, NIEUWEGEIN)
    refused(cli("access", "decide", "lekstroom-ozr", "--bsn", other, "-m", HOUTEN, "--start", "2021-07-01",
                "--months", "6", "--product", "OZR1", "--hours", "3"), other, "not an inhabitant")  # fmt: skip
    refused(cli("access", "decide", "lekstroom-ozr", "--bsn", "999999990", "-m", HOUTEN, "--start", "2021-07-01",
                "--months", "6", "--product", "OZR1", "--hours", "3"), "999999990")  # fmt: skip


def test_a_decision_of_another_municipality_cannot_be_allocated_or_listed(cli: Cli, store: str) -> None:
    theirs = scalar(
        store, select(t.DecisionRow.id).where(t.DecisionRow.municipality_code == NIEUWEGEIN).limit(1)
    )
    refused(cli("access", "allocate", theirs, "-m", HOUTEN, "--model", "lekstroom-ozr"), theirs)


# -- allocation integrity ----------------------------------------------------------------------------


def test_a_decision_is_allocated_once_at_a_time_and_goes_to_another_provider_by_a_switch(
    cli: Cli, store: str
) -> None:
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", adult_of(store, HOUTEN, offset=6), "-m",
                           HOUTEN, "--start", "2021-07-01", "--months", "6", "--product", "OZR1", "--hours", "3",
                           "--format", "json"))["decision"]  # fmt: skip
    first_agb, second_agb = (p["agb"] for p in as_json(cli("access", "allocate", decision, "-m", HOUTEN, "--model",
                                                             "lekstroom-ozr", "--format", "json"))[:2])  # fmt: skip
    allocate = ("access", "allocate", decision, "-m", HOUTEN, "--model", "lekstroom-ozr", "--provider")
    first = as_json(cli(*allocate, first_agb, "--format", "json"))
    number = first["toewijzing_nummer"]
    before = scalar(store, select(func.count()).select_from(t.AllocationRow))
    refused(cli(*allocate, second_agb), f"decision {decision} is already allocated", f"allocation {number}",
            f"--switch-from {number}", f"access end {number}")  # fmt: skip
    refused(cli(*allocate, first_agb), f"allocation {number}")  # twice to one provider: refused too
    assert scalar(store, select(func.count()).select_from(t.AllocationRow)) == before

    switched = as_json(cli(*allocate, second_agb, "--switch-from", str(number), "--start", "2021-10-01", "--format",
                           "json"))  # fmt: skip
    assert (switched["start"], switched["ended"], switched["ended_end"], switched["ended_reden_wijziging"]) == (
        "2021-10-01", number, "2021-09-30", "09",
    )  # fmt: skip
    assert switched["outside_lines"] == []  # nothing was paid yet
    for name, agb, allocation, end, reason in (
        (switched["ended_message"], first_agb, number, date(2021, 9, 30), "09"),
        (switched["message"], second_agb, switched["toewijzing_nummer"], date(2021, 12, 31), None),
    ):
        content = outbox_301(store, name)
        assert_valid_301(content)
        message = read_message(content).bericht
        assert message.header.ontvanger == agb
        (product,) = [p for p in message.client.toegewezen_producten if p.toewijzing_nummer == allocation]
        assert (product.einddatum, product.reden_wijziging) == (end, reason)


def _paid_demo_allocation(store: str) -> tuple[int, list[date]]:
    """A Houten Wmo allocation of the demo with approved, uncredited debits in several months."""
    line = t.DeclarationLineRow
    number = scalar(store, select(line.allocation_number)
                    .where(line.municipality_code == HOUTEN, line.law == "wmo", line.status == "approved",
                           line.debit_credit == "D")
                    .group_by(line.allocation_number).having(func.count(func.distinct(line.period_start)) >= 4)
                    .order_by(line.allocation_number).limit(1))  # fmt: skip
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            starts = sorted(set(connection.scalars(select(line.period_start).where(
                line.municipality_code == HOUTEN, line.law == "wmo", line.allocation_number == number,
                line.status == "approved", line.debit_credit == "D"))))  # fmt: skip
    finally:
        engine.dispose()
    return int(number), starts


def test_a_demo_allocation_with_paid_months_is_not_deleted_and_shortening_it_lists_the_lines_to_credit(
    cli: Cli, store: str
) -> None:
    number, months = _paid_demo_allocation(store)
    refused(
        cli("access", "change", str(number), "-m", HOUTEN, "--reason", "13"), "TR385", f"allocation {number}"
    )
    refused(cli("access", "change", str(number), "-m", HOUTEN, "--reason", "14", "--volume", "99"), "OP033x1")
    # end it on the last day of its second paid month: every later paid month is now outside it
    end = months[2] - timedelta(days=1)
    result = cli("access", "end", str(number), "-m", HOUTEN, "--end", end.isoformat(), "--format", "json")
    shown = as_json(result)
    assert shown["end"] == end.isoformat()
    outside = {date.fromisoformat(x["period"][:10]) for x in shown["outside_lines"]}
    assert outside == set(months[2:])
    listed = as_json(cli("access", "outside-lines", "-m", HOUTEN, "--format", "json"))
    mine = [x for x in listed if x["allocation"] == number]
    assert len(mine) == len(shown["outside_lines"]) and all(
        x["reden_wijziging"] == "05" and x["open"] for x in mine
    )
    assert scalar(store, select(func.count()).select_from(t.AllocationOutsideLineRow)
                  .where(t.AllocationOutsideLineRow.allocation_number == number)) == len(mine)  # fmt: skip
    table = cli("access", "end", str(number), "-m", HOUTEN, "--end", (end - timedelta(days=1)).isoformat())
    assert table.exit_code == 0 and "must credit them" in table.stderr
    # another municipality sees none of it (nothing of Nieuwegein was shortened)
    assert as_json(cli("access", "outside-lines", "-m", NIEUWEGEIN, "--format", "json")) == []


# -- the client's address ----------------------------------------------------------------------------


def test_a_client_without_an_address_gets_one_recorded_and_then_an_allocation(cli: Cli, store: str) -> None:
    bsn = adult_of(store, HOUTEN, offset=3)
    engine = make_engine(store)
    with engine.begin() as connection:
        connection.execute(delete(t.ClientContactRow).where(t.ClientContactRow.bsn == bsn))
    engine.dispose()
    decision = as_json(cli("access", "decide", "lekstroom-ozr", "--bsn", bsn, "-m", HOUTEN, "--start", "2021-07-01",
                           "--months", "6", "--product", "OZR1", "--hours", "3", "--format", "json"))["decision"]  # fmt: skip
    agb = as_json(cli("access", "providers", "-m", HOUTEN, "--format", "json"))[0]["agb"]
    allocate = ("access", "allocate", decision, "-m", HOUTEN, "--model", "lekstroom-ozr", "--provider", agb)
    refused(cli(*allocate), bsn, "no address", "TR061")

    refused(cli("access", "client", "--bsn", bsn, "-m", HOUTEN, "--street", "Lekdijk", "--house-number", "7",
                "--postcode", "399AB", "--city", "Houten"), "399AB", "CS089")  # fmt: skip
    refused(cli("access", "client", "--bsn", "123456789", "-m", HOUTEN, "--street", "Lekdijk", "--house-number", "7",
                "--postcode", "3991AB", "--city", "Houten"), "123456789", "BSN")  # fmt: skip
    other = adult_of(store, NIEUWEGEIN, offset=1)
    refused(cli("access", "client", "--bsn", other, "-m", HOUTEN, "--street", "Lekdijk", "--house-number", "7",
                "--postcode", "3991AB", "--city", "Houten"), other, "not an inhabitant")  # fmt: skip

    recorded = as_json(cli("access", "client", "--bsn", bsn, "-m", HOUTEN, "--street", "Lekdijk", "--house-number", "7",
                           "--house-letter", "b", "--postcode", "3991 ab", "--city", "Houten", "--phone", "030-1234567",
                           "--format", "json"))  # fmt: skip
    assert recorded == {"bsn": bsn, "street": "Lekdijk", "house_number": 7, "house_letter": "B",
                        "postcode": "3991AB", "city": "Houten", "phone": "0301234567"}  # fmt: skip
    allocated = as_json(cli(*allocate, "--format", "json"))
    content = outbox_301(store, allocated["message"])
    assert_valid_301(content)
    (contact,) = read_message(content).bericht.client.contactgegevens
    assert (contact.adres.straatnaam, contact.adres.huis.huisnummer, contact.adres.postcode) == (
        "Lekdijk",
        7,
        "3991AB",
    )


# -- signals ---------------------------------------------------------------------------------------


def _log_rows(store: str) -> int:
    return int(scalar(store, select(func.count()).select_from(t.ProcessingLogEntryRow)))


def test_one_family_one_plan_on_the_demo_shows_households_with_both_laws(cli: Cli, store: str) -> None:
    households: set[str] = set()
    for code in MUNICIPALITIES:
        before = _log_rows(store)
        rows = as_json(
            cli("access", "signals", "family", "-m", code, "--on", "2021-01-01", "--format", "json")
        )
        by_household: dict[str, set[str]] = {}
        for r in rows:
            by_household.setdefault(r["household"], set()).add(r["law"])
        assert all(laws == {"wmo", "jeugd"} for laws in by_household.values())
        assert all(r["household"].startswith(f"HH{code}") for r in rows)  # only the municipality's own
        households |= set(by_household)
        # the read is in the processing log: one entry per person read (Logboek Dataverwerkingen),
        # no longer one row per read
        assert _log_rows(store) == before + len({r["bsn"] for r in rows})
    assert len(households) >= 20


def test_the_18_transition_on_the_demo_lists_youths_turning_18_in_2020_and_2021_without_wmo(
    cli: Cli, store: str
) -> None:
    turning: list[dict[str, Any]] = []
    for code in MUNICIPALITIES:
        rows = as_json(
            cli("access", "signals", "transition-18", "-m", code, "--on", "2020-07-01", "--format", "json")
        )
        assert all(r["municipality"] == code for r in rows)
        for r in rows:
            born, turns = date.fromisoformat(r["birth_date"]), date.fromisoformat(r["turns_18"])
            assert (turns.year - born.year, turns.month, turns.day) == (18, born.month, born.day)
        turning += [r for r in rows if r["turns_18"][:4] in ("2020", "2021")]
    assert len(turning) >= 5
    assert all("Big-5" in r["missing"] for r in turning)


def test_evaluations_due_on_the_demo_lie_inside_the_window(cli: Cli, store: str) -> None:
    today = as_json(cli("access", "signals", "evaluations", "-m", NIEUWEGEIN, "--on", "2021-01-04", "--days", "0",
                        "--format", "json"))  # fmt: skip
    month = as_json(cli("access", "signals", "evaluations", "-m", NIEUWEGEIN, "--on", "2021-01-04", "--days", "30",
                        "--format", "json"))  # fmt: skip
    assert {r["due"] for r in today} <= {"2021-01-04"}
    assert month and all("2021-01-04" <= r["due"] <= "2021-02-03" for r in month)
    assert len(month) > len(today)
    assert all(r["municipality"] == NIEUWEGEIN for r in month)
    refused(cli("access", "signals", "evaluations", "-m", NIEUWEGEIN, "--days", "-1"), "--days -1")


def test_no_command_shows_a_traceback_for_an_unknown_reason_code(cli: Cli) -> None:
    refused(cli("access", "change", "1", "-m", HOUTEN, "--reason", "99"), "99")


_ = Path
