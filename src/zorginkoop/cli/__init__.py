# SPDX-License-Identifier: EUPL-1.2
"""The ``zorginkoop`` command line. Each concern has its own module with a Typer sub-app."""

from __future__ import annotations

import typer

from zorginkoop.cli import (
    access,
    analytics,
    calc,
    consultation,  # noqa: F401 - adds the bestuurlijk commands to `tenders`
    db,
    declarations,
    demo,
    log,
    messages,
    models,
    monitor,
    region,
    report,
    serve,
    signals,
    survey,
    tenders,
    users,
)
from zorginkoop.cli.output import error_line
from zorginkoop.settings import SettingError

app = typer.Typer(
    name="zorginkoop",
    help="Regional purchasing and steering of youth care (Jeugdwet) and social support (Wmo).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(calc.app, name="calc")
app.add_typer(report.app, name="report")
app.add_typer(db.app, name="db")
app.add_typer(models.app, name="models")
app.add_typer(messages.app, name="messages")
app.add_typer(access.app, name="access")
app.add_typer(declarations.app, name="declarations")
app.add_typer(log.app, name="log")
app.command("demo")(demo.demo)
app.add_typer(region.providers_app, name="providers")
app.add_typer(region.catalogue_app, name="catalogue")
app.add_typer(region.contracts_app, name="contracts")
app.add_typer(users.app, name="users")
app.add_typer(monitor.app, name="monitor")
app.add_typer(signals.app, name="signals")
app.add_typer(survey.app, name="survey")
app.add_typer(analytics.app, name="analytics")
app.add_typer(tenders.app, name="tenders")  # with consultation's commands for bestuurlijk aanbesteden
app.command("serve")(serve.serve)


def main() -> None:
    try:
        app()
    except SettingError as exc:  # a setting read deep inside a use case: still one line
        error_line(str(exc))
        raise SystemExit(2) from None
