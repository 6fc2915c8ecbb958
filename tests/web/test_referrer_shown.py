# SPDX-License-Identifier: EUPL-1.2
"""Where people look at one client's care, a Jeugd allocation shows who referred the client
(Verwijzer, COD327): the consultant's client file and allocation page ("Huisarts (Dr. Jansen)"),
and the API's allocation output (``referrer`` {type, name, agb} or null). Wmo shows nothing."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, update

from tests.web.test_consulent_pages import HOUTEN, open_file
from tests.web_helpers import PASSWORD, soup
from zorginkoop.adapters.db import tables as t


def _allocation(engine: Engine, law: str) -> tuple[str, int]:
    """A Houten allocation of ``law`` (client BSN, number)."""
    with engine.connect() as connection:
        bsn, number = connection.execute(
            select(t.AllocationRow.client_bsn, t.AllocationRow.number)
            .where(t.AllocationRow.municipality_code == HOUTEN, t.AllocationRow.law == law)
            .order_by(t.AllocationRow.number)
            .limit(1)
        ).one()
    return str(bsn), int(number)


def _refer(engine: Engine, number: int, kind: str, name: str | None, agb: str | None) -> None:
    """The referrer as the store keeps it (migration 0021): as a 315 or the consultant left it."""
    with engine.begin() as connection:
        connection.execute(
            update(t.AllocationRow)
            .where(t.AllocationRow.municipality_code == HOUTEN, t.AllocationRow.law == "jeugd",
                   t.AllocationRow.number == number)
            .values(referrer_type=kind, referrer_name=name, referrer_agb=agb)
        )  # fmt: skip


def _file_rows(page) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    table = next(
        x
        for x in page.select("table")
        if x.caption and x.caption.get_text(strip=True).startswith("Toewijzingen")
    )
    heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        rows[f"{cells[1]}/{cells[0]}"] = dict(zip(heads, cells, strict=True))
    return rows


def _logged(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(t.ProcessingLogEntryRow)) or 0)


def test_the_client_file_shows_the_referrer_of_a_jeugd_allocation_and_none_for_wmo(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    bsn, number = _allocation(web_engine, "jeugd")
    _refer(web_engine, number, "02", "Dr. Jansen", None)
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    rows = _file_rows(soup(consultant.get(path)))
    jeugd = next(r for key, r in rows.items() if key.endswith(f"/{number}") and r["Wet"] != "Wmo")
    assert jeugd["Verwijzer"] == "Huisarts (Dr. Jansen)"
    detail = soup(consultant.get(f"{path}/toewijzingen/jeugd/{number}"))
    shown = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
             for dt in detail.select("dl.zk-dl dt")}  # fmt: skip
    assert shown["Verwijzer"] == "Huisarts (Dr. Jansen)"
    # a doctor named by AGB code
    _refer(web_engine, number, "03", None, "01234567")
    rows = _file_rows(soup(consultant.get(path)))
    assert (
        next(r for key, r in rows.items() if key.endswith(f"/{number}") and r["Wet"] != "Wmo")["Verwijzer"]
        == "Jeugdarts (AGB 01234567)"
    )
    # a Wmo allocation: no referrer, on the file and on its page
    wmo_bsn, wmo_number = _allocation(web_engine, "wmo")
    wmo_path = open_file(consultant, wmo_bsn)
    wmo_rows = [r for r in _file_rows(soup(consultant.get(wmo_path))).values() if r["Wet"] == "Wmo"]
    assert wmo_rows and all(r["Verwijzer"] == "–" for r in wmo_rows)
    wmo_detail = soup(consultant.get(f"{wmo_path}/toewijzingen/wmo/{wmo_number}")).get_text(" ", strip=True)
    assert "Verwijzer" not in wmo_detail


def test_the_api_gives_the_referrer_object_or_null_documented_in_openapi(web_app, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    bsn, number = _allocation(web_engine, "jeugd")
    _refer(web_engine, number, "02", "Dr. Jansen", None)
    api = web_app
    schema = api.get("/openapi.json").json()["components"]["schemas"]
    assert set(schema["ReferrerOut"]["properties"]) == {"type", "name", "agb"}
    assert "COD327" in schema["ReferrerOut"]["properties"]["type"]["description"]
    referrer = schema["AllocationOut"]["properties"]["referrer"]
    assert {"$ref": "#/components/schemas/ReferrerOut"} in referrer["anyOf"] and {"type": "null"} in referrer[
        "anyOf"
    ]
    assert "referrer" in schema["AllocationOut"]["required"]
    token = api.post("/api/v1/token", data={"username": "consulent", "password": PASSWORD}).json()[
        "access_token"
    ]
    before = _logged(web_engine)
    found = api.post(
        "/api/v1/clients/search", json={"bsn": bsn}, headers={"Authorization": f"Bearer {token}"}
    )
    assert found.status_code == 200, found.text
    assert _logged(web_engine) > before  # the read is logged as before
    own = next(
        a for a in found.json()["allocations"] if a["law"] == "jeugd" and a["toewijzing_nummer"] == number
    )
    assert own["referrer"] == {"type": "02", "name": "Dr. Jansen", "agb": None}
    wmo_bsn, _ = _allocation(web_engine, "wmo")
    wmo = api.post(
        "/api/v1/clients/search", json={"bsn": wmo_bsn}, headers={"Authorization": f"Bearer {token}"}
    )
    assert all(a["referrer"] is None for a in wmo.json()["allocations"] if a["law"] == "wmo")
