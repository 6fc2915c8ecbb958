# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop serve``: the HTTP API with uvicorn (docs at /api/docs, OpenAPI at /openapi.json)."""

from __future__ import annotations

import typer

from zorginkoop.adapters.db.session import StoreError
from zorginkoop.cli.common import DB_OPTION, settings
from zorginkoop.cli.output import fail, note_line

KEEP_ALIVE_SECONDS = 75
"""How long an idle kept-alive connection stays open. Longer than clients and proxies keep
theirs (httpx 5 s, nginx 60 s): the client then closes first. With uvicorn's 5 s, equal to
httpx's, the server closed connections just as clients sent their next request on them, which
failed as a ReadError (seen in benchmarks/bench_web.py)."""


def serve(
    db: str | None = DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="port to listen on"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="worker processes"),
) -> None:
    """Serve the HTTP API on the store (Ctrl-C stops it)."""
    import uvicorn

    from zorginkoop.web.app import create_app

    chosen = settings(db)
    try:
        app = create_app(chosen)  # fails fast on a store that cannot be reached or is not migrated
    except StoreError as exc:
        fail(str(exc))
    note_line(f"zorginkoop API on http://{host}:{port}/api/docs ({chosen.env})")
    if workers == 1:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    else:  # several processes each make their own app from the environment
        import os

        os.environ["ZORGINKOOP_DATABASE_URL"] = chosen.database_url
        uvicorn.run(
            "zorginkoop.web.app:create_app", factory=True, host=host, port=port, workers=workers,
            log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )  # fmt: skip
