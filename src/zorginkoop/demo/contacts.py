# SPDX-License-Identifier: EUPL-1.2
"""Synthetic addresses for the demo's clients: the BRP address a 301 carries (TR061).

Deterministic per BSN, with real postcode ranges of each municipality, so the same demo gives
the same messages. Three in four clients also have an e-mail address (at example.org, a domain
reserved for examples), as providers supply it for the client experience survey. Invented data;
no real person lives at these addresses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.domain.care import Client

POSTCODES: dict[str, tuple[int, int, str]] = {
    "0321": (3991, 3995, "Houten"),
    "0353": (3401, 3404, "IJsselstein"),
    "0331": (3411, 3412, "Lopik"),
    "0356": (3430, 3439, "Nieuwegein"),
    "1961": (4131, 4133, "Vianen"),
}
STREETS = ("Dorpsstraat", "Kerkweg", "Molenlaan", "Lekdijk", "Stationsweg", "Beatrixlaan", "Schoolstraat")
LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def demo_contacts(clients: Iterable[Client]) -> dict[str, ClientContact]:
    out: dict[str, ClientContact] = {}
    for c in clients:
        h = hashlib.sha256(c.bsn.encode()).digest()
        first, last, city = POSTCODES.get(c.municipality_code, (1011, 1099, "Amsterdam"))
        digits = first + h[0] % (last - first + 1)
        postcode = f"{digits}{LETTERS[h[1] % len(LETTERS)]}{LETTERS[h[2] % len(LETTERS)]}"
        out[c.bsn] = ClientContact(
            street=STREETS[h[3] % len(STREETS)],
            house_number=1 + h[4] % 180,
            postcode=postcode,
            city=city,
            house_letter=None,
            phone=None,
            email=_email(c, h) if h[5] % 4 else None,
        )
    return out


def _email(client: Client, digest: bytes) -> str:
    name = "".join(ch for ch in client.family_name.lower() if ch.isascii() and ch.isalnum()) or "client"
    return f"{name}.{digest[6]:03d}{digest[7]:03d}@example.org"
