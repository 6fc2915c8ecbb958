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

from zorginkoop.adapters.model_files import ModelFileError
from zorginkoop.bootstrap import Platform
from zorginkoop.cli.common import (
    DB_OPTION,
    known_municipality,
    known_product,
    known_provider,
    platform_for,
    store_errors,
    unit_of_work,
)
from zorginkoop.cli.models import (
    AGGRAVATING_OPTION,
    AREAS_OPTION,
    BANDWIDTH_OPTION,
    INTENSITY_OPTION,
    MODELS_DIR_OPTION,
    MODULES_OPTION,
    NEED_OPTION,
    PRODUCT_OPTION,
    TYPE_OPTION,
    hours_value,
    show_indication,
    split_list,
    start_date,
)
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render, render_object
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import CareError
from zorginkoop.domain.codes import ChangeReason, Law, TargetGroup
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.product_models import Intake, IntakeRefused, ProductModel
from zorginkoop.domain.referral import Referrer, ReferrerType
from zorginkoop.domain.region import ProviderMatch
from zorginkoop.services import allocations as workflow
from zorginkoop.services import clients as client_service
from zorginkoop.services import intake as intake_service
from zorginkoop.services import signals as signal_service
from zorginkoop.services import stops as stop_service

app = typer.Typer(
    help="Access: intake, decision (beschikking), allocation (toewijzing), signals.", no_args_is_help=True
)
signals_app = typer.Typer(
    help="Signals: one family one plan, 18-/18+, evaluations due.", no_args_is_help=True
)
app.add_typer(signals_app, name="signals")

MUNICIPALITY = typer.Option(
    ..., "--municipality", "-m", help="the municipality (your scope): CBS code or name, e.g. 0321 or Houten"
)
ON = typer.Option(None, "--on", help="reference day (default: today), YYYY-MM-DD")


def _model(model_id: str, models_dir: Path | None) -> ProductModel:
    try:
        return intake_service.product_model(model_id, models_dir)
    except (intake_service.UnknownModel, ModelFileError) as exc:
        fail(str(exc))


def _intake(months: int, areas: str | None, support_type: str | None, intensity: str | None,
            aggravating: str | None, hours: str | None, product: str | None, need: str | None,
            bandwidth: str | None, modules: list[str] | None, start: date | None) -> Intake:  # fmt: skip
    """Every input a product model reads, as the consultant gives them (one shape for every model)."""
    return Intake(months=months, areas=split_list(areas), support_type=support_type, intensity=intensity,
                  aggravating=split_list(aggravating), hours_per_week=hours_value(hours, "--hours"),
                  product_code=product, need=need, bandwidth=bandwidth, modules=tuple(modules or ()),
                  start=start)  # fmt: skip


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


HOURS_OPTION = typer.Option(None, "--hours", "--hours-per-week", help="hours per week (hourly model)")


@app.command("intake")
def intake(
    model_id: Annotated[str, typer.Argument(help="product model, e.g. lekstroom-2022 (`models list`)")],
    months: int = typer.Option(..., "--months", help="duration of the indication in months"),
    areas: str | None = AREAS_OPTION,
    support_type: str | None = TYPE_OPTION,
    intensity: str | None = INTENSITY_OPTION,
    aggravating: str | None = AGGRAVATING_OPTION,
    hours: str | None = HOURS_OPTION,
    product: str | None = PRODUCT_OPTION,
    need: str | None = NEED_OPTION,
    bandwidth: str | None = BANDWIDTH_OPTION,
    module: Annotated[list[str] | None, MODULES_OPTION] = None,
    start: str | None = typer.Option(
        None, "--start", help="first day, YYYY-MM-DD (default: today): dates of the evaluation moments"
    ),
    models_dir: Path | None = MODELS_DIR_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Weigh an intake with a product model (nothing is stored): product, budget, evaluation dates."""
    model = _model(model_id, models_dir)
    first = start_date(start) or date.today()
    try:
        indication = workflow.evaluate_intake(
            model, _intake(months, areas, support_type, intensity, aggravating, hours, product, need, bandwidth,
                           module, first)
        )  # fmt: skip
    except IntakeRefused as exc:
        fail(f"intake refused ({exc.reason.value}): {exc.message_en}")
    show_indication(indication, fmt)


@app.command("decide")
def decide(
    model_id: Annotated[str, typer.Argument(help="product model, e.g. lekstroom-2022")],
    bsn: str = typer.Option(..., "--bsn", help="the client's BSN"),
    start: str = typer.Option(..., "--start", help="first day of the decision, YYYY-MM-DD"),
    months: int = typer.Option(..., "--months"),
    municipality: str = MUNICIPALITY,
    areas: str | None = AREAS_OPTION,
    support_type: str | None = TYPE_OPTION,
    intensity: str | None = INTENSITY_OPTION,
    aggravating: str | None = AGGRAVATING_OPTION,
    hours: str | None = HOURS_OPTION,
    product: str | None = PRODUCT_OPTION,
    need: str | None = NEED_OPTION,
    bandwidth: str | None = BANDWIDTH_OPTION,
    module: Annotated[
        list[str] | None,
        typer.Option(
            "--module", help="add-on module (Twente), repeatable; one with a product code is allocated apart"
        ),
    ] = None,
    models_dir: Path | None = MODELS_DIR_OPTION,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Record a decision (beschikking) for a client from the model's indication."""
    model = _model(model_id, models_dir)
    first = start_date(start)
    assert first is not None  # --start is required
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    try:
        with store_errors():
            result = workflow.decide(
                unit_of_work(platform, Scope.municipality(municipality)), model,
                _intake(months, areas, support_type, intensity, aggravating, hours, product, need, bandwidth,
                        module, first),
                client_bsn=bsn, start=first, decided_on=date.today(),
            )  # fmt: skip
    except IntakeRefused as exc:
        fail(f"intake refused ({exc.reason.value}): {exc.message_en}")
    except (workflow.WorkflowError, CareError) as exc:
        fail(str(exc))
    d = result.decision
    render_object(
        {
            "decision": d.id, "bsn": d.client_bsn, "law": d.law.value, "product": d.product_code,
            "start": d.valid.start, "end": d.valid.end, "monthly_budget_eur": str(d.monthly_budget),
            "total_budget_eur": str(d.total_budget), "result_areas": list(d.result_areas),
            "evaluations": [f"{m.due} {m.label}" for m in d.evaluation_moments],
            "add_ons": [f"{a.module_id} {a.product_code} {a.amount}" for a in d.add_ons],
        },
        fmt,
    )  # fmt: skip


def _provider_rows(
    platform: Platform,
    municipality: str,
    law: Law,
    target_group: TargetGroup | None,
    on: date,
    product: str | None,
) -> list[dict[str, Any]]:
    matches = workflow.providers_for(
        unit_of_work(platform, Scope.municipality(municipality)), municipality, law, target_group, on,
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
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    chosen_law = _law(law)
    if product is not None:
        product = known_product(platform, product, chosen_law)
    with store_errors():
        rows = _provider_rows(platform, municipality, chosen_law, _target(target_group), _day(on), product)
    render(rows, PROVIDER_COLUMNS, fmt, title="Eligible providers")


REFERRER_OPTION = typer.Option(
    None,
    "--referrer",
    help="Jeugd: who referred the client, a COD327 code or word (01 gemeente, 02 huisarts, 03 jeugdarts, "
    "04 gi, 05 medisch-specialist, 06 zelfverwijzer, 08 justitie); default 01 gemeente",
)
REFERRER_NAME_OPTION = typer.Option(
    None, "--referrer-name", help="the referrer's name (at most 64 characters)"
)
REFERRER_AGB_OPTION = typer.Option(
    None, "--referrer-agb", help="the referring doctor's AGB code (ZorgverlenerCode, types 02-05)"
)


def _referrer(kind: str | None, name: str | None, agb: str | None) -> Referrer | None:
    """The referrer the consultant names, or None (the default: the municipality for Jeugd)."""
    if kind is None:
        if name or agb:
            fail("--referrer-name and --referrer-agb need --referrer (the referrer's type, COD327)")
        return None
    try:
        return Referrer(ReferrerType.parse(kind), name or None, agb or None)
    except ValueError as exc:
        fail(f"--referrer: {exc}")


@app.command("allocate")
def allocate(
    decision: Annotated[str, typer.Argument(help="decision id (from `access decide`)")],
    municipality: str = MUNICIPALITY,
    model_id: str = typer.Option(..., "--model"),
    provider: str | None = typer.Option(None, "--provider", help="AGB code of the chosen provider"),
    target_group: str | None = typer.Option(None, "--target-group"),
    start: str | None = typer.Option(
        None, "--start", help="first day of the allocation, YYYY-MM-DD (default: the decision's start)"
    ),
    module: str | None = typer.Option(
        None,
        "--module",
        help="allocate this add-on module of the decision (id or product code), not the main product",
    ),
    switch_from: int | None = typer.Option(
        None,
        "--switch-from",
        help="ToewijzingNummer of the allocation running now: it ends the day before --start with "
        "RedenWijziging 09 (overstap naar andere aanbieder) and its provider gets a 301",
    ),
    non_contracted: bool = typer.Option(
        False,
        "--non-contracted",
        help="a provider without a contract, under the region's rule: 70% of the product's NZa tariff",
    ),
    models_dir: Path | None = MODELS_DIR_OPTION,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    referrer: str | None = REFERRER_OPTION,
    referrer_name: str | None = REFERRER_NAME_OPTION,
    referrer_agb: str | None = REFERRER_AGB_OPTION,
) -> None:
    """Allocate a decision to a provider; without --provider, show the eligible ones.

    A decision is allocated once at a time: while an allocation of it runs, a new one is
    refused, unless --switch-from names the running one (a switch to another provider). The
    allocation ends with the provider's contract; the next contract's allocation follows.
    A Jeugd allocation records who referred the client (--referrer; default 01 gemeente)."""
    chosen = _referrer(referrer, referrer_name, referrer_agb)
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    if provider is not None:
        provider = known_provider(platform, provider)
    now = datetime.now(UTC)
    if provider is None:
        # the providers for the decision's own law: a Jeugd decision needs a Jeugd provider
        try:
            with store_errors():
                found, matches = workflow.providers_for_decision(
                    unit_of_work(platform, Scope.municipality(municipality)), decision, _target(target_group)
                )  # fmt: skip
        except workflow.WorkflowError as exc:
            fail(str(exc))
        render([_match_row(m) for m in matches], PROVIDER_COLUMNS, fmt,
               title=f"Eligible {found.law.value} providers: choose one with --provider AGB")  # fmt: skip
        return
    try:
        with store_errors():
            result = workflow.allocate(
                unit_of_work(platform, Scope.municipality(municipality)), _model(model_id, models_dir),
                decision_id=decision, provider_agb=provider, now=now, target_group=_target(target_group),
                start=_day(start) if start else None, switch_from=switch_from, add_on=module,
                non_contracted=non_contracted, referrer=chosen,
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
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    try:
        with store_errors():
            contact = workflow.record_contact(
                unit_of_work(platform, Scope.municipality(municipality)), bsn, street, house_number, postcode,
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


CLIENT_ALLOCATION_COLUMNS = ["allocation", "law", "provider", "product", "start", "end", "volume", "status",
                             "referrer"]  # fmt: skip


@app.command("allocations")
def allocations(
    bsn: str = typer.Option(..., "--bsn", help="the client's BSN"),
    municipality: str = MUNICIPALITY,
    on: str | None = ON,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """A client's allocations, newest first, with their status on --on and, for Jeugd, who
    referred the client (Verwijzer, COD327). Read from the client file: scoped and logged."""
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        dossier = client_service.client_dossier(
            unit_of_work(platform, Scope.municipality(municipality)), bsn.strip(), _day(on)
        )
    if dossier is None:
        fail(f"no client with BSN {bsn.strip()} in municipality {municipality}")
    rows = []
    for line in dossier.allocations:
        a = line.allocation
        referrer: Any = None
        if a.referrer is not None:
            referrer = (
                {"type": a.referrer.type.value, "name": a.referrer.name, "agb": a.referrer.agb_code}
                if fmt is OutputFormat.json
                else a.referrer.label_nl
            )
        rows.append({
            "allocation": a.number, "law": a.law.value, "provider": f"{line.provider_name} {a.provider_agb}",
            "product": a.product_code or a.category, "start": a.valid.start, "end": a.valid.end,
            "volume": a.volume, "status": line.status.value, "referrer": referrer,
        })  # fmt: skip
    render(rows, CLIENT_ALLOCATION_COLUMNS, fmt, title=f"Allocations of client {bsn.strip()}")


def _show_allocation(result: workflow.AllocationResult, fmt: OutputFormat) -> None:
    a = result.allocation
    shown: dict[str, Any] = {
        "toewijzing_nummer": a.number, "bsn": a.client_bsn, "provider": a.provider_agb, "product": a.product_code,
        "start": a.valid.start, "end": a.valid.end, "volume": a.volume, "unit": a.unit.value if a.unit else None,
        "frequency": a.frequency.value if a.frequency else None,
        "reden_wijziging": a.change_reason.value if a.change_reason else None, "message": result.message_file,
        **_terms(result),
    }  # fmt: skip
    if a.referrer is not None:
        shown["referrer"] = f"{a.referrer.type.value} {a.referrer.type.label}"
    if result.ended is not None:
        e = result.ended
        shown |= {"ended": e.number, "ended_provider": e.provider_agb, "ended_end": e.valid.end,
                  "ended_reden_wijziging": e.change_reason.value if e.change_reason else None,
                  "ended_message": result.ended_message_file}  # fmt: skip
    outside = result.outside_lines
    if outside or result.ended is not None or a.change_reason is not None:
        shown["outside_lines"] = (
            [{"reference": x.reference, "period": str(x.period), "volume": x.volume, "amount_eur": str(x.amount)}
             for x in outside]
            if fmt is OutputFormat.json
            else "; ".join(f"{x.reference} {x.period} EUR {x.amount}" for x in outside) or None
        )  # fmt: skip
    render_object(shown, fmt)
    if outside and fmt is not OutputFormat.json:
        total = sum((x.amount.cents for x in outside), 0)
        typer.echo(
            f"{len(outside)} approved line(s) now lie outside allocation {outside[0].allocation_number} "
            f"(EUR {total / 100:.2f}): the provider must credit them; "
            "`zorginkoop access outside-lines` lists the open ones",
            err=True,
        )


def _terms(result: workflow.AllocationResult) -> dict[str, Any]:
    """The allocation's budget limit (TR369) and tariff basis; follow-up allocations under next
    contracts and the notice when the allocation ends with its contract before the decision."""
    a = result.allocation
    shown: dict[str, Any] = {"budget_limit_eur": str(a.budget_limit) if a.budget_limit is not None else None}
    if a.nza_percentage is not None:
        shown["tariff_basis"] = f"{a.nza_percentage.normalize():f}% NZa"
    if result.follow_ups:
        shown["follow_ups"] = [
            {"toewijzing_nummer": f.number, "start": f.valid.start, "end": f.valid.end,
             "budget_limit_eur": str(f.budget_limit) if f.budget_limit is not None else None}
            for f in result.follow_ups
        ]  # fmt: skip
    if result.notice:
        shown["notice"] = result.notice
    return shown


def _reason(code: str) -> ChangeReason:
    try:
        return ChangeReason(code)
    except ValueError:
        fail(f"--reason {code!r}: give a WMO002/JZ002 code, e.g. 05 verkorting, 13 verwijderd, 14 correctie")


def _change(municipality: str, law: str, number: int, reason: str, end: str | None, volume: int | None,
            db: str | None, fmt: OutputFormat) -> None:  # fmt: skip
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    try:
        with store_errors():
            result = workflow.change(
                unit_of_work(platform, Scope.municipality(municipality)), municipality_code=municipality,
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


@app.command("evaluate")
def evaluate(
    number: Annotated[int, typer.Argument(help="ToewijzingNummer", min=1, max=999_999_999)],
    goals: str = typer.Option(..., "--goals", help="goals of the care reached: reached, partly or not"),
    municipality: str = MUNICIPALITY,
    law: str = typer.Option("wmo", "--law"),
    on: str | None = ON,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Record the end evaluation of an ended allocation: were the goals of the care reached
    (reached, partly, not)? Recording again replaces the answer; the benchmark reads it."""
    try:
        answer = GoalsReached(goals.lower())
    except ValueError:
        fail(f"--goals {goals!r}: choose reached, partly or not")
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    try:
        with store_errors():
            a = workflow.record_end_evaluation(
                unit_of_work(platform, Scope.municipality(municipality)), municipality, _law(law), number,
                answer, _day(on),
            )  # fmt: skip
    except workflow.WorkflowError as exc:
        fail(str(exc))
    render_object(
        {"toewijzing_nummer": a.number, "municipality": a.municipality_code, "law": a.law.value,
         "bsn": a.client_bsn, "provider": a.provider_agb, "product": a.product_code, "start": a.valid.start,
         "end": a.valid.end, "goals_reached": answer.value},
        fmt,
    )  # fmt: skip


OUTSIDE_COLUMNS = ["allocation", "provider", "bsn", "reference", "period", "volume", "amount_eur",
                   "reden_wijziging", "allocation_end", "recorded_at", "open"]  # fmt: skip


@app.command("outside-lines")
def outside_lines(
    municipality: str = MUNICIPALITY,
    law: str | None = typer.Option(None, "--law", help="wmo or jeugd (default: both)"),
    all_lines: bool = typer.Option(False, "--all", help="also the lines credited or covered again since"),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Approved declaration lines left outside an allocation that was shortened or ended
    over months already paid: the provider must credit them (open until an approved credit
    mirrors the line, or the allocation covers its period again)."""
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        found = workflow.outside_lines(
            unit_of_work(platform, Scope.municipality(municipality)),
            _law(law) if law else None,
            open_only=not all_lines,
        )
    rows = [
        {"allocation": x.line.allocation_number, "provider": x.provider_agb, "bsn": x.client_bsn,
         "reference": x.line.reference, "period": str(x.line.period), "volume": x.line.volume,
         "amount_eur": str(x.line.amount), "reden_wijziging": x.change_reason, "allocation_end": x.allocation_end,
         "recorded_at": x.recorded_at.replace(microsecond=0), "open": x.open}
        for x in found
    ]  # fmt: skip
    render(rows, OUTSIDE_COLUMNS, fmt, title="Approved lines outside their allocation (to be credited)")


@app.command("contract-ends")
def contract_ends(
    municipality: str = MUNICIPALITY,
    law: str = typer.Option("wmo", "--law"),
    on: str | None = ON,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """End allocations running past the contract covering them (RedenWijziging 03); the next
    contract's allocation follows when there is one. A 301 goes to the outbox for each."""
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        results = workflow.end_with_contracts(
            unit_of_work(platform, Scope.municipality(municipality)), municipality_code=municipality, law=_law(law),
            on=_day(on), now=datetime.now(UTC),
        )  # fmt: skip
    rows = [
        {"toewijzing_nummer": r.ended.number, "provider": r.ended.provider_agb, "product": r.ended.product_code,
         "old_end": r.old_end, "end": r.ended.valid.end,
         "reden_wijziging": r.ended.change_reason.value if r.ended.change_reason else None,
         "follow_ups": [f"{f.number} {f.valid.start}..{f.valid.end}" for f in r.follow_ups],
         "notice": r.notice, "message": r.message_file}
        for r in results
    ]  # fmt: skip
    render(rows, ["toewijzing_nummer", "provider", "product", "old_end", "end", "reden_wijziging", "follow_ups",
                  "notice", "message"], fmt, title="Allocations ended with their contract")  # fmt: skip


@signals_app.command("family")
def family(municipality: str = MUNICIPALITY, on: str | None = ON, db: str | None = DB_OPTION,
           fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """One family, one plan: households with Jeugd and Wmo allocations, all together."""
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        rows = signal_service.family_plans(unit_of_work(platform, Scope.municipality(municipality)), _day(on))
    render(rows, ["household", "bsn", "name", "law", "allocation", "provider", "product", "start", "end"], fmt,
           title="One family, one plan")  # fmt: skip


@signals_app.command("transition-18")
def transition(municipality: str = MUNICIPALITY, on: str | None = ON, db: str | None = DB_OPTION,
               fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """18-/18+: youths 16-23 whose Jeugdwet care ends at 18 without Wmo support ready."""
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        rows = signal_service.transition_signals(
            unit_of_work(platform, Scope.municipality(municipality)), _day(on)
        )
    render(rows, ["bsn", "name", "municipality", "birth_date", "turns_18", "jeugd_ends", "missing"], fmt,
           title="18-/18+")  # fmt: skip


@signals_app.command("evaluations")
def evaluations(municipality: str = MUNICIPALITY, days: int = typer.Option(30, "--days"), on: str | None = ON,
                db: str | None = DB_OPTION, fmt: OutputFormat = FORMAT_OPTION) -> None:  # fmt: skip
    """Evaluation moments falling due within --days days."""
    if days < 0:
        fail(f"--days {days}: give 0 (today only) or more days")
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        rows = signal_service.evaluations_due(
            unit_of_work(platform, Scope.municipality(municipality)), _day(on), days
        )
    render(rows, ["due", "decision", "bsn", "municipality", "label"], fmt,
           title=f"Evaluations due within {days} days")  # fmt: skip


# -- the stop worklist (307) ---------------------------------------------------------------------

stops_app = typer.Typer(
    help="Stop worklist: allocations whose provider stopped care for good (307); end or dismiss them.",
    invoke_without_command=True,
)
app.add_typer(stops_app, name="stops")

STOP_COLUMNS = ["item", "toewijzing_nummer", "law", "bsn", "provider", "reden_beeindiging", "proposed_end",
                "previous_end", "reden_wijziging", "status", "note"]  # fmt: skip


@stops_app.callback()
def stops_list(
    ctx: typer.Context,
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="CBS code of the municipality (your scope)"
    ),
    everything: bool = typer.Option(False, "--all", help="also items already ended, dismissed or withdrawn"),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """The open items of the stop worklist: a 307 with a definitive RedenBeeindiging proposes to end
    the allocation at the stop date (OP279). With ZORGINKOOP_END_ON_STOP=on (the default) the region
    ended it at once; with off each item waits here for `end` or `dismiss`."""
    if ctx.invoked_subcommand is not None:
        return
    if municipality is None:
        fail("give --municipality (-m) CBS code: the worklist is read under a municipality scope")
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    with store_errors():
        rows = stop_service.stop_worklist(
            unit_of_work(platform, Scope.municipality(municipality)), everything=everything
        )
    render(
        rows, STOP_COLUMNS, fmt, title="Stop worklist" + (" (all items)" if everything else " (open items)")
    )


def _decide_stop(
    action: str, item: int, municipality: str, note: str, db: str | None, fmt: OutputFormat
) -> None:
    platform = platform_for(db)
    municipality = known_municipality(platform, municipality)
    uow = unit_of_work(platform, Scope.municipality(municipality))
    try:
        with store_errors():
            if action == "end":
                row = stop_service.end_stop(uow, item, datetime.now(UTC))
            else:
                row = stop_service.dismiss_stop(uow, item, datetime.now(UTC), note)
    except (workflow.WorkflowError, CareError) as exc:
        fail(str(exc))
    render_object({k: row[k] for k in ["item", *STOP_COLUMNS[1:]]}, fmt)


@stops_app.command("end")
def stops_end(
    item: Annotated[int, typer.Argument(help="worklist item (from `access stops -m CODE`)")],
    municipality: str = MUNICIPALITY,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """End the item's allocation at the stop date (a 301 with the mapped RedenWijziging goes to the outbox)."""
    _decide_stop("end", item, municipality, "", db, fmt)


@stops_app.command("dismiss")
def stops_dismiss(
    item: Annotated[int, typer.Argument(help="worklist item (from `access stops -m CODE`)")],
    municipality: str = MUNICIPALITY,
    note: str = typer.Option("", "--note", help="why the allocation stays as it is"),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Keep the item's allocation as it is (OP279 still limits what is paid to its period)."""
    _decide_stop("dismiss", item, municipality, note, db, fmt)
