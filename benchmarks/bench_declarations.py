# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: one 323 of 100,000 prestaties processed end to end on SQLite.

Builds a store with 10,000 clients, each with one contracted allocation (4 h/week OZR1 through
2021 into 2022), writes a 323 that declares ten months of 2021 for every allocation (100,000
valid prestaties, about 95 MB), then, in a fresh process, runs ``process_file``: parse, judge
every line, store lines and payments in one transaction, write the 325. Prints

- lines per second and the wall time of processing (goal: under 10 s);
- the ratio of lxml parsing + XSD validation of the same file to our processing
  (goal: at least 0.5; needs the XSDs in ../shared/reference/istandaarden);
- peak memory of the processing process (its VmHWM, or ru_maxrss; goal: under 500 MB).

Usage: python benchmarks/bench_declarations.py [--clients 10000] [--months 10]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.adapters.istandaarden.samples import bsn as random_bsn
from zorginkoop.adapters.istandaarden.xsd import find_xsd
from zorginkoop.domain.care import Allocation, Client, Gender
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, Lot, ProcurementProcedure, Term
from zorginkoop.domain.declarations import DeclaredLine
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Municipality, Provider, Region

REPO = Path(__file__).resolve().parents[1]
XSD_DIR = REPO.parent / "shared" / "reference" / "istandaarden"
GOAL_SECONDS = 10.0
GOAL_RATIO = 0.5
GOAL_MB = 500
AGB, GEMEENTE = "12345678", "0321"
TARIFF = Money.euros("62.50")


def build_store(url: str, clients: int) -> list[Allocation]:
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(2021)
    bsns: list[str] = []
    seen: set[str] = set()
    while len(bsns) < clients:
        value = random_bsn(rng)
        if value not in seen:
            seen.add(value)
            bsns.append(value)
    allocations = [
        Allocation(
            number=i,
            client_bsn=b,
            provider_agb=AGB,
            municipality_code=GEMEENTE,
            law=Law.WMO,
            category="02",
            product_code="OZR1",
            valid=Period(date(2021, 1, 1), date(2022, 6, 30)),
            allocated_at=datetime(2020, 12, 1, 9, 0),
            volume=4,
            unit=Unit.UUR,
            frequency=Frequency.PER_WEEK,
        )
        for i, b in enumerate(bsns, start=1)
    ]
    term = Term(date(2021, 1, 1), 5)
    product = Product(
        "OZR1", Law.WMO, "02", "Ondersteuning", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT
    )
    with UnitOfWork(engine) as uow:
        uow.region.add(Region("bench", "Bench", (Municipality(GEMEENTE, "Houten", 50_000),)))
        uow.providers.add_all([Provider(AGB, "Bench Zorg", frozenset({Law.WMO}),
                                        frozenset({TargetGroup.COMPLEX_PROBLEMS}), frozenset({GEMEENTE}))])  # fmt: skip
        ids = {code: pid for (_law, code), pid in uow.catalogue.add_products([product]).items()}
        uow.catalogue.add_tariffs([Tariff("OZR1", TARIFF, Period(date(2021, 1, 1)))], ids)
        lot = Lot("OZR", "Ondersteuning", Law.WMO, frozenset({"OZR1"}))
        uow.contracts.add_frameworks(
            [FrameworkAgreement("FW", "Bench", ProcurementProcedure.TENDER, term, (lot,))], ids
        )
        uow.contracts.add_contracts(
            [Contract("C1", AGB, "FW", "OZR", term.period, ceiling=Money.euros(50_000_000))]
        )
        uow.clients.add_all(
            [Client(b, date(1970, 1, 1), "Bench", "B", Gender.UNKNOWN, GEMEENTE) for b in bsns]
        )
        uow.allocations.add_all(allocations)
        uow.commit()
    engine.dispose()
    return allocations


def write_file(path: Path, allocations: list[Allocation], months: int) -> int:
    clients = []
    for a in allocations:
        lines = []
        for m in range(1, months + 1):
            lines.append(DeclaredLine(
                reference=f"B{a.number:06d}{m:02d}", client_bsn=a.client_bsn, allocation_number=a.number,
                provider_agb=AGB, municipality_code=GEMEENTE, law=Law.WMO, category="02", product_code="OZR1",
                period=Period.month(2021, m), volume=16, unit=Unit.UUR, tariff=TARIFF, amount=TARIFF * 16,
            ))  # fmt: skip
        clients.append((a.client_bsn, lines))
    with path.open("wb") as f:
        write_declaratie(f, law=Law.WMO, afzender=AGB, ontvanger=GEMEENTE, identificatie="BENCH1",
                         dagtekening=date(2021, months + 1, 5) if months < 12 else date(2022, 1, 5),
                         number="BENCH1", period=Period.month(2021, months), clients=clients)  # fmt: skip
    return sum(len(lines) for _b, lines in clients)


PROCESS = """
import json, resource, sys, time
from pathlib import Path
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.services.declarations import process_file
def peak_mb():
    # VmHWM is this process's own peak (ru_maxrss on Linux carries the forking parent's peak over exec)
    try:
        for row in open("/proc/self/status"):
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
engine = make_engine(sys.argv[1])
started = time.perf_counter()
result = process_file(engine, Path(sys.argv[2]), Path(sys.argv[3]))
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "lines": result.lines, "approved": result.approved,
                  "rejected": result.rejected, "granted": str(result.granted),
                  "peak_mb": peak_mb()}))
"""


def baseline(path: Path) -> float | None:
    """lxml parse + XSD validation of the same file, in seconds (None without the XSDs)."""
    xsd = find_xsd(XSD_DIR, Law.WMO, "WMO323.xsd") if XSD_DIR.is_dir() else None
    if xsd is None:
        return None
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    started = time.perf_counter()
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    valid = schema.validate(tree)
    elapsed = time.perf_counter() - started
    if not valid:
        print(f"  (the benchmark file is not XSD-valid: {schema.error_log.last_error})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_declarations_") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'store.sqlite'}"
        started = time.perf_counter()
        allocations = build_store(url, args.clients)
        print(
            f"store with {len(allocations):,} allocations                 {time.perf_counter() - started:8.2f} s"
        )
        path = folder / "WMO323_bench.xml"
        started = time.perf_counter()
        lines = write_file(path, allocations, args.months)
        size_mb = path.stat().st_size / 1e6
        print(
            f"323 with {lines:,} prestaties ({size_mb:.0f} MB) written     {time.perf_counter() - started:8.2f} s"
        )

        run = subprocess.run(
            [sys.executable, "-c", PROCESS, url, str(path), str(folder / "out")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            print(run.stderr)
            raise SystemExit(1)
        r = json.loads(run.stdout.strip().splitlines()[-1])
        base = baseline(path)  # after processing: its whole tree in memory must not count there
        seconds = r["seconds"]
        print(
            f"processed: {r['approved']:,} approved, {r['rejected']:,} rejected, granted EUR {r['granted']}"
        )
        print(f"end to end (parse, judge, store, 325)           {seconds:8.2f} s   goal < {GOAL_SECONDS:.0f} s"
              f"   {'OK' if seconds < GOAL_SECONDS else 'MISSED'}")  # fmt: skip
        print(f"lines per second                                {lines / seconds:10,.0f}")
        print(f"peak memory of the processing process           {r['peak_mb']:8.0f} MB  goal < {GOAL_MB} MB"
              f"   {'OK' if r['peak_mb'] < GOAL_MB else 'MISSED'}")  # fmt: skip
        if base is None:
            print(f"ratio to lxml parse + XSD validation: skipped (no XSDs in {XSD_DIR})")
        else:
            ratio = base / seconds
            print(f"lxml parse + XSD validation of the same file    {base:8.2f} s")
            print(f"ratio (lxml+XSD time / our time)                {ratio:8.2f}     goal >= {GOAL_RATIO}"
                  f"   {'OK' if ratio >= GOAL_RATIO else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
