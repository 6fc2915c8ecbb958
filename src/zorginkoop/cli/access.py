# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop access``: the social team's consultant: intake, decision, allocation, signals.

Every command that reads personal data works under ``--municipality`` (a municipality scope)
and is logged in the processing log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli.common import DB_OPTION, engine_for, store_errors
from zorginkoop.cli.models import MODELS_DIR_OPTION, _models, _split, indication_as_dict
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render, render_object
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import CareError
from zorginkoop.domain.codes import ChangeReason, Law, TargetGroup
from zorginkoop.domain.product_models import Intake, IntakeRefused, ProductModel
from zorginkoop.domain.region import ProviderMatch
from zorginkoop.services import allocations as workflow
from zorginkoop.services import signals as signal_service

app = typer.Typer(
    help="Access: intake, decision (beschikking), allocation (toewijzing), signals.", no_args_is_help=True
)
signals_app = typer.Typer(
    help="Signals: one family one plan, 18-/18+, evaluations due.", no_args_is_help=True
)
app.add_typer(signals_app, name="signals")

MUNICIPALITY = typer.Option(..., "--municipality", "-m", help="CBS code of the municipality (your scope)")
ON = typer.Option(None, "--on", help="reference day (default: today), YYYY-MM-DD")


def _model(model_id: str, models_dir: Path | None) -> ProductModel:
    models = _models(models_dir)
    if model_id not in models:
        fail(f"unknown model {model_id!r}; known: {', '.join(sorted(models))}")
    return models[model_id]


def _intake(months: int, areas: str | None, support_type: str | None, intensity: str | None,
            hours: str | None, product: str | None, start: date | None) -> Intake:  # fmt: skip
    from decimal import Decimal, InvalidOperation

    try:
        hours_value = Decimal(hours) if hours else None
    except InvalidOperation:
        fail(f"--hours {hours!r} is not a number of hours per week")
    if hours_value is not None and not hours_value.is_finite():  # NaN cannot even be compared
        fail(f"--hours {hours!r} is not a number of hours per week")
    return Intake(months=months, areas=_split(areas), support_type=support_type, intensity=intensity,
                  hours_per_week=hours_value, product_code=product, start=start)  # fmt: skip


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not a date in the form YYYY-MM-DD")


def _law(text: str) -> Law:
    try:
        return Law(text.lower())
    except ValueError:
        fail(f"--law {text!r}: choose wmo or jeugd")


@app.command("intake")
def intake(
    model_id: Annotated[str, typer.Argument(help="product model, e.g. lekstroom-2022")],
    months: int = typer.Option(..., "--months"),
    areas: str | None = typer.Option(None, "--areas", help="result areas, comma-separated"),
    support_type: str | None = typer.Option(None, "--type", help="behouden | ontwikkelen (or a perspective)"),
    intensity: str | None = typer.Option(None, "--intensity"),
    hours: str | None = typer.Option(None, "--hours", help="hours per week (hourly model)"),
    product: str | None = typer.Option(None, "--product"),
    models_dir: Path | None = MODELS_DIR_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Weigh an intake with a product model (nothing is stored)."""
    model = _model(model_id, models_dir)
    try:
        indication = workflow.evaluate_intake(
            model, _intake(months, areas, support_type, intensity, hours, product, None)
        )
    except IntakeRefused as exc:
        fail(f"intake refused: {exc.message_en}")
    render_object(indication_as_dict(indication), fmt)


@app.command("decide")
def decide(
    model_id: Annotated[str, typer.Argument(help="product model, e.g. lekstroom-2022")],
    bsn: str = typer.Option(..., "--bsn", help="the client's BSN"),
    start: str = typer.Option(..., "--start", help="first day of the decision, YYYY-MM-DD"),
    months: int = typer.Option(..., "--months"),
    municipality: str = MUNICIPALITY,
    areas: str | None = typer.Option(None, "--areas"),
    support_type: str | None = typer.Option(None, "--type"),
    intensity: str | None = typer.Option(None, "--intensity"),
    hours: str | None = typer.Option(None, "--hours"),
    product: str | None = typer.Option(None, "--product"),
    models_dir: Path | None = MODELS_DIR_OPTION,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Record a decision (beschikking) for a client from the model's indication."""
    model = _model(model_id, models_dir)
    first = _day(start)
    engine = engine_for(db)
    try:
        with store_errors():
            result = workflow.decide(
                UnitOfWork(engine, Scope.municipality(municipality)), model,
                _intake(months, areas, support_type, intensity, hours, product, first),
                client_bsn=bsn, start=first, decided_on=date.today(),
            )  # fmt: skip
    except IntakeRefused as exc:
        fail(f"intake refused: {exc.message_en}")
    except (workflow.WorkflowError, CareError) as exc:
        fail(str(exc))
    d = result.decision
    render_object(
        {
            "decision": d.id, "bsn": d.client_bsn, "law": d.law.value, "product": d.product_code,
            "start": d.valid.start, "end": d.valid.end, "monthly_budget_eur": str(d.monthly_budget),
            "total_budget_eur": str(d.total_budget), "result_areas": ",".join(d.result_areas),
            "evaluations": ", ".join(f"{m.due} {m.label}" for m in d.evaluation_moments),
        },
        fmt,
    )  # fmt: skip


def _provider_rows(
    engine: Any, municipality: str, law: Law, target_group: TargetGroup | None, on: date, product: str | None
) -> list[dict[str, Any]]:
    matches = workflow.providers_for(
        UnitOfWork(engine, Scope.municipality(municipality)), municipality, law, target_group, on,
        product_code=product,
    )  # fmt: skip
    return [_match_row(m) for m in matches]


PROVIDER_COLUMNS = ["agb", "name", "waiting_weeks", "clients_in_care", "capacity"]


def _match_row(m: ProviderMatch) -> dict[str, Any]:
    return {"agb": m.provider.agb_code, "name": m.provider.name, "waiting_weeks": m.waiting_weeks,
            "clients_in_care": m.clients_in_care, "capacity": m.provider.capacity}  # fmt: skip


def _target(text: str | None) -> TargetGroup | None:
    if text is None:
        return None
    try:
        return TargetGroup(text)
    except ValueError:
        fail(f"--target-group {text!r}: choose one of {', '.join(g.value for g in TargetGroup)}")


@app.command("providers")
def providers(
    municipality: str = MUNICIPALITY,
    law: str = typer.Option("wmo", "--law"),
    target_group: str | None = typer.Option(None, "--target-group"),
    product: str | None = typer.Option(
        None, "--product", help="only providers contracted for this product code on --on"
    ),
    on: str | None = ON,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Providers eligible for an allocation, shortest waiting time first."""
    engine = engine_for(db)
    with store_errors():
        rows = _provider_rows(engine, municipality, _law(law), _target(target_group), _day(on), product)
    render(rows, PROVIDER_COLUMNS, fmt, title="Eligible providers")


@app.command("allocate")
def allocate(
    decision: Annotated[str, typer.Argument(help="decision id (from `access decide`)")],
    municipality: str = MUNICIPALITY,
    model_id: str = typer.Option(..., "--model"),
    provider: str | None = typer.Option(None, "--provider", help="AGB code of the chosen provider"),
    target_group: str | None = typer.Option(None, "--target-group"),
    models_dir: Path | None = MODELS_DIR_OPTION,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Allocate a decision to a provider; without --provider, show the eligible ones."""
    engine = engine_for(db)
    now = datetime.now(UTC)
    if provider is None:
        # the providers for the decision's own law: a Jeugd decision needs a Jeugd provider
        try:
            with store_errors():
                found, matches = workflow.providers_for_decision(
                    UnitOfWork(engine, Scope.municipality(municipality)), decision, _target(target_group)
                )  # fmt: skip
        except workflow.WorkflowError as exc:
            fail(str(exc))
        render([_match_row(m) for m in matches], PROVIDER_COLUMNS, fmt,
               title=f"Eligible {found.law.value} providers: choose one with --provider AGB")  # fmt: skip
        return
    try:
        with store_errors():
            result = workflow.allocate(
                UnitOfWork(engine, Scope.municipality(municipality)), _model(model_id, models_dir),
                decision_id=decision, provider_agb=provider, now=now, target_group=_target(target_group),
            )  # fmt: skip
    except (workflow.WorkflowError, CareError) as exc:
        fail(str(exc))
    _show_allocation(result, fmt)


@app.command("client")
def client(
    bsn: str = typer.Option(..., "--bsn", help="the client's BSN"),
    street: str = typer.Option(..., "--street", help="street name (BRP), at most 24 characters"),
    house_number: int = typer.Option(..., "--house-number"),
    postcode: str = typer.Option(..., "--postcode", help="Dutch postcode, 1234AB"),
    city: str = typer.Option(..., "--city"),
    house_letter: str | None = typer.Option(None, "--house-letter"),
    phone: str | None = typer.Option(None, "--phone", help="digits only, at most 15"),
    municipality: str = MUNICIPALITY,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Record a client's BRP address and phone (a 301 carries them, TR061)."""
    engine = engine_for(db)
    try:
        with store_errors():
            contact = workflow.record_contact(
                UnitOfWork(engine, Scope.municipality(municipality)), bsn, street, house_number, postcode,
                city, house_letter, phone,
            )  # fmt: skip
    except workflow.WorkflowError as exc:
        fail(str(exc))
    render_object(
        {"bsn": bsn.strip(), "street": contact.street, "house_number": contact.house_number,
         "house_letter": contact.house_letter, "postcode": contact.postcode, "city": contact.city,
         "phone": contact.phone},
        fmt,
    )  # fmt: skip


def _show_allocation(result: workflow.AllocationResult, fmt: OutputFormat) -> None:
    a = result.allocation
    render_object(
        {"toewijzing_nummer": a.number, "bsn": a.client_bsn, "provider": a.provider_agb, "product": a.product_code,
         "start": a.valid.start, "end": a.valid.end, "volume": a.volume, "unit": a.unit.value if a.unit else None,
         "frequency": a.frequency.value if a.frequency else None,
         "reden_wijziging": a.change_reason.value if a.change_reason else None, "message": result.message_file},
        fmt,
    )  # fmt: skip


def _reason(code: str) -> ChangeReason:
    try:
        return ChangeReason(code)
    except ValueError:
        fail(f"--reason {code!r}: give a WMO002/JZ002 code, e.g. 05 verkorting, 13 verwijderd, 14 correctie")


def _change(municipality: str, law: str, number: int, reason: str, end: str | None, volume: int | None,
            db: str | None, fmt: OutputFormat) -> None:  # fmt: skip
    engine = engine_for(db)
    try:
        with store_errors():
            result = workflow.change(
                UnitOfWork(engine, Scope.municipality(municipality)), municipality_code=municipality,
                law=_law(law), number=number, reason=_reason(reason), now=datetime.now(UTC),
                end=_day(end) if end else None, volume=volume,
            )  # fmt: skip
    except (workflow.WorkflowError, CareError) as exc:
        fail(str(exc))
    _show_allocation(result, fmt)


@app.command("change")
def change(
    number: Annotated[int, typer.Argument(help="ToewijzingNummer", min=1, max=999_999_999)],
    reason: str = typer.Option(..., "--reason", help="WMO002/JZ002 code, e.g. 04, 05, 13, 14"),
    municipality: str = MUNICIPALITY,
    law: str = typer.Option("wmo", "--law"),
    end: str | None = typer.Option(None, "--end", help="new end date"),
    volume: int | None = typer.Option(None, "--volume"),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Change an allocation with a reason (a new 301 goes to the outbox)."""
    _change(municipality, law, number, reason, end, volume, db, fmt)


@app.command("end")
def end_(
    number: Annotated[int, typer.Argument(help="ToewijzingNummer", min=1, max=999_999_999)],
    end: str = typer.Option(..., "--end", help="last day of the allocation"),
    reason: str = typer.Option("05", "--reason", help="WMO002/JZ002 code (default 05 verkorting)"),
    municipality: str = MUNICIPALITY,
    law: str = typer.Option("wmo", "--law"),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """End an allocation on a day (a new 301 goes to the outbox)."""
    _change(municipality, law, number, reason, end, None, db, fmt)


@signals_app.command("family")
def family(municipality: str = MUNICIPALITY, on: str | None = ON, db: str | None = DB_OPTION,
           fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """One family, one plan: households with Jeugd and Wmo allocations, all together."""
    engine = engine_for(db)
    with store_errors():
        rows = signal_service.family_plans(UnitOfWork(engine, Scope.municipality(municipality)), _day(on))
    render(rows, ["household", "bsn", "name", "law", "allocation", "provider", "product", "start", "end"], fmt,
           title="One family, one plan")  # fmt: skip


@signals_app.command("transition-18")
def transition(municipality: str = MUNICIPALITY, on: str | None = ON, db: str | None = DB_OPTION,
               fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """18-/18+: youths 16-23 whose Jeugdwet care ends at 18 without Wmo support ready."""
    engine = engine_for(db)
    with store_errors():
        rows = signal_service.transition_signals(
            UnitOfWork(engine, Scope.municipality(municipality)), _day(on)
        )
    render(rows, ["bsn", "name", "municipality", "birth_date", "turns_18", "jeugd_ends", "missing"], fmt,
           title="18-/18+")  # fmt: skip


@signals_app.command("evaluations")
def evaluations(municipality: str = MUNICIPALITY, days: int = typer.Option(30, "--days"), on: str | None = ON,
                db: str | None = DB_OPTION, fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """Evaluation moments falling due within --days days."""
    if days < 0:
        fail(f"--days {days}: give 0 (today only) or more days")
    engine = engine_for(db)
    with store_errors():
        rows = signal_service.evaluations_due(
            UnitOfWork(engine, Scope.municipality(municipality)), _day(on), days
        )
    render(rows, ["due", "decision", "bsn", "municipality", "label"], fmt,
           title=f"Evaluations due within {days} days")  # fmt: skip
