# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop calc``: the financing engine at the command line."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer

from zorginkoop.cli.output import fail
from zorginkoop.domain.codes import Frequency, Unit
from zorginkoop.domain.financing import FinancingError, effort_monthly_rate
from zorginkoop.domain.money import Money

app = typer.Typer(help="Calculations of the financing engine.", no_args_is_help=True)

MAX_VOLUME = Decimal(1_000_000)
"""More units than this per day, week or month is not care but a typing error."""
MAX_TARIFF = Decimal(1_000_000)
"""Euros per unit; the highest tariff of a residential Jeugd product is a few thousand a day."""


def _number(option: str, text: str, maximum: Decimal, what: str) -> Decimal:
    """``text`` as a finite number from 0 to ``maximum``, else one line and exit 2."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        fail(f"{option} must be a number, got {text!r}")
    if not value.is_finite() or not 0 <= value <= maximum:
        fail(f"{option} {text}: give {what} from 0 to {maximum:,}")
    return value


@app.command("monthly-rate")
def monthly_rate(
    volume: str = typer.Option(..., help="units per frequency, e.g. 3"),
    unit: str = typer.Option("uur", help="WJ756 unit: minuut, uur, dagdeel, etmaal, stuks or a code"),
    frequency: str = typer.Option("week", help="WMO757 frequency: dag, week, maand or a code"),
    tariff: str = typer.Option(..., help="tariff per unit in euros, e.g. 40 or 52.17"),
) -> None:
    """Fixed monthly rate of an effort indication: volume x frequency x tariff (3 h/week at 40 = 520.00)."""
    parsed_volume = _number("--volume", volume, MAX_VOLUME, "a number of units")
    parsed_tariff = _number("--tariff", tariff, MAX_TARIFF, "a tariff in euros")
    if parsed_tariff != parsed_tariff.quantize(Decimal("0.01")):
        fail(f"--tariff {tariff}: give euros in whole cents (at most two decimals)")
    try:
        parsed_unit = Unit.parse(unit)
        parsed_frequency = Frequency.parse(frequency)
        amount = effort_monthly_rate(parsed_volume, parsed_frequency, Money.euros(parsed_tariff))
    except (ValueError, FinancingError) as exc:
        fail(str(exc))
    del parsed_unit  # the unit names what the tariff is per; the rate does not depend on it
    typer.echo(str(amount))
