# SPDX-License-Identifier: EUPL-1.2
"""The Lekstroom demo region: five municipalities, their Wmo and Jeugd providers and care.

Everything is synthetic (names, BSNs in a test range, volumes), but the 2020 Wmo begeleiding
(OZR) figures are those of the Lekstroom memo (seed 001, section 3a) and are reproduced
*exactly*: clients per municipality, cost per municipality to the cent, and the provider
concentration excluding Vijfheerenlanden (49 providers, the 12 largest, the 7 largest, the 37
smallest, the 27 with fewer than 7 clients). The way there:

1. fix per-provider 2020 targets (cost and clients, excluding Vijfheerenlanden) that give the
   memo's concentration figures;
2. spread each provider's clients over the municipalities so both client margins hold;
3. give every client a trajectory of allocations and monthly lines at full use of the
   allocation ("raw" hours with some noise), then fit a provider x municipality cost matrix
   to both cost margins (iterative proportional fitting) and round each cell's lines to whole
   hours close to the cell's target;
4. close each municipality's remaining gap exactly with a few whole hours of OZR1/OZR2/OZR3:
   the 2020 tariffs are odd cents with gcd 1, so a small integer combination hits any cent.

Earlier years (2018, 2019) and Jeugd are scaled to plausible yearly totals, not to the cent.
Nothing is declared after December 2020; allocations do run into 2021.

The region also holds the Lekstroom 2022 framework agreement (seed 001): the 18 cells of the
``lekstroom-2022`` product model as products with their 2022 all-in monthly tariffs, one lot
(individuele begeleiding), 2 years + 2 x 1 year from 2022-01-01, awarded to the OZR providers
serving the most clients. The model is passed in (the caller reads its file), so the products
and tariffs are the model's own and this module stays free of file access. Nothing runs under
it yet: the care history stays 2018-2020.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from zorginkoop.demo.history import DeliveryFact, EndedStop, History, add_history, scale_downs
from zorginkoop.demo.referrers import with_referrers
from zorginkoop.demo.tenders import (
    CLASSIC_PRODUCTS,
    OPEN_HOUSE_PRODUCT,
    DemoProcedure,
    DemoTender,
    classic_tender_2023,
    open_house_2023,
    sas_tender_2022,
)
from zorginkoop.domain.care import Allocation, Client, Decision, EvaluationMoment, Gender, check_bsn
from zorginkoop.domain.catalogue import (
    Product,
    Tariff,
    TariffSchedule,
    allocation_budget_limit,
    derived_tariff,
    indexed_series,
)
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import (
    AgreementKind,
    CeilingPolicy,
    CollectiveCeiling,
    Contract,
    FrameworkAgreement,
    Lot,
    ProcurementProcedure,
    TariffBasis,
    Term,
)
from zorginkoop.domain.declarations import Declaration, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period, add_months
from zorginkoop.domain.product_models import ResultAreaMatrixModel
from zorginkoop.domain.region import Municipality, Provider, Region

# --------------------------------------------------------------------------------------------
# The region and the memo's figures
# --------------------------------------------------------------------------------------------

REGION_CODE = "LEK"
REGION_NAME = "Lekstroom"

HOUTEN, IJSSELSTEIN, LOPIK, NIEUWEGEIN, VIJFHEERENLANDEN = "0321", "0353", "0331", "0356", "1961"

MUNICIPALITIES: tuple[tuple[str, str, int], ...] = (
    (HOUTEN, "Houten", 49_579),
    (IJSSELSTEIN, "IJsselstein", 34_302),
    (LOPIK, "Lopik", 14_495),
    (NIEUWEGEIN, "Nieuwegein", 63_866),
    (VIJFHEERENLANDEN, "Vijfheerenlanden", 56_345),
)

WMO_2020_CLIENTS: dict[str, int] = {
    HOUTEN: 363, IJSSELSTEIN: 242, LOPIK: 66, NIEUWEGEIN: 886, VIJFHEERENLANDEN: 320,
}  # fmt: skip
WMO_2020_COST: dict[str, Money] = {
    HOUTEN: Money.euros(2_145_868),
    IJSSELSTEIN: Money.euros(1_066_805),
    LOPIK: Money.euros(306_677),
    NIEUWEGEIN: Money.euros(3_207_069),
    VIJFHEERENLANDEN: Money.euros("1226965.41"),
}
"""Lekstroom memo 2020, Wmo begeleiding (OZR): clients and cost per municipality."""

EXCLUDED_FROM_PROVIDER_FIGURES = VIJFHEERENLANDEN
"""The memo's provider figures leave Vijfheerenlanden out."""

# Per-provider 2020 cost targets (EUR, excluding Vijfheerenlanden) in four tiers. The sums are
# the memo's: 7 largest 5,381,135; 12 largest 6,068,476; the 27 providers with fewer than 7
# clients 225,645; the 10 in between take the rest of the EUR 6,726,419. The largest seven and
# the next five are fixed shapes with clear gaps so their ranks cannot swap; the two smaller
# tiers follow their clients' care.
TOP_SEVEN_COST: tuple[int, ...] = (1_420_000, 1_080_000, 850_000, 660_000, 540_000, 450_000, 381_135)
NEXT_FIVE_COST: tuple[int, ...] = (180_000, 152_000, 131_000, 118_000, 106_341)
SMALL_TAIL_COST = 225_645
MIDDLE_COST = 6_726_419 - sum(TOP_SEVEN_COST) - sum(NEXT_FIVE_COST) - SMALL_TAIL_COST
MIDDLE_CLIENTS: tuple[int, ...] = (14, 12, 11, 10, 9, 9, 8, 8, 7, 7)
SMALL_TAIL_CLIENTS: tuple[int, ...] = (6, 5, 5, 4, 4, 3, 3, 3, 3) + (2,) * 8 + (1,) * 10
# Cost per client differs a little between the large providers (heavier or lighter case mix).
LARGE_CASE_MIX: tuple[float, ...] = (1.05, 0.95, 1.0, 1.1, 0.9, 1.0, 1.08, 0.92, 1.0, 1.05, 0.95, 1.0)

WMO_YEARLY_COST_EUR: dict[int, int] = {2018: 6_900_000, 2019: 7_420_000}
"""Plausible Wmo OZR totals before 2020 (the memo: costs rose 2018-2020)."""

FREE_PRACTITIONER_CEILING = Money.euros(2_300_000)
JEUGD_YEARLY_COST_EUR: dict[str, dict[int, int]] = {
    "jggz": {2018: 1_850_000, 2019: 1_950_000, 2020: 2_050_000},
    "kmb": {2018: 1_650_000, 2019: 1_750_000, 2020: 1_850_000},
    "vg": {2018: 2_040_000, 2019: 2_130_000, 2020: 2_210_000},
}
"""Jeugd targets per provider group and year; free practitioners ('vg') stay under the ceiling."""

FIRST_DECLARED_MONTH = date(2018, 1, 1)
LAST_DECLARED_DAY = date(2020, 12, 31)
TARIFF_YEARS: tuple[int, ...] = (2018, 2019, 2020, 2021)
INDEXATION: dict[int, Decimal] = {2019: Decimal("2.45"), 2020: Decimal("2.95"), 2021: Decimal("1.80")}
WRONG_TARIFF = "0611"
"""WJ001: the declared tariff is not the contract tariff."""

# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------

OZR_PRODUCTS: tuple[tuple[str, str, int], ...] = (
    ("OZR1", "Ondersteuning zelfredzaamheid 1: stimuleren en toezicht", 4883),
    ("OZR2", "Ondersteuning zelfredzaamheid 2: helpen bij", 5601),
    ("OZR3", "Ondersteuning zelfredzaamheid 3: overnemen en regie", 6303),
)
"""Code, name and 2018 hourly tariff in cents. Indexed with :data:`INDEXATION` they give the 2020
tariffs EUR 51.51, 59.07 and 66.47: odd cents with gcd 1, so whole hours can close any gap."""
OZR_CODES: tuple[str, ...] = tuple(code for code, _name, _cents in OZR_PRODUCTS)

JEUGD_PRODUCTS: tuple[tuple[str, str, str, Unit, int], ...] = (
    ("45A01", "45", "Ambulante begeleiding kind met beperking", Unit.UUR, 5840),
    ("45A02", "45", "Ambulante behandeling kind met beperking", Unit.UUR, 8610),
    ("43A01", "43", "Verblijf met behandeling (bovenregionaal)", Unit.ETMAAL, 23850),
    ("44A01", "44", "Verblijf zonder behandeling (bovenregionaal)", Unit.ETMAAL, 15275),
)
"""Regionally priced Jeugd products: code, JZ020 category, name, unit, 2018 tariff in cents."""

JEUGD_CATEGORY: dict[str, str] = {code: category for code, category, _n, _u, _c in JEUGD_PRODUCTS}
JGGZ_PRODUCT = "54001"
FREE_PRACTITIONER_PRODUCT = "54002"
NZA_JGGZ_HOUR: dict[int, int] = {2016: 9105, 2017: 9214, 2018: 9327, 2019: 9548, 2020: 9742, 2021: 9918}
"""NZa reference tariff per hour of jeugd-ggz treatment, in cents, per year (from 2016, when the
free practitioners' contracts begin)."""
FIRST_TARIFF_DAY = date(2015, 1, 1)
"""The regional tariffs hold from the first contracts (Wmo 2015): the 2018 amounts, unchanged
until the first indexation the demo knows (2019), so every year of every term has its tariff."""
FREE_PRACTITIONER_PERCENTAGE = Decimal(85)


def _catalogue() -> tuple[tuple[Product, ...], tuple[Tariff, ...]]:
    products: list[Product] = []
    tariffs: list[Tariff] = []
    for code, name, cents in OZR_PRODUCTS:
        products.append(
            Product(code, Law.WMO, "02", name, Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT)
        )
        tariffs.extend(_indexed_series(code, cents))
    for code, category, name, unit, cents in JEUGD_PRODUCTS:
        products.append(
            Product(code, Law.JEUGD, category, name, unit, Frequency.PER_WEEK, FinancingVariant.EFFORT)
        )
        tariffs.extend(_indexed_series(code, cents))
    products.append(
        Product(JGGZ_PRODUCT, Law.JEUGD, "54", "Jeugd-ggz behandeling (instelling)", Unit.UUR,
                Frequency.PER_WEEK, FinancingVariant.EFFORT)
    )  # fmt: skip
    products.append(
        Product(FREE_PRACTITIONER_PRODUCT, Law.JEUGD, "54", "Jeugd-ggz behandeling vrijgevestigde", Unit.UUR,
                Frequency.PER_WEEK, FinancingVariant.EFFORT)
    )  # fmt: skip
    for year, cents in NZA_JGGZ_HOUR.items():
        nza = Money(cents)
        tariffs.append(Tariff(JGGZ_PRODUCT, nza, Period.year(year), note="NZa-tarief"))
        tariffs.append(
            Tariff(
                FREE_PRACTITIONER_PRODUCT,
                derived_tariff(nza, FREE_PRACTITIONER_PERCENTAGE),
                Period.year(year),
                note=f"{FREE_PRACTITIONER_PERCENTAGE}% van NZa-tarief {nza} ({JGGZ_PRODUCT})",
            )
        )
    return tuple(products), tuple(tariffs)


def _indexed_series(code: str, cents_2018: int) -> list[Tariff]:
    first = Period(FIRST_TARIFF_DAY, date(TARIFF_YEARS[0], 12, 31))
    base = Tariff(code, Money(cents_2018), first, note=f"tarief {FIRST_TARIFF_DAY.year}-{TARIFF_YEARS[0]}")
    return indexed_series(base, INDEXATION, date(TARIFF_YEARS[-1], 12, 31))


def _reference_tariffs() -> tuple[Tariff, ...]:
    """The NZa tariffs of jeugd-ggz treatment, for the institutional and the free practitioners'
    product alike: the base of the 85% (contracted free practitioners) and the 70% (providers
    without a contract, seed 000). The regional products have none."""
    return tuple(
        Tariff(code, Money(cents), Period.year(year), note="NZa-tarief")
        for code in (JGGZ_PRODUCT, FREE_PRACTITIONER_PRODUCT)
        for year, cents in NZA_JGGZ_HOUR.items()
    )


# --------------------------------------------------------------------------------------------
# Providers
# --------------------------------------------------------------------------------------------

WMO_PROVIDER_NAMES: tuple[str, ...] = (
    "Zorggroep Lekstroom", "Stichting Kwadrant Begeleiding", "Lekzorg Thuis", "De Rivierhoeve Begeleiding",
    "Stichting Het Anker Nieuwegein", "Kromme Rijn Zorg", "Begeleidingsdienst Midden-Utrecht",
    "Stichting De Waarden", "Thuisbegeleiding Houten", "Zorgcoöperatie Vijfheerenlanden",
    "Stichting Lijn naar Zelfstandigheid", "IJsselbegeleiding",
    "Begeleiding Op Maat Lopik", "Stichting Perspectief Wonen", "De Brug Ambulant", "Zorgboerderij De Lekdijk",
    "Stichting Samen Sterker", "Kompas Begeleiding", "Buurtzorg Begeleiding Lek", "Stichting Nieuw Begin",
    "Praktijk Regie en Structuur", "De Vlinder Begeleiding",
    "Stichting Zelfstandig Verder", "Houtense Zorgdiensten", "Begeleidingspraktijk De Linie",
    "Stichting Ooievaar", "Zorg aan de Lek", "Maatwerk Begeleiding Vianen", "Stichting De Schakel",
    "Begeleiding Het Klooster", "Stichting Stapvoets", "Praktijk Evenwicht", "De Polderzorg",
    "Stichting Eigen Kracht Lekstroom", "Begeleidingsbureau Doorzetters", "Stichting Thuis in de Wijk",
    "Zorgpraktijk De Koppeling", "Stichting Vriendenkring", "Begeleiding De Zonnewijzer", "Stichting Horizon Lopik",
    "Praktijk Rustpunt", "Zorgbureau Lekkerkerk", "Stichting De Regiepartner", "Begeleiding Zuidpolder",
    "Stichting Kleurrijk Leven", "Zorgpraktijk De Hoeksteen", "Begeleiding Vreeswijk", "Stichting Stadsoevers",
    "Praktijk Op Eigen Benen",
)  # fmt: skip
"""49 fictitious Wmo begeleiding providers, largest first in the design below."""

JGGZ_NAMES: tuple[str, ...] = (
    "Jeugd-GGZ Midden-Nederland", "Kinder- en Jeugdpsychiatrie Rivierenland", "GGZ Lekstroom Jeugd",
    "Centrum voor Jeugd en Gezin Psychiatrie Utrecht", "Stichting Kindpraktijk Zuid",
)  # fmt: skip
KMB_NAMES: tuple[str, ...] = (
    "Stichting Kind en Beperking Lekstroom", "Autisme Expertisecentrum Midden", "Zorgcentrum De Boei Jeugd",
    "Stichting Jonge Kracht", "Orthopedagogisch Centrum De Lek",
)  # fmt: skip
RESIDENTIAL_NAMES: tuple[str, ...] = (
    "Jeugdzorg Plus Instelling De Horst", "Behandelcentrum Het Rijnhuis", "Stichting Gezinshuizen Utrecht",
)  # fmt: skip
FREE_PRACTITIONER_NAMES: tuple[str, ...] = (
    "Praktijk voor Kind en Jeugd A. de Vries", "Psychologenpraktijk Houten-Zuid", "Kinderpsycholoog M. Bakker",
    "Praktijk Groeikracht", "GZ-psycholoog J. van Leeuwen", "Praktijk De Speelkamer", "Psychotherapie IJsselstein",
    "Orthopedagogenpraktijk Lopik", "Praktijk Jong en Wel", "Kinder- en Jeugdpraktijk Nieuwegein",
    "Praktijk Horizon Jeugd", "Psychologiepraktijk Vianen", "Praktijk Kindzorg S. Meijer",
    "Jeugdpsycholoog R. de Graaf", "Praktijk De Wending", "Praktijk Kompas Jeugd", "GZ-praktijk Lekoever",
    "Praktijk Stapstenen", "Psychologenpraktijk Galecop", "Praktijk Zonnestraal",
)  # fmt: skip

WMO_TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup.PSYCHOGERIATRIC_SOMATIC,
    TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL,
    TargetGroup.ACQUIRED_BRAIN_INJURY,
    TargetGroup.MILD_INTELLECTUAL_DISABILITY,
    TargetGroup.COMPLEX_PROBLEMS,
)
ALL_CODES: tuple[str, ...] = tuple(code for code, _name, _n in MUNICIPALITIES)
PROVIDER_FIGURE_CODES: tuple[str, ...] = tuple(c for c in ALL_CODES if c != EXCLUDED_FROM_PROVIDER_FIGURES)
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    HOUTEN: (NIEUWEGEIN,),
    IJSSELSTEIN: (NIEUWEGEIN, LOPIK),
    LOPIK: (IJSSELSTEIN,),
    NIEUWEGEIN: (HOUTEN, IJSSELSTEIN, VIJFHEERENLANDEN),
    VIJFHEERENLANDEN: (NIEUWEGEIN,),
}


@dataclass(frozen=True, slots=True)
class WmoProviderPlan:
    """The demo's design of one Wmo provider: its 2020 clients and cost excluding Vijfheerenlanden.

    ``cost_2020`` is set for the twelve largest (a fixed shape); the two smaller tiers get a
    share of their tier's total that follows their clients' care.
    """

    provider: Provider
    tier: str
    clients_2020: int
    cost_2020: Money | None


def _agb_codes(rng: random.Random, prefix: str, count: int, taken: set[str]) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = f"{prefix}{rng.randrange(0, 1_000_000):06d}"
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _wmo_provider_plans(rng: random.Random, taken: set[str]) -> list[WmoProviderPlan]:
    """49 OZR providers in four tiers; fixed for every seed (the region's contracted providers)."""
    agbs = _agb_codes(rng, "98", len(WMO_PROVIDER_NAMES), taken)
    large_costs = TOP_SEVEN_COST + NEXT_FIVE_COST
    large_total_clients = (
        sum(WMO_2020_CLIENTS[c] for c in PROVIDER_FIGURE_CODES)
        - sum(MIDDLE_CLIENTS)
        - sum(SMALL_TAIL_CLIENTS)
    )
    shares = [cost / mix for cost, mix in zip(large_costs, LARGE_CASE_MIX, strict=True)]
    large_clients = _round_to_total(
        [large_total_clients * s / sum(shares) for s in shares], large_total_clients
    )
    plans: list[WmoProviderPlan] = []
    for index, (agb, name) in enumerate(zip(agbs, WMO_PROVIDER_NAMES, strict=True)):
        if index < len(large_costs):
            tier = "top7" if index < len(TOP_SEVEN_COST) else "next5"
            clients, cost = large_clients[index], Money.euros(large_costs[index])
            groups = frozenset(WMO_TARGET_GROUPS)
            area = frozenset(ALL_CODES)
            capacity: int | None = None if index < 3 else int(clients * 1.6) + 20
            client_stop = False
        else:
            middle = index < len(large_costs) + len(MIDDLE_CLIENTS)
            tier = "middle" if middle else "small"
            position = index - len(large_costs) - (0 if middle else len(MIDDLE_CLIENTS))
            clients = MIDDLE_CLIENTS[position] if middle else SMALL_TAIL_CLIENTS[position]
            cost = None
            groups = frozenset(rng.sample(WMO_TARGET_GROUPS, rng.randint(1, 3)))
            home = PROVIDER_FIGURE_CODES[index % len(PROVIDER_FIGURE_CODES)]
            area_codes = {home}
            if middle or rng.random() < 0.4:
                area_codes.update(rng.sample(NEIGHBOURS[home], 1))
            area = frozenset(area_codes)
            capacity = clients + rng.randint(2, 10)
            client_stop = index in (17, 31, 44)
        provider = Provider(
            agb_code=agb,
            name=name,
            laws=frozenset({Law.WMO}),
            target_groups=groups,
            municipalities_served=area,
            client_stop=client_stop,
            capacity=capacity,
            waiting_weeks=rng.choice((0, 0, 1, 2, 2, 3, 4, 6, 8)),
            tags=frozenset({"ozr"}),
        )
        plans.append(WmoProviderPlan(provider, tier, clients, cost))
    return plans


@dataclass(frozen=True, slots=True)
class JeugdGroup:
    """Jeugd providers of one kind with their products and lot."""

    key: str
    lot_code: str
    providers: tuple[Provider, ...]
    products: tuple[str, ...]


def _jeugd_groups(rng: random.Random, taken: set[str]) -> list[JeugdGroup]:
    groups: list[JeugdGroup] = []
    specs = (
        ("jggz", "JGGZ", JGGZ_NAMES, "75", (TargetGroup.YOUTH, TargetGroup.YOUTH_MENTAL_HEALTH), (JGGZ_PRODUCT,)),
        ("kmb", "KMB", KMB_NAMES, "75", (TargetGroup.YOUTH, TargetGroup.YOUTH_DISABILITY), ("45A01", "45A02")),
        ("verblijf", "VERBL", RESIDENTIAL_NAMES, "75",
         (TargetGroup.YOUTH, TargetGroup.YOUTH_DISABILITY, TargetGroup.YOUTH_MENTAL_HEALTH), ("43A01", "44A01")),
        ("vg", "VG", FREE_PRACTITIONER_NAMES, "94", (TargetGroup.YOUTH_MENTAL_HEALTH,), (FREE_PRACTITIONER_PRODUCT,)),
    )  # fmt: skip
    for key, lot, names, prefix, target_groups, products in specs:
        agbs = _agb_codes(rng, prefix, len(names), taken)
        providers = []
        for agb, name in zip(agbs, names, strict=True):
            free = key == "vg"
            if free:
                home = rng.choice(ALL_CODES)
                area = frozenset({home, *rng.sample(NEIGHBOURS[home], min(1, len(NEIGHBOURS[home])))})
            else:
                area = frozenset(ALL_CODES)
            providers.append(
                Provider(
                    agb_code=agb,
                    name=name,
                    laws=frozenset({Law.JEUGD}),
                    target_groups=frozenset(target_groups),
                    municipalities_served=area,
                    client_stop=free and rng.random() < 0.15,
                    capacity=rng.randint(25, 60) if free else None,
                    waiting_weeks=rng.choice((2, 4, 6, 8, 10, 12))
                    if key != "verblijf"
                    else rng.choice((0, 4, 12)),
                    free_practitioner=free,
                    tags=frozenset({"bovenregionaal"} if key == "verblijf" else {key}),
                )
            )
        groups.append(JeugdGroup(key, lot, tuple(providers), products))
    return groups


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoRegion:
    """Everything the demo region holds, as domain objects."""

    region: Region
    providers: tuple[Provider, ...]
    products: tuple[Product, ...]
    tariffs: tuple[Tariff, ...]
    frameworks: tuple[FrameworkAgreement, ...]
    contracts: tuple[Contract, ...]
    collective_ceilings: tuple[CollectiveCeiling, ...]
    clients: tuple[Client, ...]
    decisions: tuple[Decision, ...]
    allocations: tuple[Allocation, ...]
    declarations: tuple[Declaration, ...]
    line_outcomes: tuple[LineOutcome, ...]
    """One outcome per declared line, in the order of the lines; references are unique region-wide."""
    deliveries: tuple[DeliveryFact, ...] = ()
    """The providers' 305s and 307s on the allocations (:mod:`zorginkoop.demo.history`)."""
    ended_stops: tuple[EndedStop, ...] = ()
    """The stop worklist items the back office ended (an end before the plan)."""
    wmo_provider_plans: tuple[WmoProviderPlan, ...] = ()
    """The design of the 49 OZR providers (tier, 2020 targets); for tests and explanations."""
    reference_tariffs: tuple[Tariff, ...] = ()
    """NZa tariffs: the base of derived tariffs (85% free practitioners, 70% without a contract)."""
    tender_2022: DemoTender | None = None
    other_tenders: tuple[DemoProcedure, ...] = ()
    """A classic best price-quality tender (at its intended award) and an open house (open), to try."""
    """The SAS tender the 2022 framework agreement comes out of (its files); the store's framework
    agreement and contracts for 2022 are its final award's (:func:`zorginkoop.services.demo.build_demo`)."""


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------

FAMILY_NAMES: tuple[tuple[str, str], ...] = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"), ("", "Janssen"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"),
    ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"),
    ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"),
    ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("de", "Jong"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
    ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Peeters"), ("de", "Ruiter"),
    ("van", "Wijk"), ("", "Kuiper"), ("", "Veenstra"), ("", "Kramer"), ("van den", "Brink"), ("", "Scholten"),
    ("van", "Wijngaarden"), ("", "Post"), ("", "Martens"), ("", "Vink"), ("van", "Rooij"), ("", "Aydin"),
    ("", "Yilmaz"), ("el", "Amrani"), ("", "Bouzid"), ("", "Nguyen"), ("", "Pinas"),
)  # fmt: skip
INITIALS = "AABCDEFGHHIJJJKLMMNPPRSSTW"

BSN_PREFIX_START = 99_900_000
"""Synthetic BSNs: 999xxxxxx, the range used for test persons, never a real inhabitant."""
COPY_BSN_START = 90_000_000
COPY_BSN_BLOCK = 10_000
"""BSNs of a copy of the region (``demo --scale``): 900000000 up, 10,000 eight-digit prefixes
(some 9,000 valid BSNs) per copy, below the test-person range of the first copy."""
COPY_NUMBERS = 1_000_000
"""A copy's ToewijzingNummers and household numbers start at copy x this."""
COPY_REFERENCES = 10_000_000
"""A copy's line references start at copy x this."""
MAX_COPIES = 990
"""Copies whose BSN prefixes stay below :data:`BSN_PREFIX_START`."""

# 2020 product mix of running trajectories, heavier than the mix of trajectories that ended
# before 2020; earlier allocations of a trajectory are often one level lighter (escalation).
MIX_2020 = (0.25, 0.45, 0.30)
MIX_ENDED = (0.42, 0.42, 0.16)
ESCALATION = 0.4
WEEKLY_HOURS: tuple[tuple[int, float], ...] = (
    (1, 0.06),
    (2, 0.32),
    (3, 0.30),
    (4, 0.17),
    (5, 0.09),
    (6, 0.06),
)
ENDED_BEFORE_2020 = 700


@dataclass(slots=True, eq=False)
class _Line:
    """A declared line under construction: volume is decided late, by calibration."""

    allocation: Allocation
    period: Period
    tariff: int
    cap: int
    weight: float
    """Hours at full use of the allocation in this period, times this month's noise."""
    volume: int = 0
    rejected_with: str | None = None
    declared_tariff: int | None = None

    @property
    def cost(self) -> int:
        return self.volume * self.tariff


def _round_to_total(values: Sequence[float], total: int) -> list[int]:
    """Whole numbers close to ``values`` that add up to ``total`` (largest remainder)."""
    floors = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def _bsn_with_check_digit(prefix: int) -> str | None:
    """The BSN starting with eight digits ``prefix`` that passes the eleven-test, if there is one.

    9*d1 + 8*d2 + ... + 2*d8 - d9 must be a multiple of 11, so d9 is that weighted sum modulo 11,
    which must be a single digit.
    """
    digits = f"{prefix:08d}"
    check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
    return None if check == 10 else f"{digits}{check}"


@dataclass(slots=True)
class _Generator:
    rng: random.Random
    schedule: TariffSchedule
    next_bsn_prefix: int
    clients: list[Client] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    allocation_numbers: dict[str, int] = field(default_factory=dict)
    households: int = 0
    tariff_cache: dict[tuple[str, int], int] = field(default_factory=dict)

    # -- people ---------------------------------------------------------------------------------
    def bsn(self) -> str:
        while True:
            value = _bsn_with_check_digit(self.next_bsn_prefix)
            self.next_bsn_prefix += 1
            if value is not None:
                return check_bsn(value)

    def new_household(self, municipality: str) -> str:
        self.households += 1
        return f"HH{municipality}{self.households:06d}"

    def client(
        self,
        municipality: str,
        birth_date: date,
        household: str | None = None,
        family: tuple[str, str] | None = None,
    ) -> Client:
        rng = self.rng
        prefix, name = family or rng.choice(FAMILY_NAMES)
        roll = rng.random()
        gender = Gender.UNKNOWN if roll < 0.005 else Gender.FEMALE if roll < 0.53 else Gender.MALE
        initials = ".".join(rng.choice(INITIALS) for _ in range(rng.choice((1, 1, 2, 2, 3)))) + "."
        client = Client(
            bsn=self.bsn(),
            birth_date=birth_date,
            family_name=name,
            initials=initials,
            gender=gender,
            municipality_code=municipality,
            household_id=household or self.new_household(municipality),
            prefix=prefix,
        )
        self.clients.append(client)
        return client

    def birth_date(self, youngest: int, oldest: int, on: date) -> date:
        age_days = self.rng.randint(youngest * 365 + 1, oldest * 365 + 300)
        return on - timedelta(days=age_days)

    # -- care -----------------------------------------------------------------------------------
    def tariff(self, product: str, year: int) -> int:
        key = (product, year)
        if key not in self.tariff_cache:
            self.tariff_cache[key] = self.schedule.tariff_on(product, date(year, 1, 1)).cents
        return self.tariff_cache[key]

    def allocate(
        self,
        client: Client,
        provider: Provider,
        *,
        law: Law,
        category: str,
        product: str,
        valid: Period,
        volume: int,
        unit: Unit,
        terms: Sequence[Period],
    ) -> Allocation:
        """A decision for ``valid`` and its allocations: one per contract term in turn, each
        ending with its term (the rule of ``domain.contracts.contract_cover``), each with its
        budget limit; the decision stays whole. Returns the first allocation."""
        rng = self.rng
        municipality = client.municipality_code
        number = self.allocation_numbers.get(municipality, 0) + 1
        decided_on = valid.start - timedelta(days=rng.randint(6, 28))
        allocated_at = datetime.combine(
            decided_on + timedelta(days=rng.randint(1, 4)), time(rng.randint(8, 16), rng.randint(0, 59))
        )
        decision_id = f"{municipality}-{law.value[0].upper()}{number:07d}"
        assert valid.end is not None
        moments: tuple[EvaluationMoment, ...] = ()
        if valid.days() > 240:
            moments = (EvaluationMoment(valid.start + timedelta(days=valid.days() // 2)),)
        self.decisions.append(
            Decision(
                id=decision_id,
                client_bsn=client.bsn,
                municipality_code=municipality,
                law=law,
                decided_on=decided_on,
                valid=valid,
                product_code=product,
                evaluation_moments=moments,
            )
        )
        given = []
        for part in _contract_parts(valid, terms):
            self.allocation_numbers[municipality] = number
            allocation = Allocation(
                number=number,
                client_bsn=client.bsn,
                provider_agb=provider.agb_code,
                municipality_code=municipality,
                law=law,
                category=category,
                product_code=product,
                valid=part,
                allocated_at=allocated_at,
                volume=volume,
                unit=unit,
                frequency=Frequency.PER_WEEK,
                decision_id=decision_id,
                budget_limit=allocation_budget_limit(
                    self.schedule,
                    product,
                    volume=volume,
                    unit=unit,
                    frequency=Frequency.PER_WEEK,
                    period=part,
                ),
            )
            self.allocations.append(allocation)
            self.add_lines(allocation)
            given.append(allocation)
            number += 1
        return given[0]

    def add_lines(self, allocation: Allocation) -> None:
        """One line per month of the allocation within the declared window (2018-2020)."""
        declared = Period(FIRST_DECLARED_MONTH, LAST_DECLARED_DAY).intersection(allocation.valid)
        if declared is None:
            return
        assert allocation.volume is not None and allocation.product_code is not None
        weekly = allocation.volume
        for month in declared.months():
            days = month.days()
            # The cap keeps the sum over the allocation within the allocated volume (TR322) as
            # well as each month within its started weeks (TR321).
            cap = max(1, weekly * days // 7)
            noise = math.exp(self.rng.gauss(0.0, 0.18))
            self.lines.append(
                _Line(
                    allocation=allocation,
                    period=month,
                    tariff=self.tariff(allocation.product_code, month.start.year),
                    cap=cap,
                    weight=weekly * days / 7 * noise,
                )
            )

    def weekly_hours(self, intensity: float) -> int:
        hours, weights = zip(*WEEKLY_HOURS, strict=True)
        base = self.rng.choices(hours, weights)[0] * intensity
        return max(1, int(base + self.rng.random()))

    def wmo_trajectory(
        self,
        client: Client,
        provider: Provider,
        *,
        start: date,
        end: date,
        mix: Sequence[float],
        intensity: float,
    ) -> None:
        """Consecutive allocations with the same provider; re-assessed every one to two and a half
        years, often one level heavier than before (the memo: little scaling down)."""
        rng = self.rng
        segments: list[tuple[date, date]] = []
        segment_start = start
        while True:
            segment_end = add_months(segment_start, rng.randint(12, 30)) - timedelta(days=1)
            if segment_end >= end or add_months(segment_end, 6) >= end:
                segments.append((segment_start, end))
                break
            segments.append((segment_start, segment_end))
            segment_start = segment_end + timedelta(days=1)
        level = rng.choices((0, 1, 2), mix)[0]
        weekly = self.weekly_hours(intensity)
        planned: list[tuple[Period, int, int]] = []
        for segment_start, segment_end in reversed(segments):
            planned.append((Period(segment_start, segment_end), level, weekly))
            if rng.random() < ESCALATION:
                level = max(0, level - 1)
            if rng.random() < 0.3:
                weekly = max(1, weekly - 1)
        for valid, product_level, hours in reversed(planned):
            self.allocate(
                client, provider, law=Law.WMO, category="02", product=OZR_CODES[product_level],
                valid=valid, volume=hours, unit=Unit.UUR, terms=(WMO_TERM.period,),
            )  # fmt: skip


def _contract_parts(valid: Period, terms: Sequence[Period]) -> list[Period]:
    """``valid`` cut at the end of each contract term in turn, from its first day, until no term
    covers the next day: an allocation never runs past the contract that covers it."""
    parts: list[Period] = []
    day = valid.start
    assert valid.end is not None
    while day <= valid.end:
        term = next((t for t in terms if t.contains(day)), None)
        if term is None:
            break
        end = valid.end if term.end is None else min(valid.end, term.end)
        parts.append(Period(day, end))
        day = end + timedelta(days=1)
    if not parts:
        raise ValueError(f"no contract term covers {valid.start}")
    return parts


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _spread_clients(rng: random.Random, plans: Sequence[WmoProviderPlan]) -> dict[tuple[str, str], int]:
    """How many 2020 clients each provider has in each municipality (excluding Vijfheerenlanden).

    Small providers draw from their delivery area first; the large ones share the rest in
    proportion to what is left, with a random affinity; the last one takes what remains, so
    both the provider and the municipality counts hold exactly.
    """
    pool = {code: WMO_2020_CLIENTS[code] for code in PROVIDER_FIGURE_CODES}
    counts: dict[tuple[str, str], int] = {}
    small_first = sorted(plans, key=lambda p: (p.cost_2020 is not None, p.clients_2020))
    for index, plan in enumerate(small_first):
        agb = plan.provider.agb_code
        area = [c for c in PROVIDER_FIGURE_CODES if c in plan.provider.municipalities_served]
        if index == len(small_first) - 1:
            for code in PROVIDER_FIGURE_CODES:
                counts[agb, code] = pool[code]
                pool[code] = 0
            break
        for _ in range(plan.clients_2020):
            weights = [pool[c] * (rng.uniform(0.6, 1.4)) for c in area]
            if sum(weights) == 0:
                area = [c for c in PROVIDER_FIGURE_CODES if pool[c] > 0]
                weights = [float(pool[c]) for c in area]
            code = rng.choices(area, weights)[0]
            counts[agb, code] = counts.get((agb, code), 0) + 1
            pool[code] -= 1
    return counts


def _ipf(
    seed: dict[tuple[str, str], float], rows: dict[str, float], columns: dict[str, float]
) -> dict[tuple[str, str], float]:
    """Iterative proportional fitting: scale the seed matrix to the row and column sums."""
    matrix = dict(seed)
    for _ in range(400):
        for axis, targets in ((0, rows), (1, columns)):
            sums: dict[str, float] = defaultdict(float)
            for key, value in matrix.items():
                sums[key[axis]] += value
            for key in matrix:
                total = sums[key[axis]]
                if total > 0:
                    matrix[key] *= targets[key[axis]] / total
        # After the column step the columns hold; stop when the rows hold too.
        row_sums: dict[str, float] = defaultdict(float)
        for key, value in matrix.items():
            row_sums[key[0]] += value
        if all(abs(row_sums[r] - rows[r]) < 0.5 for r in rows):
            break
    return matrix


def _fit_hours(lines: Sequence[_Line], target: int) -> None:
    """Whole hours per line, in proportion to the lines' weights, costing close to ``target`` cents."""
    weighted = sum(line.weight * line.tariff for line in lines)
    factor = target / weighted
    wanted = [line.weight * factor for line in lines]
    for line, hours in zip(lines, wanted, strict=True):
        line.volume = min(line.cap, max(1, int(hours)))
    cost = sum(line.cost for line in lines)
    order = sorted(range(len(lines)), key=lambda i: (lines[i].volume - wanted[i], i))
    changed = True
    while changed and (target - cost) * 2 > min(line.tariff for line in lines):
        changed = False
        for i in order:
            line = lines[i]
            if line.volume < line.cap and (target - cost) * 2 > line.tariff:
                line.volume += 1
                cost += line.tariff
                changed = True
    changed = True
    while changed and (cost - target) * 2 > min(line.tariff for line in lines):
        changed = False
        for i in reversed(order):
            line = lines[i]
            if line.volume > 1 and (cost - target) * 2 > line.tariff:
                line.volume -= 1
                cost -= line.tariff
                changed = True


def _hour_combination(gap: int, tariffs: Sequence[int], reach: int = 90) -> tuple[int, int, int]:
    """Whole hours (a, b, c) with a*t1 + b*t2 + c*t3 == gap cents, fewest hours in all."""
    t1, t2, t3 = tariffs
    best: tuple[int, int, int] | None = None
    for a in range(-reach, reach + 1):
        rest_a = gap - a * t1
        for b in range(-reach, reach + 1):
            rest = rest_a - b * t2
            if rest % t3 == 0:
                c = rest // t3
                if best is None or abs(a) + abs(b) + abs(c) < sum(map(abs, best)):
                    best = (a, b, c)
    if best is None:
        raise ArithmeticError(f"no whole-hour combination closes a gap of {gap} cents")
    return best


def _shift_hours(candidates: Sequence[_Line], hours: int) -> int:
    """Add (or remove, when negative) whole hours, one per line per round; returns hours not placed."""
    step = 1 if hours > 0 else -1
    remaining = abs(hours)
    while remaining:
        placed = False
        for line in candidates:
            if remaining == 0:
                break
            if (step > 0 and line.volume < line.cap) or (step < 0 and line.volume > 1):
                line.volume += step
                remaining -= 1
                placed = True
        if not placed:
            break
    return remaining * step


def build_lekstroom(
    seed: int = 2020, *, model_2022: ResultAreaMatrixModel, copy: int = 0, scale: int = 1
) -> DemoRegion:
    """The Lekstroom demo region for ``seed``: same seed, same region, to the last object.

    The providers, catalogue and contracts do not depend on the seed; clients, their care and
    the declared volumes do, while the 2020 Wmo figures of the memo hold for every seed.
    ``model_2022`` is the ``lekstroom-2022`` product model: its cells are the 2022 agreement's
    products and tariffs.

    ``demo --scale N`` stores N copies of the care (``copy`` 0 to N-1, each with its own seed):
    a copy after the first numbers its clients (BSNs from :data:`COPY_BSN_START`), households,
    allocations, declarations and line references apart, so they add up without clashing; the
    contracts' ceilings are ``scale`` times as large (``scale`` is given to the first copy).
    """
    region = Region(
        REGION_CODE, REGION_NAME, tuple(Municipality(code, name, n) for code, name, n in MUNICIPALITIES)
    )
    products, tariffs = _catalogue()
    schedule = TariffSchedule.of(tariffs)
    fixed = random.Random(f"lekstroom-providers-{REGION_CODE}")  # noqa: S311 - demo data, not secrets
    taken: set[str] = set()
    plans = _wmo_provider_plans(fixed, taken)
    jeugd_groups = _jeugd_groups(fixed, taken)

    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    gen = _Generator(rng=rng, schedule=schedule, next_bsn_prefix=BSN_PREFIX_START + rng.randrange(0, 40_000))
    if copy:
        if not 0 < copy <= MAX_COPIES:
            raise ValueError(f"a copy of the demo region is numbered 1..{MAX_COPIES}, got {copy}")
        gen.next_bsn_prefix = COPY_BSN_START + (copy - 1) * COPY_BSN_BLOCK
        gen.allocation_numbers = dict.fromkeys(ALL_CODES, copy * COPY_NUMBERS)
        gen.households = copy * COPY_NUMBERS

    wmo_2020_clients = _wmo_care(gen, plans)
    _jeugd_care(gen, jeugd_groups, wmo_2020_clients)
    # the history has its own random stream: the generator's draws (and the figures) stay as they are
    history_rng = random.Random(f"lekstroom-history-{seed}")  # noqa: S311 - demo data, not secrets
    _scale_downs(gen, history_rng)
    _calibrate_wmo(gen, plans)
    _mark_rejections(gen)
    history = _history(gen, history_rng, jeugd_groups)
    declarations, outcomes = _declarations(gen.lines, copy)
    frameworks, contracts, ceilings = _contracts(plans, jeugd_groups, declarations, outcomes, scale)
    # after the care history, so the seed's random draws (and the memo figures) are untouched
    products_2022, tariffs_2022 = _catalogue_2022(model_2022)
    framework_2022, contracts_2022 = _framework_2022(model_2022, plans)
    tender_2022 = sas_tender_2022(
        [(p.provider, p.clients_2020) for p in plans],
        _awarded_2022(plans),
        [(cell.product_code, cell.monthly_tariff) for cell in model_2022.cells],
    )

    providers = tuple(p.provider for p in plans) + tuple(p for g in jeugd_groups for p in g.providers)
    return DemoRegion(
        region=region,
        providers=providers,
        products=products + products_2022,
        tariffs=tariffs + tariffs_2022,
        frameworks=(*frameworks, framework_2022),
        contracts=contracts + contracts_2022,
        collective_ceilings=ceilings,
        clients=tuple(gen.clients),
        decisions=tuple(gen.decisions),
        # who referred each young client: its own random stream, after everything else
        allocations=tuple(with_referrers(gen.allocations, _group_of(jeugd_groups), seed)),
        declarations=declarations,
        line_outcomes=outcomes,
        deliveries=history.deliveries,
        ended_stops=history.ended_stops,
        wmo_provider_plans=tuple(plans),
        reference_tariffs=_reference_tariffs(),
        tender_2022=tender_2022,
        other_tenders=_other_tenders(providers, tariffs),
    )


def _group_of(groups: Sequence[JeugdGroup]) -> dict[str, str]:
    """AGB code -> the key of the Jeugd group the provider belongs to."""
    return {p.agb_code: g.key for g in groups for p in g.providers}


# --------------------------------------------------------------------------------------------
# Wmo care
# --------------------------------------------------------------------------------------------


def _municipality_intensity() -> dict[str, float]:
    """Cost per 2020 client relative to the region: Houten indicates heavier care than Nieuwegein."""
    overall = sum(m.cents for m in WMO_2020_COST.values()) / sum(WMO_2020_CLIENTS.values())
    return {code: WMO_2020_COST[code].cents / WMO_2020_CLIENTS[code] / overall for code in ALL_CODES}


def _wmo_care(gen: _Generator, plans: Sequence[WmoProviderPlan]) -> dict[str, list[Client]]:
    """Clients, trajectories and (uncalibrated) lines for Wmo OZR; returns the 2020 clients."""
    rng = gen.rng
    intensity = _municipality_intensity()
    counts = _spread_clients(rng, plans)
    large = [p.provider for p in plans if p.cost_2020 is not None]
    vhl_providers = large + [
        p.provider
        for p in plans
        if p.tier == "middle" and VIJFHEERENLANDEN in p.provider.municipalities_served
    ]
    vhl_weights = [1.0 / (1 + i) ** 0.8 for i in range(len(large))] + [0.01] * (
        len(vhl_providers) - len(large)
    )
    assignments: list[tuple[str, Provider]] = []
    for plan in plans:
        for code in PROVIDER_FIGURE_CODES:
            assignments.extend(
                (code, plan.provider) for _ in range(counts.get((plan.provider.agb_code, code), 0))
            )
    for _ in range(WMO_2020_CLIENTS[VIJFHEERENLANDEN]):
        assignments.append((VIJFHEERENLANDEN, rng.choices(vhl_providers, vhl_weights)[0]))

    in_2020: dict[str, list[Client]] = defaultdict(list)
    for code, provider in assignments:
        client = gen.client(code, gen.birth_date(24, 92, date(2020, 1, 1)))
        in_2020[code].append(client)
        roll = rng.random()
        if roll < 0.33:
            start = _random_day(rng, date(2015, 1, 1), date(2017, 12, 31))
        elif roll < 0.50:
            start = _random_day(rng, date(2018, 1, 1), date(2018, 12, 31))
        elif roll < 0.72:
            start = _random_day(rng, date(2019, 1, 1), date(2019, 12, 31))
        else:
            start = _random_day(rng, date(2020, 1, 1), date(2020, 11, 30))
        if rng.random() < 0.62 or start > date(2020, 10, 15):
            end = _random_day(rng, date(2021, 1, 31), date(2021, 12, 31))
        else:
            end = _random_day(rng, max(start + timedelta(days=45), date(2020, 1, 31)), date(2020, 12, 31))
        end = max(end, start + timedelta(days=30))
        gen.wmo_trajectory(client, provider, start=start, end=end, mix=MIX_2020, intensity=intensity[code])

    # Clients whose support ended before 2020: they make up 2018 and 2019 only.
    weights = {code: float(WMO_2020_CLIENTS[code]) for code in ALL_CODES}
    by_municipality: dict[str, list[tuple[Provider, float]]] = defaultdict(list)
    for plan in plans:
        for code in ALL_CODES:
            if code in plan.provider.municipalities_served:
                by_municipality[code].append((plan.provider, float(plan.clients_2020)))
    codes = list(weights)
    for _ in range(ENDED_BEFORE_2020):
        code = rng.choices(codes, list(weights.values()))[0]
        providers, sizes = zip(*by_municipality[code], strict=True)
        provider = rng.choices(providers, sizes)[0]
        client = gen.client(code, gen.birth_date(22, 94, date(2018, 1, 1)))
        ended_in = date(2018, 2, 1) if rng.random() < 0.4 else date(2019, 1, 1)
        end = _random_day(rng, ended_in, date(ended_in.year, 12, 31))
        start = _random_day(rng, date(2015, 1, 1), end - timedelta(days=90))
        gen.wmo_trajectory(client, provider, start=start, end=end, mix=MIX_ENDED, intensity=intensity[code])
    return in_2020


def _calibrate_wmo(gen: _Generator, plans: Sequence[WmoProviderPlan]) -> None:
    """Fit the Wmo lines: 2020 to the memo exactly, 2018 and 2019 to plausible totals."""
    wmo = [line for line in gen.lines if line.allocation.law is Law.WMO]
    for year, euros in WMO_YEARLY_COST_EUR.items():
        year_lines = [line for line in wmo if line.period.start.year == year]
        factor = euros * 100 / sum(line.weight * line.tariff for line in year_lines)
        for line in year_lines:
            line.volume = min(line.cap, max(1, round(line.weight * factor)))

    lines_2020 = [line for line in wmo if line.period.start.year == 2020]
    cells: dict[tuple[str, str], list[_Line]] = defaultdict(list)
    for line in lines_2020:
        cells[line.allocation.provider_agb, line.allocation.municipality_code].append(line)
    weight = {key: sum(line.weight * line.tariff for line in cell) for key, cell in cells.items()}

    rows: dict[str, float] = {}
    for tier, total_euros in (("middle", MIDDLE_COST), ("small", SMALL_TAIL_COST)):
        members = [p.provider.agb_code for p in plans if p.tier == tier]
        tier_weight = {
            agb: sum(w for (a, m), w in weight.items() if a == agb and m != VIJFHEERENLANDEN)
            for agb in members
        }
        total_weight = sum(tier_weight.values())
        rows.update({agb: total_euros * 100 * w / total_weight for agb, w in tier_weight.items()})
    rows.update({p.provider.agb_code: float(p.cost_2020.cents) for p in plans if p.cost_2020 is not None})
    columns = {code: float(WMO_2020_COST[code].cents) for code in PROVIDER_FIGURE_CODES}
    seed = {key: w for key, w in weight.items() if key[1] != VIJFHEERENLANDEN}
    targets = _ipf(seed, rows, columns)
    vhl_weight = sum(w for key, w in weight.items() if key[1] == VIJFHEERENLANDEN)
    vhl_cost = WMO_2020_COST[VIJFHEERENLANDEN].cents
    targets.update(
        {key: vhl_cost * w / vhl_weight for key, w in weight.items() if key[1] == VIJFHEERENLANDEN}
    )
    for key in sorted(cells):
        _fit_hours(cells[key], round(targets[key]))

    # Close each municipality's gap to the cent with whole hours on the largest providers' lines,
    # so the small providers' figures stay as designed.
    top = {p.provider.agb_code for p in plans if p.tier == "top7"}
    for code in ALL_CODES:
        own = [line for line in lines_2020 if line.allocation.municipality_code == code]
        gap = WMO_2020_COST[code].cents - sum(line.cost for line in own)
        if gap == 0:
            continue
        combination = _hour_combination(gap, [gen.tariff(p, 2020) for p in OZR_CODES])
        for product, hours in zip(OZR_CODES, combination, strict=True):
            of_product = [line for line in own if line.allocation.product_code == product]
            preferred = [line for line in of_product if line.allocation.provider_agb in top]
            gen.rng.shuffle(preferred)
            left = _shift_hours(preferred, hours)
            if left:
                left = _shift_hours(of_product, left)
            if left:
                raise ArithmeticError(f"cannot place {left} hours of {product} in {code}")


def _mark_rejections(gen: _Generator) -> None:
    """A few providers kept the 2018 tariff in their January 2019 declaration: rejected (0611)."""
    for line in gen.lines:
        if (
            line.period.start == date(2019, 1, 1)
            and line.allocation.law is Law.WMO
            and gen.rng.random() < 0.01
        ):
            assert line.allocation.product_code is not None
            line.rejected_with = WRONG_TARIFF
            line.declared_tariff = gen.tariff(line.allocation.product_code, 2018)


# --------------------------------------------------------------------------------------------
# Jeugd care
# --------------------------------------------------------------------------------------------

JEUGD_TRAJECTORIES: dict[str, int] = {"jggz": 700, "kmb": 700, "verblijf": 150, "vg": 1350}
JEUGD_MONTHS: dict[str, tuple[int, int]] = {
    "jggz": (6, 18),
    "kmb": (6, 24),
    "verblijf": (6, 24),
    "vg": (6, 18),
}
"""Shortest and longest trajectory per group, in months."""
TURNING_EIGHTEEN = 14
SHARED_HOUSEHOLD = 0.12


def _jeugd_terms(key: str) -> tuple[Period, ...]:
    """The contract terms a Jeugd group's care runs under, in order: the free practitioners'
    agreement, or the institutional agreements of 2016 and 2019 one after the other."""
    if key == "vg":
        return (FREE_PRACTITIONER_TERM.period,)
    return tuple(term.period for term in JEUGD_TERMS.values())


def _jeugd_care(gen: _Generator, groups: Sequence[JeugdGroup], wmo_clients: dict[str, list[Client]]) -> None:
    rng = gen.rng
    codes = [code for code, _name, _n in MUNICIPALITIES]
    inhabitants = [n for _code, _name, n in MUNICIPALITIES]
    parents = {
        code: [c for c in clients if 28 <= c.age_on(date(2020, 1, 1)) <= 58]
        for code, clients in wmo_clients.items()
    }
    for group in groups:
        for index in range(JEUGD_TRAJECTORIES[group.key]):
            code = rng.choices(codes, inhabitants)[0]
            serving = [p for p in group.providers if code in p.municipalities_served] or list(group.providers)
            provider = rng.choice(serving)
            start = _random_day(rng, date(2016, 9, 1), date(2020, 11, 30))
            end = add_months(start, rng.randint(*JEUGD_MONTHS[group.key])) - timedelta(days=1)
            turning_eighteen = group.key in ("jggz", "kmb") and index < TURNING_EIGHTEEN
            if turning_eighteen:
                # Jeugdwet care ends at 18: the 18-/18+ signal for a youth without Wmo support yet.
                birthday = _random_day(rng, date(2020, 7, 1), date(2021, 10, 31))
                birth = date(birthday.year - 18, birthday.month, min(birthday.day, 28))
                start = add_months(birthday, -rng.randint(8, 30))
                end = date(birthday.year, birthday.month, min(birthday.day, 28)) - timedelta(days=1)
            else:
                birth = gen.birth_date(3, 16, start)
            household, family = None, None
            if not turning_eighteen and parents.get(code) and rng.random() < SHARED_HOUSEHOLD:
                parent = rng.choice(parents[code])
                household, family = parent.household_id, (parent.prefix, parent.family_name)
            client = gen.client(code, birth, household, family)
            product = rng.choice(group.products)
            if group.key == "verblijf":
                volume, unit = 7, Unit.ETMAAL
            elif group.key == "vg":
                volume, unit = rng.choice((1, 2, 2, 3, 3)), Unit.UUR
            else:
                volume, unit = rng.choice((2, 2, 3, 3, 4)), Unit.UUR
            category = JEUGD_CATEGORY.get(product, "54")
            gen.allocate(
                client, provider, law=Law.JEUGD, category=category, product=product,
                valid=Period(start, end), volume=volume, unit=unit, terms=_jeugd_terms(group.key),
            )  # fmt: skip

    by_group = {p.agb_code: g.key for g in groups for p in g.providers}
    jeugd = [line for line in gen.lines if line.allocation.law is Law.JEUGD]
    for line in jeugd:
        if by_group[line.allocation.provider_agb] == "verblijf":
            line.volume = line.period.days()  # every night of the stay
    for key, yearly in JEUGD_YEARLY_COST_EUR.items():
        for year, euros in yearly.items():
            year_lines = [
                line for line in jeugd
                if by_group[line.allocation.provider_agb] == key and line.period.start.year == year
            ]  # fmt: skip
            factor = euros * 100 / sum(line.weight * line.tariff for line in year_lines)
            for line in year_lines:
                line.volume = min(line.cap, max(1, round(line.weight * factor)))


# --------------------------------------------------------------------------------------------
# History: scale-downs, ends, goals, repeat requests (zorginkoop.demo.history)
# --------------------------------------------------------------------------------------------


def _point_lines(gen: _Generator) -> None:
    """Every line on the allocation as it is now (same municipality and number)."""
    current = {(a.municipality_code, a.number): a for a in gen.allocations}
    for line in gen.lines:
        line.allocation = current[line.allocation.municipality_code, line.allocation.number]


def _scale_downs(gen: _Generator, rng: random.Random) -> None:
    lighter = scale_downs(rng, gen.allocations, gen.decisions, OZR_CODES, gen.schedule)
    changed = {(a.municipality_code, a.number) for a in lighter}
    _point_lines(gen)
    for line in gen.lines:
        a = line.allocation
        if (a.municipality_code, a.number) in changed:
            assert a.product_code is not None
            line.tariff = gen.tariff(a.product_code, line.period.start.year)


def _history(gen: _Generator, rng: random.Random, groups: Sequence[JeugdGroup]) -> History:
    group_of = {p.agb_code: g.key for g in groups for p in g.providers}

    def term_end(a: Allocation) -> date:
        terms = (WMO_TERM.period,) if a.law is Law.WMO else _jeugd_terms(group_of[a.provider_agb])
        assert a.valid.end is not None
        term = next(t for t in terms if t.contains(a.valid.end))
        assert term.end is not None
        return term.end

    def next_number(municipality: str) -> int:
        number = gen.allocation_numbers.get(municipality, 0) + 1
        gen.allocation_numbers[municipality] = number
        return number

    members: dict[str | None, int] = defaultdict(int)
    for client in gen.clients:
        members[client.household_id] += 1
    shared = {h for h, n in members.items() if h is not None and n > 1}
    history = add_history(
        rng, gen.clients, gen.decisions, gen.allocations, gen.schedule, term_end, next_number, shared
    )
    _point_lines(gen)
    return history


# --------------------------------------------------------------------------------------------
# Declarations and contracts
# --------------------------------------------------------------------------------------------


def _declarations(
    lines: Iterable[_Line], copy: int = 0
) -> tuple[tuple[Declaration, ...], tuple[LineOutcome, ...]]:
    """One declaration per provider, municipality and month; outcomes per line. A copy of the
    region (``demo --scale``) numbers its own (references and numbers stay unique)."""
    grouped: dict[tuple[date, str, str, Law], list[_Line]] = defaultdict(list)
    for line in lines:
        a = line.allocation
        grouped[line.period.start.replace(day=1), a.provider_agb, a.municipality_code, a.law].append(line)
    declarations: list[Declaration] = []
    outcomes: list[LineOutcome] = []
    reference = copy * COPY_REFERENCES
    for month, agb, code, law in sorted(grouped, key=lambda k: (k[0], k[1], k[2], k[3].value)):
        declared: list[DeclaredLine] = []
        for line in sorted(
            grouped[month, agb, code, law], key=lambda x: (x.allocation.number, x.period.start)
        ):
            reference += 1
            a = line.allocation
            assert a.unit is not None
            tariff = Money(line.declared_tariff if line.declared_tariff is not None else line.tariff)
            item = DeclaredLine(
                reference=f"LEK{reference:09d}",
                client_bsn=a.client_bsn,
                allocation_number=a.number,
                provider_agb=agb,
                municipality_code=code,
                law=law,
                category=a.category,
                product_code=a.product_code,
                period=line.period,
                volume=line.volume,
                unit=a.unit,
                tariff=tariff,
                amount=tariff * line.volume,
            )
            declared.append(item)
            if line.rejected_with:
                outcomes.append(
                    LineOutcome(item.reference, LineStatus.REJECTED, Money.zero(), (line.rejected_with,))
                )
            else:
                outcomes.append(LineOutcome(item.reference, LineStatus.APPROVED, item.amount))
        period = Period.month(month.year, month.month)
        assert period.end is not None
        declarations.append(
            Declaration(
                number=f"{month:%y%m}{code}{copy:04d}" if copy else f"{month:%Y%m}{code}",
                message_id=f"{agb}{month:%Y%m}{code}" + (f"-{copy}" if copy else ""),
                provider_agb=agb,
                municipality_code=code,
                law=law,
                period=period,
                submitted_on=period.end + timedelta(days=5 + (int(agb) + month.month) % 10),
                lines=tuple(declared),
            )
        )
    return tuple(declarations), tuple(outcomes)


WMO_TERM = Term(date(2015, 1, 1), 5, extensions=(1, 1), extensions_used=2)
"""Basis- en deelovereenkomst Wmo 2015: five years, extended twice by a year (through 2021)."""
JEUGD_TERMS: dict[str, Term] = {
    "JW2016": Term(date(2016, 1, 1), 1, extensions=(1, 1), extensions_used=2),
    "JW2019": Term(date(2019, 1, 1), 1, extensions=(1, 1), extensions_used=2),
}
"""KmB and jGGZ contracts: one year, twice extensible by a year (the 2016 memo)."""
FREE_PRACTITIONER_TERM = Term(date(2016, 1, 1), 6)
"""Raamovereenkomst vrijgevestigden: no extension option (the 2016 memo)."""


def _contracts(
    plans: Sequence[WmoProviderPlan],
    groups: Sequence[JeugdGroup],
    declarations: Sequence[Declaration],
    outcomes: Sequence[LineOutcome],
    scale: int = 1,
) -> tuple[tuple[FrameworkAgreement, ...], tuple[Contract, ...], tuple[CollectiveCeiling, ...]]:
    wmo_lot = Lot("OZR", "Deelovereenkomst ondersteuning zelfredzaamheid", Law.WMO, frozenset(OZR_CODES))
    frameworks = [
        FrameworkAgreement(
            "WMO2015",
            "Basisovereenkomst Wmo Lekstroom 2015",
            ProcurementProcedure.BESTUURLIJK,
            WMO_TERM,
            (wmo_lot,),
        )
    ]
    contracts = [
        Contract(f"WMO15-{i:03d}", p.provider.agb_code, "WMO2015", "OZR", WMO_TERM.period)
        for i, p in enumerate(plans, start=1)
    ]

    granted = {o.reference: o.granted.cents for o in outcomes}
    yearly_cost: dict[tuple[str, int], int] = defaultdict(int)
    yearly_clients: dict[tuple[str, int], set[str]] = defaultdict(set)
    for declaration in declarations:
        if declaration.law is not Law.JEUGD:
            continue
        for line in declaration.lines:
            yearly_cost[line.provider_agb, line.period.start.year] += granted[line.reference]
            yearly_clients[line.provider_agb, line.period.start.year].add(line.client_bsn)

    lots = {
        g.key: Lot(
            g.lot_code,
            {"jggz": "Jeugd-ggz", "kmb": "Kinderen met een beperking", "verblijf": "Bovenregionaal verblijf",
             "vg": "Vrijgevestigde jeugd-ggz"}[g.key],
            Law.JEUGD,
            frozenset(g.products),
            kind=AgreementKind.PRICE_AND_VOLUME if g.key == "verblijf" else AgreementKind.PRICE_ONLY,
            tariff_basis=TariffBasis.PERCENT_OF_REFERENCE if g.key == "vg" else TariffBasis.REGIONAL,
            reference_percentage=FREE_PRACTITIONER_PERCENTAGE if g.key == "vg" else None,
        )
        for g in groups
    }  # fmt: skip
    institutional = tuple(lots[g.key] for g in groups if g.key != "vg")
    for code, term in JEUGD_TERMS.items():
        frameworks.append(
            FrameworkAgreement(code, f"Overeenkomst jeugdhulp Lekstroom {term.start.year}",
                               ProcurementProcedure.TENDER, term, institutional)
        )  # fmt: skip
    frameworks.append(
        FrameworkAgreement("VG2016", "Raamovereenkomst vrijgevestigden jeugd-ggz", ProcurementProcedure.TENDER,
                           FREE_PRACTITIONER_TERM, (lots["vg"],))
    )  # fmt: skip

    free_contracts: list[str] = []
    for group in groups:
        for i, provider in enumerate(group.providers, start=1):
            if group.key == "vg":
                number = f"VG16-{i:03d}"
                free_contracts.append(number)
                contracts.append(
                    Contract(number, provider.agb_code, "VG2016", "VG", FREE_PRACTITIONER_TERM.period)
                )
                continue
            for framework, term in JEUGD_TERMS.items():
                years = range(term.start.year, (term.end or term.start).year + 1)
                peak = max((yearly_cost[provider.agb_code, y] for y in years), default=0)
                clients = max((len(yearly_clients[provider.agb_code, y]) for y in years), default=0)
                # Zorgplafond: a round amount some 10% above the peak year, EUR 100,000 at least.
                ceiling = max(10_000_000, math.ceil(peak * 1.1 / 5_000_000) * 5_000_000) * scale
                contracts.append(
                    Contract(
                        f"{framework}-{group.lot_code}-{i:02d}",
                        provider.agb_code,
                        framework,
                        group.lot_code,
                        term.period,
                        ceiling=Money(ceiling),
                        volume_clients=(math.ceil(clients * 1.1) + 1) * scale
                        if group.key == "verblijf"
                        else None,
                    )
                )
    ceilings = tuple(
        CollectiveCeiling(
            f"VG{year}",
            f"Omzetplafond vrijgevestigden jeugd-ggz {year}",
            FREE_PRACTITIONER_CEILING * scale,
            year,
            frozenset(free_contracts),
            CeilingPolicy.SIGNAL,
        )
        for year in TARIFF_YEARS
    )
    return tuple(frameworks), tuple(contracts), ceilings


def _other_tenders(providers: Sequence[Provider], tariffs: Sequence[Tariff]) -> tuple[DemoProcedure, ...]:
    """The classic EMVI tender's bidders are the youth care institutions for children with a
    disability or in care (not free practitioners), the open house's the free practitioners in
    jeugd-ggz without a client stop; prices start from each product's latest tariff."""
    latest: dict[str, Tariff] = {}
    for tariff in tariffs:
        if tariff.product_code not in latest or tariff.valid.start > latest[tariff.product_code].valid.start:
            latest[tariff.product_code] = tariff
    institutions = sorted(
        (p for p in providers if Law.JEUGD in p.laws and not p.free_practitioner
         and TargetGroup.YOUTH_DISABILITY in p.target_groups),
        key=lambda p: p.agb_code,
    )  # fmt: skip
    practitioners = sorted(
        (p for p in providers if p.free_practitioner and not p.client_stop
         and TargetGroup.YOUTH_MENTAL_HEALTH in p.target_groups),
        key=lambda p: p.agb_code,
    )  # fmt: skip
    return (
        classic_tender_2023(institutions, {code: latest[code].amount for code in CLASSIC_PRODUCTS}),
        open_house_2023(practitioners, latest[OPEN_HOUSE_PRODUCT].amount),
    )


# --------------------------------------------------------------------------------------------
# The 2022 framework agreement (seed 001: result areas, one lot, SAS procedure)
# --------------------------------------------------------------------------------------------

FRAMEWORK_2022 = "WMO2022"
LOT_2022 = "IB"
TERM_2022 = Term(date(2022, 1, 1), 2, extensions=(1, 1))
"""Raamovereenkomst 2022: two years from 2022-01-01 plus twice a one-year extension option."""
AWARDED_2022 = 32
"""OZR providers awarded the 2022 agreement: those serving the most clients (the seed expects
the number of providers to drop with award criteria), widened only to keep the offer covering."""


INDEXATION_2022: dict[int, Decimal] = {2023: Decimal("4.10"), 2024: Decimal("3.20"), 2025: Decimal("2.60")}
"""Yearly indexation of the 2022 agreement's tariffs, through its extension years."""


def _catalogue_2022(model: ResultAreaMatrixModel) -> tuple[tuple[Product, ...], tuple[Tariff, ...]]:
    """Every cell of the model as a product, coded as the model allocates (category, unit,
    frequency, variant), with the cell's all-in monthly tariff for 2022 (the model's indicative
    amount as the agreed price), indexed every year of the term, extension years included
    (:data:`INDEXATION_2022`): a declaration in an extension year finds its tariff."""
    coding = model.info.allocation
    bands = {b.id: b.label for b in model.bands}
    products = tuple(
        Product(
            cell.product_code,
            coding.law,
            coding.category.value,
            f"{model.rule_for(cell.support_type).label}, {bands[cell.band]}, intensiteit {cell.intensity.value}",
            coding.unit,
            coding.frequency,
            model.info.financing_variant,
        )
        for cell in model.cells
    )
    year = Period.year(TERM_2022.start.year)
    latest = TERM_2022.latest_end
    assert latest is not None
    tariffs = tuple(
        tariff
        for cell in model.cells
        for tariff in indexed_series(
            Tariff(cell.product_code, cell.monthly_tariff, year, note=f"all-in maandtarief {model.info.id}"),
            INDEXATION_2022,
            latest,
        )
    )
    return products, tariffs


def _awarded_2022(plans: Sequence[WmoProviderPlan]) -> list[Provider]:
    """The providers serving the most 2020 clients; then, for any municipality and Wmo target
    group no open provider among them serves, the largest one that does (dekkend aanbod)."""
    ranked = [p.provider for p in sorted(plans, key=lambda p: -p.clients_2020)]  # stable on ties
    awarded = ranked[:AWARDED_2022]
    for code in ALL_CODES:
        for group in WMO_TARGET_GROUPS:
            if not any(p.serves(code, group) and not p.client_stop for p in awarded):
                awarded.append(next(p for p in ranked if p.serves(code, group) and not p.client_stop))
    return awarded


def _framework_2022(
    model: ResultAreaMatrixModel, plans: Sequence[WmoProviderPlan]
) -> tuple[FrameworkAgreement, tuple[Contract, ...]]:
    # A provider must offer every cell (seed 001), so the one lot holds all of them.
    lot = Lot(
        LOT_2022,
        "Individuele begeleiding in resultaatgebieden",
        model.info.allocation.law,
        frozenset(cell.product_code for cell in model.cells),
    )
    framework = FrameworkAgreement(
        FRAMEWORK_2022,
        "Raamovereenkomst Wmo begeleiding Lekstroom 2022",
        ProcurementProcedure.SAS,
        TERM_2022,
        (lot,),
    )
    contracts = tuple(
        # numbered as the tender's final award numbers them (framework-lot-AGB)
        Contract(
            f"{FRAMEWORK_2022}-{LOT_2022}-{provider.agb_code}",
            provider.agb_code,
            FRAMEWORK_2022,
            LOT_2022,
            TERM_2022.period,
        )
        for provider in _awarded_2022(plans)
    )
    return framework, contracts
