# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the web application's pages under 20 concurrent clients for 60 s on the demo region.

Builds the Lekstroom demo (seed 2020) in a temporary SQLite store (or uses ``--db``), adds one
account per demo role (``bench-<role>``, tied to what the demo account of that role sees),
starts ``zorginkoop serve`` on 127.0.0.1 in its own process, and lets ``--clients`` threads in
this process (each with its own connections and, per role, its own session cookie, logged in
through the login form before the clock starts) fetch the pages in turn for ``--seconds``.

The pages are ``PAGES`` below (add a line for a new screen) plus, unless ``--no-discover``, every
menu entry each role's header shows, so screens merged later are measured without editing this
file. The baseline in the same run is ``/toegankelijkheid``: a page rendered from a template with
no database behind it; each page's p50 and p95 are also given as a multiple of the baseline's,
which says more than milliseconds on a machine shared with other work. The static CSS file is
measured too (no template, no database).

Prints requests, errors, requests/s, p50 and p95 per page (goal: p95 < 300 ms on a 2-core
machine), the total requests/s, and stops the server. Bounded: it ends by itself after
``--seconds`` (plus start-up and logging in).

Usage: python benchmarks/bench_web.py [--seconds 60] [--clients 20] [--db URL] [--workers 2]
                                      [--no-discover]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import User
from zorginkoop.services import accounts
from zorginkoop.web.security import hash_password, now_utc

GOAL_P95_MS = 300.0
PASSWORD = "benchmark-wachtwoord"
HOUTEN = "0321"
PREFIX = "bench-"
"""The benchmark's accounts are ``bench-<role>``; ``make run``'s demo accounts keep their passwords."""
BASELINE = "GET /toegankelijkheid"


@dataclass(frozen=True, slots=True)
class Context:
    """What the pages' forms draw from: Houten's client BSNs."""

    bsns: list[str]


FormMaker = Callable[[Context, random.Random], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Page:
    """One page to measure: fetched by a visitor (``role`` None) or a signed-in demo role; with
    ``form`` it is a POST of that form (the session's CSRF token added)."""

    path: str
    role: str | None = None
    form: FormMaker | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        method = "POST" if self.form else "GET"
        who = f" ({self.role})" if self.role else ""
        return self.label or f"{method} {self.path}{who}"


def _log_search(ctx: Context, rng: random.Random) -> dict[str, str]:
    return {"bsn": rng.choice(ctx.bsns), "actor": "", "activity": "", "since": "", "until": ""}


PAGES: list[Page] = [
    Page("/static/app.css"),
    Page("/toegankelijkheid"),
    Page("/login"),
    Page("/start", "consulent"),
    Page("/privacy/verwerkingslog", "privacy"),
    Page("/privacy/verwerkingslog", "privacy", form=_log_search, label="POST /privacy/verwerkingslog (BSN)"),
    Page("/beheer/gebruikers", "beheerder"),
    Page("/beheer/gebruikers/nieuw", "beheerder"),
]
"""The pages measured by name; a new screen adds a line (a form page: a ``FormMaker``)."""

ROLES = ("consulent", "contractmanager", "backoffice", "beleidsadviseur", "aanbieder", "privacy", "beheerder")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NAV = re.compile(r'<nav class="zk-nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> Context:
    """One ``bench-<role>`` account per demo role (what the demo account of that role sees)."""
    engine = make_engine(url)
    try:
        with UnitOfWork(engine, Scope.region(), actor="bench") as uow:
            bsns = list(uow.session.scalars(
                select(t.ClientRow.bsn).where(t.ClientRow.municipality_code == HOUTEN).limit(500)
            ))  # fmt: skip
        demo = accounts.demo_users(UnitOfWork(engine, Scope.region(), actor="bench"))
        hashed = hash_password(PASSWORD)
        users = [
            (User.create(PREFIX + u.login, u.role, u.municipalities, u.provider_agb), hashed) for u in demo
        ]
        accounts.add_missing_users(UnitOfWork(engine, Scope.region(), actor="bench"), users, now_utc())
    finally:
        engine.dispose()
    print(
        f"{len(bsns)} Houten clients to search the log for; accounts {', '.join(PREFIX + r for r in ROLES)}"
    )
    return Context(bsns)


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up within a minute")


@dataclass
class Session:
    """One signed-in browser: its client (cookie jar) and the session's CSRF token."""

    client: httpx.Client
    csrf: str


def log_in(base: str, role: str | None) -> Session:
    """A browser for ``role`` (None: a visitor), logged in through the form as a person does."""
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    form = client.get("/login")
    found = CSRF.search(form.text)
    assert found, "the login page has no CSRF token"
    if role is None:
        return Session(client, found.group(1))
    answer = client.post("/login", data={"username": PREFIX + role, "password": PASSWORD,
                                         "csrf_token": found.group(1)})  # fmt: skip
    if answer.status_code != 303:
        raise SystemExit(f"logging in as {PREFIX}{role} failed: {answer.status_code}")
    start = client.get("/start")
    token = CSRF.search(start.text)
    assert token, "the start page has no CSRF token"
    return Session(client, token.group(1))


def discover(base: str, pages: list[Page]) -> list[Page]:
    """``pages`` plus every menu entry of every role not measured yet (by path)."""
    known = {p.path for p in pages if p.form is None}
    found = list(pages)
    for role in ROLES:
        session = log_in(base, role)
        try:
            nav = NAV.search(session.client.get("/start").text)
        finally:
            session.client.close()
        for path in HREF.findall(nav.group(1) if nav else ""):
            if path not in known:
                known.add(path)
                found.append(Page(path, role))
    return found


def percentile(values: list[float], share: float) -> float:
    return values[int(share * (len(values) - 1))] if values else float("nan")


def run(base: str, ctx: Context, pages: list[Page], clients: int, seconds: float) -> None:
    roles = sorted({p.role for p in pages if p.role is not None})
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    reasons: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    window: dict[str, float] = {}

    def begin() -> None:  # the barrier's action: the clock starts once everybody is logged in
        window["stop"] = time.monotonic() + seconds

    barrier = threading.Barrier(clients, action=begin)

    def worker(number: int) -> None:
        rng = random.Random(number)
        try:
            sessions = {role: log_in(base, role) for role in roles}
            sessions[""] = log_in(base, None)
        except BaseException:
            barrier.abort()  # the others stop waiting; this thread's error is printed
            raise
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            for session in sessions.values():
                session.client.close()
            return
        turn = number
        try:
            while time.monotonic() < window["stop"]:
                page = pages[turn % len(pages)]
                turn += 1
                session = sessions[page.role or ""]
                started = time.perf_counter()
                try:
                    if page.form is not None:
                        data = page.form(ctx, rng) | {"csrf_token": session.csrf}
                        answer = session.client.post(page.path, data=data)
                    else:
                        answer = session.client.get(page.path)
                    failure = None if answer.status_code == 200 else f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    failure = type(exc).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if failure is None:
                        timings[page.name].append(elapsed)
                    else:
                        errors[page.name] += 1
                        reasons[f"{page.name}: {failure}"] += 1
        finally:
            for session in sessions.values():
                session.client.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    base_values = sorted(timings[BASELINE])
    base50, base95 = (
        statistics.median(base_values) if base_values else float("nan"),
        percentile(base_values, 0.95),
    )
    print(f"\n{clients} clients for {seconds:.0f} s against {base}; baseline {BASELINE} (no database)")
    width = max(len(p.name) for p in pages)
    print(f"{'page':{width}} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p50 x':>6} {'p95 x':>6}")  # fmt: skip
    worst, worst_name, total = 0.0, "", 0
    for page in pages:
        values = sorted(timings[page.name])
        total += len(values)
        p50 = statistics.median(values) if values else float("nan")
        p95 = percentile(values, 0.95)
        if values and p95 > worst:
            worst, worst_name = p95, page.name
        print(f"{page.name:{width}} {len(values):8d} {errors[page.name]:6d} {len(values) / seconds:7.1f} "
              f"{p50:8.1f} {p95:8.1f} {p50 / base50:6.1f} {p95 / base95:6.1f}")  # fmt: skip
    print(f"total {total} requests, {total / seconds:.1f} requests/s, {sum(errors.values())} errors")
    for reason, count in sorted(reasons.items()):
        print(f"  error {reason} ({count}x)")
    verdict = "meets" if worst < GOAL_P95_MS else "misses"
    print(f"worst p95 {worst:.1f} ms ({worst_name}): {verdict} the goal of p95 < {GOAL_P95_MS:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients run (60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2: one per core)")
    parser.add_argument("--db", help="a store with the demo region (default: build one)")
    parser.add_argument("--no-discover", action="store_true", help="only PAGES, not every role's menu")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
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
        ctx = prepare(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).parent / "zorginkoop"), "serve", "--db", url, "--port", str(port),
                   "--workers", str(args.workers)]  # fmt: skip
        server = subprocess.Popen(command, env=os.environ | {"ZORGINKOOP_ENV": "development"})
        try:
            wait_until_up(base, server)
            pages = PAGES if args.no_discover else discover(base, PAGES)
            run(base, ctx, pages, args.clients, args.seconds)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
