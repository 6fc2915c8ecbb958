# SPDX-License-Identifier: EUPL-1.2
"""The Lekstroom 2022 SAS tender: where the demo's 2022 framework agreement comes from.

Seed 001 buys individual support (Wmo begeleiding) in one lot, through a SAS procedure with one
registration moment; every provider that meets the requirements and scores enough on the award
criteria is contracted, at the fixed all-in monthly tariffs of the result-area model (award on
quality). This module writes that tender as the files a region and its providers would write
(the TOML of ``zorginkoop tenders create|bid|score``): the definition, a bid from each of the 49
OZR providers and from three providers new to the region, and the scores of two assessors.

The outcome is designed, not drawn: the providers the demo contracts for 2022 (the largest by
2020 clients, widened to keep the offer covering; :func:`zorginkoop.demo.lekstroom.awarded_2022`)
meet every requirement and score above every minimum; every other bid fails for one stated
reason, in turn: a score under the minimum, too few clients (E1), no accepted quality mark (E2),
not every cell of the model offered (E4), no professional register (E3, a newcomer). Pure: plans
in, file texts out; :func:`zorginkoop.services.demo.build_demo` runs them through the tender
services, so the framework agreement and its contracts are the final award's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.region import Provider

CODE = "WMO2022"
"""The tender's code: the final award makes the framework agreement under the same code."""
LOT = "IB"
PUBLISHED = date(2021, 4, 1)
CLOSES = date(2021, 5, 31)
"""SAS with one registration moment: bids from the publication through this day."""
SCORED_AT = datetime(2021, 6, 14, 10, 0)
AWARD_ON = date(2021, 7, 1)
STANDSTILL_DAYS = 20
FINALIZE_ON = date(2021, 7, 22)
"""The day after the standstill: the final award, which creates the contracts."""
ASSESSORS = ("M. de Graaf", "S. Yılmaz")
CONSENSUS_BY = "Beoordelingscommissie RBL"

CRITERIA = (
    ("G1", "Ruimschoots ervaring en onderscheidende kwaliteit", 30),
    ("G2", "Actief afschalen en afronden", 25),
    ("G3", "Netwerk in het lokale veld", 25),
    ("G4", "Ontwikkeling van organisatie en medewerkers", 20),
)
"""Seed 001's four qualities sought (a-d), as award criteria with weights adding up to 100."""
MINIMUM_PER_CRITERION = 5
MINIMUM_TOTAL = 60
MIN_CLIENTS = 10
QUALITY_MARKS = ("HKZ", "ISO 9001", "Kiwa", "PREZO")


class Refusal(str, Enum):
    """Why a designed bid is not admitted (the evaluation states it in its own words)."""

    SCORE = "score"
    CLIENTS = "E1"
    QUALITY_MARK = "E2"
    REGISTER = "E3"
    ALL_CELLS = "E4"


_REFUSALS_IN_TURN = (Refusal.SCORE, Refusal.CLIENTS, Refusal.QUALITY_MARK, Refusal.ALL_CELLS)

NEWCOMERS: tuple[tuple[str, str, Refusal], ...] = (
    ("98990011", "Zorgpunt Vianen Thuis", Refusal.REGISTER),
    ("98990022", "Begeleiding Plus Utrecht", Refusal.SCORE),
    ("98990033", "Coöperatie Samen Verder", Refusal.CLIENTS),
)
"""Providers new to the region that bid in 2021; none is admitted (seed 004: a newcomer only
when it adds something, and these do not pass)."""


@dataclass(frozen=True, slots=True)
class DemoBid:
    provider_agb: str
    submitted: date
    text: str
    refusal: Refusal | None
    """None: designed to be admitted."""


@dataclass(frozen=True, slots=True)
class DemoScores:
    assessor: str
    recorded_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class DemoTender:
    """The tender's files in the order they are used, and the providers new to the region."""

    definition: str
    bids: tuple[DemoBid, ...]
    scores: tuple[DemoScores, ...]
    newcomers: tuple[Provider, ...]

    @property
    def admitted(self) -> frozenset[str]:
        return frozenset(b.provider_agb for b in self.bids if b.refusal is None)


def _q(text: str) -> str:
    """A TOML basic string (JSON's escaping is TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _euros(amount: Money) -> str:
    return _q(f"{amount.cents // 100}.{amount.cents % 100:02d}")


def _pick(agb: str, salt: str, low: int, high: int) -> int:
    """A stable number in ``low..high`` for a provider: the same for every seed and run."""
    digest = hashlib.sha256(f"{salt}:{agb}".encode()).digest()
    return low + digest[0] % (high - low + 1)


def definition(cells: Sequence[tuple[str, Money]]) -> str:
    """The tender definition: one lot with every cell of the model at its 2022 tariff."""
    products = ",\n".join(
        f"  {{ code = {_q(code)}, tariff_eur = {_euros(tariff)} }}" for code, tariff in cells
    )
    criteria = "\n".join(
        f"[[criterion]]\ncode = {_q(code)}\nname = {_q(name)}\nweight = {weight}\nminimum = {MINIMUM_PER_CRITERION}\n"
        for code, name, weight in CRITERIA
    )
    return f"""# The Lekstroom 2022 SAS tender for Wmo individuele begeleiding (seed 001), as the demo runs it.
[tender]
code = {_q(CODE)}
name = "Raamovereenkomst Wmo begeleiding Lekstroom 2022"
procedure = "sas"
award_method = "quality"
tariff_policy = "uniform"
published = {PUBLISHED.isoformat()}
standstill_days = {STANDSTILL_DAYS}

[tender.registration]
opens = {PUBLISHED.isoformat()}
closes = {CLOSES.isoformat()}

[tender.term]
start = 2022-01-01
years = 2
extensions = [1, 1]
notice_months = 6

[tender.scoring]
low = 0
high = 10
minimum_total = {MINIMUM_TOTAL}

[[lot]]
code = {_q(LOT)}
name = "Individuele begeleiding in resultaatgebieden"
law = "wmo"
product = [
{products},
]

[[requirement]]
code = "E1"
kind = "min-clients"
minimum = {MIN_CLIENTS}
text = "Ruimschoots ervaring: in 2020 ten minste {MIN_CLIENTS} inwoners begeleid (waar dan ook)."

[[requirement]]
code = "E2"
kind = "quality-mark"
accepted = {_list(QUALITY_MARKS)}
text = "Een erkend kwaliteitskeurmerk."

[[requirement]]
code = "E3"
kind = "membership"
accepted = ["SKJ of BIG-register"]
text = "Begeleiders zijn geregistreerd bij een beroepsregister."

[[requirement]]
code = "E4"
kind = "all-products"
text = "Alle cellen van het productmodel (3 resultaatgebieden x 3 niveaus x 2 intensiteiten) worden aangeboden."

[[remark]]
code = "W1"
text = "Duurzaamheid: hoe beperkt u reisbewegingen en energiegebruik?"

[[condition]]
kind = "min-active-clients"
minimum = 3
text = "Geen contract voor een enkele cliënt: ten minste 3 actieve cliënten in de regio per jaar."

{criteria}"""


def _bid_text(
    provider: Provider, declared_clients: int, products: Sequence[str], refusal: Refusal | None
) -> str:
    groups = sorted(g.value for g in provider.target_groups if g in _WMO_GROUPS)
    mark = (
        "geen" if refusal is Refusal.QUALITY_MARK else QUALITY_MARKS[_pick(provider.agb_code, "mark", 0, 3)]
    )
    register = "false" if refusal is Refusal.REGISTER else "true"
    return f"""# The bid of {provider.name} (AGB {provider.agb_code}) on the Lekstroom 2022 SAS tender.
[[bid]]
lot = {_q(LOT)}
products = {_list(products)}
municipalities = {_list(sorted(provider.municipalities_served))}
target_groups = {_list(groups or [TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL.value])}

[bid.answers]
E1 = {declared_clients}
E2 = {_q(mark)}
E3 = {register}
"""


_WMO_GROUPS = frozenset(
    {
        TargetGroup.PSYCHOGERIATRIC_SOMATIC,
        TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL,
        TargetGroup.ACQUIRED_BRAIN_INJURY,
        TargetGroup.MILD_INTELLECTUAL_DISABILITY,
        TargetGroup.COMPLEX_PROBLEMS,
    }
)


def _scores_for(agb: str, refusal: Refusal | None, assessor: int) -> list[int]:
    """One assessor's scores on G1..G4: 6-9 for a bid designed to pass, one criterion under the
    minimum (and the total under 60) for a bid refused on its score."""
    scores = [_pick(agb, f"{code}:{assessor}", 6, 9) for code, _name, _weight in CRITERIA]
    if refusal is Refusal.SCORE:
        scores = [_pick(agb, f"{code}:{assessor}:low", 3, 5) for code, _name, _weight in CRITERIA]
    return scores


def sas_tender_2022(
    ozr_providers: Sequence[tuple[Provider, int]],
    awarded: Sequence[Provider],
    cells: Sequence[tuple[str, Money]],
) -> DemoTender:
    """The tender, the bids and the scores, for the OZR providers with their 2020 clients and
    the providers the 2022 agreement contracts; ``cells`` are the model's products with their
    2022 tariffs."""
    admitted = {p.agb_code for p in awarded}
    all_cells = [code for code, _tariff in cells]
    refused = sorted(
        ((p, clients) for p, clients in ozr_providers if p.agb_code not in admitted),
        key=lambda pc: (-pc[1], pc[0].agb_code),
    )
    design: list[tuple[Provider, int, Refusal | None]] = [
        (p, clients, None) for p, clients in ozr_providers if p.agb_code in admitted
    ]
    design += [
        (p, clients, _REFUSALS_IN_TURN[i % len(_REFUSALS_IN_TURN)]) for i, (p, clients) in enumerate(refused)
    ]
    newcomers = tuple(
        Provider(
            agb,
            name,
            frozenset({Law.WMO}),
            frozenset({TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL, TargetGroup.MILD_INTELLECTUAL_DISABILITY}),
            frozenset({"0356", "1961"}),
        )
        for agb, name, _refusal in NEWCOMERS
    )
    design += [(p, 0, refusal) for p, (_agb, _name, refusal) in zip(newcomers, NEWCOMERS, strict=True)]

    bids = []
    for provider, clients, refusal in design:
        declared = (
            _pick(provider.agb_code, "few", 3, MIN_CLIENTS - 1)
            if refusal is Refusal.CLIENTS
            else max(MIN_CLIENTS, 2 * clients) + _pick(provider.agb_code, "elsewhere", 0, 40)
        )
        products = all_cells[: len(all_cells) // 2] if refusal is Refusal.ALL_CELLS else all_cells
        day = date(2021, 5, _pick(provider.agb_code, "day", 3, 31))
        bids.append(
            DemoBid(provider.agb_code, day, _bid_text(provider, declared, products, refusal), refusal)
        )

    scores = []
    for index, assessor in enumerate(ASSESSORS):
        rows = [
            f"  {{ provider = {_q(b.provider_agb)}, lot = {_q(LOT)}, criterion = {_q(code)}, score = {s} }},"
            for b in bids
            for (code, _name, _weight), s in zip(
                CRITERIA, _scores_for(b.provider_agb, b.refusal, index), strict=True
            )
        ]
        scores.append(
            DemoScores(
                assessor, SCORED_AT.replace(hour=10 + index), "score = [\n" + "\n".join(rows) + "\n]\n"
            )
        )
    return DemoTender(definition(cells), tuple(bids), tuple(scores), newcomers)


# -- the other procedures, to try: a classic EMVI tender and an open house -----------------------

CLASSIC_CODE = "JW-VB-2023"
"""Youth care with accommodation (Alkmaar's classic tender with requirements, seed 003): best
price-quality, bid prices, two places; left at the intended award so its final award can be tried
(``zorginkoop tenders finalize JW-VB-2023 --on 2022-11-30``)."""
CLASSIC_PUBLISHED = date(2022, 6, 1)
CLASSIC_CLOSES = date(2022, 9, 1)
CLASSIC_SCORED_AT = datetime(2022, 9, 20, 14, 0)
CLASSIC_AWARD_ON = date(2022, 10, 3)
CLASSIC_PRODUCTS = ("43A01", "44A01")
CLASSIC_MARKUP_PERCENT = (96, 104, 99, 101)
"""Each bidder's price as a percentage of the reference tariff, in the bidders' order."""

OPEN_HOUSE_CODE = "JGGZ-OH-2023"
"""Jeugd-ggz by free practitioners admitted through an open house: continuous registration, no
ranking, every bid that meets the requirements admitted; left open (more bids can come)."""
OPEN_HOUSE_OPENS = date(2022, 9, 1)
OPEN_HOUSE_PRODUCT = "54002"


@dataclass(frozen=True, slots=True)
class DemoProcedure:
    """A tender to try, left at a stage a user can take further."""

    code: str
    definition: str
    bids: tuple[DemoBid, ...]
    scores: tuple[DemoScores, ...]
    award_on: date | None


def _money_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def classic_tender_2023(bidders: Sequence[Provider], reference: dict[str, Money]) -> DemoProcedure:
    """Four youth care providers bid on a lot of two accommodation products with their own prices;
    one lacks the quality mark (knock-out), two places go to the best price-quality."""
    chosen = list(bidders[:4])
    products = ",\n".join(
        f'  {{ code = "{code}", volume = {volume} }}'
        for code, volume in zip(CLASSIC_PRODUCTS, (365, 180), strict=True)
    )
    definition_text = f"""# A classic tender with best price-quality (EMVI) for youth care with accommodation, as the demo runs it.
[tender]
code = {_q(CLASSIC_CODE)}
name = "Jeugdhulp met verblijf Lekstroom 2023"
procedure = "classic"
award_method = "emvi"
tariff_policy = "bid"
published = {CLASSIC_PUBLISHED.isoformat()}
standstill_days = 20

[tender.registration]
opens = {CLASSIC_PUBLISHED.isoformat()}
closes = {CLASSIC_CLOSES.isoformat()}

[tender.term]
start = 2023-01-01
years = 3
extensions = [1]
notice_months = 6

[tender.scoring]
low = 0
high = 10
minimum_total = 55

[[lot]]
code = "VB"
name = "Verblijf met en zonder behandeling"
law = "jeugd"
places = 2
product = [
{products},
]

[[requirement]]
code = "E1"
kind = "quality-mark"
accepted = ["HKZ", "ISO 9001", "Kwaliteitskader Jeugd"]
text = "Een erkend kwaliteitskeurmerk voor jeugdhulp met verblijf."

[[requirement]]
code = "E2"
kind = "membership"
accepted = ["SKJ of BIG-register"]
text = "Jeugdprofessionals zijn geregistreerd (norm van de verantwoorde werktoedeling)."

[[criterion]]
code = "K1"
name = "Plan van aanpak: thuisnabij en zo kort als mogelijk"
weight = 35
minimum = 5

[[criterion]]
code = "K2"
name = "Samenwerking met het lokale team en het onderwijs"
weight = 25
minimum = 5

[[criterion]]
code = "P"
name = "Prijs"
kind = "price"
weight = 40
"""
    bids = []
    for index, provider in enumerate(chosen):
        refusal = Refusal.QUALITY_MARK if index == len(chosen) - 1 else None
        mark = "geen" if refusal else "Kwaliteitskader Jeugd"
        markup = CLASSIC_MARKUP_PERCENT[index % len(CLASSIC_MARKUP_PERCENT)]
        prices = "\n".join(
            f'{code} = "{_money_text(reference[code].cents * markup // 100)}"' for code in CLASSIC_PRODUCTS
        )
        text = f"""# The bid of {provider.name} (AGB {provider.agb_code}) on {CLASSIC_CODE}.
[[bid]]
lot = "VB"
products = {_list(CLASSIC_PRODUCTS)}

[bid.prices]
{prices}

[bid.answers]
E1 = {_q(mark)}
E2 = true
"""
        bids.append(DemoBid(provider.agb_code, date(2022, 8, 10 + index), text, refusal))
    scores = []
    for index, assessor in enumerate(ASSESSORS):
        rows = [
            f'  {{ provider = {_q(b.provider_agb)}, lot = "VB", criterion = {_q(code)}, '
            f"score = {_pick(b.provider_agb, f'{code}:{index}:classic', 5, 9)} }},"
            for b in bids
            for code in ("K1", "K2")
        ]
        scores.append(
            DemoScores(
                assessor,
                CLASSIC_SCORED_AT.replace(hour=14 + index),
                "score = [\n" + "\n".join(rows) + "\n]\n",
            )
        )
    return DemoProcedure(CLASSIC_CODE, definition_text, tuple(bids), tuple(scores), CLASSIC_AWARD_ON)


def open_house_2023(practitioners: Sequence[Provider], tariff: Money) -> DemoProcedure:
    """Free practitioners in youth mental health register for an open house at the fixed tariff;
    one is not in the BIG register (knock-out). No scores: admission without ranking."""
    definition_text = f"""# An open house (toelatingsprocedure) for jeugd-ggz by free practitioners, as the demo runs it.
[tender]
code = {_q(OPEN_HOUSE_CODE)}
name = "Open house jeugd-ggz vrijgevestigden Lekstroom"
procedure = "open-house"
award_method = "quality"
tariff_policy = "uniform"
published = {OPEN_HOUSE_OPENS.isoformat()}
standstill_days = 0

[tender.registration]
opens = {OPEN_HOUSE_OPENS.isoformat()}

[tender.term]
start = 2023-01-01
notice_months = 3

[tender.scoring]
low = 0
high = 10

[[lot]]
code = "GGZ"
name = "Jeugd-ggz behandeling door vrijgevestigden"
law = "jeugd"
product = [{{ code = "{OPEN_HOUSE_PRODUCT}", tariff_eur = "{_money_text(tariff.cents)}" }}]

[[requirement]]
code = "E1"
kind = "membership"
accepted = ["BIG-register"]
text = "De behandelaar is als GZ-psycholoog of psychotherapeut in het BIG-register ingeschreven."

[[requirement]]
code = "E2"
kind = "min-clients"
minimum = 5
text = "Ten minste 5 jeugdigen behandeld in het afgelopen jaar (waar dan ook)."
"""
    bids = []
    for index, provider in enumerate(practitioners[:5]):
        refusal = Refusal.REGISTER if index == 2 else None
        text = f"""# The registration of {provider.name} (AGB {provider.agb_code}) for {OPEN_HOUSE_CODE}.
[[bid]]
lot = "GGZ"
products = ["{OPEN_HOUSE_PRODUCT}"]
municipalities = {_list(sorted(provider.municipalities_served))}
target_groups = ["jeugd-ggz"]

[bid.answers]
E1 = {"false" if refusal else "true"}
E2 = {_pick(provider.agb_code, "oh", 6, 40)}
"""
        bids.append(
            DemoBid(provider.agb_code, OPEN_HOUSE_OPENS + timedelta(days=4 + 9 * index), text, refusal)
        )
    return DemoProcedure(OPEN_HOUSE_CODE, definition_text, tuple(bids), (), None)


def published_of(procedure: DemoProcedure) -> date:
    """The day a demo tender was published (its bids and scores come after)."""
    return {CLASSIC_CODE: CLASSIC_PUBLISHED, OPEN_HOUSE_CODE: OPEN_HOUSE_OPENS}[procedure.code]
