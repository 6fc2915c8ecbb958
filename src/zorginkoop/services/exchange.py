# SPDX-License-Identifier: EUPL-1.2
"""Use case: process one incoming message (305, 307, 315, 317) and answer it.

Every readable message gets its retour message (306, 308, 316, 318) with RetourCodes per
element: 0200 when accepted, the rule's code otherwise. A message that fails validation as a
whole, repeats an Identificatie (TR056) or is not addressed to one of our municipalities is
refused in its header (0001 or 9056) and changes nothing else. Requests (315/317) are also
answered: with a 319 (refused or in onderzoek) or with a 301 granting them (TR379).

One unit of work per message, one commit: a message is processed entirely or not at all, and
what it is answered with is stored in the outbox (status pending, a fresh Identificatie) in that
same commit. The caller writes the files and then marks them exported
(:func:`zorginkoop.services.outbox.mark_exported`); what cannot be written waits in the outbox
for ``messages export``. A message whose Identificatie was received before gets a retour with
9056 in the header; when its bytes are the same as then, the answers it got then are sent
again with it (the original retour, 319 or 301, as they were).
Bytes that cannot be read as an iWmo/iJw message raise :class:`UnreadableMessage` before the
store is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from zorginkoop.adapters.db.exchange import bsns_in_message
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Message, build_retour, validate_message, write_message
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden.outgoing import allocated_at_now, antwoordbericht
from zorginkoop.domain.allocating import is_current, next_allocation_number, requested_allocation
from zorginkoop.domain.allocation_integrity import (
    check_integrity,
    lines_outside,
    same_product_running,
)
from zorginkoop.domain.allocation_terms import own_budget_limit
from zorginkoop.domain.care import Allocation, CareError
from zorginkoop.domain.catalogue import TariffSchedule, with_own_prices
from zorginkoop.domain.codes import ChangeReason, Frequency, Law
from zorginkoop.domain.delivery import DeliveryKind, DeliveryReport, apply_report, check_start, check_stop
from zorginkoop.domain.exchange import (
    REJECTED_TECHNICALLY,
    file_name,
    identification,
    tr056_identification_unique,
)
from zorginkoop.domain.periods import Period, age_on
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.referral import ReferralError, Referrer, requested_referrer
from zorginkoop.domain.requests import (
    RequestedProduct,
    RequestFacts,
    decide_request,
    tr347_reference_unique,
    tr349_all_current_listed,
    tr350_unchanged_is_current,
    tr351_to_change_is_current,
    tr357_backdated_change_whole_period,
    tr374_no_open_request,
)
from zorginkoop.services import stops
from zorginkoop.services.allocations import ExportedFile, decided_for, queue_toewijzing

INCOMING = ("305", "307", "315", "317")


class UnreadableMessage(ValueError):
    """The bytes are not a readable iWmo/iJw message we receive; nothing was stored."""


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    message: str
    """e.g. WMO305."""
    status: str
    """processed (possibly with refused elements) or rejected (refused as a whole)."""
    codes: dict[str, tuple[str, ...]]
    """RetourCodes per path that are not 0200."""
    outgoing: list[ExportedFile] = field(default_factory=list)
    """What goes out, each stored pending in the outbox (``ExportedFile.message_id``); the
    answers sent again to a repeated message come after its 9056 retour."""
    summary: str = ""


def import_message(
    uow: UnitOfWork, data: bytes, source: str, now: datetime, *, end_on_stop: bool = True
) -> ImportOutcome:
    """Process one incoming message; returns what goes out (stored pending: write the files,
    then mark them exported). ``end_on_stop``: a definitive 307 ends its allocation at once
    (setting ZORGINKOOP_END_ON_STOP)."""
    report = validate_message(data)
    if report.message is None:
        first = report.errors[0] if report.errors else None
        raise UnreadableMessage(f"{source}: not a readable iWmo/iJw 3.2 message: {first}")
    msg = report.message
    if msg.number not in INCOMING:
        raise UnreadableMessage(
            f"{source}: a {msg.spec.name} is not a message a municipality receives (305, 307, 315, 317)"
        )
    at = allocated_at_now(now)
    header: m.Header = msg.bericht.header
    sender, receiver, law = header.afzender, header.ontvanger, msg.law
    ident = header.bericht_identificatie.identificatie
    with uow:
        # the retour's Identificatie and any granted allocation are numbered "highest + 1"; on
        # SQLite this is the write lock from the start, so a second import of the same message
        # waits and then finds it received (9056)
        uow.serialise([f"numbering:{receiver}:{law.value}"])
        # the message's clients are processed whatever its outcome: one log entry each
        uow.log.record(
            ActivityKind.EXCHANGE, f"message.import.{msg.number}", bsns_in_message(data), law=law.value
        )
        header_codes: tuple[str, ...] = ()
        summary = ""
        again: list[ExportedFile] = []
        earlier = uow.messages.received_message(sender[:8], law, msg.number, ident)
        if report.errors:
            header_codes = (REJECTED_TECHNICALLY,)
            summary = "; ".join(str(e) for e in report.errors[:5])
        elif tr056_identification_unique(ident, [ident] if earlier is not None else []):
            header_codes = ("9056",)
            summary = f"TR056: Identificatie {ident} was received before from {sender}"
            if earlier is not None and earlier[1] == data:
                # the same bytes again: what was answered then goes out again as it was
                again = [
                    ExportedFile(o.file_name, o.content, o.id) for o in uow.messages.replies_to(earlier[0])
                ]
                summary += f"; the same bytes: its {len(again)} answer(s) are sent again"
        elif receiver not in uow.workflow.municipality_codes():
            header_codes = (REJECTED_TECHNICALLY,)
            summary = f"Ontvanger {receiver} is not a municipality of this region"
        duplicate = header_codes == ("9056",)
        # a repeated Identificatie is answered but not stored again (it is unique in the inbox)
        in_id = (
            None
            if duplicate
            else uow.messages.add(
                direction="in",
                law=law.value,
                message_type=msg.number,
                identification=ident,
                sender=sender[:8],
                receiver=receiver[:8],
                dated=header.bericht_identificatie.dagtekening,
                municipality_code=receiver[:4],
                provider_agb=sender[:8],
                status="rejected" if header_codes else "processed",
                created_at=at,
                exported_at=None,
                in_reply_to=None,
                file_name=source[-255:],
                content=data,
                summary=summary,
            )
        )
        outgoing: list[ExportedFile] = []
        codes: dict[str, tuple[str, ...]] = {}
        if not header_codes and in_id is not None:
            ctx = _Context(uow, msg, sender, receiver, law, in_id, at)
            if msg.number in ("305", "307"):
                codes = _deliveries(ctx, end_on_stop=end_on_stop)
            elif msg.number == "315":
                codes, outgoing = _request_allocation(ctx)
            else:
                codes, outgoing = _request_change(ctx)
        retour_codes = {"/Bericht/Header": header_codes} if header_codes else codes
        outgoing.insert(0, _retour(uow, msg, receiver, sender, law, retour_codes, in_id, at))
        outgoing.extend(again)
        uow.commit()
    return ImportOutcome(
        msg.spec.name, "rejected" if header_codes else "processed", retour_codes, outgoing, summary
    )


@dataclass(slots=True)
class _Context:
    uow: UnitOfWork
    msg: Message
    sender: str
    receiver: str
    law: Law
    message_id: int
    at: datetime


def _out(  # noqa: PLR0917
    uow: UnitOfWork, law: Law, number: str, sender: str, receiver: str, content: bytes, ident: str, at: datetime,
    in_reply_to: int | None, summary: str = "",
) -> ExportedFile:  # fmt: skip
    name = file_name(law.message_prefix, number, sender, receiver, ident)
    message_id = uow.messages.add(
        direction="out",
        law=law.value,
        message_type=number,
        identification=ident,
        sender=sender,
        receiver=receiver,
        dated=at.date(),
        municipality_code=sender,
        provider_agb=receiver,
        status="pending",
        created_at=at,
        exported_at=None,
        in_reply_to=in_reply_to,
        file_name=name,
        content=content,
        summary=summary,
    )
    return ExportedFile(name, content, message_id)


def _retour(  # noqa: PLR0917
    uow: UnitOfWork, msg: Message, municipality: str, provider: str, law: Law,
    codes: dict[str, tuple[str, ...]], in_id: int | None, at: datetime,
) -> ExportedFile:  # fmt: skip
    from zorginkoop.adapters.istandaarden.schema import HEEN_OF

    number = HEEN_OF[msg.number]
    sender = municipality[:8] or "0000"
    ident = identification(number, uow.messages.next_sequence(sender, law, number))
    bericht, number = build_retour(msg, identificatie=ident, dagtekening=at.date(), codes=codes)
    content = write_message(bericht, law=law, number=number)
    summary = "; ".join(f"{p}: {','.join(c)}" for p, c in codes.items()) or "0200"
    return _out(uow, law, number, sender, provider[:8], content, ident, at, in_id, summary)


# -- 305 / 307 --------------------------------------------------------------------------------


def _deliveries(ctx: _Context, *, end_on_stop: bool) -> dict[str, tuple[str, ...]]:
    """305/307: the cross-message rules per element; an accepted stop goes to the stop
    worklist (domain.stopping: OP279, the municipality ends the allocation, or the region at once
    with ``end_on_stop``), a removed stop undoes what it caused."""
    client = ctx.msg.bericht.client
    start = ctx.msg.number == "305"
    items = client.start_producten if start else client.stop_producten
    base = (
        "/Bericht/Client/StartProducten/StartProduct"
        if start
        else "/Bericht/Client/StopProducten/StopProduct"
    )
    codes: dict[str, tuple[str, ...]] = {}
    known: dict[int, list[tuple[int | None, Any]]] = {}
    for i, p in enumerate(items, 1):
        report = DeliveryReport(
            DeliveryKind.START if start else DeliveryKind.STOP,
            client.bsn,
            p.toewijzing_nummer,
            p.begindatum,
            p.status_aanlevering,
            None if start else p.einddatum,
            None if start else p.reden_beeindiging,
        )
        allocation = (
            ctx.uow.workflow.allocation(
                ctx.receiver, ctx.law, p.toewijzing_nummer, purpose=ActivityKind.EXCHANGE
            )
            if p.toewijzing_nummer is not None
            else None
        )
        found = (
            allocation is not None
            and allocation.client_bsn == client.bsn
            and allocation.provider_agb == ctx.sender
        )
        events: list[tuple[int | None, Any]] = []
        if found and p.toewijzing_nummer is not None:
            if p.toewijzing_nummer not in known:
                known[p.toewijzing_nummer] = list(
                    ctx.uow.deliveries.events(ctx.receiver, ctx.law, p.toewijzing_nummer)
                )
            events = known[p.toewijzing_nummer]
        plain = [e for _, e in events]
        found_codes = (check_start if start else check_stop)(report, found, plain)
        if found_codes:
            codes[f"{base}[{i}]"] = found_codes
            continue
        assert p.toewijzing_nummer is not None
        removed: int | None = None
        if report.status == "3":
            # the latest current report with the same key is removed (OP033)
            for j in range(len(events) - 1, -1, -1):
                event_id, event = events[j]
                if event.current and event.kind is report.kind and event.key == report.key:
                    if event_id is not None:
                        ctx.uow.deliveries.set_removed(event_id)
                        removed = event_id
                    events[j] = (event_id, replace(event, current=False))
                    break
        event_id = ctx.uow.deliveries.add(
            kind=report.kind.value,
            municipality_code=ctx.receiver,
            law=ctx.law.value,
            allocation_number=p.toewijzing_nummer,
            client_bsn=client.bsn,
            provider_agb=ctx.sender,
            start_date=p.begindatum,
            end_date=report.end_date,
            end_reason=report.end_reason,
            status=report.status,
            current=report.status != "3",
            message_id=ctx.message_id,
            received_at=ctx.at,
        )
        if report.status != "3":
            events.append((event_id, apply_report(report, [])[-1]))
        if start:
            continue
        if removed is not None:
            stops.stop_removed(ctx.uow, removed, ctx.at)
        elif report.status != "3" and allocation is not None:
            stops.stop_reported(ctx.uow, allocation, event_id, report.end_date, report.end_reason, ctx.at,
                                end_on_stop=end_on_stop)  # fmt: skip
    return codes


# -- 315 / 317 ----------------------------------------------------------------------------------


def _facts(ctx: _Context, bsn: str, products: list[RequestedProduct]) -> RequestFacts:
    clients = ctx.uow.workflow.clients([bsn], purpose=ActivityKind.EXCHANGE)
    client = clients.get(bsn)
    inhabitant = client is not None and client.municipality_code == ctx.receiver
    first = min((p.start for p in products), default=ctx.at.date())
    provider = ctx.uow.providers.get(ctx.sender)
    codes = {p.product_code for p in products if p.product_code}
    known = {c for c in codes if ctx.uow.workflow.product_category(ctx.law, c) is not None}
    contracted = {c for c in known if ctx.uow.workflow.contracted(ctx.sender, ctx.law, c, first)}
    return RequestFacts(
        inhabitant=inhabitant,
        client_age_on_start=age_on(client.birth_date, first) if client else None,
        is_youth_care=ctx.law is Law.JEUGD,
        provider_serves_municipality=provider is not None
        and provider.serves(ctx.receiver)
        and ctx.law in provider.laws,
        known_products=frozenset(known),
        contracted_products=frozenset(contracted),
        address_on_file=bool(ctx.uow.workflow.contacts([bsn], purpose=ActivityKind.EXCHANGE)),
    )


def _answer(ctx: _Context, reference: str, answer: str, reason: str | None) -> ExportedFile:
    ident = identification("319", ctx.uow.messages.next_sequence(ctx.receiver, ctx.law, "319"))
    content = antwoordbericht(
        ctx.law,
        municipality_code=ctx.receiver,
        provider_agb=ctx.sender,
        identificatie=ident,
        dagtekening=ctx.at.date(),
        referentie_aanbieder=reference,
        verzoek_antwoord=answer,
        reden_afwijzing=reason,
    )
    return _out(ctx.uow, ctx.law, "319", ctx.receiver, ctx.sender, content, ident, ctx.at, ctx.message_id,
                f"ReferentieAanbieder {reference}: {answer} {reason or ''}".strip())  # fmt: skip


def _store_request(  # noqa: PLR0917
    ctx: _Context,
    kind: str,
    bsn: str,
    reference: str,
    status: str,
    reason: str | None,
    referrer: Referrer | None = None,
) -> int:
    return ctx.uow.requests.add(
        referrer_type=referrer.type.value if referrer else None,
        referrer_name=referrer.name if referrer else None,
        referrer_agb=referrer.agb_code if referrer else None,
        kind=kind,
        law=ctx.law.value,
        provider_agb=ctx.sender,
        municipality_code=ctx.receiver,
        client_bsn=bsn,
        reference=reference,
        status=status,
        reason=reason,
        payload="",
        message_id=ctx.message_id,
        answer_message_id=None,
        received_at=ctx.at,
        answered_at=ctx.at if status in ("granted", "refused") else None,
    )


def _new_allocation(  # noqa: PLR0917
    ctx: _Context, bsn: str, product: m.Product | None, period: Period,
                    omvang: m.Omvang | None, budget: Any, reference: str) -> Allocation:  # fmt: skip
    number = next_allocation_number(ctx.uow.workflow.max_number(ctx.receiver, ctx.law))
    allocation = requested_allocation(
        number=number,
        client_bsn=bsn,
        provider_agb=ctx.sender,
        municipality_code=ctx.receiver,
        law=ctx.law,
        category=product.categorie if product else "",
        product_code=product.code if product else None,
        valid=period,
        allocated_at=ctx.at,
        volume=omvang.volume if omvang else None,
        unit=omvang.eenheid if omvang else None,
        frequency=omvang.frequentie if omvang else None,
        budget=budget,
        provider_reference=reference,
    )
    # every allocation keeps its budget limit (TR369), priced with the catalogue
    return replace(
        allocation,
        budget_limit=own_budget_limit(
            allocation,
            with_own_prices(
                TariffSchedule.of(ctx.uow.catalogue.tariffs(ctx.law)),
                ctx.uow.catalogue.provider_tariffs(ctx.law, allocation.provider_agb),
            ),
        ),
    )


def _request_allocation(ctx: _Context) -> tuple[dict[str, tuple[str, ...]], list[ExportedFile]]:
    client: m.VerzoekToewijzingClient = ctx.msg.bericht.client
    codes: dict[str, tuple[str, ...]] = {}
    accepted: list[tuple[str, m.AangevraagdProduct]] = []
    open_refs = [r.reference for r in ctx.uow.requests.open_for(ctx.sender, ctx.law, client.bsn)]
    for i, p in enumerate(client.aangevraagde_producten, 1):
        path = f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{i}]"
        found = tr347_reference_unique(
            p.referentie_aanbieder,
            ctx.uow.requests.reference_used(ctx.sender, ctx.law, p.referentie_aanbieder),
        ) or tr374_no_open_request(open_refs)
        if found:
            codes[path] = found
        else:
            accepted.append((path, p))
    outgoing: list[ExportedFile] = []
    for _path, p in accepted:
        referrer = _verwijzer(ctx.law, p.verwijzer)
        wanted = [RequestedProduct(p.product.categorie if p.product else "", p.product.code if p.product else None,
                                   p.toewijzing_ingangsdatum)]  # fmt: skip
        decision = decide_request(wanted, _facts(ctx, client.bsn, wanted))
        if decision.granted:
            try:
                allocation = _new_allocation(
                    ctx, client.bsn, p.product, Period(p.toewijzing_ingangsdatum, p.toewijzing_einddatum),
                    p.omvang, p.budget, p.referentie_aanbieder,
                )  # fmt: skip
                # the allocation carries the request's Verwijzer (Jeugd; the Wmo has none)
                allocation = replace(allocation, referrer=requested_referrer(ctx.law, referrer))
            except CareError:
                decision = replace(decision, granted=False, answer="1", reason=None)
            else:
                _store_request(ctx, "315", client.bsn, p.referentie_aanbieder, "granted", None, referrer)
                ctx.uow.workflow.add_allocation(allocation)
                outgoing.append(_granted_301(ctx, allocation, [allocation.number]))
                continue
        reason = decision.reason.value if decision.reason else ("4" if decision.answer == "1" else None)
        status = "in-onderzoek" if decision.answer == "2" else "refused"
        _store_request(ctx, "315", client.bsn, p.referentie_aanbieder, status, reason, referrer)
        outgoing.append(_answer(ctx, p.referentie_aanbieder, decision.answer or "1", reason))
    return codes, outgoing


def _verwijzer(law: Law, verwijzer: m.Verwijzer | None) -> Referrer | None:
    """The 315's Verwijzer as the domain keeps it (None under the Wmo, or when it is not a
    referrer the domain can keep: the message layer validated it already)."""
    if law is not Law.JEUGD or verwijzer is None:
        return None
    try:
        return Referrer.of(verwijzer.type, verwijzer.naam, verwijzer.zorgverlener_code)
    except ReferralError:
        return None


def _granted_301(ctx: _Context, allocation: Allocation, changed: list[int]) -> ExportedFile:
    name = queue_toewijzing(ctx.uow, allocation, on=ctx.at.date(), now=ctx.at, changed=changed)
    pending = [x for x in ctx.uow.messages.outbox("301", "pending", ctx.law) if x.file_name == name]
    ctx.uow.messages.reply_to(pending[-1].id, ctx.message_id)
    return ExportedFile(name, pending[-1].content, pending[-1].id)


def _request_change(ctx: _Context) -> tuple[dict[str, tuple[str, ...]], list[ExportedFile]]:
    client: m.VerzoekWijzigingClient = ctx.msg.bericht.client
    verzoek = client.verzoek
    base = "/Bericht/Client/Verzoek"
    dagtekening: date = ctx.msg.bericht.header.bericht_identificatie.dagtekening
    codes: dict[str, tuple[str, ...]] = {}
    ref = verzoek.referentie_aanbieder
    used = ctx.uow.requests.reference_used(ctx.sender, ctx.law, ref)
    open_refs = [r.reference for r in ctx.uow.requests.open_for(ctx.sender, ctx.law, client.bsn)]
    mine = [
        a
        for a in ctx.uow.workflow.client_allocations(
            client.bsn, purpose=ActivityKind.EXCHANGE, provider_agb=ctx.sender, law=ctx.law
        )
        if a.municipality_code == ctx.receiver
    ]
    current = {a.number: a for a in mine if is_current(a, dagtekening)}
    listed = [p.toewijzing_nummer for p in verzoek.ongewijzigde_producten] + [
        p.toewijzing_nummer for p in verzoek.te_wijzigen_producten
    ]
    found = tr347_reference_unique(ref, used) + tr374_no_open_request(open_refs)
    found += tr349_all_current_listed(list(current), listed)
    if found:
        codes[base] = found
    for i, p in enumerate(verzoek.ongewijzigde_producten, 1):
        c = tr350_unchanged_is_current(p.toewijzing_nummer, current)
        if c:
            codes[f"{base}/OngewijzigdeProducten/OngewijzigdProduct[{i}]"] = c
    for i, tw in enumerate(verzoek.te_wijzigen_producten, 1):
        original = current.get(tw.toewijzing_nummer)
        c = tr351_to_change_is_current(tw.toewijzing_nummer, current) or tr357_backdated_change_whole_period(
            tw.gewenste_ingangsdatum, dagtekening, original.valid.start if original else None
        )
        if c:
            codes[f"{base}/TeWijzigenProducten/TeWijzigenProduct[{i}]"] = c
    if codes:
        return codes, []
    wanted = [
        RequestedProduct(current[p.toewijzing_nummer].category, current[p.toewijzing_nummer].product_code,
                         p.gewenste_ingangsdatum)
        for p in verzoek.te_wijzigen_producten
    ] + [
        RequestedProduct(p.product.categorie if p.product else "", p.product.code if p.product else None,
                         p.gewenste_ingangsdatum)
        for p in verzoek.nieuwe_producten
    ]  # fmt: skip
    decision = decide_request(wanted, _facts(ctx, client.bsn, wanted))
    if decision.granted:
        try:
            changed = _apply_change(ctx, client.bsn, verzoek, current)
        except CareError:
            decision = replace(decision, granted=False, answer="1", reason=None)
        else:
            _store_request(ctx, "317", client.bsn, ref, "granted", None)
            return codes, [_granted_301(ctx, changed[0], [a.number for a in changed])]
    reason = decision.reason.value if decision.reason else ("4" if decision.answer == "1" else None)
    status = "in-onderzoek" if decision.answer == "2" else "refused"
    _store_request(ctx, "317", client.bsn, ref, status, reason)
    return codes, [_answer(ctx, ref, decision.answer or "1", reason)]


def _apply_change(
    ctx: _Context, bsn: str, verzoek: m.Verzoek, current: dict[int, Allocation]
) -> list[Allocation]:
    """Grant a 317: a change from the original start replaces the allocation (RedenWijziging 12,
    initiated by the provider); a change from a later date ends it the day before and adds a new
    allocation from that date, for the same decision. Every resulting ToegewezenProduct carries
    the reference (TR379).

    The allocation rules hold here too (:mod:`zorginkoop.domain.allocation_integrity`): the
    volume changes in place only with frequency 6 (OP033x1), a decided product's allocations
    do not overlap and stay within the decision; what breaks them raises CareError (the request
    is refused). Approved lines the change leaves outside an allocation are recorded."""
    ref = verzoek.referentie_aanbieder
    out: list[Allocation] = []
    for p in verzoek.te_wijzigen_producten:
        a = current[p.toewijzing_nummer]
        volume = p.omvang.volume if p.omvang else a.volume
        if p.gewenste_ingangsdatum == a.valid.start:
            changed = replace(a, valid=Period(a.valid.start, p.einddatum), volume=volume,
                              budget=p.budget if p.budget is not None else a.budget,
                              change_reason=ChangeReason.INITIATIEF_AANBIEDER, allocated_at=ctx.at,
                              provider_reference=ref)  # fmt: skip
            _keep_integrity(ctx, a, [changed])
            ctx.uow.workflow.replace_allocation(changed)
            _record_outside(ctx, changed)
            out.append(changed)
        else:
            ended = replace(a, valid=Period(a.valid.start, p.gewenste_ingangsdatum - timedelta(days=1)),
                            change_reason=ChangeReason.INITIATIEF_AANBIEDER, allocated_at=ctx.at,
                            provider_reference=ref)  # fmt: skip
            omvang = (
                m.Omvang(volume=volume, eenheid=a.unit.value, frequentie=a.frequency.value)
                if volume is not None and a.unit and a.frequency
                else None
            )
            new = _new_allocation(ctx, bsn, m.Product(categorie=a.category, code=a.product_code),
                                  Period(p.gewenste_ingangsdatum, p.einddatum), omvang,
                                  p.budget if p.budget is not None else (None if omvang else a.budget), ref)  # fmt: skip
            # the same decided product goes on, with its referrer
            new = replace(new, decision_id=a.decision_id, referrer=a.referrer)
            _keep_integrity(ctx, a, [ended, new])
            ctx.uow.workflow.replace_allocation(ended)
            _record_outside(ctx, ended)
            out.append(ended)
            ctx.uow.workflow.add_allocation(new)
            out.append(new)
    for n in verzoek.nieuwe_producten:
        new = _new_allocation(
            ctx, bsn, n.product, Period(n.gewenste_ingangsdatum, n.einddatum), n.omvang, n.budget, ref
        )
        held = same_product_running(new, [*{a.number: a for a in [*current.values(), *out]}.values()])
        if held is not None:
            raise CareError(f"product {new.product_code} is allocated already: allocation {held.number}")
        ctx.uow.workflow.add_allocation(new)
        out.append(new)
    if not out:
        raise CareError("a 317 without products to change or add grants nothing")
    return out


def _keep_integrity(ctx: _Context, current: Allocation, result: list[Allocation]) -> None:
    """OP033x1 and the decided product's integrity for what a 317 makes of ``current``."""
    changed = result[0]
    if len(result) == 1 and changed.volume != current.volume and current.frequency is not Frequency.TOTAAL:
        raise CareError(
            f"allocation {current.number}: a volume changes only with frequency 6 (OP033x1); "
            "ask for the change from a later date"
        )
    decided, siblings = decided_for(ctx.uow, current, purpose=ActivityKind.EXCHANGE)
    if decided is not None:
        check_integrity(decided, [a for a in siblings if a.number != current.number] + result)


def _record_outside(ctx: _Context, allocation: Allocation) -> None:
    paid = ctx.uow.workflow.paid_lines(allocation.municipality_code, allocation.law, allocation.number)
    ctx.uow.workflow.record_outside_lines(allocation, lines_outside(allocation.valid, paid), ctx.at)
