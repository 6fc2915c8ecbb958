# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop survey``: the client experience survey (cliëntervaringsonderzoek; Wmo 2015 art.
2.5.1, Jeugdwet art. 2.10): make a round, send its invitations, read its results."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from zorginkoop.adapters.mailer import FolderMailer
from zorginkoop.cli.common import (
    DB_OPTION,
    checked_year,
    platform_for,
    store_errors,
    unit_of_work,
    writable_folder,
)
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, note_line, render
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import MIN_PEOPLE
from zorginkoop.domain.survey import DEFAULT_OPEN_DAYS
from zorginkoop.services import survey

app = typer.Typer(
    help="Client experience survey (cliëntervaringsonderzoek, Wmo art. 2.5.1 / Jeugdwet art. 2.10).",
    no_args_is_help=True,
)


class LawChoice(str, Enum):
    wmo = "wmo"
    jeugd = "jeugd"


class ByChoice(str, Enum):
    municipality = "municipality"
    provider = "provider"


LAW_OPTION = typer.Option(LawChoice.wmo, "--law", help="wmo or jeugd")
DAYS_OPTION = typer.Option(DEFAULT_OPEN_DAYS, "--days", min=1, help="days the links work")
BASE_URL_OPTION = typer.Option(
    survey.DEFAULT_BASE_URL, "--base-url", help="address of the web application the links point to"
)
QUESTIONS_OPTION = typer.Option(
    None,
    "--questions",
    help="a TOML file with the region's own [[question]] tables, asked after the standard ones",
)
OUT_OPTION = typer.Option(
    ..., "--out", help="folder the invitations are written to (.eml; letters in brieven/)"
)
BY_OPTION = typer.Option(ByChoice.municipality, "--by", help="municipality or provider")

ROUND_COLUMNS = ["round", "year", "law", "municipality", "questions", "drawn", "sent", "answered",
                 "closes_on", "for_procurement"]  # fmt: skip


def _round_row(r: survey.RoundSummary, fmt: OutputFormat) -> dict[str, Any]:
    procurement: Any = (
        r.for_procurement if fmt is OutputFormat.json else ("ja" if r.for_procurement else "nee")
    )
    return {
        "round": r.id, "year": r.year, "law": r.law.value, "municipality": r.municipality,
        "questions": r.questions, "drawn": r.drawn, "sent": r.sent, "answered": r.answered,
        "closes_on": r.closes_on.isoformat(), "for_procurement": procurement,
    }  # fmt: skip


@app.command("create")
def create(
    year: int = typer.Option(..., "--year", "-y", help="the year of care asked about", callback=checked_year),
    law: LawChoice = LAW_OPTION,
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="one municipality (name or CBS code); default the whole region"
    ),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="draw at most N clients per municipality (default: all clients)"
    ),
    seed: int = typer.Option(1, "--seed", help="seed of the random sample (the same seed draws the same)"),
    questions: Path | None = QUESTIONS_OPTION,
    days: int = DAYS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Make a survey round: every client with care under the law in the year (or a sample per
    municipality), each with the provider that gave most of its care. Sends nothing yet."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    try:
        own = survey.own_questions(questions) if questions is not None else None
        with store_errors():
            made = survey.create_round(
                uow, year, Law(law.value), municipality, sample=sample, seed=seed, own=own, open_days=days
            )
    except survey.SurveyServiceError as exc:
        fail(str(exc))
    render([_round_row(made, fmt)], ROUND_COLUMNS, fmt, title=f"Survey round {made.id} made")
    if fmt is OutputFormat.table:
        note_line(f"next: zorginkoop survey invite {made.id} --out DIR")


@app.command("invite")
def invite(
    round_id: int = typer.Argument(..., metavar="ROUND", help="the round's number (`survey list`)"),
    out: Path = OUT_OPTION,
    base_url: str = BASE_URL_OPTION,
    sender: str = typer.Option("enquete@regio.example", "--from", help="the From address of the e-mails"),
    db: str | None = DB_OPTION,
) -> None:
    """Send the round's invitations not sent yet: an e-mail (.eml) where the provider supplied an
    address, else a letter (.txt) to the BRP address. Each carries a link that works once."""
    if not base_url.startswith(("http://", "https://")):
        fail(f"--base-url {base_url!r}: give an http:// or https:// address")
    folder = writable_folder(out)
    with store_errors():
        uow = unit_of_work(platform_for(db))
    try:
        with store_errors():
            sent = survey.invite(uow, round_id, FolderMailer(folder, sender), base_url)
    except survey.SurveyServiceError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out {out}: cannot write the invitations ({exc.strerror or exc}); nothing was stored")
    sys.stdout.write(
        f"round {round_id}: {sent.emails} e-mails and {sent.letters} letters written to {folder}"
        + (f"; {sent.no_contact} clients without contact data not invited" if sent.no_contact else "")
        + "\n"
    )


@app.command("list")
def list_rounds(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """The survey rounds, with how many clients were drawn, invited and answered."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        found = survey.list_rounds(uow)
    render([_round_row(r, fmt) for r in found], ROUND_COLUMNS, fmt, title="Survey rounds")


def _fraction(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@app.command("results")
def results(
    round_id: int = typer.Argument(..., metavar="ROUND", help="the round's number (`survey list`)"),
    by: ByChoice = BY_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Respondents and satisfaction per municipality or provider, and the share of positive
    answers per question. Satisfaction: positive answers ('mee eens', 'helemaal mee eens') among
    the judging answers to the core questions, a fraction 0..1. A group of fewer than 10
    respondents shows no values."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    try:
        with store_errors():
            found = survey.results(uow, round_id, survey.GroupBy(by.value))
    except survey.SurveyServiceError as exc:
        fail(str(exc))
    question_ids = [q.id for q in found.questionnaire.questions]
    rows = []
    for g in found.groups:
        shares = {q.question.id: _fraction(q.positive_share) for q in g.result.questions}
        rows.append({
            by.value: g.code, "name": g.name, "invited": g.result.invited, "respondents": g.result.respondents,
            "response_rate": _fraction(g.result.response_rate), "satisfaction": _fraction(g.result.satisfaction),
            **({"questions": shares} if fmt is OutputFormat.json else {f"q:{k}": v for k, v in shares.items()}),
        })  # fmt: skip
    base = [by.value, "name", "invited", "respondents", "response_rate", "satisfaction"]
    if fmt is OutputFormat.json:
        document = {
            "round": _round_row(found.round, fmt), "by": by.value, "min_respondents": MIN_PEOPLE,
            "satisfaction_scale": "fraction 0..1: positive answers among judging answers to the core questions",
            "respondents": found.total.respondents, "satisfaction": _fraction(found.total.satisfaction),
            "groups": rows,
        }  # fmt: skip
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is OutputFormat.csv:
        render(rows, base + [f"q:{k}" for k in question_ids], fmt)
        return
    for row, g in zip(rows, found.groups, strict=True):
        if g.result.suppressed and g.result.respondents > 0:
            row["satisfaction"] = f"< {MIN_PEOPLE}"
    r = found.round
    title = f"Survey round {r.id}: {r.law.value} {r.year}, {r.municipality}, per {by.value}"
    render(rows, base, fmt, title=title)
    render(
        [{"question": q.question.id, "core": "ja" if q.question.core else "",
          "positive": _fraction(q.positive_share) or "-", "text": q.question.text}
         for q in found.total.questions],
        ["question", "core", "positive", "text"], fmt, title=f"All {found.total.respondents} respondents",
    )  # fmt: skip
    if not r.for_procurement:
        note_line("Jeugdwet results: for learning and steering on quality, not for procurement (VNG)")
