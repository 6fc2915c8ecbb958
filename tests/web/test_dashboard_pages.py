# SPDX-License-Identifier: EUPL-1.2
"""The policy adviser's dashboard per municipality on the demo: Houten's 2020 Wmo figures are the
memo's and the Kerncijfers page's, Jeugd shows the GGZ apart, other municipalities are 404, other
roles 403, and counts and sums leave no processing-log entry about a person."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring

OTHER_ROLES = ["consulent", "contractmanager", "backoffice", "aanbieder", "privacy", "beheerder"]


def _rows(page, css: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {tr.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in page.select(f"{css} tbody tr")}  # fmt: skip


def _log_size(engine: Engine) -> int:
    """Entries about a person (a group figure's read is logged too, with the group as subject:
    tests/web/test_group_figures_log.py)."""
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return sum(1 for e in uow.log.entries() if e.subject_type == "BSN")


def test_the_adviser_opens_houtens_dashboard_from_the_menu(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    before = _log_size(web_engine)
    client: TestClient = browser_for("beleidsadviseur")
    page = soup(client.get("/kerncijfers"))
    link = next(
        a for a in page.select("nav[aria-label=Hoofdmenu] a") if a.get_text(strip=True) == "Dashboard"
    )
    answer = client.get(link["href"])
    assert answer.status_code == 200
    page = soup(answer)
    assert page.h1.get_text(strip=True) == "Dashboard Houten"
    current = page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")
    assert current is not None and current.get_text(strip=True) == "Dashboard"
    summary = {
        tr["data-figure"]: tr.td.get_text(strip=True) for tr in page.select(".zk-dashboard-summary tr")
    }
    assert summary["clients"] == "363"
    assert summary["cost"] == "€ 2.145.868,00"
    found = monitoring.dashboard(UnitOfWork(web_engine), "0321", 2020, Law.WMO)
    assert summary["new"] == str(found.new_clients) and summary["ended"] == str(found.ended_clients)
    assert summary["heaviest"] == "32,9%"
    # the trajectories that ended in 2020: their number, average days and share ended to plan
    assert found.trajectories_ended > 10 and summary["trajectories-ended"] == str(found.trajectories_ended)
    assert found.average_days is not None and summary["average-days"] == str(found.average_days).replace(
        ".", ","
    )
    assert found.ended_to_plan is not None and 0 < found.ended_to_plan < 1
    assert summary["ended-to-plan"] == f"{(found.ended_to_plan * 100).quantize(Decimal('0.1'))}%".replace(
        ".", ","
    )
    products = _rows(page, ".zk-dashboard-products")
    assert [name.split()[0] for name in products] == ["OZR2", "OZR3", "OZR1"]
    trend = _rows(page, ".zk-dashboard-trend")
    assert list(trend) == ["2018", "2019", "2020"]
    assert trend["2020"] == ["363", "€ 2.145.868,00"]
    assert page.select_one(".zk-dashboard-ggz") is None
    # the municipality select offers the adviser's own municipality only
    assert [o["value"] for o in page.select("select[name=gemeente] option")] == ["0321"]
    assert _log_size(web_engine) == before  # counts and sums only: nothing about a person read


def test_jeugd_shows_ggz_apart_and_hides_shares_over_fewer_than_ten(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    page = soup(client.get("/kerncijfers/dashboard?gemeente=0321&jaar=2020&wet=jeugd"))
    found = monitoring.dashboard(UnitOfWork(web_engine), "0321", 2020, Law.JEUGD)
    assert found.ggz is not None
    groups = {tr["data-group"]: [td.get_text(strip=True) for td in tr.find_all("td")]
              for tr in page.select(".zk-dashboard-ggz tbody tr")}  # fmt: skip
    assert groups["ggz"][0] == str(found.ggz.clients)
    small = page.select_one(".zk-dashboard-products tr[data-product='43A01']")
    assert small is not None
    cells = [td.get_text(" ", strip=True) for td in small.find_all("td")]
    assert cells[0] == "9"  # the count is exact for the region's own roles
    assert cells[3] == "* niet getoond"  # the share over fewer than 10 clients is not


def test_jeugd_shows_the_figures_per_referrer_in_dutch(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    page = soup(client.get("/kerncijfers/dashboard?gemeente=0321&jaar=2020&wet=jeugd"))
    found = monitoring.dashboard(UnitOfWork(web_engine), "0321", 2020, Law.JEUGD)
    rows = _rows(page, ".zk-dashboard-referrers")
    assert list(rows) == [r.label for r in found.by_referrer]
    assert {"Gemeente", "Huisarts", "Jeugdarts", "Medisch specialist", "Gecertificeerde instelling"} <= set(
        rows
    )
    assert [int(cells[0]) for cells in rows.values()] == [r.clients for r in found.by_referrer]
    assert sum(r.clients for r in found.by_referrer) == found.clients
    wmo = soup(client.get("/kerncijfers/dashboard?gemeente=0321&jaar=2020&wet=wmo"))
    assert wmo.select_one(".zk-dashboard-referrers") is None


def test_another_municipality_is_404_for_the_houten_adviser(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    for gemeente in ("0356", "Nieuwegein", "9999"):
        answer = client.get(f"/kerncijfers/dashboard?gemeente={gemeente}&jaar=2020&wet=wmo")
        assert answer.status_code == 404, gemeente
        assert "Nieuwegein" not in answer.text


def test_bad_filters_get_a_dutch_error_next_to_the_field(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    answer = client.get("/kerncijfers/dashboard?jaar=20&wet=wmo")
    assert answer.status_code == 400
    assert soup(answer).select_one("#fout-jaar").get_text(strip=True).startswith("Vul een jaartal in")
    answer = client.get("/kerncijfers/dashboard?jaar=2020&wet=zvw")
    assert answer.status_code == 400
    assert soup(answer).select_one("#fout-wet").get_text(strip=True) == "Kies Wmo of Jeugdwet."


def test_other_roles_get_403(browser_for) -> None:  # type: ignore[no-untyped-def]
    for login in OTHER_ROLES:
        answer = browser_for(login).get("/kerncijfers/dashboard")
        assert answer.status_code == 403, login
