# SPDX-License-Identifier: EUPL-1.2
"""A 315 the policy would grant, for a client whose address is not on file: the granting 301
cannot be written (TR061), so the request is put in onderzoek with a 319 instead of breaking
the import; once the address is recorded the next request is granted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from tests.factories import ALFA, HOUTEN
from tests.integration.test_exchange_flow import NOW, _header, _setup
from tests.unit.test_signals import bsn
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import read_message, write_message
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Client, Gender
from zorginkoop.domain.codes import Law
from zorginkoop.services import allocations as wf
from zorginkoop.services.exchange import import_message

NEWCOMER = bsn(7001)


def vot(ident: str, ref: str) -> bytes:
    p = m.AangevraagdProduct(referentie_aanbieder=ref, product=m.Product(categorie="02", code="OZR1"),
                             toewijzing_ingangsdatum=date(2022, 1, 1), toewijzing_einddatum=date(2022, 6, 30),
                             omvang=m.Omvang(volume=2, eenheid="04", frequentie="2"), verwijzer=m.Verwijzer(type="01"))  # fmt: skip
    client = m.VerzoekToewijzingClient(bsn=NEWCOMER, geboortedatum=m.Geboortedatum(datum=date(1970, 5, 5)), geslacht="2",
                                       naam=m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam="Nieuw"), voorletters="N"),
                                       aangevraagde_producten=(p,))  # fmt: skip
    return write_message(m.VerzoekToewijzingbericht(header=_header("315", ident), client=client), law=Law.WMO)


def test_a_granted_request_for_a_client_without_address_goes_in_onderzoek_until_it_is_recorded(
    engine: Engine,
) -> None:
    _setup(engine)
    with UnitOfWork(engine) as uow:
        uow.clients.add_all([Client(NEWCOMER, date(1970, 5, 5), "Nieuw", "N", Gender.FEMALE, HOUTEN)])
        uow.commit()
    waiting = import_message(UnitOfWork(engine), vot("A1", "REF-A1"), "a.xml", NOW)
    assert [o.file_name[:6] for o in waiting.outgoing] == ["WMO316", "WMO319"]
    answer = read_message(waiting.outgoing[1].content).bericht.antwoord
    assert (answer.verzoek_antwoord, answer.reden_afwijzing_verzoek) == ("2", None)

    wf.record_contact(
        UnitOfWork(engine, Scope.municipality(HOUTEN)), NEWCOMER, "Lekdijk", 3, "3991AB", "Houten"
    )
    with UnitOfWork(engine) as uow:  # the consultant closes the open request (TR374) by deciding on it
        (open_request,) = uow.requests.open_for(ALFA, Law.WMO, NEWCOMER)
        uow.requests.answer(open_request.id, "refused", None, None, NOW)
        uow.commit()
    granted = import_message(UnitOfWork(engine), vot("A2", "REF-A2"), "b.xml", NOW)
    assert [o.file_name[:6] for o in granted.outgoing] == ["WMO316", "WMO301"]
    (contact,) = read_message(granted.outgoing[1].content).bericht.client.contactgegevens
    assert contact.adres.postcode == "3991AB"
