# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the HTTP API under 20 concurrent clients for 60 s on the demo region.

Builds the Lekstroom demo (seed 2020) in a temporary SQLite store (or uses ``--db``), adds three
users (a consultant of Houten, a provider, a policy adviser of the five municipalities), starts
``zorginkoop serve`` on 127.0.0.1 in its own process, signs each user in once, then lets
``--clients`` threads (each with its own connection) call the read routes in turn for
``--seconds``:

- ``POST /api/v1/clients/search`` (a Houten client, consultant; a personal-data read, logged);
- ``GET /api/v1/allocations?provider=AGB&active_on=2020-06-01`` (the provider, its own; logged);
- ``GET /api/v1/reports/costs?year=2020&law=wmo`` (the policy adviser, five municipalities).

Prints requests, errors, p50 and p95 per route (goal: p95 < 300 ms on a 2-core machine) and the
CPU the load generator itself used (it shares the cores with the server), and stops the server.
Bounded: it ends by itself after ``--seconds`` per run (plus start-up).

Before and after in one session: ``--baseline-src DIR`` serves another version of the code (the
``src`` folder of a checkout, e.g. ``git worktree add /tmp/zk-main main``) on the same store and
runs it alternately with this version, ``--rounds`` times each, then prints the ratio per route
(this / baseline; below 1 is faster). ``--save FILE`` keeps the figures as JSON; ``--baseline
FILE`` compares with figures saved earlier (then the machine may have been busier or quieter).

Usage: python benchmarks/bench_api.py [--seconds 60] [--clients 20] [--db URL] [--workers 2]
       [--rounds 1] [--baseline-src DIR | --baseline FILE] [--save FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
from sqlalchemy import select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import accounts
from zorginkoop.web.security import hash_password, now_utc

GOAL_P95_MS = 300.0
PASSWORD = "benchmark-wachtwoord"
HOUTEN = "0321"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> tuple[list[str], str]:
    """Users for the run; Houten's client BSNs and the provider with the most allocations."""
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        codes = sorted(uow.region.municipality_names())
        counts: dict[str, int] = defaultdict(int)
        for agb in uow.session.scalars(select(t.AllocationRow.provider_agb)):
            counts[agb] += 1
        provider = sorted(counts, key=lambda agb: (-counts[agb], agb))[
            len(counts) // 4
        ]  # a busy, not the busiest
        bsns = list(
            uow.session.scalars(
                select(t.ClientRow.bsn).where(t.ClientRow.municipality_code == HOUTEN).limit(500)
            )
        )
    hashed = hash_password(PASSWORD)
    for login, role, municipalities, agb in [
        ("bench-consulent", "consulent", [HOUTEN], None),
        ("bench-aanbieder", "aanbieder", [], provider),
        ("bench-beleid", "beleidsadviseur", codes, None),
    ]:
        with UnitOfWork(engine, Scope.region(), actor="bench") as uow:
            exists = uow.accounts.exists(login)
        if not exists:
            accounts.add_user(
                UnitOfWork(engine, Scope.region(), actor="bench"), login, role,
                municipalities=municipalities, provider_agb=agb, password_hash=hashed, now=now_utc(),
            )  # fmt: skip
    engine.dispose()
    print(f"provider {provider}: {counts[provider]} allocations; {len(bsns)} Houten clients to search")
    return bsns, provider


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up within a minute")


def token(base: str, login: str) -> str:
    answer = httpx.post(f"{base}/api/v1/token", data={"username": login, "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


Figures = dict[str, dict[str, float]]
"""Per route: requests, errors, req_s, p50_ms, p95_ms."""


def run(base: str, bsns: list[str], provider: str, clients: int, seconds: float) -> Figures:
    tokens = {login: token(base, login) for login in ("bench-consulent", "bench-aanbieder", "bench-beleid")}
    routes = {
        "POST /api/v1/clients/search": lambda c, rng: c.post(
            "/api/v1/clients/search", json={"bsn": rng.choice(bsns)},
            headers={"Authorization": f"Bearer {tokens['bench-consulent']}"},
        ),
        "GET /api/v1/allocations": lambda c, rng: c.get(
            "/api/v1/allocations", params={"provider": provider, "active_on": "2020-06-01"},
            headers={"Authorization": f"Bearer {tokens['bench-aanbieder']}"},
        ),
        "GET /api/v1/reports/costs": lambda c, rng: c.get(
            "/api/v1/reports/costs", params={"year": 2020, "law": "wmo"},
            headers={"Authorization": f"Bearer {tokens['bench-beleid']}"},
        ),
    }  # fmt: skip
    names = list(routes)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=base, timeout=30) as client:
            turn = number
            while time.monotonic() < stop_at:
                name = names[turn % len(names)]
                turn += 1
                started = time.perf_counter()
                try:
                    answer = routes[name](client, rng)
                    ok = answer.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        timings[name].append(elapsed)
                    else:
                        errors[name] += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    figures: Figures = {}
    for name in names:
        values = sorted(timings[name])
        figures[name] = {
            "requests": len(values),
            "errors": errors[name],
            "req_s": len(values) / seconds,
            "p50_ms": statistics.median(values) if values else float("nan"),
            "p95_ms": values[int(0.95 * (len(values) - 1))] if values else float("nan"),
        }
    figures["load generator"] = {"cpu_s": cpu, "cores": cpu / seconds, "load_average": os.getloadavg()[0]}
    return figures


def show(title: str, figures: Figures, clients: int, seconds: float) -> float:
    """Print one run's figures; the worst p95."""
    print(f"\n{title}: {clients} clients for {seconds:.0f} s")
    print(f"{'route':32} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for name, f in figures.items():
        if name == "load generator":
            continue
        worst = max(worst, f["p95_ms"])
        print(
            f"{name:32} {int(f['requests']):8d} {int(f['errors']):6d} {f['req_s']:7.1f} "
            f"{f['p50_ms']:8.1f} {f['p95_ms']:8.1f}"
        )
    total = sum(f["req_s"] for name, f in figures.items() if name != "load generator")
    generator = figures.get("load generator", {})
    print(
        f"all routes {total:.1f} req/s; the load generator used {generator.get('cores', float('nan')):.2f} "
        f"of the 2 cores; machine load average {generator.get('load_average', float('nan')):.1f} "
        "(above 2: other work shares the cores)"
    )
    verdict = "meets" if worst < GOAL_P95_MS else "misses"
    print(f"worst p95 {worst:.1f} ms: {verdict} the goal of p95 < {GOAL_P95_MS:.0f} ms")
    return worst


def show_ratio(current: list[Figures], baseline: list[Figures]) -> None:
    """Per route the range over rounds of p50 and p95, and the ratio of the medians (this / baseline)."""
    print("\nthis version against the baseline (ranges over rounds; ratio of medians, below 1 is faster)")
    print(f"{'route':32} {'p50 baseline':>15} {'p50 this':>15} {'ratio':>6} {'p95 baseline':>15} "
          f"{'p95 this':>15} {'ratio':>6} {'req/s ratio':>11}")  # fmt: skip
    for name in current[0]:
        if name == "load generator":
            continue
        cells = []
        for key in ("p50_ms", "p95_ms"):
            base = [f[name][key] for f in baseline]
            this = [f[name][key] for f in current]
            cells += [f"{min(base):6.0f}-{max(base):<6.0f}", f"{min(this):6.0f}-{max(this):<6.0f}",
                      f"{statistics.median(this) / statistics.median(base):6.2f}"]  # fmt: skip
        rate = statistics.median(f[name]["req_s"] for f in current) / statistics.median(
            f[name]["req_s"] for f in baseline
        )
        print(f"{name:32} {cells[0]:>15} {cells[1]:>15} {cells[2]:>6} {cells[3]:>15} {cells[4]:>15} "
              f"{cells[5]:>6} {rate:11.2f}")  # fmt: skip


def serve_and_run(url: str, args: argparse.Namespace, bsns: list[str], provider: str,
                  src: str | None = None) -> Figures:  # fmt: skip
    """Start ``zorginkoop serve`` (from ``src`` when given: another version of the code), load it,
    stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from zorginkoop.cli import main; main()", "serve", "--db", url,
               "--port", str(port), "--workers", str(args.workers)]  # fmt: skip
    env = os.environ | {"ZORGINKOOP_ENV": "development"}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(src).resolve()), env.get("PYTHONPATH")) if p)
    server = subprocess.Popen(command, env=env)
    try:
        wait_until_up(base, server)
        return run(base, bsns, provider, args.clients, args.seconds)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server processes (2: one per core)")
    parser.add_argument("--db", help="a store with the demo region (default: build one)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each version")
    compare = parser.add_mutually_exclusive_group()
    compare.add_argument("--baseline-src", help="the src folder of another version to run alternately")
    compare.add_argument("--baseline", type=Path, help="figures saved earlier with --save (JSON)")
    parser.add_argument("--save", type=Path, help="write this version's figures here (JSON)")
    args = parser.parse_args()
    if args.baseline_src and not (Path(args.baseline_src) / "zorginkoop").is_dir():
        raise SystemExit(
            f"--baseline-src {args.baseline_src}: no zorginkoop package in it; give a src folder"
        )
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
            from zorginkoop.services.demo import build_demo

            started = time.perf_counter()
            engine = make_engine(url)
            build_demo(engine, seed=2020)
            engine.dispose()
            print(f"demo region built in {time.perf_counter() - started:.1f} s")
        bsns, provider = prepare(url)
        current: list[Figures] = []
        baseline: list[Figures] = []
        for number in range(1, args.rounds + 1):
            if args.baseline_src:
                baseline.append(serve_and_run(url, args, bsns, provider, args.baseline_src))
                show(
                    f"round {number}, baseline ({args.baseline_src})",
                    baseline[-1],
                    args.clients,
                    args.seconds,
                )
            current.append(serve_and_run(url, args, bsns, provider))
            show(f"round {number}, this version", current[-1], args.clients, args.seconds)
        if args.baseline is not None:
            baseline = json.loads(args.baseline.read_text("utf-8"))["rounds"]
        if baseline:
            show_ratio(current, baseline)
        if args.save is not None:
            args.save.write_text(json.dumps({"url": url if args.db else "demo", "rounds": current}, indent=1))


if __name__ == "__main__":
    main()
