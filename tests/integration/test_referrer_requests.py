# SPDX-License-Identifier: EUPL-1.2
"""The referrer (iJw Verwijzer, COD327) on the receive path and in the consultant's allocation:
a Jeugd 315 referred by a GP keeps its Verwijzer on the request and on the allocation that
grants it; the Wmo has none; a municipality's own Jeugd allocation is referrer 01 (gemeente)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from tests.factories import ALFA, BSN_A, HOUTEN
from tests.integration.test_exchange_flow import NOW, _setup, vot
from tests.unit.test_signals import bsn
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Limits, write_message
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Client, Gender
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, Lot, ProcurementProcedure, Term
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.referral import Referrer, ReferrerType
from zorginkoop.domain.region import Provider
from zorginkoop.services import incoming

GAMMA = "33333333"
YOUTH = bsn(7101)
GP_AGB = "01234567"
JGGZ = Product(
    "54001", Law.JEUGD, "54", "Jeugd-ggz behandeling", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT
)


def _youth_care(engine: Engine) -> None:
    """The tiny region (Wmo, contract for Alfa) plus a Jeugd provider contracted for one
    youth mental health product in Houten, and a young client with an address."""
    _setup(engine)
    with UnitOfWork(engine) as uow:
        uow.providers.add_all([
            Provider(GAMMA, "Gamma Jeugd", frozenset({Law.JEUGD}), frozenset({TargetGroup.YOUTH_MENTAL_HEALTH}),
                     frozenset({HOUTEN})),
        ])  # fmt: skip
        ids = uow.catalogue.add_products([JGGZ])
        pid = ids[Law.JEUGD.value, JGGZ.code]
        uow.catalogue.add_tariffs(
            [Tariff(JGGZ.code, Money.euros("110.00"), Period(date(2020, 1, 1)))], {JGGZ.code: pid}
        )
        lot = Lot("LJ", "Jeugd-ggz", Law.JEUGD, frozenset({JGGZ.code}))
        uow.contracts.add_frameworks(
            [FrameworkAgreement("FWJ", "Jeugd", ProcurementProcedure.SAS, Term(date(2020, 1, 1), 4), (lot,))],
            {JGGZ.code: pid},
        )
        uow.contracts.add_contracts([Contract("CJ", GAMMA, "FWJ", "LJ", Period(date(2020, 1, 1), None))])
        uow.clients.add_all([Client(YOUTH, date(2010, 4, 4), "Jong", "J", Gender.FEMALE, HOUTEN)])
        uow.workflow.add_contacts({YOUTH: ClientContact("Lekdijk", 3, "3991AB", "Houten")})
        uow.commit()


def jeugd_vot(ident: str, ref: str, verwijzer: m.Verwijzer, ontvanger: str = HOUTEN) -> bytes:
    p = m.AangevraagdProduct(referentie_aanbieder=ref, product=m.Product(categorie="54", code=JGGZ.code),
                             toewijzing_ingangsdatum=date(2022, 1, 1), toewijzing_einddatum=date(2022, 6, 30),
                             omvang=m.Omvang(volume=2, eenheid="04", frequentie="2"), verwijzer=verwijzer)  # fmt: skip
    header = m.Header.for_message(Law.JEUGD, "315", afzender=GAMMA, ontvanger=ontvanger, identificatie=ident,
                                  dagtekening=date(2021, 7, 20))  # fmt: skip
    client = m.VerzoekToewijzingClient(bsn=YOUTH, geboortedatum=m.Geboortedatum(datum=date(2010, 4, 4)), geslacht="2",
                                       naam=m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam="Jong"), voorletters="J"),
                                       aangevraagde_producten=(p,))  # fmt: skip
    return write_message(m.VerzoekToewijzingbericht(header=header, client=client), law=Law.JEUGD)


def _receive(engine: Engine, data: bytes) -> incoming.Received:
    uow = UnitOfWork(engine, Scope.municipality(HOUTEN))
    return incoming.receive_at_region(uow, data, "jw315.xml", NOW, limits=Limits())


def test_a_jeugd_315_referred_by_a_gp_keeps_its_verwijzer_on_the_request_and_the_allocation(
    engine: Engine,
) -> None:
    _youth_care(engine)
    received = _receive(engine, jeugd_vot("J1", "REF-J1", m.Verwijzer(type="02", zorgverlener_code=GP_AGB)))
    assert received.status == "processed"
    assert [a.message_type for a in received.answers] == ["316", "301"]
    with UnitOfWork(engine) as uow:
        (allocation,) = uow.workflow.client_allocations(YOUTH, purpose=_purpose())
        request = _request(uow)
    assert allocation.referrer == Referrer(ReferrerType.HUISARTS, agb_code=GP_AGB)
    assert allocation.provider_reference == "REF-J1"
    assert (request.status, request.referrer_type, request.referrer_name, request.referrer_agb) == (
        "granted",
        "02",
        None,
        GP_AGB,
    )


def test_a_refused_jeugd_315_still_records_who_referred(engine: Engine) -> None:
    _youth_care(engine)
    # addressed to Nieuwegein, where the client does not live: refused (5, andere gemeente)
    data = jeugd_vot("J2", "REF-J2", m.Verwijzer(type="05", naam="Kinderarts Lekstroom"), ontvanger="0356")
    received = incoming.receive_at_region(UnitOfWork(engine), data, "jw315.xml", NOW, limits=Limits())
    assert [a.message_type for a in received.answers] == ["316", "319"]
    with UnitOfWork(engine) as uow:
        request = _request(uow)
    assert (request.status, request.referrer_type, request.referrer_name) == (
        "refused",
        "05",
        "Kinderarts Lekstroom",
    )


def test_a_wmo_315_gives_an_allocation_without_referrer(engine: Engine) -> None:
    _youth_care(engine)
    received = _receive(engine, vot("W1", "REF-W1"))
    assert [a.message_type for a in received.answers] == ["316", "301"]
    with UnitOfWork(engine) as uow:
        allocations = uow.workflow.client_allocations(BSN_A, purpose=_purpose(), provider_agb=ALFA)
        request = _request(uow)
    granted = [a for a in allocations if a.provider_reference == "REF-W1"]
    assert len(granted) == 1 and granted[0].referrer is None
    assert request.referrer_type is None  # the Wmo keeps no Verwijzer


def _request(uow: UnitOfWork) -> t.AllocationRequestRow:
    row = uow.session.scalars(select(t.AllocationRequestRow)).one()
    uow.session.expunge(row)  # read after the unit of work closes
    return row


def _purpose():  # type: ignore[no-untyped-def]
    from zorginkoop.domain.processing import ActivityKind

    return ActivityKind.EXCHANGE


@pytest.mark.parametrize("kind", [ReferrerType.GEMEENTE, ReferrerType.JEUGDARTS])
def test_the_stored_referrer_reads_back(engine: Engine, kind: ReferrerType) -> None:
    _youth_care(engine)
    received = _receive(engine, jeugd_vot("J3", "REF-J3", m.Verwijzer(type=kind.value, naam="JGZ Houten")
                                          if kind is ReferrerType.JEUGDARTS else m.Verwijzer(type=kind.value)))  # fmt: skip
    assert [a.message_type for a in received.answers] == ["316", "301"]
    with UnitOfWork(engine) as uow:
        (allocation,) = uow.workflow.client_allocations(YOUTH, purpose=_purpose())
    expected = Referrer(kind, "JGZ Houten") if kind is ReferrerType.JEUGDARTS else Referrer(kind)
    assert allocation.referrer == expected


def test_the_consultants_wmo_allocation_has_no_referrer_and_naming_one_is_refused(engine: Engine) -> None:
    from decimal import Decimal

    from zorginkoop.adapters.model_files import load_models
    from zorginkoop.domain.product_models import Intake
    from zorginkoop.services import allocations as wf

    _setup(engine)
    model = load_models()["lekstroom-ozr"]
    scope = Scope.municipality(HOUTEN)
    decided = wf.decide(UnitOfWork(engine, scope), model, Intake(months=6, hours_per_week=Decimal(3), product_code="OZR1"),
                        client_bsn=BSN_A, start=date(2021, 7, 1), decided_on=date(2021, 1, 4))  # fmt: skip
    gp = Referrer(ReferrerType.HUISARTS, agb_code=GP_AGB)
    with pytest.raises(wf.WorkflowError, match="Wmo knows no referrer"):
        wf.allocate(UnitOfWork(engine, scope), model, decision_id=decided.decision.id, provider_agb=ALFA, now=NOW,
                    referrer=gp)  # fmt: skip
    result = wf.allocate(
        UnitOfWork(engine, scope), model, decision_id=decided.decision.id, provider_agb=ALFA, now=NOW
    )
    assert result.allocation.referrer is None
