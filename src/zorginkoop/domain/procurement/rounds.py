# SPDX-License-Identifier: EUPL-1.2
"""Contracting after the award: an additional round for a coverage gap, and the continuous
admission of an open house.

**Additional round** (issue 11, scope 3; seed 001: "aanvullend contracteren waar een gemeente of
doelgroep niet gedekt is"). After the parent tender's evaluation is fixed (its intended award),
the cells (municipality x target group) its admitted bids leave uncovered may be put out again,
and only those: the round is a copy of the parent (lots, products, tariffs, requirements,
criteria, scale, term) with its own registration period, limited to the gap cells. A bid in it
must serve at least one gap cell; it counts for the gap cells only. Requirements that ask the
bidder to serve named municipalities or target groups are left out of the round: the round asks
exactly the gap. Its final award adds contracts under the parent's framework agreement and lots.

**Open house admission** (scope 1: "continuous for open house"). An admission procedure has no
ranking: each bid that meets the requirements is admitted on its own, also after the framework
agreement exists, and its contract runs from the admission day (never before the term's start).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from zorginkoop.domain.codes import TargetGroup
from zorginkoop.domain.monitoring import CoverageCell
from zorginkoop.domain.procurement.evaluation import Bid
from zorginkoop.domain.procurement.model import (
    MAX_TENDER_CODE,
    Procedure,
    RegistrationPeriod,
    RequirementKind,
    Tender,
    TenderError,
)

Cell = tuple[str, TargetGroup]
"""(municipality code, target group)."""

ROUND_REQUIREMENTS_LEFT_OUT = frozenset({RequirementKind.MUNICIPALITIES, RequirementKind.TARGET_GROUPS})
"""Requirements about where a bidder works: an additional round asks for its gap instead."""


def gap_cells(cells: Iterable[CoverageCell]) -> frozenset[Cell]:
    """The cells with a gap (fewer providers than the minimum)."""
    return frozenset((c.municipality_code, c.target_group) for c in cells if c.gap)


def round_code(parent: str, existing: Iterable[str]) -> str:
    """The next free code ``<parent>-R<n>`` (n from 1), or :class:`TenderError` when it does not
    fit the tender code's length (then the user gives one)."""
    taken = set(existing)
    n = 1
    while f"{parent}-R{n}" in taken:
        n += 1
    code = f"{parent}-R{n}"
    if len(code) > MAX_TENDER_CODE:
        raise TenderError(
            f"the round's code {code} is longer than {MAX_TENDER_CODE} characters; give one with --code"
        )
    return code


def additional_round(parent: Tender, code: str, gap: Iterable[Cell], opens: date, closes: date) -> Tender:
    """The additional round of ``parent`` for ``gap``: registration ``opens`` .. ``closes``
    (both included). Refused without a gap, for a round of a round, or for an open house (which
    admits during its whole term: a gap there is filled by the next admission)."""
    cells = frozenset(gap)
    if parent.round_of is not None:
        raise TenderError(
            f"tender {parent.code} is itself an additional round of {parent.round_of}; "
            f"open the round on {parent.round_of}"
        )
    if parent.procedure is Procedure.OPEN_HOUSE:
        raise TenderError(
            f"tender {parent.code} is an open house: it admits new providers during its whole term, "
            "so a gap needs no additional round (tenders admit)"
        )
    if not cells:
        raise TenderError(
            f"tender {parent.code}: the admitted bids cover every municipality and target group; "
            "there is no gap for an additional round"
        )
    if closes < opens:
        raise TenderError(
            f"the additional round's registration closes on {closes}, before it opens on {opens}"
        )
    return replace(
        parent,
        code=code,
        name=f"{parent.name} (aanvullende ronde)",
        registration=RegistrationPeriod(opens, closes),
        requirements=tuple(r for r in parent.requirements if r.kind not in ROUND_REQUIREMENTS_LEFT_OUT),
        published=opens,
        round_of=parent.code,
        gap=cells,
    )


def bid_cells(bid: Bid) -> frozenset[Cell]:
    """Every cell the bid declares to serve."""
    return frozenset((m, g) for m in bid.municipalities for g in bid.target_groups)


def gap_filled(tender: Tender, bid: Bid) -> frozenset[Cell]:
    """The cells of an additional round's gap the bid serves: what it counts for."""
    return bid_cells(bid) & tender.gap


def check_gap_bid(tender: Tender, bid: Bid) -> None:
    """A bid in an additional round serves at least one gap cell; else :class:`TenderError`."""
    if tender.round_of is None or gap_filled(tender, bid):
        return
    raise TenderError(
        f"tender {tender.code} is an additional round for the gap of {tender.round_of} only "
        f"({describe(tender.gap)}); this bid serves none of those cells"
    )


def describe(cells: Iterable[Cell], names: dict[str, str] | None = None) -> str:
    """``Houten: jeugd, ouderen; Vianen: ggz`` (municipality names when given)."""
    by_place: dict[str, list[str]] = {}
    for m, g in sorted(cells, key=lambda c: (c[0], c[1].value)):
        by_place.setdefault(m, []).append(g.value)
    return "; ".join(f"{(names or {}).get(m, m)}: {', '.join(gs)}" for m, gs in by_place.items())


def with_round_bids(
    cells: Sequence[CoverageCell], round_bids: Iterable[tuple[Bid, frozenset[Cell]]]
) -> list[CoverageCell]:
    """``cells`` with each admitted round bid counted in the gap cells it fills (and nowhere
    else): ``round_bids`` pairs a bid with its round's gap."""
    extra: dict[Cell, set[str]] = {}
    for bid, gap in round_bids:
        for cell in bid_cells(bid) & gap:
            extra.setdefault(cell, set()).add(bid.provider_agb)
    return [
        replace(
            c,
            providers=tuple(
                sorted(set(c.providers) | extra.get((c.municipality_code, c.target_group), set()))
            ),
        )
        for c in cells
    ]


def admission_start(tender: Tender, on: date) -> date:
    """The first day of a contract admitted (or added by a round) on ``on``: that day, or the
    term's start when it lies later."""
    return max(on, tender.term.start)


def admitted_reason(on: date) -> str:
    """The reason an open house's admission records for a bid admitted on its own."""
    return f"admitted on {on.isoformat()}"


def check_admission(tender: Tender, on: date, *, final: bool, admitted_before: date | None) -> None:
    """An open house admits a bid on its own once the framework agreement exists, within the
    registration period, once per provider and lot."""
    if tender.procedure is not Procedure.OPEN_HOUSE:
        raise TenderError(
            f"tender {tender.code} is a {tender.procedure.value} procedure: its bids are awarded "
            "together (tenders award, tenders finalize); admission one by one is for an open house"
        )
    if not final:
        raise TenderError(
            f"tender {tender.code} has no framework agreement yet: award and finalize it first, "
            "then admit later bids one by one"
        )
    if admitted_before is not None:
        raise TenderError(
            f"tender {tender.code}: this bid was decided on {admitted_before} already; a bid is admitted once"
        )
    if not tender.registration.accepts(on):
        raise TenderError(
            f"tender {tender.code}: admission runs {tender.registration.opens} to "
            f"{tender.registration.closes}, not on {on}"
        )
