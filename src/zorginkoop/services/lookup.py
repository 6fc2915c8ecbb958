# SPDX-License-Identifier: EUPL-1.2
"""Names a user types, checked against the store: a municipality (CBS code or name), a provider
(AGB code), a product (regional product code).

A filter on something the region does not know is a mistake (a typo, another region's code),
not a question whose answer is "nothing": these raise :class:`UnknownName` with one line that
names the input and what is known, so an entry point can stop (the CLI exits 2) instead of
showing an empty table.
"""

from __future__ import annotations

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law

SHOWN = 12
"""How many known values an error line lists before it points to the listing command."""


class UnknownName(ValueError):
    """A municipality, provider or product the region does not know."""


def municipality_code(uow: UnitOfWork, text: str) -> str:
    """The CBS code of the region's municipality ``text`` (its CBS code or its name, any case)."""
    with uow:
        known = uow.region.municipality_names()
    key = text.strip()
    if key in known:
        return key
    for code, name in known.items():
        if name.lower() == key.lower():
            return code
    listed = ", ".join(f"{c} {n}" for c, n in sorted(known.items())) or "none: build the region first"
    raise UnknownName(f"unknown municipality {text!r}; the region has {listed}")


def provider_agb(uow: UnitOfWork, agb: str) -> str:
    """``agb`` when the region knows a provider with that AGB code."""
    key = agb.strip()
    with uow:
        found = uow.providers.get(key)
    if found is None:
        raise UnknownName(
            f"unknown provider {agb!r} (AGB code); `zorginkoop providers list` shows the region's"
        )
    return key


def product_code(uow: UnitOfWork, code: str, law: Law | None = None) -> str:
    """``code`` when the catalogue holds that product (under ``law`` when given)."""
    key = code.strip()
    with uow:
        codes = sorted({p.code for p in uow.catalogue.products(law)})
    if key in codes:
        return key
    listed = ", ".join(codes[:SHOWN]) + (", ..." if len(codes) > SHOWN else "")
    under = f" for {law.value}" if law is not None else ""
    raise UnknownName(
        f"unknown product {code!r}{under}; the catalogue has {listed or 'none'} (`zorginkoop catalogue products`)"
    )
