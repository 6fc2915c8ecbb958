# SPDX-License-Identifier: EUPL-1.2
"""Supplier monitoring: the indicators a benchmark uses, provider concentration and coverage.

Everything here is a pure function over plain facts the store hands over; the store and the
services count and load, these functions decide. Three parts:

1. **Trajectory indicators** (seed 001, NJi outcome set, CBS Beleidsinformatie Jeugd), defined
   once and per law, because the code lists differ (iWmo 3.2 WMO588, iJw 3.2 JZ588, both
   "Reden beeindiging"):

   ========================  ==================  =====================================
   indicator                 Wmo (WMO588)        Jeugd (JZ588)
   ========================  ==================  =====================================
   ended according to plan   19                  31
   ended early               21, 22, 23          32, 33, 34
   moved / external cause    31 (verhuizing)     35 (externe oorzaak, e.g. verhuizing)
   died                      02                  02
   ========================  ==================  =====================================

   WMO588 31 is a *move*, JZ588 31 is *according to plan*: reading a code without its law is the
   mistake this module exists to prevent. JZ588 35 ("voortijdig afgesloten, externe oorzaak") is
   counted with the moves, not with ended early, as the outcome sets do: neither party chose it.

   - *ended*: the trajectory has an end date and its end is not temporary (code 20, "tijdelijk
     beeindigd", in both lists: care is expected to resume).
   - *ended according to plan* / *ended early*: its end reason is in the law's codes above; their
     shares are over the ended trajectories (:func:`ended_to_plan_share`, :func:`ended_early_share`).
   - *duration*: days from start to end, both included (an open trajectory has none).
   - *scale-down*: an ended trajectory whose client's next trajectory under the same law, starting
     after it started and at most :data:`SCALE_DOWN_GAP_DAYS` after it ended, is for a lighter
     product (the product's weight is the region's ordering, e.g. OZR3 > OZR2 > OZR1).
   - *no repeat*: no new decision for the client under the same law within
     :data:`NO_REPEAT_MONTHS` months after the end; unknown (None) until those months have passed.

   A share or score over fewer than :data:`MIN_PEOPLE` people is no value (None): neither
   reliable nor private (CBS practice, Gemeentelijke Monitor Sociaal Domein).

2. **Concentration**: the Lekstroom memo (2020, Wmo OZR, excluding Vijfheerenlanden) reads: 49
   providers, EUR 6,726,419 in all; the 12 largest hold 90%, the 7 largest 80%, the 37 smallest
   10%; 27 providers have fewer than 7 clients. The memo measures by *cost*; "the n largest hold
   p%" is read as the memo reads it: the smallest n whose cumulative share, rounded to a whole
   percent, reaches p. :func:`provider_pareto` gives the same reading per provider (rank, share,
   cumulative share) by cost or by clients.

3. **Coverage** (dekkend aanbod): per municipality and target group, the providers that are
   contracted on the day, serve the municipality and the target group, have no client stop and
   have room; a gap where fewer than a minimum do (:func:`coverage`).

4. **The provider benchmark** (seed 001's account meetings, :func:`benchmark_lines`): per
   provider its clients and approved cost in the year (the lines of ``report providers``), cost
   per client, and over its trajectories that *ended in the year* (re-allocations joined,
   :func:`join_continuations`): their number, average duration and the shares ended to plan
   (of those with an end reason), goals reached (of those with an end evaluation), no repeat
   and scale-down; each figure beside the median of the *other* providers with a value
   (:func:`peer_medians`). Provider-facing views and exports round counts and amounts to
   multiples of 5 (:func:`provider_view`) and show peers only as quartiles over at least
   :data:`MIN_PEERS` providers (:func:`peer_spread`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from zorginkoop.domain.codes import JeugdCategory, Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import add_months
from zorginkoop.domain.referral import ReferrerType
from zorginkoop.domain.region import Provider

# -- trajectory indicators ---------------------------------------------------------------------

MIN_PEOPLE = 10
"""A share or score over fewer people than this is no value (small-number suppression)."""

NO_REPEAT_MONTHS = 6
"""'No repeat': no new decision for the client within this many months after the end."""

SCALE_DOWN_GAP_DAYS = 31
"""A lighter trajectory starting at most this many days after the heavier one ended follows it."""


class EndKind(str, Enum):
    """What an end reason means, whatever code the law's list gives it."""

    TO_PLAN = "volgens-plan"
    EARLY_BY_CLIENT = "voortijdig-client"
    EARLY_BY_PROVIDER = "voortijdig-aanbieder"
    EARLY_IN_AGREEMENT = "voortijdig-in-overleg"
    MOVED_OR_EXTERNAL = "verhuizing-externe-oorzaak"
    DIED = "overlijden"
    TEMPORARY = "tijdelijk"
    BY_MUNICIPALITY = "gemeente"
    CHANGE_REQUEST = "wijzigingsverzoek"
    OTHER_PROVIDER = "andere-aanbieder"
    OTHER_DOMAIN = "ander-domein"

    @property
    def early(self) -> bool:
        return self in _EARLY


_EARLY = frozenset({EndKind.EARLY_BY_CLIENT, EndKind.EARLY_BY_PROVIDER, EndKind.EARLY_IN_AGREEMENT})

END_REASONS: Mapping[Law, Mapping[str, EndKind]] = {
    # iWmo 3.2 WMO588 Reden beeindiging (every code of the list)
    Law.WMO: {
        "02": EndKind.DIED,
        "19": EndKind.TO_PLAN,
        "20": EndKind.TEMPORARY,
        "21": EndKind.EARLY_BY_CLIENT,
        "22": EndKind.EARLY_BY_PROVIDER,
        "23": EndKind.EARLY_IN_AGREEMENT,
        "31": EndKind.MOVED_OR_EXTERNAL,
        "36": EndKind.BY_MUNICIPALITY,
        "37": EndKind.CHANGE_REQUEST,
        "38": EndKind.OTHER_PROVIDER,
        "39": EndKind.OTHER_DOMAIN,
    },
    # iJw 3.2 JZ588 Reden beeindiging (every code of the list): no 19, 21-23; 31 is to plan
    Law.JEUGD: {
        "02": EndKind.DIED,
        "20": EndKind.TEMPORARY,
        "31": EndKind.TO_PLAN,
        "32": EndKind.EARLY_BY_CLIENT,
        "33": EndKind.EARLY_BY_PROVIDER,
        "34": EndKind.EARLY_IN_AGREEMENT,
        "35": EndKind.MOVED_OR_EXTERNAL,
        "36": EndKind.BY_MUNICIPALITY,
        "37": EndKind.CHANGE_REQUEST,
        "38": EndKind.OTHER_PROVIDER,
        "39": EndKind.OTHER_DOMAIN,
    },
}
"""Every end reason of WMO588 (Wmo) and JZ588 (Jeugd) with what it means; the one mapping."""


class GoalsReached(str, Enum):
    """Whether the goals of the care were reached, as the consultant records it at the end
    evaluation (eindevaluatie) of an allocation."""

    REACHED = "reached"
    PARTLY = "partly"
    NOT = "not"


class MonitoringError(ValueError):
    """A fact the indicators cannot read (an end reason outside the law's code list, an end
    before the start)."""


def end_kind(law: Law, code: str) -> EndKind:
    """What end reason ``code`` means under ``law`` (WMO588 for Wmo, JZ588 for Jeugd)."""
    try:
        return END_REASONS[law][code]
    except KeyError:
        listed = "WMO588" if law is Law.WMO else "JZ588"
        known = ", ".join(END_REASONS[law])
        raise MonitoringError(f"end reason {code!r} is not in {listed} (known: {known})") from None


@dataclass(frozen=True, slots=True)
class Trajectory:
    """One client's care by one provider for one product: the facts the indicators read.

    ``client`` is a pseudonym (never a BSN); ``start`` and ``end`` are both included; ``end``
    is None while care runs; ``end_reason`` is the WMO588/JZ588 code of the stop (None when the
    care ended without one, e.g. the allocation simply ran out).
    """

    client: str
    provider_agb: str
    product_code: str
    law: Law
    start: date
    end: date | None = None
    end_reason: str | None = None
    goals: GoalsReached | None = None
    """Goals reached, recorded at the end evaluation; None when nobody recorded it."""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise MonitoringError(f"trajectory of {self.client}: end {self.end} before start {self.start}")
        if self.end_reason is not None:
            if self.end is None:
                raise MonitoringError(f"trajectory of {self.client}: an end reason needs an end date")
            end_kind(self.law, self.end_reason)  # refuses a code outside the law's list

    @property
    def ended(self) -> bool:
        """Has an end that is not temporary (code 20: care is expected to resume)."""
        return self.end is not None and self.end_kind is not EndKind.TEMPORARY

    @property
    def end_kind(self) -> EndKind | None:
        return None if self.end_reason is None else end_kind(self.law, self.end_reason)


@dataclass(frozen=True, slots=True)
class DecisionFact:
    """A decision (beschikking) for a client under a law, taken on ``day`` (the repeat request)."""

    client: str
    law: Law
    day: date


def ended_to_plan(trajectory: Trajectory) -> bool:
    """Ended according to plan: WMO588 19 (Wmo) or JZ588 31 (Jeugd)."""
    return trajectory.end_kind is EndKind.TO_PLAN


def ended_early(trajectory: Trajectory) -> bool:
    """Ended early, by the client, the provider or in agreement: WMO588 21-23 or JZ588 32-34."""
    kind = trajectory.end_kind
    return kind is not None and kind.early


def duration(trajectory: Trajectory) -> int | None:
    """Days of care, start and end both counted; None while the trajectory runs."""
    if trajectory.end is None:
        return None
    return (trajectory.end - trajectory.start).days + 1


def _successor(trajectory: Trajectory, same_client: Iterable[Trajectory], gap_days: int) -> Trajectory | None:
    assert trajectory.end is not None
    latest = trajectory.end + timedelta(days=gap_days)
    following = [
        t
        for t in same_client
        if t.law is trajectory.law and trajectory.start < t.start <= latest and t is not trajectory
    ]
    return min(following, key=lambda t: (t.start, t.product_code, t.provider_agb), default=None)


def scale_down(
    trajectory: Trajectory,
    client_trajectories: Iterable[Trajectory],
    weight: Callable[[Law, str], int | None],
    gap_days: int = SCALE_DOWN_GAP_DAYS,
) -> bool:
    """Whether an ended trajectory was followed by one for a lighter product for the same client.

    ``client_trajectories`` are the client's trajectories (others are ignored); ``weight`` gives
    a product's place in the region's ordering (higher is heavier), None when a product has no
    place (then nothing is compared). The follower is the client's first trajectory under the
    same law that starts after this one started and at most ``gap_days`` after it ended.
    """
    if trajectory.end is None:
        return False
    same_client = [t for t in client_trajectories if t.client == trajectory.client]
    follower = _successor(trajectory, same_client, gap_days)
    if follower is None:
        return False
    heavy = weight(trajectory.law, trajectory.product_code)
    light = weight(follower.law, follower.product_code)
    return heavy is not None and light is not None and light < heavy


def no_repeat(
    trajectory: Trajectory,
    decisions: Iterable[DecisionFact],
    as_of: date,
    months: int = NO_REPEAT_MONTHS,
) -> bool | None:
    """No new decision for the client under the same law in the ``months`` after the end.

    True or False once those months are over on ``as_of``; a repeat seen earlier is already
    False; None while the trajectory runs or the months are not yet over without a repeat.
    """
    if trajectory.end is None:
        return None
    window_end = add_months(trajectory.end, months)
    repeated = any(
        d.client == trajectory.client and d.law is trajectory.law and trajectory.end < d.day <= window_end
        for d in decisions
    )
    if repeated:
        return False
    return True if as_of >= window_end else None


def suppressed_share(part: int, whole: int, people: int, minimum: int = MIN_PEOPLE) -> Decimal | None:
    """``part / whole`` as a fraction from 0 to 1 (four decimals), or None when the figure is
    over fewer than ``minimum`` people or there is nothing to divide by."""
    if not 0 <= part <= whole:
        raise MonitoringError(f"a share needs 0 <= part <= whole, got {part} of {whole}")
    if people < minimum or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def share_of(
    trajectories: Iterable[Trajectory],
    predicate: Callable[[Trajectory], bool | None],
    minimum: int = MIN_PEOPLE,
) -> Decimal | None:
    """The share of ``trajectories`` for which ``predicate`` holds, among those it can judge (a
    predicate answering None, 'not yet known', leaves the trajectory out); None over fewer than
    ``minimum`` distinct clients."""
    judged = [(t.client, answer) for t in trajectories if (answer := predicate(t)) is not None]
    people = len({client for client, _ in judged})
    return suppressed_share(sum(1 for _, answer in judged if answer), len(judged), people, minimum)


def ended_to_plan_share(trajectories: Iterable[Trajectory], minimum: int = MIN_PEOPLE) -> Decimal | None:
    """The share of the ended trajectories that ended according to plan (None below ``minimum``
    people)."""
    return share_of([t for t in trajectories if t.ended], ended_to_plan, minimum)


def ended_early_share(trajectories: Iterable[Trajectory], minimum: int = MIN_PEOPLE) -> Decimal | None:
    """The share of the ended trajectories that ended early (None below ``minimum`` people)."""
    return share_of([t for t in trajectories if t.ended], ended_early, minimum)


def goals_reached_share(trajectories: Iterable[Trajectory], minimum: int = MIN_PEOPLE) -> Decimal | None:
    """The share of the ended trajectories with an end evaluation whose goals were reached
    (wholly; partly counts as not reached); trajectories without an evaluation are left out.
    None below ``minimum`` people."""

    def reached(t: Trajectory) -> bool | None:
        return None if t.goals is None else t.goals is GoalsReached.REACHED

    return share_of([t for t in trajectories if t.ended], reached, minimum)


def average_duration(trajectories: Iterable[Trajectory], minimum: int = MIN_PEOPLE) -> Decimal | None:
    """Average days of the ended trajectories (one decimal); None over fewer than ``minimum``
    distinct clients."""
    ended = [(t.client, days) for t in trajectories if (days := duration(t)) is not None]
    return mean_days(sum(days for _, days in ended), len(ended), len({c for c, _ in ended}), minimum)


def mean_days(total: int, count: int, people: int, minimum: int = MIN_PEOPLE) -> Decimal | None:
    """``total`` days over ``count`` trajectories of ``people`` distinct clients, one decimal;
    None for none or over fewer than ``minimum`` people (:func:`average_duration` from counts)."""
    if not count or people < minimum:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rounded_to_five(count: int) -> int:
    """A count as it may leave the region (provider views, exports): the nearest multiple of 5,
    halves up (CBS practice)."""
    if count < 0:
        raise MonitoringError(f"a count is never negative, got {count}")
    return (count + 2) // 5 * 5


# -- concentration -------------------------------------------------------------------------------

SMALL_PROVIDER_CLIENTS = 7
"""Providers with fewer clients than this are the memo's 'small tail' (administrative burden)."""


@dataclass(frozen=True, slots=True)
class ProviderSpend:
    agb_code: str
    name: str
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class ConcentrationLine:
    label: str
    providers: int
    cost: Money
    share_pct: Decimal


@dataclass(frozen=True, slots=True)
class Concentration:
    total: ConcentrationLine
    largest: tuple[ConcentrationLine, ...]
    smallest_rest: ConcentrationLine
    small_providers: ConcentrationLine

    def lines(self) -> list[ConcentrationLine]:
        return [self.total, *self.largest, self.smallest_rest, self.small_providers]


def share_pct(part: Money, whole: Money) -> Decimal:
    if whole.cents == 0:
        return Decimal(0)
    return (Decimal(part.cents) * 100 / Decimal(whole.cents)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def providers_holding(spend: Sequence[ProviderSpend], percent: int) -> int:
    """The smallest number of largest providers whose share, in whole percents, reaches ``percent``."""
    ordered = sorted(spend, key=lambda s: (-s.cost.cents, s.agb_code))
    return _holding([s.cost.cents for s in ordered], percent)


def concentration(spend: Sequence[ProviderSpend], shares: Sequence[int] = (90, 80)) -> Concentration:
    """The memo's provider table: total, the largest holding each share, the rest, the small tail."""
    ordered = sorted((s for s in spend if s.cost.cents > 0), key=lambda s: (-s.cost.cents, s.agb_code))
    total = Money.sum(s.cost for s in ordered)
    largest = []
    for percent in shares:
        n = providers_holding(ordered, percent)
        cost = Money.sum(s.cost for s in ordered[:n])
        largest.append(
            ConcentrationLine(f"largest providers holding {percent}%", n, cost, share_pct(cost, total))
        )
    n_main = largest[0].providers if largest else 0
    rest = ordered[n_main:]
    rest_cost = Money.sum(s.cost for s in rest)
    small = [s for s in ordered if s.clients < SMALL_PROVIDER_CLIENTS]
    small_cost = Money.sum(s.cost for s in small)
    return Concentration(
        total=ConcentrationLine("all providers", len(ordered), total, share_pct(total, total)),
        largest=tuple(largest),
        smallest_rest=ConcentrationLine(
            "smallest providers (the rest)", len(rest), rest_cost, share_pct(rest_cost, total)
        ),
        small_providers=ConcentrationLine(
            f"providers with fewer than {SMALL_PROVIDER_CLIENTS} clients",
            len(small),
            small_cost,
            share_pct(small_cost, total),
        ),
    )


class Measure(str, Enum):
    """What a concentration is measured in: approved cost (as the memo does) or clients."""

    COST = "cost"
    CLIENTS = "clients"


@dataclass(frozen=True, slots=True)
class ParetoLine:
    """One provider in the ranking: its clients and cost, and its share of the measure."""

    rank: int
    agb_code: str
    name: str
    clients: int
    cost: Money
    share_pct: Decimal
    cumulative_pct: Decimal
    small: bool
    """Fewer than :data:`SMALL_PROVIDER_CLIENTS` clients: part of the memo's small tail."""


@dataclass(frozen=True, slots=True)
class ProviderPareto:
    """Providers ranked by the measure, and the memo's reading of the ranking."""

    measure: Measure
    lines: tuple[ParetoLine, ...]
    holding: tuple[tuple[int, int], ...]
    """(percent, the number of largest providers holding it), e.g. ((80, 7), (90, 12))."""
    small_providers: int
    small_cost: Money
    small_clients: int

    @property
    def providers(self) -> int:
        return len(self.lines)

    @property
    def cost(self) -> Money:
        return Money.sum(line.cost for line in self.lines)

    @property
    def clients(self) -> int:
        """Clients summed over providers: a client served by two providers counts twice."""
        return sum(line.clients for line in self.lines)

    def providers_holding(self, percent: int) -> int:
        return dict(self.holding)[percent]

    def groups(self) -> list[ParetoGroup]:
        """The memo's table: all providers, the largest holding each percent, the rest after the
        largest holding the highest percent, and the small tail; shares of the measure."""
        whole = self._amount(self.lines)
        rows = [self._group("all providers", self.lines, whole)]
        for percent, n in self.holding:
            rows.append(self._group(f"largest providers holding {percent}%", self.lines[:n], whole))
        if self.holding:
            n_main = max(self.holding)[1]
            rows.append(self._group("smallest providers (the rest)", self.lines[n_main:], whole))
        small = tuple(line for line in self.lines if line.small)
        rows.append(self._group(f"providers with fewer than {SMALL_PROVIDER_CLIENTS} clients", small, whole))
        return rows

    def _amount(self, lines: Sequence[ParetoLine]) -> int:
        if self.measure is Measure.COST:
            return sum(line.cost.cents for line in lines)
        return sum(line.clients for line in lines)

    def _group(self, label: str, lines: Sequence[ParetoLine], whole: int) -> ParetoGroup:
        return ParetoGroup(
            label,
            len(lines),
            sum(line.clients for line in lines),
            Money.sum(line.cost for line in lines),
            _pct(self._amount(lines), whole),
        )


@dataclass(frozen=True, slots=True)
class ParetoGroup:
    """A line of the memo's table: a group of providers, its clients, cost and share."""

    label: str
    providers: int
    clients: int
    cost: Money
    share_pct: Decimal


def _amount(spend: ProviderSpend, measure: Measure) -> int:
    return spend.cost.cents if measure is Measure.COST else spend.clients


def _pct(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _holding(amounts: Sequence[int], percent: int) -> int:
    """In ``amounts`` ordered largest first: the smallest n whose cumulative share, in whole
    percents (halves up), reaches ``percent`` (the memo's reading)."""
    total = sum(amounts)
    if total == 0:
        return 0
    running = 0
    for n, amount in enumerate(amounts, start=1):
        running += amount
        whole = (Decimal(running) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if whole >= percent:
            return n
    return len(amounts)


def provider_pareto(
    spend: Sequence[ProviderSpend],
    measure: Measure = Measure.COST,
    percents: Sequence[int] = (80, 90),
) -> ProviderPareto:
    """Providers ranked largest first by ``measure`` (ties by AGB code), each with its share and
    cumulative share in percent (one decimal, halves up), the number of largest providers
    holding each of ``percents`` (as :func:`providers_holding` reads it), and the small tail
    (fewer than :data:`SMALL_PROVIDER_CLIENTS` clients). Providers with nothing measured are
    left out, as in :func:`concentration`."""
    ordered = sorted(
        (s for s in spend if _amount(s, measure) > 0), key=lambda s: (-_amount(s, measure), s.agb_code)
    )
    amounts = [_amount(s, measure) for s in ordered]
    total = sum(amounts)
    lines = []
    running = 0
    for rank, (s, amount) in enumerate(zip(ordered, amounts, strict=True), start=1):
        running += amount
        lines.append(
            ParetoLine(
                rank=rank,
                agb_code=s.agb_code,
                name=s.name,
                clients=s.clients,
                cost=s.cost,
                share_pct=_pct(amount, total),
                cumulative_pct=_pct(running, total),
                small=s.clients < SMALL_PROVIDER_CLIENTS,
            )
        )
    small = [line for line in lines if line.small]
    return ProviderPareto(
        measure=measure,
        lines=tuple(lines),
        holding=tuple((p, _holding(amounts, p)) for p in percents),
        small_providers=len(small),
        small_cost=Money.sum(line.cost for line in small),
        small_clients=sum(line.clients for line in small),
    )


# -- coverage (dekkend aanbod) -------------------------------------------------------------------

TARGET_GROUPS: Mapping[Law, tuple[TargetGroup, ...]] = {
    Law.WMO: (
        TargetGroup.PSYCHOGERIATRIC_SOMATIC,
        TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL,
        TargetGroup.ACQUIRED_BRAIN_INJURY,
        TargetGroup.MILD_INTELLECTUAL_DISABILITY,
        TargetGroup.COMPLEX_PROBLEMS,
    ),
    Law.JEUGD: (TargetGroup.YOUTH, TargetGroup.YOUTH_MENTAL_HEALTH, TargetGroup.YOUTH_DISABILITY),
}
"""The target groups coverage must hold for, per law (seed 001 names the five Wmo groups)."""


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """One municipality and target group: the providers available to a new client, and whether
    that is fewer than the minimum (a gap)."""

    municipality_code: str
    target_group: TargetGroup
    providers: tuple[str, ...]
    """AGB codes, sorted."""
    minimum: int

    @property
    def gap(self) -> bool:
        return len(self.providers) < self.minimum


def coverage(  # noqa: PLR0917 - the facts coverage is decided on
    providers: Iterable[Provider],
    municipality_codes: Iterable[str],
    law: Law,
    contracted: Set[str],
    clients_in_care: Mapping[str, int],
    minimum: int = 1,
    target_groups: Sequence[TargetGroup] | None = None,
) -> list[CoverageCell]:
    """Per municipality and target group of ``law``, the providers a new client could go to: of
    ``law``, contracted on the day (``contracted``: AGB codes), serving the municipality and the
    target group, not on client stop and with room (:meth:`Provider.has_room` with
    ``clients_in_care``); a gap where fewer than ``minimum`` are left. The one coverage rule:
    a provider going on client stop or filling up shows at once."""
    if minimum < 0:
        raise MonitoringError(f"a minimum number of providers is never negative, got {minimum}")
    groups = tuple(target_groups) if target_groups is not None else TARGET_GROUPS[law]
    available = [
        p
        for p in providers
        if law in p.laws and p.agb_code in contracted and p.has_room(clients_in_care.get(p.agb_code, 0))
    ]
    return [
        CoverageCell(
            code, group, tuple(sorted(p.agb_code for p in available if p.serves(code, group))), minimum
        )
        for code in sorted(set(municipality_codes))
        for group in groups
    ]


# -- the municipality dashboard ------------------------------------------------------------------

GGZ_CATEGORIES: frozenset[str] = frozenset({
    JeugdCategory.BASIS_GGZ.value, JeugdCategory.SPECIALISTISCHE_GGZ.value, JeugdCategory.JEUGD_GGZ.value,
})  # fmt: skip
"""Jeugd GGZ (JZ020 51 generalistische basis-ggz, 52 specialistische ggz, 54 jeugd-ggz): seed 004
wants it visible apart from the rest of youth care."""


@dataclass(frozen=True, slots=True)
class UnitTariff:
    """A product's tariff per unit on one day: what :func:`heaviest_products` compares."""

    product_code: str
    unit: str
    """WJ756 unit code (04 uur, 14 etmaal, 84 stuks inspanning, ...)."""
    cents: int


def heaviest_products(tariffs: Iterable[UnitTariff]) -> frozenset[str]:
    """The *heaviest products* of a law's catalogue on a day, defined once here.

    Tariffs are only comparable per unit (an hour is not a day of residential care), so per WJ756
    unit the products are ranked by tariff per unit, highest first, and the heaviest third of them
    (rounded up) are the heaviest products: Lekstroom 2020 Wmo gives OZR3 (of OZR1-3, all per
    hour); Jeugd gives verblijf met behandeling (per etmaal) and the dearest third of the hourly
    treatment products. A unit with a single tariffed product has nothing to be heavier than and
    gives none. Ties are ranked by product code, so the result does not depend on order.
    """
    per_unit: dict[str, list[UnitTariff]] = {}
    for tariff in tariffs:
        per_unit.setdefault(tariff.unit, []).append(tariff)
    heaviest: set[str] = set()
    for same_unit in per_unit.values():
        if len(same_unit) < 2:  # one product compares with nothing
            continue
        ranked = sorted(same_unit, key=lambda t: (-t.cents, t.product_code))
        heaviest.update(t.product_code for t in ranked[: -(-len(ranked) // 3)])
    return frozenset(heaviest)


def disclosed_share(part: Money, whole: Money, people: int, whole_people: int) -> Decimal | None:
    """The share (0 to 1, four decimals) of ``part`` in ``whole`` for a group of ``people`` out of
    ``whole_people``; None when either group counts 1-9 people (a share over fewer than 10 people
    is suppressed, DOMAIN.md) or there is nothing to divide by. An empty group's share is 0."""
    if whole.cents <= 0 or whole_people < MIN_PEOPLE or 0 < people < MIN_PEOPLE:
        return None
    if not 0 <= part.cents <= whole.cents:
        raise MonitoringError(f"a share needs 0 <= part <= whole, got {part} of {whole}")
    return (Decimal(part.cents) / Decimal(whole.cents)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ReferrerCount:
    """What the store counts for one referrer type in a municipality's year: distinct clients
    and approved cost of the lines on allocations with that referrer (``referrer_type`` a
    COD327 code, None for allocations without a recorded referrer)."""

    referrer_type: str | None
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class ReferrerFigure:
    """One referrer type on the Jeugd dashboard: its code (COD327; None: not recorded), the
    Dutch label, clients, approved cost and its share of the cost (None when the group or the
    whole counts 1-9 people, :func:`disclosed_share`)."""

    referrer_type: str | None
    label: str
    clients: int
    cost: Money
    cost_share: Decimal | None


_COD327 = frozenset(kind.value for kind in ReferrerType)

UNKNOWN_REFERRER_LABEL = "Onbekend"
"""The label of the allocations without a recorded referrer (before the region kept them)."""


def by_referrer(
    counts: Iterable[ReferrerCount], all_clients: int, all_cost: Money
) -> tuple[ReferrerFigure, ...]:
    """The dashboard's figures per referrer type (COD327 order, the unknown last), each with its
    share of ``all_cost`` suppressed as every dashboard group is under 10 people.

    A client whose lines lie on allocations of two referrer types counts under both (as a
    client of two products does), so the clients add up to the total only where each client
    came by one route; the costs always add up to the total."""
    merged: dict[str | None, tuple[int, Money]] = {}
    for count in counts:
        if count.referrer_type is not None and count.referrer_type not in _COD327:
            raise MonitoringError(f"referrer type {count.referrer_type!r} is not in COD327")
        clients, cost = merged.get(count.referrer_type, (0, Money.zero()))
        merged[count.referrer_type] = (clients + count.clients, cost + count.cost)
    ordered = sorted(merged, key=lambda code: (code is None, code or ""))
    return tuple(
        ReferrerFigure(
            code,
            UNKNOWN_REFERRER_LABEL if code is None else ReferrerType(code).short_label,
            merged[code][0],
            merged[code][1],
            disclosed_share(merged[code][1], all_cost, merged[code][0], all_clients),
        )
        for code in ordered
        if merged[code][0] or merged[code][1].cents
    )


# -- the provider benchmark ----------------------------------------------------------------------

CONTINUATION_DAYS = 1
"""A trajectory for the same client, provider and product starting at most this many days after
one that ended without an end reason continues it (a re-allocation, not a new trajectory)."""

MIN_PEERS = 3
"""A peer figure shown to a provider (median, quartiles) needs at least this many other
providers with a value: fewer would let it read one competitor's figure."""

BENCHMARK_FIGURES: tuple[str, ...] = (
    "clients",
    "cost_eur",
    "cost_per_client_eur",
    "avg_duration_days",
    "ended",
    "ended_to_plan_share",
    "goals_reached_share",
    "no_repeat_share",
    "scale_down_share",
    "satisfaction",
)
"""The benchmark's figures per provider, in the order every view shows them."""

COUNT_FIGURES = frozenset({"clients", "ended"})
"""Counts of people or trajectories: exact for the region, rounded to 5 in provider views."""

AMOUNT_FIGURES = frozenset({"cost_eur", "cost_per_client_eur"})
"""Amounts in euros: exact for the region, rounded to multiples of EUR 5 in provider views."""


def join_continuations(
    trajectories: Iterable[Trajectory], gap_days: int = CONTINUATION_DAYS
) -> list[Trajectory]:
    """Trajectories with their continuations joined: a trajectory for the same client, provider,
    product and law that starts at most ``gap_days`` after one ended *without an end reason*
    (the allocation ran out and the next one was issued: a re-allocation) extends it; the
    joined trajectory keeps the first start and the last end, end reason and goals. An end with
    a reason (a 307 stop) is a real end, whatever follows. Sorted by client, start, provider."""
    ordered = sorted(
        trajectories, key=lambda t: (t.client, t.law.value, t.provider_agb, t.product_code, t.start)
    )
    joined: list[Trajectory] = []
    for item in ordered:
        last = joined[-1] if joined else None
        if (
            last is not None
            and (last.client, last.law, last.provider_agb, last.product_code)
            == (item.client, item.law, item.provider_agb, item.product_code)
            and last.end is not None
            and last.end_reason is None
            and item.start <= last.end + timedelta(days=gap_days)
        ):
            end = None if item.end is None else max(item.end, last.end)
            reason, goals = (item.end_reason, item.goals) if end == item.end else (None, last.goals)
            joined[-1] = Trajectory(
                last.client, last.provider_agb, last.product_code, last.law, last.start, end, reason, goals
            )
        else:
            joined.append(item)
    return sorted(joined, key=lambda t: (t.client, t.start, t.provider_agb, t.product_code))


@dataclass(frozen=True, slots=True)
class ProviderYear:
    """What the store counts for a provider in a year: distinct clients and approved cost (the
    lines of ``report providers``)."""

    agb_code: str
    name: str
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class BenchmarkLine:
    """One provider's benchmark figures in a year.

    ``clients``, ``cost`` and ``ended`` are exact (or rounded to 5 in a provider view, see
    :func:`provider_view`); every share, average and score is None over fewer than
    :data:`MIN_PEOPLE` people. Shares are fractions from 0 to 1."""

    agb_code: str
    name: str
    clients: int
    cost: Money
    cost_per_client: Money | None
    """None over fewer than :data:`MIN_PEOPLE` clients."""
    avg_duration_days: Decimal | None
    """Average days of the trajectories that ended in the year."""
    ended: int
    """Trajectories that ended in the year (an end that is not temporary)."""
    ended_to_plan_share: Decimal | None
    goals_reached_share: Decimal | None
    no_repeat_share: Decimal | None
    scale_down_share: Decimal | None
    satisfaction: Decimal | None
    """The client survey's score for the provider (None without enough answers)."""

    def figure(self, name: str) -> Decimal | None:
        """A figure by its name in :data:`BENCHMARK_FIGURES` as a Decimal (amounts in euros)."""
        value = getattr(self, "cost" if name == "cost_eur" else name.removesuffix("_eur"))
        if value is None:
            return None
        if isinstance(value, Money):
            return value.to_decimal()
        return Decimal(value)


@dataclass(frozen=True, slots=True)
class EndedInYear:
    """The trajectories that ended (definitively) in a year: their number, average days and the
    share ended according to plan (None over fewer than :data:`MIN_PEOPLE` people)."""

    ended: int
    average_days: Decimal | None
    ended_to_plan: Decimal | None


def ended_in_year(trajectories: Iterable[Trajectory], year: int, minimum: int = MIN_PEOPLE) -> EndedInYear:
    """:class:`EndedInYear` over ``trajectories`` (after :func:`join_continuations`: a
    re-allocation is not an end), as the dashboard shows it for a municipality."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    ended = [
        t
        for t in join_continuations(trajectories)
        if t.ended and t.end is not None and first <= t.end <= last
    ]
    return EndedInYear(len(ended), average_duration(ended, minimum), ended_to_plan_share(ended, minimum))


def ended_in_year_of(counts: EndedCounts, minimum: int = MIN_PEOPLE) -> EndedInYear:
    """:func:`ended_in_year` from the counts of the trajectories that ended in the year (the
    analytics extract counts them; the share ended to plan is over all ended trajectories)."""
    return EndedInYear(
        counts.ended,
        mean_days(counts.days, counts.ended, counts.people, minimum),
        suppressed_share(counts.to_plan.part, counts.ended, counts.people, minimum),
    )


@dataclass(frozen=True, slots=True)
class ShareCount:
    """What a share is decided on: ``part`` of the ``judged`` trajectories count, over
    ``people`` distinct clients (:func:`suppressed_share` makes the share)."""

    part: int = 0
    judged: int = 0
    people: int = 0

    def share(self, minimum: int = MIN_PEOPLE) -> Decimal | None:
        return suppressed_share(self.part, self.judged, self.people, minimum)

    def __add__(self, other: ShareCount) -> ShareCount:
        """Counts of two disjoint sets of clients together."""
        return ShareCount(self.part + other.part, self.judged + other.judged, self.people + other.people)


@dataclass(frozen=True, slots=True)
class EndedFact:
    """An ended trajectory (after :func:`join_continuations`) with what its indicators need,
    decided against all the client's trajectories and decisions: the product of the one that
    follows it (:func:`scale_down`'s follower, None without one), the end of its no-repeat
    window and whether a decision came within it (:func:`no_repeat`). Weights and ``as_of``
    are applied when the facts are counted (:func:`ended_counts`), so facts can be stored."""

    trajectory: Trajectory
    follower_product: str | None
    window_end: date
    repeated: bool

    @property
    def days(self) -> int:
        found = duration(self.trajectory)
        assert found is not None
        return found

    def no_repeat(self, as_of: date) -> bool | None:
        """:func:`no_repeat` on ``as_of``."""
        if self.repeated:
            return False
        return True if as_of >= self.window_end else None

    def scale_down(self, weight: Callable[[Law, str], int | None]) -> bool:
        """:func:`scale_down` under ``weight``."""
        if self.follower_product is None:
            return False
        heavy = weight(self.trajectory.law, self.trajectory.product_code)
        light = weight(self.trajectory.law, self.follower_product)
        return heavy is not None and light is not None and light < heavy


def ended_facts(
    trajectories: Iterable[Trajectory],
    decisions: Iterable[DecisionFact],
    months: int = NO_REPEAT_MONTHS,
    gap_days: int = SCALE_DOWN_GAP_DAYS,
) -> list[EndedFact]:
    """The :class:`EndedFact` of every trajectory that ended (an end that is not temporary),
    after :func:`join_continuations`, sorted as that sorts them."""
    joined = join_continuations(trajectories)
    by_client: dict[str, list[Trajectory]] = {}
    for item in joined:
        by_client.setdefault(item.client, []).append(item)
    decided: dict[str, list[DecisionFact]] = {}
    for decision in decisions:
        decided.setdefault(decision.client, []).append(decision)
    facts = []
    for item in joined:
        if not item.ended or item.end is None:
            continue
        follower = _successor(item, by_client[item.client], gap_days)
        window_end = add_months(item.end, months)
        end = item.end
        repeated = any(d.law is item.law and end < d.day <= window_end for d in decided.get(item.client, ()))
        facts.append(
            EndedFact(item, None if follower is None else follower.product_code, window_end, repeated)
        )
    return facts


@dataclass(frozen=True, slots=True)
class EndedCounts:
    """The counts a provider's (or a municipality's) trajectory figures are decided on: the
    trajectories that ended in the year, their distinct clients and days, and per share what
    :func:`share_of` would count. Counts of disjoint sets of clients add up."""

    ended: int = 0
    people: int = 0
    days: int = 0
    to_plan: ShareCount = ShareCount()
    """Ended to plan among those with an end reason (``part``: ended to plan at all)."""
    goals: ShareCount = ShareCount()
    no_repeat: ShareCount = ShareCount()
    scale_down: ShareCount = ShareCount()

    def __add__(self, other: EndedCounts) -> EndedCounts:
        return EndedCounts(
            self.ended + other.ended,
            self.people + other.people,
            self.days + other.days,
            self.to_plan + other.to_plan,
            self.goals + other.goals,
            self.no_repeat + other.no_repeat,
            self.scale_down + other.scale_down,
        )


def _count_share(facts: Sequence[EndedFact], predicate: Callable[[EndedFact], bool | None]) -> ShareCount:
    judged = [(f.trajectory.client, answer) for f in facts if (answer := predicate(f)) is not None]
    return ShareCount(
        sum(1 for _, answer in judged if answer), len(judged), len({client for client, _ in judged})
    )


def ended_counts(
    facts: Sequence[EndedFact], as_of: date, weight: Callable[[Law, str], int | None]
) -> EndedCounts:
    """:class:`EndedCounts` of ``facts`` (the trajectories that ended in a year)."""
    return EndedCounts(
        ended=len(facts),
        people=len({f.trajectory.client for f in facts}),
        days=sum(f.days for f in facts),
        to_plan=_count_share(facts, lambda f: _to_plan_if_known(f.trajectory)),
        goals=_count_share(facts, lambda f: None if f.trajectory.goals is None else f.trajectory.goals is GoalsReached.REACHED),
        no_repeat=_count_share(facts, lambda f: f.no_repeat(as_of)),
        scale_down=_count_share(facts, lambda f: f.scale_down(weight)),
    )  # fmt: skip


def benchmark_line(
    provider: ProviderYear, counts: EndedCounts, satisfaction: Decimal | None = None
) -> BenchmarkLine:
    """A provider's :class:`BenchmarkLine` from its clients and cost and the counts of its
    trajectories that ended in the year; every share and average None under
    :data:`MIN_PEOPLE` people."""
    p = provider
    return BenchmarkLine(
        agb_code=p.agb_code,
        name=p.name,
        clients=p.clients,
        cost=p.cost,
        cost_per_client=Money.of(p.cost.to_decimal() / Decimal(p.clients)) if p.clients >= MIN_PEOPLE else None,
        avg_duration_days=mean_days(counts.days, counts.ended, counts.people),
        ended=counts.ended,
        ended_to_plan_share=counts.to_plan.share(),
        goals_reached_share=counts.goals.share(),
        no_repeat_share=counts.no_repeat.share(),
        scale_down_share=counts.scale_down.share(),
        satisfaction=satisfaction,
    )  # fmt: skip


def benchmark_lines_of(
    providers: Iterable[ProviderYear],
    counts: Mapping[str, EndedCounts],
    satisfaction: Mapping[str, Decimal | None] | None = None,
) -> list[BenchmarkLine]:
    """One :func:`benchmark_line` per provider (``counts`` by AGB code; missing: nothing
    ended), largest cost first, ties by AGB code."""
    scores = satisfaction or {}
    lines = [
        benchmark_line(p, counts.get(p.agb_code, EndedCounts()), scores.get(p.agb_code)) for p in providers
    ]
    return sorted(lines, key=lambda line: (-line.cost.cents, line.agb_code))


def benchmark_lines(  # noqa: PLR0917 - the facts a benchmark is decided on
    providers: Iterable[ProviderYear],
    trajectories: Iterable[Trajectory],
    decisions: Iterable[DecisionFact],
    year: int,
    as_of: date,
    weight: Callable[[Law, str], int | None],
    satisfaction: Mapping[str, Decimal | None] | None = None,
) -> list[BenchmarkLine]:
    """One line per provider in ``providers`` (largest cost first, ties by AGB code).

    The trajectory figures are over each provider's trajectories that *ended in* ``year``
    (after :func:`join_continuations`): their number, average duration, the shares ended to
    plan (of those with an end reason: an allocation that ran out without a 307 tells nothing
    about the plan), goals reached (of those with an end evaluation), scale-down (:func:`scale_down` against all the client's trajectories)
    and no repeat (:func:`no_repeat` on ``as_of``). ``satisfaction`` gives each provider's
    survey score (missing: no value)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year: dict[str, list[EndedFact]] = {}
    for fact in ended_facts(trajectories, decisions):
        end = fact.trajectory.end
        if end is not None and first <= end <= last:
            in_year.setdefault(fact.trajectory.provider_agb, []).append(fact)
    counts = {agb: ended_counts(facts, as_of, weight) for agb, facts in in_year.items()}
    return benchmark_lines_of(providers, counts, satisfaction)


def _to_plan_if_known(trajectory: Trajectory) -> bool | None:
    """Ended to plan, judged only where the provider reported why (a 307 with an end reason):
    an allocation that simply ran out says nothing about the plan."""
    return None if trajectory.end_reason is None else ended_to_plan(trajectory)


def median(values: Iterable[Decimal]) -> Decimal | None:
    """The median (the mean of the middle two for an even number); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def quartiles(values: Iterable[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(first quartile, median, third quartile), each the median of its half (the middle value
    left out of both halves for an odd number, Tukey's hinges); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    half = len(ordered) // 2
    lower, upper = ordered[:half], ordered[len(ordered) - half :]
    middle = median(ordered)
    assert middle is not None
    return (median(lower) or middle, middle, median(upper) or middle)


def peer_medians(lines: Sequence[BenchmarkLine], agb_code: str) -> dict[str, Decimal | None]:
    """Per figure of :data:`BENCHMARK_FIGURES`: the median over the *other* providers in
    ``lines`` that have a value (None when none has); an ``agb_code`` of none of them gives
    the median over all."""
    return {
        name: median(
            v for line in lines if line.agb_code != agb_code and (v := line.figure(name)) is not None
        )
        for name in BENCHMARK_FIGURES
    }


def all_peer_medians(lines: Sequence[BenchmarkLine]) -> dict[str, dict[str, Decimal | None]]:
    """:func:`peer_medians` of every provider in ``lines`` (by AGB code) and, under ``""``, the
    median over all: each line's figures read once (a benchmark of 50 providers asks 2,500
    medians)."""
    values = {name: [(line.agb_code, line.figure(name)) for line in lines] for name in BENCHMARK_FIGURES}
    return {
        agb: {
            name: median(v for a, v in found if a != agb and v is not None) for name, found in values.items()
        }
        for agb in [*(line.agb_code for line in lines), ""]
    }


@dataclass(frozen=True, slots=True)
class PeerSpread:
    """The anonymised peers of a figure as a provider may see them: how many peers have a value,
    and their quartiles (None below :data:`MIN_PEERS` peers)."""

    peers: int
    first_quartile: Decimal | None
    median: Decimal | None
    third_quartile: Decimal | None


def peer_spread(
    lines: Sequence[BenchmarkLine], agb_code: str, min_peers: int = MIN_PEERS
) -> dict[str, PeerSpread]:
    """Per figure: the quartiles of the *other* providers with a value, for a provider's own
    view; counts and amounts rounded as :func:`provider_view` rounds them (medians of counts to
    a multiple of 5, of amounts to a multiple of EUR 5); nothing below ``min_peers`` peers."""
    spread = {}
    for name in BENCHMARK_FIGURES:
        values = [v for line in lines if line.agb_code != agb_code and (v := line.figure(name)) is not None]
        found = quartiles(values) if len(values) >= min_peers else None
        if found is None:
            spread[name] = PeerSpread(len(values), None, None, None)
        else:
            q1, mid, q3 = (rounded_figure(name, v) for v in found)
            spread[name] = PeerSpread(len(values), q1, mid, q3)
    return spread


def rounded_figure(name: str, value: Decimal) -> Decimal:
    """A figure of :data:`BENCHMARK_FIGURES` as a provider view shows it: counts to a multiple
    of 5, amounts to a multiple of EUR 5; shares and scores unchanged."""
    if name in COUNT_FIGURES or name in AMOUNT_FIGURES:
        return Decimal(rounded_to_five(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))))
    return value


def _rounded_money(amount: Money) -> Money:
    """An amount to the nearest multiple of EUR 5 (halves up), as counts are rounded to 5."""
    whole_euros = int(amount.to_decimal().quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Money(rounded_to_five(whole_euros) * 100)


def provider_view(line: BenchmarkLine) -> BenchmarkLine:
    """The line as it may leave the region (provider-facing views, exports): counts rounded to
    multiples of 5 and amounts to multiples of EUR 5 (CBS practice); shares and scores, already
    None under :data:`MIN_PEOPLE` people, stay as they are."""
    return BenchmarkLine(
        agb_code=line.agb_code,
        name=line.name,
        clients=rounded_to_five(line.clients),
        cost=_rounded_money(line.cost),
        cost_per_client=None if line.cost_per_client is None else _rounded_money(line.cost_per_client),
        avg_duration_days=line.avg_duration_days,
        ended=rounded_to_five(line.ended),
        ended_to_plan_share=line.ended_to_plan_share,
        goals_reached_share=line.goals_reached_share,
        no_repeat_share=line.no_repeat_share,
        scale_down_share=line.scale_down_share,
        satisfaction=line.satisfaction,
    )
