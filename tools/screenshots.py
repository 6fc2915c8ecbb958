# SPDX-License-Identifier: EUPL-1.2
"""Screenshots of each role's first screen on the demo region, for the README.

    .venv/bin/python tools/screenshots.py [--out docs/screens]

Builds the demo in a temporary store, makes one account per role (as `zorginkoop users demo`),
serves the application with uvicorn on a free port and has Debian's chromium (Playwright) log in
as each role and take a picture of where it lands, and of the consultant's client file.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import accounts
from zorginkoop.services.demo import build_demo
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app
from zorginkoop.web.security import hash_password, now_utc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.sqlite"
        engine = make_engine(url)
        build_demo(engine, seed=2020)
        users = accounts.demo_users(UnitOfWork(engine, Scope.region(), actor="screenshots"))
        hashed = hash_password(password)
        accounts.add_missing_users(
            UnitOfWork(engine, Scope.region(), actor="screenshots"), [(u, hashed) for u in users], now_utc()
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=url), engine=engine),
                                               host="127.0.0.1", port=port, log_level="warning"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for user in users:
                context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(base + "/login")
                page.get_by_label("Gebruikersnaam").fill(user.login)
                page.get_by_label("Wachtwoord").fill(password)
                page.get_by_role("button", name="Inloggen").click()
                page.wait_for_load_state("load")
                page.screenshot(path=str(args.out / f"{user.login}.png"))
                print(f"{user.login}: {page.url.removeprefix(base)} -> {args.out / (user.login + '.png')}")
                context.close()
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


if __name__ == "__main__":
    main()
