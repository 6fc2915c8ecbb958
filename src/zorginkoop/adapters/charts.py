# SPDX-License-Identifier: EUPL-1.2
"""Charts as SVG strings: plain figures in, an accessible SVG out.

Specifications are built with Altair (Vega-Lite) and rendered by vl-convert, which carries its
own JavaScript engine: nothing is fetched from the network and no browser is needed, so the
same SVG goes into the web pages (inline), the account report's HTML and its PDF (WeasyPrint).

Every chart is made accessible here, once: the root ``<svg>`` gets ``role="img"``, an
``aria-label`` and a ``<title>`` (the pages show the same figures in a table beside it), and the
ids Vega gives clip paths are made unique per chart, so two charts on one page never share an id.
The SVG has no ``<style>`` or ``<script>`` and no ``style`` attributes (presentation attributes
only), so it passes the web application's Content-Security-Policy.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from zorginkoop.domain.monitoring import Measure, ProviderPareto

if TYPE_CHECKING:
    import altair as alt

# Altair and vl-convert are imported where a chart is made, not with this module: together they
# cost ~4 s of import, and the CLI's help, the API and most pages never draw a chart.

LOCALE: Literal["nl-NL"] = "nl-NL"
"""Numbers on the axes as the Dutch write them (1.234,5)."""

FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH = 520
HEIGHT = 260
INK = "#1f3b57"
"""The main colour (contrast above 4.5:1 on white); meaning never rests on colour alone."""
ACCENT = "#b3541e"
MUTED = "#6b6b6b"

_COUNTER = itertools.count(1)


class ChartError(RuntimeError):
    """vl-convert could not render a chart."""


@dataclass(frozen=True, slots=True)
class ParetoPoint:
    """One provider in a Pareto chart: its rank, cumulative share in percent, and whether it is
    in the small tail."""

    rank: int
    cumulative_pct: Decimal
    small: bool


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One period of a trend: a label (a year, a quarter), clients and cost in euros."""

    period: str
    clients: int
    cost_eur: Decimal


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal | int


def _data(rows: list[dict[str, Any]]) -> Any:
    import altair as alt  # lazy: see the imports

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    spec["config"] = {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelColor": "#222222", "titleColor": "#222222", "labelFontSize": 11, "titleFontSize": 12},
        "legend": {"labelFontSize": 11, "titleFontSize": 12},
        "title": {"fontSize": 13, "anchor": "start", "color": "#222222"},
    }
    return spec


def render_svg(chart: alt.TopLevelMixin, label: str) -> str:
    """``chart`` as an accessible SVG string labelled ``label`` (the chart's one-line summary)."""
    import vl_convert as vlc  # lazy: see the imports

    try:
        svg = vlc.vegalite_to_svg(_config(chart), format_locale=LOCALE)
    except Exception as exc:  # vl-convert raises plain ValueErrors from its engine
        raise ChartError(f"the chart {label!r} could not be rendered: {exc}") from exc
    return accessible(svg, label)


def accessible(svg: str, label: str) -> str:
    """Give an SVG ``role="img"``, an ``aria-label`` and a ``<title>``, hide Vega's own ARIA
    roles of the marks (the image is one thing to a screen reader), and make its ids unique."""
    n = next(_COUNTER)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"zk-chart{n}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    text = escape(label, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{text}" focusable="false" ', 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    return svg[:head_end] + f"<title>{text}</title>" + svg[head_end:]


def pareto(points: Sequence[ParetoPoint], title: str, measure: str = "kosten") -> str:
    """Cumulative share by provider rank, with the 80% and 90% lines and the small tail marked
    (a triangle instead of a circle, named in the legend)."""
    import altair as alt  # lazy: see the imports

    rows = [
        {
            "rank": p.rank,
            "cumulative": float(p.cumulative_pct),
            "group": "minder dan 7 cliënten" if p.small else "7 cliënten of meer",
        }
        for p in points
    ]
    base = alt.Chart(_data(rows))
    line = base.mark_line(color=INK, strokeWidth=1.5).encode(
        x=alt.X("rank:Q", title="Aanbieders, grootste eerst (rang)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y(
            "cumulative:Q", title=f"Cumulatief aandeel in de {measure} (%)", scale=alt.Scale(domain=[0, 100])
        ),
    )
    dots = base.mark_point(filled=True, size=40).encode(
        x="rank:Q",
        y="cumulative:Q",
        shape=alt.Shape(
            "group:N",
            title="Aanbieder",
            scale=alt.Scale(
                domain=["7 cliënten of meer", "minder dan 7 cliënten"], range=["circle", "triangle-up"]
            ),
        ),
        color=alt.Color(
            "group:N",
            title="Aanbieder",
            scale=alt.Scale(domain=["7 cliënten of meer", "minder dan 7 cliënten"], range=[INK, ACCENT]),
        ),
    )
    marks = _data([{"y": 80, "label": "80%"}, {"y": 90, "label": "90%"}])
    rules = alt.Chart(marks).mark_rule(color=MUTED, strokeDash=[4, 3]).encode(y="y:Q")
    labels = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, color="#222222", fontSize=11)
        .encode(y="y:Q", x=alt.value(0), text="label:N")
    )
    chart = (line + dots + rules + labels).properties(title=title, width=WIDTH, height=HEIGHT)
    tail = sum(1 for p in points if p.small)
    label = (
        f"{title}: cumulatief aandeel per aanbieder, {len(points)} aanbieders, "
        f"lijnen bij 80% en 90%, {tail} aanbieders met minder dan 7 cliënten gemarkeerd"
    )
    return render_svg(chart, label)


def trend(points: Sequence[TrendPoint], title: str) -> str:
    """Clients and cost over periods: two panels one above the other, sharing the periods."""
    import altair as alt  # lazy: see the imports

    rows = [{"period": p.period, "clients": p.clients, "cost": float(p.cost_eur)} for p in points]
    order = [p.period for p in points]
    base = alt.Chart(_data(rows)).encode(
        x=alt.X("period:O", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    )
    clients = (
        base.mark_line(color=INK, point=alt.OverlayMarkDef(color=INK, filled=True))
        .encode(y=alt.Y("clients:Q", title="Cliënten"))
        .properties(width=WIDTH, height=HEIGHT // 2)
    )
    cost = (
        base.mark_bar(color=ACCENT, opacity=0.85)
        .encode(y=alt.Y("cost:Q", title="Kosten (EUR)", axis=alt.Axis(format="~s")))
        .properties(width=WIDTH, height=HEIGHT // 2)
    )
    chart = alt.vconcat(clients, cost).properties(title=title)
    span = f"{order[0]} tot en met {order[-1]}" if order else "geen perioden"
    return render_svg(chart, f"{title}: cliënten (lijn) en kosten (staven) per periode, {span}")


def bars(items: Sequence[Bar], title: str, value_title: str) -> str:
    """Horizontal bars, one per label, in the order given."""
    import altair as alt  # lazy: see the imports

    rows = [{"label": b.label, "value": float(b.value)} for b in items]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar(color=INK)
        .encode(
            y=alt.Y("label:N", title=None, sort=[b.label for b in items], axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", title=value_title),
        )
        .properties(title=title, width=WIDTH - 200, height=max(40, 22 * len(items)))
    )
    return render_svg(chart, f"{title}: {value_title} per regel, {len(items)} regels")


def concentration(result: ProviderPareto, year: int, law: str | None) -> str:
    """The Pareto chart of a concentration (``monitor concentration --chart``, the web page)."""
    measure = "kosten" if result.measure is Measure.COST else "cliënten"
    title = f"Concentratie {year}" + {"wmo": " Wmo", "jeugd": " Jeugdwet"}.get(law or "", "")
    return pareto(
        [ParetoPoint(line.rank, line.cumulative_pct, line.small) for line in result.lines], title, measure
    )
