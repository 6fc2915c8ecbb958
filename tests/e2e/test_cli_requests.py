# SPDX-License-Identifier: EUPL-1.2
"""A provider's 317 (verzoek om wijziging) through `messages import` on a copy of the demo store:
granted (318 with 0200s and a 301 with the changed product and the ReferentieAanbieder),
in onderzoek and refused (319), the cross-message failures TR349, TR350, TR351, TR357, TR374 and
TR347; and an import folder with unreadable files among readable ones."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from tests.conftest import ISTANDAARDEN
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import read_message, validate_message, validate_with_xsd, write_message
from zorginkoop.cli import app
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import Law
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind

runner = CliRunner()
HOUTEN = "0321"
DAGTEKENING = date(2021, 3, 1)
CHANGE_FROM = date(2021, 4, 1)
WMO_XSD = ISTANDAARDEN / "iwmo-3.2" / "xsd"


@dataclass(frozen=True)
class Case:
    """A client with Wmo care at one provider in Houten: the allocation to change and the rest."""

    bsn: str
    agb: str
    target: Allocation
    others: tuple[int, ...]


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("requests") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cases(store: str) -> list[Case]:
    """Clients whose request the policy would grant: an OZR allocation running across the change
    date, at a provider that serves Houten and is contracted for the product then."""
    engine = make_engine(store)
    found: list[Case] = []
    with UnitOfWork(engine) as uow:
        running = uow.workflow.allocations_valid_from(
            DAGTEKENING, purpose=ActivityKind.DECISION, municipality_code=HOUTEN
        )
        seen: set[str] = set()
        for a in running:
            if a.law is not Law.WMO or a.client_bsn in seen or not (a.product_code or "").startswith("OZR"):
                continue
            if not (a.valid.start < DAGTEKENING and a.valid.end and a.valid.end >= date(2021, 5, 31)):
                continue
            provider = uow.providers.get(a.provider_agb)
            if not (
                provider
                and provider.serves(HOUTEN)
                and uow.workflow.contracted(a.provider_agb, Law.WMO, a.product_code or "", CHANGE_FROM)
            ):
                continue
            others = tuple(
                o.number for o in running
                if o.client_bsn == a.client_bsn and o.provider_agb == a.provider_agb and o.law is Law.WMO
                and o.number != a.number
            )  # fmt: skip
            seen.add(a.client_bsn)
            found.append(Case(a.client_bsn, a.provider_agb, a, others))
        assert len(found) >= 4, "the demo has too few running OZR allocations in Houten"
        # the last case gets a second allocation at its provider: every 317 lists a current
        # product (TR352), so only with two can one be left out (TR349)
        last = found[3]
        second = replace(last.target, number=uow.workflow.max_number(HOUTEN, Law.WMO) + 1,
                         valid=Period(date(2021, 1, 1), date(2021, 12, 31)), volume=1, decision_id=None)  # fmt: skip
        uow.allocations.add_all([second])
        uow.commit()
    engine.dispose()
    return [*found[:3], replace(last, others=(*last.others, second.number))]


_idents = iter(range(1, 1000))


def verzoek(case: Case, ref: str, *, unchanged: tuple[int, ...] | None = None,
            to_change: tuple[m.TeWijzigenProduct, ...] = (), new: tuple[m.NieuwProduct, ...] = ()) -> bytes:  # fmt: skip
    header = m.Header.for_message(Law.WMO, "317", afzender=case.agb, ontvanger=HOUTEN,
                                  identificatie=f"VOW{next(_idents):05d}", dagtekening=DAGTEKENING)  # fmt: skip
    body = m.Verzoek(
        referentie_aanbieder=ref, reden_verzoek="1",
        ongewijzigde_producten=tuple(m.OngewijzigdProduct(toewijzing_nummer=n)
                                     for n in (case.others if unchanged is None else unchanged)),
        te_wijzigen_producten=to_change, nieuwe_producten=new,
    )  # fmt: skip
    data = write_message(m.VerzoekWijzigingbericht(header=header, client=m.VerzoekWijzigingClient(bsn=case.bsn, verzoek=body)),
                         law=Law.WMO)  # fmt: skip
    assert validate_message(data).valid, validate_message(data).errors
    return data


def more_hours(case: Case, start: date = CHANGE_FROM, number: int | None = None) -> m.TeWijzigenProduct:
    a = case.target
    assert a.volume is not None and a.unit and a.frequency
    return m.TeWijzigenProduct(toewijzing_nummer=number or a.number, gewenste_ingangsdatum=start, einddatum=a.valid.end,
                               omvang=m.Omvang(volume=a.volume + 1, eenheid=a.unit.value, frequentie=a.frequency.value))  # fmt: skip


def new_product(code: str | None) -> m.NieuwProduct:
    # CD096: a category-only request carries no Omvang
    omvang = m.Omvang(volume=2, eenheid="04", frequentie="2") if code else None
    return m.NieuwProduct(product=m.Product(categorie="02", code=code), gewenste_ingangsdatum=CHANGE_FROM,
                          einddatum=date(2021, 9, 30), omvang=omvang)  # fmt: skip


def send(store: str, tmp_path: Path, data: bytes, name: str = "in.xml") -> tuple[Result, dict[str, bytes]]:
    inbox, out = tmp_path / f"inbox-{name}", tmp_path / f"out-{name}"
    inbox.mkdir()
    out.mkdir()
    (inbox / name).write_bytes(data)
    result = runner.invoke(app, ["messages", "import", str(inbox / name), "--out", str(out), "--db", store])
    assert result.exit_code == 0, result.output
    return result, {f.name[:6]: f.read_bytes() for f in out.iterdir()}


def retour_codes(content: bytes) -> set[str]:
    """Every RetourCode in a retour message, wherever it sits."""
    return {c.decode() for c in re.findall(rb"<(?:\w+:)?RetourCode>(\d{4})</", content)}


def allocations_of(store: str, case: Case) -> list[tuple[int, date, date | None, str | None, int | None]]:
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(t.AllocationRow.number, t.AllocationRow.valid_from, t.AllocationRow.valid_to,
                       t.AllocationRow.change_reason, t.AllocationRow.volume)
                .where(t.AllocationRow.client_bsn == case.bsn, t.AllocationRow.municipality_code == HOUTEN)
                .order_by(t.AllocationRow.number)
            )  # fmt: skip
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_a_granted_317_gets_a_318_with_0200s_and_a_301_with_the_change_and_the_reference(
    store: str, cases: list[Case], tmp_path: Path
) -> None:
    case = cases[0]
    _, out = send(store, tmp_path, verzoek(case, "VOW-GRANT", to_change=(more_hours(case),)))
    assert sorted(out) == ["WMO301", "WMO318"]
    assert retour_codes(out["WMO318"]) == {"0200"}
    if WMO_XSD.is_dir():
        assert validate_with_xsd(out["WMO301"], WMO_XSD) == []
    products = {
        p.toewijzing_nummer: p for p in read_message(out["WMO301"]).bericht.client.toegewezen_producten
    }
    a = case.target
    ended = products[a.number]
    assert (ended.einddatum, ended.reden_wijziging, ended.referentie_aanbieder) == (
        CHANGE_FROM - timedelta(days=1), "12", "VOW-GRANT",
    )  # fmt: skip
    (added,) = [p for n, p in products.items() if n not in (a.number, *case.others)]
    assert added.omvang is not None and a.volume is not None
    assert (added.ingangsdatum, added.einddatum, added.omvang.volume, added.referentie_aanbieder) == (
        CHANGE_FROM, a.valid.end, a.volume + 1, "VOW-GRANT",
    )  # fmt: skip
    assert added.product is not None and added.product.code == a.product_code
    stored = {row[0]: row for row in allocations_of(store, case)}
    assert stored[a.number][2:4] == (CHANGE_FROM - timedelta(days=1), "12")
    assert stored[added.toewijzing_nummer][1:3] == (CHANGE_FROM, a.valid.end)


def test_a_317_with_a_category_only_is_put_in_onderzoek_and_a_second_request_is_refused_with_9374(
    store: str, cases: list[Case], tmp_path: Path
) -> None:
    case = cases[1]
    before = allocations_of(store, case)
    _, out = send(store, tmp_path, verzoek(case, "VOW-ONDERZOEK", unchanged=(case.target.number, *case.others),
                                           new=(new_product(None),)), "a.xml")  # fmt: skip
    assert sorted(out) == ["WMO318", "WMO319"] and retour_codes(out["WMO318"]) == {"0200"}
    answer = read_message(out["WMO319"]).bericht.antwoord
    assert (answer.referentie_aanbieder, answer.verzoek_antwoord, answer.reden_afwijzing_verzoek) == (
        "VOW-ONDERZOEK",
        "2",
        None,
    )
    if WMO_XSD.is_dir():
        assert validate_with_xsd(out["WMO319"], WMO_XSD) == []

    _, again = send(store, tmp_path, verzoek(case, "VOW-AGAIN", to_change=(more_hours(case),)), "b.xml")
    assert sorted(again) == ["WMO318"] and retour_codes(again["WMO318"]) - {"0200"} == {"9374"}
    assert allocations_of(store, case) == before


def test_a_317_for_a_product_outside_the_catalogue_is_refused_with_a_319(
    store: str, cases: list[Case], tmp_path: Path
) -> None:
    case = cases[2]
    before = allocations_of(store, case)
    _, out = send(store, tmp_path, verzoek(case, "VOW-REFUSED", unchanged=(case.target.number, *case.others),
                                           new=(new_product("OZR9"),)))  # fmt: skip
    assert sorted(out) == ["WMO318", "WMO319"]
    answer = read_message(out["WMO319"]).bericht.antwoord
    assert (answer.verzoek_antwoord, answer.reden_afwijzing_verzoek) == ("1", "4")
    assert allocations_of(store, case) == before


@pytest.mark.parametrize(
    ("name", "code"),
    [("not-all-listed", "9349"), ("unknown-unchanged", "9350"), ("unknown-to-change", "9351"),
     ("backdated-not-from-start", "9357"), ("reference-used", "9347")],
)  # fmt: skip
def test_a_317_breaking_a_cross_message_rule_gets_only_a_318_with_its_code_and_changes_nothing(
    store: str, cases: list[Case], tmp_path: Path, name: str, code: str
) -> None:
    case = cases[3]
    a = case.target
    data = {
        "not-all-listed": lambda: verzoek(case, "VOW-349", unchanged=case.others[1:], to_change=(more_hours(case),)),
        "unknown-unchanged": lambda: verzoek(case, "VOW-350", unchanged=(*case.others, 999_999_998),
                                             to_change=(more_hours(case),)),
        "unknown-to-change": lambda: verzoek(case, "VOW-351", unchanged=(a.number, *case.others),
                                             to_change=(more_hours(case, number=999_999_997),)),
        "backdated-not-from-start": lambda: verzoek(case, "VOW-357",
                                                    to_change=(more_hours(case, start=DAGTEKENING - timedelta(days=1)),)),
        "reference-used": lambda: verzoek(case, "VOW-347", to_change=(more_hours(case),)),
    }[name]()  # fmt: skip
    if code == "9347":  # the reference was used by an earlier request, refused (so not open, TR374)
        _, first = send(store, tmp_path, verzoek(case, "VOW-347", unchanged=(a.number, *case.others),
                                                 new=(new_product("OZR9"),)), "first.xml")  # fmt: skip
        assert sorted(first) == ["WMO318", "WMO319"]
    before = allocations_of(store, case)
    requests_before = _count(store, t.AllocationRequestRow)
    _, out = send(store, tmp_path, data)
    assert sorted(out) == ["WMO318"]
    assert retour_codes(out["WMO318"]) - {"0200"} == {code}
    assert allocations_of(store, case) == before
    assert _count(store, t.AllocationRequestRow) == requests_before


def _count(store: str, table: type[t.Base]) -> int:
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)
    finally:
        engine.dispose()


def test_an_import_folder_processes_every_readable_file_and_reports_each_unreadable_one(
    store: str, cases: list[Case], tmp_path: Path
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    (inbox / "a-junk.xml").write_bytes(b"<not-a-message/>")
    case = cases[3]

    def refused_317(ref: str) -> bytes:  # TR351: answered by a 318 alone, nothing else changes
        return verzoek(case, ref, unchanged=(case.target.number, *case.others),
                       to_change=(more_hours(case, number=999_999_997),))  # fmt: skip

    (inbox / "b-first.xml").write_bytes(refused_317("VOW-DIR-1"))
    (inbox / "c-hostile.xml").write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    (inbox / "d-second.xml").write_bytes(refused_317("VOW-DIR-2"))
    locked = inbox / "e-locked.xml"
    locked.write_bytes(refused_317("VOW-DIR-3"))
    locked.chmod(0)
    can_lock = not os.access(locked, os.R_OK)  # root reads anything
    messages_before = _count(store, t.MessageRow)
    result = runner.invoke(app, ["messages", "import", str(inbox), "--out", str(out), "--db", store])
    locked.chmod(0o600)
    assert result.exit_code == 2, result.output
    errors = result.stderr.strip().splitlines()
    unreadable = 3 if can_lock else 2
    assert len(errors) == unreadable + 1 and "Traceback" not in result.output
    assert "a-junk.xml" in errors[0] and "c-hostile.xml" in errors[1]
    if can_lock:
        assert "e-locked.xml" in errors[2] and "cannot read" in errors[2]
    assert errors[-1] == f"error: {unreadable} of 5 file(s) could not be read; the others were processed"
    # the readable files were processed, each answered by its 318: two (or three) in, as many out
    readable = 5 - unreadable
    assert len(list(out.glob("WMO318_*.xml"))) == readable
    assert _count(store, t.MessageRow) == messages_before + 2 * readable
