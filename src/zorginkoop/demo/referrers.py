# SPDX-License-Identifier: EUPL-1.2
"""Who referred the demo's young clients (iJw Verwijzer, COD327).

The demo makes its Jeugd allocations on the municipalities' decisions, without 315 requests,
so the referrer is set on the allocations themselves, one per client (a client's repeat
decision came by the same route), drawn from its own random stream: the figures of the care
do not change. The mix follows the route to each kind of care (CBS Beleidsinformatie Jeugd
reads roughly: the municipality ~40-45%, the GP ~35-40%, the rest youth doctors, medical
specialists and certified institutions):

- free-practice youth mental health (``vg``): mostly the GP;
- youth mental health in an institution (``jggz``): the GP and the social team alike;
- care for a handicap and behaviour (``kmb``): mostly the social team;
- residential care (``verblijf``): the social team and the certified institutions (youth
  protection).

Doctors are named as a 315 names them: a GP by ZorgverlenerCode (AGB), the others by Naam
(CD066/CD067). Wmo allocations have no referrer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import Law
from zorginkoop.domain.referral import MUNICIPALITY, Referrer, ReferrerType

MIX: Mapping[str, tuple[tuple[ReferrerType, int], ...]] = {
    "vg": (
        (ReferrerType.GEMEENTE, 30), (ReferrerType.HUISARTS, 55), (ReferrerType.JEUGDARTS, 8),
        (ReferrerType.MEDISCH_SPECIALIST, 7),
    ),
    "jggz": (
        (ReferrerType.GEMEENTE, 35), (ReferrerType.HUISARTS, 40), (ReferrerType.JEUGDARTS, 8),
        (ReferrerType.MEDISCH_SPECIALIST, 12), (ReferrerType.GECERTIFICEERDE_INSTELLING, 5),
    ),
    "kmb": (
        (ReferrerType.GEMEENTE, 75), (ReferrerType.HUISARTS, 10), (ReferrerType.JEUGDARTS, 8),
        (ReferrerType.MEDISCH_SPECIALIST, 2), (ReferrerType.GECERTIFICEERDE_INSTELLING, 5),
    ),
    "verblijf": (
        (ReferrerType.GEMEENTE, 55), (ReferrerType.MEDISCH_SPECIALIST, 5),
        (ReferrerType.GECERTIFICEERDE_INSTELLING, 40),
    ),
}  # fmt: skip
"""Per group of Jeugd providers: referrer types and their weights (percent)."""

GENERAL_PRACTICES = 24
"""The GPs of the demo region (AGB codes of zorgverlenerssoort 01, huisartsen)."""

NAMES: Mapping[ReferrerType, tuple[str, ...]] = {
    ReferrerType.JEUGDARTS: ("JGZ Lekstroom", "GGD regio Utrecht, jeugdgezondheidszorg"),
    ReferrerType.MEDISCH_SPECIALIST: (
        "Kinderarts ziekenhuis Lekstroom",
        "Kinder- en jeugdpsychiater Lekstroom",
    ),
    ReferrerType.GECERTIFICEERDE_INSTELLING: ("Samen Veilig Lekstroom", "Jeugdbescherming Lekstroom"),
}
"""Names of the referrers a 315 names by Naam (CD067)."""


def with_referrers(
    allocations: Sequence[Allocation], group_of: Mapping[str, str], seed: int
) -> list[Allocation]:
    """``allocations`` with a referrer on every Jeugd allocation: one per client, drawn once
    (in the allocations' order, from ``seed``) for the group of the client's first provider
    (``group_of``: AGB code to group key); a provider of no group counts as the social team's."""
    rng = random.Random(f"lekstroom-referrers-{seed}")  # noqa: S311 - demo data, not secrets
    practices = [f"01{rng.randrange(0, 1_000_000):06d}" for _ in range(GENERAL_PRACTICES)]
    chosen: dict[str, Referrer] = {}
    out = []
    for allocation in allocations:
        if allocation.law is not Law.JEUGD:
            out.append(allocation)
            continue
        referrer = chosen.get(allocation.client_bsn)
        if referrer is None:
            referrer = _draw(rng, MIX.get(group_of.get(allocation.provider_agb, ""), ()), practices)
            chosen[allocation.client_bsn] = referrer
        out.append(replace(allocation, referrer=referrer))
    return out


def _draw(rng: random.Random, mix: Iterable[tuple[ReferrerType, int]], practices: Sequence[str]) -> Referrer:
    kinds = list(mix)
    if not kinds:
        return MUNICIPALITY
    kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
    if kind is ReferrerType.GEMEENTE:
        return MUNICIPALITY
    if kind is ReferrerType.HUISARTS:
        return Referrer(kind, agb_code=rng.choice(practices))
    return Referrer(kind, name=rng.choice(NAMES[kind]))
