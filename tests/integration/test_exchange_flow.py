# SPDX-License-Identifier: EUPL-1.2
"""The "Done when" chain on SQLite and PostgreSQL: a consultant's intake ends in an XSD-valid
301; the provider's 305/307/315/317 for it get the right retour codes."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import ISTANDAARDEN
from tests.factories import ALFA, BSN_A, HOUTEN, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import read_message, validate_message, validate_with_xsd, write_message
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.product_models import Intake
from zorginkoop.services import allocations as wf
from zorginkoop.services.exchange import UnreadableMessage, import_message

NOW = datetime(2021, 1, 4, 9, 0)


def _setup(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        uow.workflow.add_contacts({BSN_A: ClientContact("Dorpsstraat", 12, "3991AB", "Houten")})
        uow.session.add(
            t.FrameworkAgreementRow(
                code="FW",
                name="Wmo",
                procedure="sociale-en-specifieke-diensten",
                term_start=date(2020, 1, 1),
                initial_years=4,
                extensions="",
                notice_months=6,
                extensions_used=0,
            )
        )
        uow.session.flush()
        uow.session.add(
            t.LotRow(
                framework_code="FW",
                code="L1",
                name="Begeleiding",
                law="wmo",
                kind="alleen-prijs",
                tariff_basis="regionaal-tarief",
                reference_percentage=None,
            )
        )
        uow.session.flush()
        pid = uow.session.scalar(select(t.ProductRow.id).where(t.ProductRow.code == "OZR1"))
        uow.session.add(t.LotProductRow(framework_code="FW", lot_code="L1", product_id=pid))
        uow.session.add(t.ContractRow(number="C1", provider_agb=ALFA, framework_code="FW", lot_code="L1",
                                      valid_from=date(2020, 1, 1), valid_to=None, ceiling_cents=None,
                                      ceiling_policy="signaleren", volume_clients=None))  # fmt: skip
        uow.commit()


def _allocate(engine: Engine) -> tuple[int, bytes]:
    model = load_models()["lekstroom-ozr"]
    scope = Scope.municipality(HOUTEN)
    decided = wf.decide(UnitOfWork(engine, scope), model, Intake(months=6, hours_per_week=wf_hours(), product_code="OZR1"),
                        client_bsn=BSN_A, start=date(2021, 7, 1), decided_on=date(2021, 1, 4))  # fmt: skip
    result = wf.allocate(
        UnitOfWork(engine, scope), model, decision_id=decided.decision.id, provider_agb=ALFA, now=NOW
    )
    with UnitOfWork(engine) as uow:
        (msg,) = [x for x in uow.messages.outbox("301") if x.file_name == result.message_file]
    return result.allocation.number, msg.content


def wf_hours():  # type: ignore[no-untyped-def]
    from decimal import Decimal

    return Decimal(3)


def _client() -> dict[str, object]:
    return dict(bsn=BSN_A, geboortedatum=m.Geboortedatum(datum=date(1967, 8, 13)), geslacht="1",
                naam=m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam="Wit"), voorletters="T"))  # fmt: skip


def _header(number: str, ident: str) -> m.Header:
    return m.Header.for_message(Law.WMO, number, afzender=ALFA, ontvanger=HOUTEN, identificatie=ident,
                                dagtekening=date(2021, 7, 20))  # fmt: skip


def start(ident: str, nr: int, begin: date, status: str = "1") -> bytes:
    p = m.StartProduct(toewijzing_nummer=nr, product=m.Product(categorie="02", code="OZR1"),
                       toewijzing_ingangsdatum=date(2021, 7, 1), begindatum=begin, status_aanlevering=status)  # fmt: skip
    return write_message(
        m.StartZorgbericht(
            header=_header("305", ident), client=m.StartClient(**_client(), start_producten=(p,))
        ),
        law=Law.WMO,
    )  # type: ignore[arg-type]


def stop(ident: str, nr: int, begin: date, end: date, reason: str = "19") -> bytes:
    p = m.StopProduct(toewijzing_nummer=nr, product=m.Product(categorie="02", code="OZR1"),
                      toewijzing_ingangsdatum=date(2021, 7, 1), begindatum=begin, reden_beeindiging=reason,
                      einddatum=end, status_aanlevering="1")  # fmt: skip
    return write_message(
        m.StopZorgbericht(
            header=_header("307", ident), client=m.StopClient(**_client(), stop_producten=(p,))
        ),
        law=Law.WMO,
    )  # type: ignore[arg-type]


def vot(ident: str, ref: str, code: str = "OZR1") -> bytes:
    p = m.AangevraagdProduct(referentie_aanbieder=ref, product=m.Product(categorie="02", code=code),
                             toewijzing_ingangsdatum=date(2022, 1, 1), toewijzing_einddatum=date(2022, 6, 30),
                             omvang=m.Omvang(volume=2, eenheid="04", frequentie="2"), verwijzer=m.Verwijzer(type="01"))  # fmt: skip
    return write_message(
        m.VerzoekToewijzingbericht(
            header=_header("315", ident),
            client=m.VerzoekToewijzingClient(**_client(), aangevraagde_producten=(p,)),
        ),
        law=Law.WMO,
    )  # type: ignore[arg-type]


def run(engine: Engine, data: bytes):  # type: ignore[no-untyped-def]
    return import_message(UnitOfWork(engine), data, "test.xml", NOW)


def codes(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [c for cs in outcome.codes.values() for c in cs]


def test_intake_to_301_and_the_providers_answers(engine: Engine) -> None:
    _setup(engine)
    nr, content = _allocate(engine)
    assert validate_message(content).valid
    if (ISTANDAARDEN / "iwmo-3.2" / "xsd").is_dir():
        assert validate_with_xsd(content, ISTANDAARDEN) == []
    toegewezen = read_message(content).bericht.client.toegewezen_producten
    assert nr in [p.toewijzing_nummer for p in toegewezen]

    b = date(2021, 7, 5)
    assert codes(run(engine, start("S1", nr, b))) == []
    assert codes(run(engine, start("S2", nr, b))) == ["9074"]
    assert codes(run(engine, start("S3", nr, date(2021, 7, 6)))) == ["9326"]
    assert codes(run(engine, start("S4", 4242, b))) == ["9019"]
    assert codes(run(engine, stop("T1", nr, date(2021, 7, 6), date(2021, 7, 31)))) == ["9069"]
    assert codes(run(engine, stop("T2", nr, b, date(2021, 7, 15), reason="20"))) == []
    assert codes(run(engine, stop("T3", nr, b, date(2021, 7, 16), reason="20"))) == ["9413"]
    assert codes(run(engine, stop("T4", nr, b, date(2021, 7, 14), reason="19"))) == ["9414"]
    dup = run(engine, start("S1", nr, date(2021, 7, 19)))
    assert dup.status == "rejected" and codes(dup) == ["9056"]
    retour = read_message(dup.outgoing[0].content)
    assert retour.number == "306" and retour.bericht.header.retour_codes == ("9056",)

    granted = run(engine, vot("V1", "REF-1"))
    assert codes(granted) == [] and [o.file_name[:6] for o in granted.outgoing] == ["WMO316", "WMO301"]
    tp = read_message(granted.outgoing[1].content).bericht.client.toegewezen_producten
    assert "REF-1" in [p.referentie_aanbieder for p in tp]  # TR379
    assert codes(run(engine, vot("V2", "REF-1"))) == ["9347"]
    refused = run(engine, vot("V3", "REF-2", code="OZR9"))
    assert [o.file_name[:6] for o in refused.outgoing] == ["WMO316", "WMO319"]
    answer = read_message(refused.outgoing[1].content).bericht.antwoord
    assert (answer.verzoek_antwoord, answer.reden_afwijzing_verzoek) == ("1", "4")


def test_change_verwijderd_sets_end_to_start_and_sends_a_301(engine: Engine) -> None:
    _setup(engine)
    nr, _ = _allocate(engine)
    from zorginkoop.domain.codes import ChangeReason

    result = wf.change(UnitOfWork(engine, Scope.municipality(HOUTEN)), municipality_code=HOUTEN, law=Law.WMO,
                       number=nr, reason=ChangeReason.VERWIJDERD, now=NOW)  # fmt: skip
    assert result.allocation.valid.end == result.allocation.valid.start
    with UnitOfWork(engine) as uow:
        (msg,) = [x for x in uow.messages.outbox("301") if x.file_name == result.message_file]
    products = read_message(msg.content).bericht.client.toegewezen_producten
    assert [p.reden_wijziging for p in products if p.toewijzing_nummer == nr] == ["13"]
    assert validate_message(msg.content).valid


def test_a_hostile_file_changes_nothing(engine: Engine) -> None:
    _setup(engine)
    with UnitOfWork(engine) as uow:
        before = uow.session.scalar(select(func.count()).select_from(t.MessageRow))
    with pytest.raises(UnreadableMessage):
        run(engine, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with UnitOfWork(engine) as uow:
        assert uow.session.scalar(select(func.count()).select_from(t.MessageRow)) == before


_ = (dataclasses, Path)
