# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop models``: product models (the decision framework) at the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from zorginkoop.adapters.model_files import MODELS_DIR_ENV, ModelFileError, load_models
from zorginkoop.cli.common import MAX_YEAR, MIN_YEAR
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render, render_object
from zorginkoop.domain.product_models import Indication, Intake, IntakeRefused, ProductModel, evaluate

app = typer.Typer(help="Product models: list them and weigh an intake with one.", no_args_is_help=True)

MODELS_DIR_OPTION = typer.Option(
    None,
    "--models-dir",
    envvar=MODELS_DIR_ENV,
    help=f"folder with a region's own model files (*.toml), added to the shipped ones [env: {MODELS_DIR_ENV}]",
)


def _models(models_dir: Path | None) -> dict[str, ProductModel]:
    try:
        return load_models(models_dir)
    except ModelFileError as exc:
        fail(str(exc))


@app.command("list")
def list_models(fmt: OutputFormat = FORMAT_OPTION, models_dir: Path | None = MODELS_DIR_OPTION) -> None:
    """The product models known: shipped ones and a region's own."""
    rows = [
        {
            "id": model.info.id,
            "name": model.info.name,
            "kind": model.info.kind.value,
            "region": model.info.region,
            "products": model.product_count,
            "valid_from": model.info.valid_from.isoformat(),
        }
        for model in _models(models_dir).values()
    ]
    render(rows, ["id", "name", "kind", "region", "products", "valid_from"], fmt, title="Product models")


def indication_as_dict(indication: Indication) -> dict[str, Any]:
    """An indication as plain JSON-ready data; amounts as strings with two decimals."""
    return {
        "model": indication.model_id,
        "kind": indication.model_kind.value,
        "product_code": indication.product_code,
        "product_name": indication.product_name,
        "intensity": indication.intensity.value if indication.intensity else None,
        "monthly_tariff_eur": str(indication.monthly_tariff),
        "months": indication.months,
        "add_ons": [
            {"module": a.module_id, "name": a.name, "charge": a.charge.value, "amount_eur": str(a.amount)}
            for a in indication.add_ons
        ],
        "total_eur": str(indication.total),
        "duration_class": indication.duration_class,
        "start": indication.period.start.isoformat() if indication.period else None,
        "end": indication.period.end.isoformat() if indication.period and indication.period.end else None,
        "evaluation_moments": [
            {"month": m.month, "date": m.on.isoformat() if m.on else None, "final": m.is_final}
            for m in indication.evaluation_moments
        ],
        "financing_variant": indication.financing_variant.value,
        "allocation": {
            "category": indication.allocation.category.value,
            "unit": indication.allocation.unit.value,
            "frequency": indication.allocation.frequency.value,
            "volume": str(indication.allocation_volume),
        },
        "explanation": list(indication.explanation),
    }


def flatten_for_table(data: dict[str, Any]) -> dict[str, Any]:
    """An indication's dict (:func:`indication_as_dict`) for a table or csv: one line per add-on
    and evaluation moment (its date first), one line per sentence of the explanation."""
    flat = dict(data)
    flat["add_ons"] = [f"{a['module']} {a['amount_eur']}" for a in data["add_ons"]] or None
    flat["evaluation_moments"] = [_moment_text(m) for m in data["evaluation_moments"]]
    flat["allocation"] = ", ".join(f"{k} {v}" for k, v in data["allocation"].items())
    flat["explanation"] = "\n".join(data["explanation"])
    return flat


def _moment_text(moment: dict[str, Any]) -> str:
    when = f"month {moment['month']}" + (", final" if moment["final"] else "")
    return f"{moment['date']} ({when})" if moment["date"] else when


# -- the inputs of an intake, shared by `models evaluate`, `access intake` and `access decide` ------

AREAS_OPTION = typer.Option(None, "--areas", help="result areas, comma separated (result-area matrix)")
TYPE_OPTION = typer.Option(
    None, "--type", help="behouden | ontwikkelen (matrix); ontwikkelen | stabiliseren (Twente perspective)"
)
INTENSITY_OPTION = typer.Option(None, "--intensity", help="gemiddeld | plus | plusplus (or 1-3)")
AGGRAVATING_OPTION = typer.Option(
    None,
    "--aggravating",
    help="aggravating circumstances, comma separated (each raises the intensity a step)",
)
PRODUCT_OPTION = typer.Option(None, "--product", help="explicit product of the hourly model, e.g. OZR2")
NEED_OPTION = typer.Option(None, "--need", help="support need (Twente), e.g. zelfredzaamheid")
BANDWIDTH_OPTION = typer.Option(None, "--bandwidth", help="laag | midden | hoog (Twente)")
MODULES_OPTION = typer.Option("--module", help="add-on module (Twente); repeatable")
"""For ``Annotated[list[str] | None, MODULES_OPTION] = None`` (a list option takes its default so)."""


def hours_value(text: str | None, option: str) -> Decimal | None:
    """Hours per week as a finite number (a comma as decimal mark is fine); else one line, exit 2."""
    if text is None or not text.strip():
        return None
    try:
        hours = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        fail(f"{option} must be a number of hours per week, got {text!r}")
    if not hours.is_finite():  # NaN cannot even be compared
        fail(f"{option} must be a number of hours per week, got {text!r}")
    return hours


def start_date(text: str | None, option: str = "--start") -> date | None:
    """A start date YYYY-MM-DD from 1900 to 2999 (an indication's end must still be a date)."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be a date YYYY-MM-DD, got {text!r}")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        fail(f"{option} {text}: give a date from {MIN_YEAR} to {MAX_YEAR}")
    return day


def split_list(text: str | None) -> tuple[str, ...]:
    """``a, b,c`` as ``("a", "b", "c")``."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


@app.command("evaluate")
def evaluate_intake(
    model_id: str = typer.Argument(..., metavar="MODEL", help="model id, see `zorginkoop models list`"),
    *,
    areas: str | None = AREAS_OPTION,
    support_type: str | None = TYPE_OPTION,
    intensity: str | None = INTENSITY_OPTION,
    months: int = typer.Option(..., "--months", help="duration of the indication in months"),
    aggravating: str | None = AGGRAVATING_OPTION,
    hours_per_week: str | None = typer.Option(
        None, "--hours-per-week", "--hours", help="hours per week (hourly model)"
    ),
    product: str | None = PRODUCT_OPTION,
    need: str | None = NEED_OPTION,
    bandwidth: str | None = BANDWIDTH_OPTION,
    module: Annotated[list[str] | None, MODULES_OPTION] = None,
    start: str | None = typer.Option(
        None, "--start", help="start date YYYY-MM-DD: dates of evaluation moments"
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    models_dir: Path | None = MODELS_DIR_OPTION,
) -> None:
    """Weigh one intake with a product model: product, monthly tariff, total and evaluation moments."""
    models = _models(models_dir)
    model = models.get(model_id)
    if model is None:
        fail(f"unknown model {model_id!r}; known models: {', '.join(models)}")
    intake = Intake(
        months=months,
        areas=split_list(areas),
        support_type=support_type,
        intensity=intensity,
        aggravating=split_list(aggravating),
        hours_per_week=hours_value(hours_per_week, "--hours-per-week"),
        product_code=product,
        need=need,
        bandwidth=bandwidth,
        modules=tuple(module or ()),
        start=start_date(start),
    )
    try:
        indication = evaluate(model, intake)
    except IntakeRefused as refused:
        fail(f"intake refused ({refused.reason.value}): {refused.message_en} / {refused.message_nl}")
    show_indication(indication, fmt)


def show_indication(indication: Indication, fmt: OutputFormat) -> None:
    """An indication: a JSON object with lists, or field/value rows with dates and lines."""
    data = indication_as_dict(indication)
    render_object(data if fmt is OutputFormat.json else flatten_for_table(data), fmt)
