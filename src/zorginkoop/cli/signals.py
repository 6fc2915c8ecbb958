# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop signals``: what the social teams and contract managers notice about a provider
(a compliment, a concern, a complaint), recorded with who and when, for the account meeting."""

from __future__ import annotations

from enum import Enum

import typer

from zorginkoop.cli.common import DB_OPTION, platform_for, store_errors, unit_of_work
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render
from zorginkoop.services import provider_signals
from zorginkoop.services.provider_signals import SignalError, SignalKind

app = typer.Typer(
    help="Signals about providers (compliment, concern, complaint) for the account meeting.",
    no_args_is_help=True,
)


class KindChoice(str, Enum):
    compliment = "compliment"
    concern = "concern"
    complaint = "complaint"


KIND_OPTION = typer.Option(KindChoice.concern, "--kind", "-k", help="compliment, concern or complaint")
PROVIDER_OPTION = typer.Option(..., "--provider", "-p", help="the provider's AGB code")


@app.command("note")
def note(
    provider: str = PROVIDER_OPTION,
    text: str = typer.Option(..., "--text", "-t", help="what was noticed (no client names or BSNs)"),
    municipality: str | None = typer.Option(
        None,
        "--municipality",
        "-m",
        help="the municipality that holds it (name or CBS code; default: the region)",
    ),
    kind: KindChoice = KIND_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Record a signal about a provider, with who (ZORGINKOOP_ACTOR or your login) and when."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            signal = provider_signals.note_signal(
                uow, provider, text, kind=SignalKind(kind.value), municipality=municipality
            )
        except SignalError as exc:
            fail(str(exc))
    where = signal.municipality_code or "the region"
    typer.echo(
        f"signal {signal.id} recorded: {signal.kind.value} about {signal.provider_agb} for {where}, "
        f"by {signal.recorded_by} at {signal.recorded_at:%Y-%m-%d %H:%M} UTC"
    )


@app.command("list")
def list_signals(
    provider: str = PROVIDER_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """The signals recorded about a provider, newest first."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            found = provider_signals.signals_of(uow, provider)
        except SignalError as exc:
            fail(str(exc))
    rows = [
        {
            "id": s.id,
            "recorded_at": s.recorded_at.isoformat(sep=" "),
            "kind": s.kind.value,
            "municipality": s.municipality_code or "region",
            "recorded_by": s.recorded_by,
            "text": s.text,
        }
        for s in found
    ]
    render(
        rows,
        ["id", "recorded_at", "kind", "municipality", "recorded_by", "text"],
        fmt,
        title=f"Signals about {provider}: {len(rows)}",
    )
