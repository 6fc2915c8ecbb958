# SPDX-License-Identifier: EUPL-1.2
"""Charts render offline to SVG that a screen reader can name and the CSP lets through."""

from __future__ import annotations

import re
from decimal import Decimal

from zorginkoop.adapters import charts


def _pareto() -> str:
    points = [charts.ParetoPoint(r, Decimal(min(100, 20 * r)), r > 3) for r in range(1, 6)]
    return charts.pareto(points, "Concentratie 2020 Wmo")


def test_a_chart_is_an_image_with_a_title_and_a_label():
    svg = _pareto()
    root = svg[: svg.index(">") + 1]
    assert svg.startswith("<svg ") and 'role="img"' in root and 'aria-label="Concentratie 2020 Wmo' in root
    assert re.search(r"<title>Concentratie 2020 Wmo: [^<]*2 aanbieders met minder dan 7 cliënten", svg)
    assert "80%" in svg and "90%" in svg and "minder dan 7 cliënten" in svg  # lines and the tail's legend


def test_a_chart_has_no_style_or_script_for_the_csp_to_refuse():
    for svg in (
        _pareto(),
        charts.trend([charts.TrendPoint("2019", 10, Decimal("1000.50"))], "Trend"),
        charts.bars([charts.Bar("OZR1", 3)], "Per product", "Kosten"),
    ):
        assert "<style" not in svg and "<script" not in svg and "style=" not in svg
        assert "javascript:" not in svg and "href=" not in svg


def test_two_charts_on_one_page_share_no_id():
    ids = re.findall(r'\bid="([^"]+)"', _pareto() + _pareto())
    assert len(ids) == len(set(ids))


def test_a_label_is_escaped():
    svg = charts.bars([charts.Bar("<b>", 1)], 'A "quoted" <title>', "n")
    assert '<title>A "quoted" &lt;title&gt;' in svg or "&quot;quoted&quot;" in svg
    assert "<b>" not in svg
