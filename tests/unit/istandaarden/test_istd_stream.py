# SPDX-License-Identifier: EUPL-1.2
"""The streaming 323 reader yields every Prestatie, typed and checked, in flat memory."""

from __future__ import annotations

import io
import random
import tracemalloc

from zorginkoop.adapters.istandaarden.messages import read_message, write_message
from zorginkoop.adapters.istandaarden.samples import sample_declaratie
from zorginkoop.adapters.istandaarden.stream import DeclaratieStream
from zorginkoop.domain.codes import Law


def test_stream_yields_the_same_prestaties_as_the_whole_reader() -> None:
    bericht = sample_declaratie(Law.JEUGD, random.Random(3), clients=4, per_client=3)
    data = write_message(bericht, law=Law.JEUGD)
    stream = DeclaratieStream(io.BytesIO(data))
    assert stream.header == bericht.header
    assert stream.declaratie_nummer == bericht.declaratie.declaratie_nummer
    assert stream.totaal_ingediend_bedrag == bericht.declaratie.totaal_ingediend_bedrag
    items = list(stream)
    expected = [(c.bsn, p) for c in read_message(data).bericht.declaratie.clienten for p in c.prestaties]
    assert [(i.bsn, i.prestatie) for i in items] == expected
    assert items[4].path == "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]"


def test_a_broken_prestatie_is_reported_and_the_stream_goes_on() -> None:
    bericht = sample_declaratie(Law.WMO, random.Random(3), clients=2, per_client=2)
    data = write_message(bericht, law=Law.WMO).replace(b"<wmo323:Eenheid>04", b"<wmo323:Eenheid>99", 1)
    items = list(DeclaratieStream(io.BytesIO(data)))
    assert len(items) == 4
    assert items[0].prestatie is None
    assert [e.code for e in items[0].errors] == ["WJ756"]
    assert all(i.prestatie is not None for i in items[1:])


def test_memory_does_not_grow_with_the_number_of_prestaties() -> None:
    def peak(clients: int) -> int:
        data = write_message(
            sample_declaratie(Law.WMO, random.Random(1), clients=clients, per_client=5), law=Law.WMO
        )
        tracemalloc.start()
        count = sum(1 for _ in DeclaratieStream(io.BytesIO(data)))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == clients * 5
        return top

    small, large = peak(20), peak(400)
    assert large < small * 3  # 20x the prestaties, not 20x the memory
