# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop tenders`` end to end on a copy of the demo store, with the shipped example
(``examples/tenders/``): create, bids, scores, evaluate, coverage, award, finalize; then a 2024
decision for a product of the lot lists and allocates only the admitted providers. Bad input is
one line, exit 1, and stores nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from rich.console import Console
from sqlalchemy import func, select

from tests.e2e.test_cli_access import HOUTEN, Cli, adult_of, as_json, contracted_for, runner, scalar
from tests.e2e.test_cli_readable import _invoke, _json_rows, _words
from zorginkoop.adapters.db import tables as t
from zorginkoop.cli import app
from zorginkoop.cli import output as cli_output

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenders"
TENDER = "WMO-IB-2024"
BIDS = {
    "98214099": "bid-zorggroep-lekstroom.toml",
    "98478174": "bid-op-maat-lopik.toml",
    "98416481": "bid-horizon-lopik.toml",
    "98306771": "bid-kompas.toml",
    "98058598": "bid-de-polderzorg.toml",
}
ADMITTED = {"98214099", "98478174", "98416481"}
TENDER_TABLES = (t.TenderRow, t.TenderLotRow, t.TenderBidRow, t.TenderBidAnswerRow, t.TenderScoreRow,
                 t.TenderOutcomeRow, t.FrameworkAgreementRow, t.ContractRow)  # fmt: skip


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("tenders") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    return lambda *args: runner.invoke(app, [*args, "--db", store])


def counts(store: str) -> dict[str, int]:
    return {
        table.__tablename__: scalar(store, select(func.count()).select_from(table)) for table in TENDER_TABLES
    }


def refused(result: Result, *words: str) -> None:
    """Exit 1 with one line on stderr naming what was wrong, no traceback."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


def unchanged(store: str, result: Result, *words: str) -> None:
    before = counts(store)
    refused(result, *words)
    assert counts(store) == before


def written(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_tender_runs_from_its_definition_to_contracts_the_chain_uses(
    cli: Cli, store: str, tmp_path: Path
) -> None:
    example = (EXAMPLES / "wmo-begeleiding-2024.toml").read_text(encoding="utf-8")
    # weights that do not add up: refused before anything is stored
    before = counts(store)
    bad = written(tmp_path, "bad.toml", example.replace("weight = 40", "weight = 35"))
    unchanged(store, cli("tenders", "create", bad), "weights add up to 95, not 100")
    assert counts(store) == before

    created = cli("tenders", "create", str(EXAMPLES / "wmo-begeleiding-2024.toml"))
    assert created.exit_code == 0, created.output
    assert "tender WMO-IB-2024 created" in created.stderr
    refused(cli("tenders", "create", str(EXAMPLES / "wmo-begeleiding-2024.toml")), "exists already")

    for agb, name in BIDS.items():
        result = cli("tenders", "bid", TENDER, "--provider", agb, "--on", "2023-06-20", str(EXAMPLES / name))
        assert result.exit_code == 0, result.output
    # a bid after the registration period, and one for a lot the tender lacks
    late = cli("tenders", "bid", TENDER, "--provider", "98058598", "--on", "2023-07-15",
               str(EXAMPLES / "bid-de-polderzorg.toml"))  # fmt: skip
    unchanged(store, late, "registration is open 2023-06-01 to 2023-07-14, not on 2023-07-15")
    other_lot = written(tmp_path, "lot.toml", '[[bid]]\nlot = "XX"\nproducts = ["02O11"]\n')
    unchanged(store, cli("tenders", "bid", TENDER, "--provider", "98058598", "--on", "2023-06-20", other_lot),
              "has no lot 'XX'")  # fmt: skip

    for assessor, name in (
        ("A. Jansen", "jansen"),
        ("B. de Vries", "de-vries"),
        ("C. Voorzitter", "consensus"),
    ):
        result = cli(
            "tenders", "score", TENDER, "--assessor", assessor, str(EXAMPLES / f"scores-{name}.toml")
        )
        assert result.exit_code == 0, result.output
    outside = written(
        tmp_path, "s.toml", 'score = [{ provider = "98214099", lot = "IB", criterion = "G1", score = 11 }]'
    )
    unchanged(store, cli("tenders", "score", TENDER, "--assessor", "X", outside), "outside the scale 0 to 10")

    evaluation = {row["agb"]: row for row in as_json(cli("tenders", "evaluate", TENDER, "--format", "json"))}
    assert {a for a, row in evaluation.items() if row["admitted"]} == ADMITTED
    assert evaluation["98214099"] | {"criteria": None, "contract": None} == {
        "lot": "IB", "agb": "98214099", "provider": "Zorggroep Lekstroom", "admitted": True, "rank": 1,
        "score": "79.00", "price_eur": None, "reason": "ranked 1, every minimum met", "criteria": None,
        "contract": None,
    }  # fmt: skip
    assert evaluation["98058598"]["reason"] == "G2 scored 4, minimum 5"
    assert evaluation["98306771"]["reason"].startswith(
        "knock-out E1 (at least 10 clients served): declared 8"
    )
    csv = cli("tenders", "evaluate", TENDER, "--format", "csv").stdout.splitlines()
    assert (
        csv[0] == "lot,agb,provider,admitted,rank,score,price_eur,reason,criteria,contract" and len(csv) == 6
    )

    covered = as_json(cli("tenders", "coverage", TENDER, "--format", "json"))
    assert covered["gaps"] == 0 and len(covered["cells"]) == 25
    # the provider new to the region adds nothing Zorggroep Lekstroom does not cover (seed 004)
    assert covered["newcomers"] == [{"agb": "98416481", "provider": "Stichting Horizon Lopik", "lot": "IB",
                                     "adds": "nothing"}]  # fmt: skip
    two = as_json(cli("tenders", "coverage", TENDER, "--minimum", "2", "--format", "json"))
    lopik = [c for c in two["cells"] if c["cbs"] == "0331"]
    assert two["gaps"] > 0 and all(c["gap"] for c in lopik)

    unchanged(store, cli("tenders", "finalize", TENDER, "--on", "2023-08-12"), "no intended award yet")
    awarded = cli("tenders", "award", TENDER, "--on", "2023-08-01")
    assert awarded.exit_code == 0, awarded.output
    assert "3 of 5 bids admitted; standstill until 2023-08-11" in awarded.stderr
    unchanged(store, cli("tenders", "award", TENDER, "--on", "2023-08-02"), "already awarded")
    unchanged(
        store, cli("tenders", "finalize", TENDER, "--on", "2023-08-11"), "standstill runs until 2023-08-11"
    )
    unchanged(store, cli("tenders", "bid", TENDER, "--provider", "98058598", "--on", "2023-07-01",
                         str(EXAMPLES / "bid-de-polderzorg.toml")), "takes no more bids")  # fmt: skip

    final = cli("tenders", "finalize", TENDER, "--on", "2023-08-12")
    assert final.exit_code == 0, final.output
    assert contracted_for(store, "02O11", date(2024, 2, 1)) == ADMITTED
    assert contracted_for(store, "02B33", date(2025, 12, 31), TENDER) == ADMITTED
    assert contracted_for(store, "02B33", date(2026, 1, 1), TENDER) == set()  # 2 years until an extension
    # policy uniform: one price for every admitted provider, the tender's: the catalogue's where
    # it has that tariff on 2024-01-01, else each contract's own (the catalogue holds another)
    assert _paid_tariffs(store, ADMITTED, date(2024, 2, 1)) == {agb: TARIFFS for agb in ADMITTED}
    shown = as_json(cli("tenders", "show", TENDER, "--format", "json"))
    assert (shown["status"], shown["framework"], shown["final_award_on"]) == ("final", TENDER, "2023-08-12")
    listed = as_json(cli("tenders", "list", "--format", "json"))
    assert [(x["code"], x["status"], x["bids"]) for x in listed if x["code"] == TENDER] == [
        (TENDER, "final", 5)
    ]
    assert ("WMO2022", "final") in {(x["code"], x["status"]) for x in listed}  # the demo's own SAS tender
    unchanged(store, cli("tenders", "finalize", TENDER, "--on", "2023-08-13"), "already final")

    # the next day's work: a 2024 decision for a product of the lot goes to admitted providers only
    decision = as_json(cli("access", "decide", "lekstroom-2022", "--bsn", adult_of(store, HOUTEN, offset=7), "-m",
                           HOUTEN, "--start", "2024-02-01", "--months", "6", "--areas", "zelfzorg-gezondheid",
                           "--type", "ontwikkelen", "--format", "json"))  # fmt: skip
    assert decision["product"] == "02O11"
    offered: list[dict[str, Any]] = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model",
                                                 "lekstroom-2022", "--format", "json"))  # fmt: skip
    assert {p["agb"] for p in offered} == {"98214099", "98478174"}  # admitted and serving Houten
    refused_provider = cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                           "--provider", "98058598", "--format", "json")  # fmt: skip
    assert refused_provider.exit_code != 0
    allocated = as_json(cli("access", "allocate", decision["decision"], "-m", HOUTEN, "--model", "lekstroom-2022",
                            "--provider", "98478174", "--format", "json"))  # fmt: skip
    assert allocated["provider"] == "98478174"


def test_an_unknown_tender_is_one_line(cli: Cli) -> None:
    refused(cli("tenders", "show", "NOPE"), "no tender 'NOPE'")
    refused(cli("tenders", "evaluate", "NOPE"), "no tender 'NOPE'")


TARIFFS = {
    "02O11": 32517, "02O12": 51255, "02O13": 74402, "02O21": 48499, "02O22": 71646, "02O23": 99754,
    "02O31": 66135, "02O32": 94793, "02O33": 149905, "02B11": 29210, "02B12": 46294, "02B13": 67237,
    "02B21": 43539, "02B22": 64482, "02B23": 90384, "02B31": 59521, "02B32": 85425, "02B33": 135026,
}  # fmt: skip
"""The example tender's fixed tariffs in cents (examples/tenders/wmo-begeleiding-2024.toml)."""


def _paid_tariffs(store: str, providers: set[str], day: date) -> dict[str, dict[str, int]]:
    """Per provider, the tariff in cents each lot product is paid at on ``day``: its own price
    where it has one, else the catalogue's (as TR418 judges)."""
    from sqlalchemy import and_, or_

    from zorginkoop.adapters.db.session import make_engine

    in_force = and_(
        t.TariffRow.valid_from <= day, or_(t.TariffRow.valid_to.is_(None), t.TariffRow.valid_to >= day)
    )
    own_in_force = and_(
        t.ProviderTariffRow.valid_from <= day,
        or_(t.ProviderTariffRow.valid_to.is_(None), t.ProviderTariffRow.valid_to >= day),
    )
    engine = make_engine(store)
    with engine.connect() as c:
        catalogue = dict(c.execute(select(t.ProductRow.code, t.TariffRow.amount_cents)
                                   .join(t.TariffRow, t.TariffRow.product_id == t.ProductRow.id)
                                   .where(t.ProductRow.law == "wmo", t.ProductRow.code.in_(TARIFFS), in_force)).all())  # fmt: skip
        own = c.execute(select(t.ProviderTariffRow.provider_agb, t.ProductRow.code, t.ProviderTariffRow.amount_cents)
                        .join(t.ProductRow, t.ProductRow.id == t.ProviderTariffRow.product_id)
                        .where(t.ProviderTariffRow.provider_agb.in_(providers), own_in_force)).all()  # fmt: skip
    engine.dispose()
    paid = {agb: {code: catalogue.get(code) for code in TARIFFS} for agb in providers}
    for agb, code, cents in own:
        if code in TARIFFS:
            paid[agb][code] = cents
    return paid


# -- readable at 80 columns, in a pipe and on a terminal ------------------------------------------


@pytest.fixture(scope="module")
def finalized(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Another copy of the demo with the example tender run to its final award."""
    copy = tmp_path_factory.mktemp("tenders-readable") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    store = f"sqlite:///{copy}"
    steps = [["tenders", "create", str(EXAMPLES / "wmo-begeleiding-2024.toml")]]
    steps += [["tenders", "bid", TENDER, "--provider", agb, "--on", "2023-06-20", str(EXAMPLES / name)]
              for agb, name in BIDS.items()]  # fmt: skip
    steps += [["tenders", "score", TENDER, "--assessor", name, str(EXAMPLES / f"scores-{name}.toml")]
              for name in ("jansen", "de-vries", "consensus")]  # fmt: skip
    steps += [
        ["tenders", "award", TENDER, "--on", "2023-08-01"],
        ["tenders", "finalize", TENDER, "--on", "2023-08-12"],
    ]
    for step in steps:
        result = runner.invoke(app, [*step, "--db", store])
        assert result.exit_code == 0, result.output
    return store


@pytest.fixture(params=["pipe", "terminal"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """As in test_cli_readable: a pipe, or an 80-column terminal without colour codes."""
    if request.param == "terminal":
        monkeypatch.setattr(cli_output, "console", Console(force_terminal=True, width=80, color_system=None))
    return str(request.param)


@pytest.mark.parametrize("command", [["tenders", "list"], ["tenders", "evaluate", TENDER]], ids=" ".join)
def test_tender_tables_print_every_value_whole_at_80_columns(
    finalized: str, command: list[str], mode: str
) -> None:
    args = [*command, "--db", finalized]
    truth = _json_rows(_invoke([*args, "--format", "json"]))
    assert truth
    shown = _invoke(args)
    assert shown.exit_code == 0, shown.output
    missing = sorted(
        {w for row in truth for value in row.values() for w in _words(value) if w not in shown.stdout}
    )
    assert missing == [], f"cut or missing in {mode} output: {missing[:10]}"
    assert all(len(line) <= 80 for line in shown.stdout.splitlines()) or mode == "pipe"


def test_after_the_award_the_evaluation_keeps_its_scores_and_names_the_contracts(finalized: str) -> None:
    rows = {r["agb"]: r for r in as_json(runner.invoke(app, ["tenders", "evaluate", TENDER, "--format", "json",
                                                             "--db", finalized]))}  # fmt: skip
    assert rows["98478174"]["criteria"] == ["G1 7", "G2 6", "G3 7"]  # G1: the consensus
    assert rows["98214099"]["criteria"] == ["G1 8.5", "G2 7", "G3 8"]
    assert {a: r["contract"] for a, r in rows.items() if r["contract"]} == {
        a: f"{TENDER}-IB-{a}" for a in ADMITTED
    }


def test_the_contract_conditions_are_checked_per_contract_and_year(finalized: str) -> None:
    rows = as_json(runner.invoke(app, ["tenders", "conditions", TENDER, "--year", "2024", "--format", "json",
                                       "--db", finalized]))  # fmt: skip
    assert {r["agb"] for r in rows} == ADMITTED
    assert all(r["condition"] == "min-active-clients" and r["minimum"] == 3 for r in rows)
    # the demo declares no 2024 care under the new contracts yet: every contract is under the minimum
    assert all(r["active_clients"] == 0 and r["breached"] for r in rows)
