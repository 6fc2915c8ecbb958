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
from sqlalchemy import func, select

from tests.e2e.test_cli_access import HOUTEN, Cli, adult_of, as_json, contracted_for, runner, scalar
from zorginkoop.adapters.db import tables as t
from zorginkoop.cli import app

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
    assert csv[0] == "lot,agb,provider,admitted,rank,score,price_eur,reason" and len(csv) == 6

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
    assert scalar(store, select(func.count()).select_from(t.ProviderTariffRow)
                  .where(t.ProviderTariffRow.note.like(f"contract {TENDER}-%"))) == 3 * 18  # fmt: skip
    shown = as_json(cli("tenders", "show", TENDER, "--format", "json"))
    assert (shown["status"], shown["framework"], shown["final_award_on"]) == ("final", TENDER, "2023-08-12")
    listed = as_json(cli("tenders", "list", "--format", "json"))
    assert [(x["code"], x["status"], x["bids"]) for x in listed] == [(TENDER, "final", 5)]
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
