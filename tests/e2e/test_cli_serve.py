# SPDX-License-Identifier: EUPL-1.2
"""`zorginkoop serve`: the API over HTTP on 127.0.0.1; a store it cannot use is one line, exit 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from zorginkoop.cli import app

ZORGINKOOP = str(Path(sys.executable).parent / "zorginkoop")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http_with_its_openapi_document_and_docs(demo_store_url: str) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [ZORGINKOOP, "serve", "--db", demo_store_url, "--host", "127.0.0.1", "--port", str(port)],
        env=os.environ | {"ZORGINKOOP_ENV": "development"},
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert spec.status_code == 200
        assert "/api/v1/token" in spec.json()["paths"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/docs", timeout=5).status_code == 200
        unauthorised = httpx.get(f"http://127.0.0.1:{port}/api/v1/allocations", timeout=5)
        assert unauthorised.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_on_a_store_without_the_schema_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}"])
    assert result.exit_code == 2
    assert "zorginkoop db upgrade" in result.stderr
    assert "Traceback" not in result.output
