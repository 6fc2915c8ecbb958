# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop tenders ocds`` end to end on a copy of the demo store: the shipped example tender
(examples/tenders/) run through create, bid, score, award and finalize, published after each
step; every package validates against OCDS 1.1.5 with its extensions and code lists, and no
personal data appear (no assessor, no client, no free practitioner's name)."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.e2e.test_cli_access import Cli, runner, scalar
from tests.ocds_helpers import assert_valid_package, ocds_dir, read_package
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenders"
TENDER = "WMO-IB-2024"
ASSESSORS = {"scores-jansen.toml": "A. Jansen", "scores-de-vries.toml": "B. de Vries", "scores-consensus.toml": "C. Voorzitter"}  # fmt: skip
SOLO = "98058598"
"""De Polderzorg, marked a free practitioner here to stand for a natural person."""
AGB_IN_HEADER = re.compile(r"AGB ([0-9]{8})")


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    ocds_dir()
    copy = tmp_path_factory.mktemp("ocds") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(t.ProviderRow).where(t.ProviderRow.agb_code == SOLO).values(free_practitioner=True)
        )
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    return lambda *args: runner.invoke(app, [*args, "--db", store])


def publish(cli: Cli, out: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    result = cli("tenders", "ocds", TENDER, "--out", str(out), "--on", "2024-03-01")
    assert result.exit_code == 0, result.output
    written = {}
    for line in result.stdout.split():
        text = Path(line).read_text(encoding="utf-8")
        package = read_package(text)
        written[package["releases"][0]["tag"][0]] = (text, package)
    return written


def no_personal_data(store: str, texts: list[str]) -> None:
    solo_name = scalar(store, select(t.ProviderRow.name).where(t.ProviderRow.agb_code == SOLO))
    bsns = set(scalar_list(store, select(t.ClientRow.bsn)))
    for text in texts:
        assert solo_name not in text
        for assessor in ASSESSORS.values():
            assert assessor not in text and assessor.split()[-1] not in text
        assert not bsns & set(re.findall(r"[0-9]{9}", text))


def scalar_list(store: str, query: Any) -> list[Any]:
    engine = make_engine(store)
    with engine.connect() as connection:
        found = list(connection.scalars(query))
    engine.dispose()
    return found


def test_a_tender_published_at_each_step_gives_valid_packages(cli: Cli, store: str, tmp_path: Path) -> None:
    assert cli("tenders", "create", str(EXAMPLES / "wmo-begeleiding-2024.toml")).exit_code == 0
    for path in sorted(EXAMPLES.glob("bid-*.toml")):
        agb = AGB_IN_HEADER.search(path.read_text(encoding="utf-8"))
        assert agb is not None, path
        result = cli("tenders", "bid", TENDER, "--provider", agb.group(1), "--on", "2023-06-20", str(path))
        assert result.exit_code == 0, result.output
    for name, assessor in ASSESSORS.items():
        result = cli("tenders", "score", TENDER, "--assessor", assessor, str(EXAMPLES / name))
        assert result.exit_code == 0, result.output

    opened = publish(cli, tmp_path / "open")
    assert list(opened) == ["tender"]
    _text, package = opened["tender"]
    assert_valid_package(package)
    tender = package["releases"][0]["tender"]
    assert package["releases"][0]["ocid"] == f"ocds-zorginkoop-test-{TENDER}"
    assert tender["procurementMethod"] == "open" and tender["awardCriteria"] == "qualityOnly"
    assert "SAS" in tender["procurementMethodDetails"]
    assert tender["numberOfTenderers"] == 5
    assert tender["contractPeriod"]["maxExtentDate"] == "2027-12-31T23:59:59Z"
    criteria = tender["lots"][0]["awardCriteria"]["criteria"]
    assert [c["numbers"][0]["number"] for c in criteria] == [40, 30, 30, 0]
    assert len(tender["items"]) == 18

    assert cli("tenders", "award", TENDER, "--on", "2023-07-20").exit_code == 0
    awarded = publish(cli, tmp_path / "awarded")
    assert list(awarded) == ["tender", "award"]
    _text, package = awarded["award"]
    assert_valid_package(package)
    awards = package["releases"][0]["awards"]
    assert awards and {a["status"] for a in awards} == {"pending"}
    admitted = {a["suppliers"][0]["id"] for a in awards}

    result = cli("tenders", "finalize", TENDER, "--on", "2023-08-15")
    assert result.exit_code == 0, result.output
    final = publish(cli, tmp_path / "final")
    assert list(final) == ["tender", "award", "contract"]
    for _text, package in final.values():
        assert_valid_package(package)
    release = final["contract"][1]["releases"][0]
    assert {a["status"] for a in release["awards"]} == {"active"}
    assert {a["suppliers"][0]["id"] for a in release["awards"]} == admitted
    assert release["tender"]["status"] == "complete"
    contract = release["contracts"][0]
    assert contract["status"] == "active"
    assert contract["period"]["startDate"] == "2024-01-01T00:00:00Z"
    assert contract["period"]["endDate"] == "2025-12-31T23:59:59Z"
    prices = {i["id"]: i["unit"]["value"]["amount"] for i in contract["items"]}
    assert str(prices["IB-02O11"]) == "325.17"
    assert '"amount": 1499.05' in final["contract"][0]
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert roles[release["buyer"]["id"]] == ["buyer", "procuringEntity"]
    solo = next(p for p in release["parties"] if p["id"] == f"NL-AGB-{SOLO}")
    assert "name" not in solo and solo["identifier"] == {"scheme": "NL-AGB", "id": SOLO}
    no_personal_data(store, [text for step in (opened, awarded, final) for text, _p in step.values()])


def test_an_unknown_tender_or_a_bad_base_url_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("tenders", "ocds", "NO-SUCH", "--out", str(tmp_path))
    assert result.exit_code == 1 and result.stderr.strip().startswith("error: no tender 'NO-SUCH'")
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())
    result = cli("tenders", "ocds", TENDER, "--out", str(tmp_path), "--base-url", "ftp://x")
    assert result.exit_code == 2 and "--base-url" in result.stderr and "Traceback" not in result.output


CLASSIC = """
[tender]
code = "WMO-HH-EMVI"
name = "Huishoudelijke hulp, beste prijs-kwaliteit"
procedure = "classic"
award_method = "emvi"
tariff_policy = "bid"
published = 2023-09-01
standstill_days = 20

[tender.registration]
opens = 2023-09-01
closes = 2023-09-30

[tender.term]
start = 2024-01-01
years = 3

[tender.scoring]
low = 0
high = 10

[[lot]]
code = "1"
name = "Begeleiding in twee cellen"
law = "wmo"
ceiling_eur = "120000.00"
product = [{ code = "02O11", volume = 100 }, { code = "02O12", volume = 50 }]

[[criterion]]
code = "Q"
name = "Plan van aanpak"
weight = 60

[[criterion]]
code = "P"
name = "Prijs"
kind = "price"
weight = 40
"""

BID = """
[[bid]]
lot = "1"
products = ["02O11", "02O12"]
municipalities = ["0321"]
target_groups = ["lvb"]
[bid.prices]
02O11 = "{first}"
02O12 = "{second}"
"""


def test_a_classic_emvi_tender_publishes_weighted_price_and_each_providers_bid_prices(
    cli: Cli, store: str, tmp_path: Path
) -> None:
    (tmp_path / "tender.toml").write_text(CLASSIC, encoding="utf-8")
    assert cli("tenders", "create", str(tmp_path / "tender.toml")).exit_code == 0
    prices = {"98150798": ("310.00", "499.99"), "98335328": ("300.50", "520.00")}
    for agb, (first, second) in prices.items():
        (tmp_path / f"{agb}.toml").write_text(BID.format(first=first, second=second), encoding="utf-8")
        result = cli(
            "tenders",
            "bid",
            "WMO-HH-EMVI",
            "--provider",
            agb,
            "--on",
            "2023-09-10",
            str(tmp_path / f"{agb}.toml"),
        )
        assert result.exit_code == 0, result.output
    scores = (
        "score = [\n"
        + "".join(f'  {{ provider = "{a}", lot = "1", criterion = "Q", score = 8 }},\n' for a in prices)
        + "]\n"
    )
    (tmp_path / "scores.toml").write_text(scores, encoding="utf-8")
    assert (
        cli(
            "tenders", "score", "WMO-HH-EMVI", "--assessor", "A. Jansen", str(tmp_path / "scores.toml")
        ).exit_code
        == 0
    )
    assert cli("tenders", "award", "WMO-HH-EMVI", "--on", "2023-10-02").exit_code == 0
    assert cli("tenders", "finalize", "WMO-HH-EMVI", "--on", "2023-10-23").exit_code == 0
    result = cli("tenders", "ocds", "WMO-HH-EMVI", "--out", str(tmp_path / "out"), "--on", "2024-02-01")
    assert result.exit_code == 0, result.output
    path = next(Path(p) for p in result.stdout.split() if p.endswith("-contract.json"))
    text = path.read_text(encoding="utf-8")
    package = read_package(text)
    assert_valid_package(package)
    release = package["releases"][0]
    tender = release["tender"]
    assert tender["procurementMethod"] == "open" and tender["awardCriteria"] == "ratedCriteria"
    criteria = tender["lots"][0]["awardCriteria"]["criteria"]
    assert [(c["type"], c["numbers"][0]["number"]) for c in criteria] == [("quality", 60), ("price", 40)]
    assert "scale of 0 to 10" in criteria[0]["description"]
    assert {i["quantity"] for i in tender["items"]} == {100, 50}
    assert "value" not in tender["items"][0].get("unit", {})
    by_supplier = {c["awardID"].split("-")[-1]: c for c in release["contracts"]}
    assert set(by_supplier) == set(prices)
    for agb, (first, second) in prices.items():
        items = {i["id"]: str(i["unit"]["value"]["amount"]) for i in by_supplier[agb]["items"]}
        assert items == {"1-02O11": first, "1-02O12": second}
        assert by_supplier[agb]["value"] == {"amount": Decimal("360000.00"), "currency": "EUR"}
        assert by_supplier[agb]["status"] == "active"
    assert '"amount": 499.99' in text and '"amount": 360000.00' in text and "Jansen" not in text
    with_prefix = runner.invoke(
        app,
        ["tenders", "ocds", "WMO-HH-EMVI", "--out", str(tmp_path / "prefixed"), "--db", store],
        env={"ZORGINKOOP_OCID_PREFIX": "ocds-a1b2c3"},
    )
    assert with_prefix.exit_code == 0, with_prefix.output
    assert Path(with_prefix.stdout.split()[0]).name == "ocds-a1b2c3-WMO-HH-EMVI-tender.json"


def test_a_second_own_price_for_a_provider_over_the_same_days_is_one_line_and_stores_nothing(
    demo_store_url: str, tmp_path: Path
) -> None:
    """A provider has one own price per product at a time: finalising a tender whose admitted bid
    would give 98150798 a second price for 02O11 over 2024 is refused before anything is written."""
    import shutil

    from sqlalchemy import func, select

    from tests.e2e.test_cli_access import scalar
    from zorginkoop.adapters.db import tables as t

    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    store = f"sqlite:///{copy}"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [*args, "--db", store])

    def make(code: str, first: str) -> None:
        (tmp_path / f"{code}.toml").write_text(CLASSIC.replace("WMO-HH-EMVI", code), encoding="utf-8")
        assert run("tenders", "create", str(tmp_path / f"{code}.toml")).exit_code == 0
        (tmp_path / f"{code}-bid.toml").write_text(BID.format(first=first, second="500.00"), encoding="utf-8")
        bid = run(
            "tenders",
            "bid",
            code,
            "--provider",
            "98150798",
            "--on",
            "2023-09-10",
            str(tmp_path / f"{code}-bid.toml"),
        )
        assert bid.exit_code == 0, bid.output
        (tmp_path / f"{code}-scores.toml").write_text(
            'score = [{ provider = "98150798", lot = "1", criterion = "Q", score = 8 }]\n', encoding="utf-8"
        )
        assert (
            run(
                "tenders", "score", code, "--assessor", "A. Jansen", str(tmp_path / f"{code}-scores.toml")
            ).exit_code
            == 0
        )
        assert run("tenders", "award", code, "--on", "2023-10-02").exit_code == 0

    make("EMVI-A", "310.00")
    assert run("tenders", "finalize", "EMVI-A", "--on", "2023-10-23").exit_code == 0
    make("EMVI-B", "305.00")
    before = scalar(store, select(func.count()).select_from(t.ProviderTariffRow))
    contracts = scalar(store, select(func.count()).select_from(t.ContractRow))
    refused = run("tenders", "finalize", "EMVI-B", "--on", "2023-10-23")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "one own price per product at a time" in refused.stderr and "02O11" in refused.stderr
    assert scalar(store, select(func.count()).select_from(t.ProviderTariffRow)) == before
    assert scalar(store, select(func.count()).select_from(t.ContractRow)) == contracts
