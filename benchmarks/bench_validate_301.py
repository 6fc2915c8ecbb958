# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: validate 10,000 varied, valid 301 messages three ways on the same files.

1. our validator (``validate_message``: safe parse, structure and datatypes from our own
   declarations, code lists, conditions/constraints and technical rules);
2. our validator, structure and code lists only (``rules=False``), the like-for-like
   comparison with an XSD validator;
3. lxml ``XMLSchema`` with the official XSD (parse + validate);
4. the ``xmlschema`` package with the official XSD.

Usage: python benchmarks/bench_validate_301.py [N] [--xsd-dir DIR]
(default DIR: ../shared/reference/istandaarden next to the repository).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xmlschema
from lxml import etree

from zorginkoop.adapters.istandaarden import validate_message, write_message
from zorginkoop.adapters.istandaarden.samples import sample_bericht
from zorginkoop.domain.codes import Law

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "istandaarden"


def generate(n: int, folder: Path) -> list[Path]:
    paths = []
    for i in range(n):
        law = Law.WMO if i % 2 else Law.JEUGD
        path = folder / f"{law.message_prefix}301_{i:05d}.xml"
        path.write_bytes(write_message(sample_bericht(law, "301", random.Random(i)), law=law))
        paths.append(path)
    return paths


def timed(name: str, paths: list[Path], check: Callable[[Path], bool]) -> float:
    start = time.perf_counter()
    valid = sum(1 for p in paths if check(p))
    seconds = time.perf_counter() - start
    rate = len(paths) / seconds
    print(f"{name:<44} {rate:>10,.0f} msg/s  ({seconds:6.2f} s, {valid}/{len(paths)} valid)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--xsd-dir", type=Path, default=REFERENCE)
    args = parser.parse_args()
    xsd = {
        Law.JEUGD: args.xsd_dir / "ijw-3.2/xsd/JW301.xsd",
        Law.WMO: args.xsd_dir / "iwmo-3.2/xsd/WMO301.xsd",
    }
    safe = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    lxml_schemas = {law: etree.XMLSchema(etree.parse(str(p), safe)) for law, p in xsd.items()}
    xs_schemas = {law: xmlschema.XMLSchema(str(p)) for law, p in xsd.items()}

    def law_of(path: Path) -> Law:
        return Law.WMO if path.name.startswith("WMO") else Law.JEUGD

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = generate(args.n, Path(tmp))
        print(
            f"generated {len(paths):,} messages of 301 (iWmo and iJw) in "
            f"{time.perf_counter() - t0:.1f} s, "
            f"{sum(p.stat().st_size for p in paths) / len(paths):,.0f} bytes each on average"
        )
        ours = timed(
            "zorginkoop validate_message (all layers)",
            paths,
            lambda p: validate_message(p.read_bytes()).valid,
        )
        ours_structure = timed(
            "zorginkoop validate_message (rules=False)",
            paths,
            lambda p: validate_message(p.read_bytes(), rules=False).valid,
        )
        lx = timed(
            "lxml XMLSchema (official XSD)",
            paths,
            lambda p: lxml_schemas[law_of(p)].validate(etree.parse(str(p), safe)),
        )
        xs = timed("xmlschema (official XSD)", paths, lambda p: xs_schemas[law_of(p)].is_valid(str(p)))
    print()
    print(f"ours (all layers) / lxml      = {ours / lx:6.2f}")
    print(f"ours (structure) / lxml       = {ours_structure / lx:6.2f}")
    print(f"ours (all layers) / xmlschema = {ours / xs:6.2f}")
    print(f"ours (structure) / xmlschema  = {ours_structure / xs:6.2f}")
    print(f"lxml / xmlschema              = {lx / xs:6.2f}")


if __name__ == "__main__":
    main()
