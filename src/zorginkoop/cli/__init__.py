# SPDX-License-Identifier: EUPL-1.2
"""The ``zorginkoop`` command line. Each concern has its own module with a Typer sub-app."""

from __future__ import annotations

import typer

from zorginkoop.cli import calc

app = typer.Typer(
    name="zorginkoop",
    help="Regional purchasing and steering of youth care (Jeugdwet) and social support (Wmo).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(calc.app, name="calc")


def main() -> None:
    app()
