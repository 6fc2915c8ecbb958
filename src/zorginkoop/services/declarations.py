# SPDX-License-Identifier: EUPL-1.2
"""Use case: process a declaration file (323): read, adjudicate, store and pay, answer with a 325.

One file is one declaration and one transaction: the ``processed_file`` row (by sha256), the
declaration, its lines with their outcomes, one payment per approved line, new ceiling notices
and the 325 in the outbox (status pending, a fresh Identificatie: TR056 holds for our own
messages too) are committed together or not at all. The 325's file is written after the commit
(atomically, by rename) and only then is the 325 marked exported; when it cannot be written it
waits in the outbox and ``zorginkoop messages export --type 325`` delivers it later.

- What shares a running sum is serialised before anything is read: the provider's allocations,
  references and numbers under the law, its contracts with a ceiling and the collective
  ceilings they count towards (PostgreSQL: advisory locks in one fixed order; SQLite: the write
  lock from the start of the transaction). Two files for the same month under different
  references pay it once (the second gets 9389); a ``weigeren`` ceiling is never overshot.
- The same bytes again grant nothing and get the answer they got the first time: the stored
  325 (or, for a refused file, its stored refusal) is written again. Two imports of one file at
  the same moment: the second waits for the first and then does just that.
- A file that cannot be read (not XML, a DTD, not UTF-8, wrong namespace, too large, a header
  that breaks the XSD...) raises :class:`DeclarationFileError` and changes nothing. Once the
  header is read the declaration is answered (OP090x4): TR135 (8848 on the header), CS340 and
  TR137 (0001) on the DeclaratiePeriode, and content that breaks the XSD after the header (an
  invalid BSN, an impossible date: 0001) refuse it in a 325; nothing is paid.
- Message-level refusals (TR056 9056, TR333 9333, TR358 0001, and the rules within one
  message that the streaming reader leaves: TR101, TR137, TR315, TR316, TR416, CD060, CD087,
  CS100, CS337, each 0001) are answered with a 325 that refuses the header or the declaration;
  nothing is paid, only the file's hash and its refusal are kept.
"""

from __future__ import annotations

import gc
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.declaration_store import (
    AnsweredDeclaration,
    DeclarationStore,
    HeadRow,
    ProcessedFile,
)
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.errors import MessageError
from zorginkoop.adapters.istandaarden.fast323 import (
    DeclarationHead,
    FastDeclaratie,
    ReadLine,
    declaratie_antwoord,
)
from zorginkoop.adapters.istandaarden.safe import Limits
from zorginkoop.domain import adjudication as rules
from zorginkoop.domain.declaration_header import refusal_codes, system_date
from zorginkoop.domain.declarations import LineOutcome, LineStatus
from zorginkoop.domain.exchange import file_name, identification
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.services import analytics
from zorginkoop.services.outbox import check_writable, deliver

Progress = Callable[[int, int], None]
"""Called now and then with (lines read, bytes read)."""

RETRIES = 3


class DeclarationFileError(ValueError):
    """A file that cannot be processed as a declaration; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class FileResult:
    """What processing one file came to (one row of the CLI's summary table)."""

    path: Path
    status: str
    """processed, duplicate (the same bytes before: nothing granted, the answer given then is
    sent again), refused (header or declaration refused in the 325: nothing paid)."""
    provider_agb: str
    municipality_code: str
    declaration_number: str
    lines: int
    approved: int
    rejected: int
    submitted: Money
    granted: Money
    codes: Counter[str] = field(default_factory=Counter)
    answer: Path | None = None
    """The 325 on disk; None when it could not be written (see ``waiting``)."""
    note: str = ""
    waiting: str = ""
    """Why the 325 is not on disk: it waits in the outbox (``messages export --type 325``)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def declaration_files(paths: Iterable[Path]) -> list[Path]:
    """The files to process: files as given, directories by their ``*.xml`` files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml"))
        else:
            found.append(path)
    return found


def read_declaration(
    path: Path, limits: Limits, progress: Progress | None = None
) -> tuple[DeclarationHead, list[ReadLine]]:
    """Read the whole declaration (streaming) or raise :class:`DeclarationFileError`."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            return _read_stream(f, str(path), size, limits, progress)
    except OSError as exc:
        raise DeclarationFileError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def _read_stream(
    f: BinaryIO, label: str, size: int, limits: Limits, progress: Progress | None
) -> tuple[DeclarationHead, list[ReadLine]]:
    """Read a declaration from ``f`` (``size`` bytes; ``label`` names it in errors)."""
    if size > limits.max_bytes:
        raise DeclarationFileError(
            f"{label}: {size:,} bytes is more than the limit of {limits.max_bytes:,} bytes "
            "(ZORGINKOOP_MAX_MESSAGE_BYTES); split the declaration or raise the limit"
        )
    try:
        reader = FastDeclaratie(f, limits)
        lines: list[ReadLine] = []
        try:
            for item in reader:
                lines.append(item)
                if progress is not None and len(lines) % 2000 == 0:
                    progress(len(lines), reader.bytes_read)
        except MessageError as exc:
            if exc.errors[0].code == "XML":  # not XML at all: unreadable, no answer
                raise
            return reader.head.refused(exc), []  # the header was read: a 325 refuses it (0001)
        if progress is not None:
            progress(len(lines), reader.bytes_read)
        return reader.head, lines
    except MessageError as exc:
        first = exc.errors[0]
        where = f" (line {first.line})" if first.line else ""
        raise DeclarationFileError(
            f"{label}: refused, not a readable 323 declaration{where}: {first.message} "
            f"[{first.code}{' ' + first.path if first.path and first.path != '/Bericht' else ''}]; "
            "nothing was stored - ask the provider for a corrected file"
        ) from None


@dataclass(frozen=True, slots=True)
class _Job:
    """One file read and ready to be judged."""

    path: Path
    out_dir: Path
    sha: str
    head: DeclarationHead
    lines: list[ReadLine]
    now: datetime
    actor: str | None = None

    @property
    def submitted(self) -> Money:
        return Money.sum(r.line.signed_amount for r in self.lines)


@dataclass(frozen=True, slots=True)
class _Answer:
    """A 325 stored in the outbox, to be written after the commit."""

    message_id: int
    name: str
    content: bytes


def _answer_name(head: DeclarationHead, ident: str) -> str:
    return file_name(head.law.message_prefix, "325", head.municipality_code, head.provider_agb, ident)


def process_file(
    engine: Engine,
    path: Path,
    out_dir: Path,
    *,
    now: datetime | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    actor: str | None = None,
) -> FileResult:
    """Process one 323 file (``actor``: who runs it, for the processing log; default the
    configured actor); see the module docstring. Raises :class:`DeclarationFileError`, or
    :class:`~zorginkoop.services.outbox.OutputError` (before anything is stored) when
    ``out_dir`` cannot be written."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    limits = limits or Limits.from_env()
    if not path.is_file():
        raise DeclarationFileError(f"{path}: no such file")
    sha = sha256_of(path)
    # A large declaration creates millions of small objects that all stay alive until the
    # commit; the cyclic collector would scan them again and again (about 10% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_and_process(
            engine, path, out_dir, sha, now=now, limits=limits, progress=progress, actor=actor
        )
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True, slots=True)
class Answered:
    """A declaration received as bytes and what it was answered with: the 325 stays pending in
    the outbox until it is delivered on the provider's channel."""

    result: FileResult
    answer_id: int | None
    """The 325 in the outbox (None only for a duplicate of a file whose answer was not kept)."""
    answer_name: str
    answer: bytes


def process_message(
    engine: Engine,
    data: bytes,
    name: str,
    *,
    now: datetime | None = None,
    limits: Limits | None = None,
    actor: str = "declarations",
) -> Answered:
    """Process one 323 received as bytes (``name`` labels it): the same processing as
    :func:`process_file` (one transaction, the 325 stored pending in the outbox), but no file is
    written and nothing is marked exported: the 325 is delivered on the provider's channel.
    Raises :class:`DeclarationFileError` when nothing could be stored."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    limits = limits or Limits.from_env()
    head, lines = _read_stream(io.BytesIO(data), name, len(data), limits, None)
    job = _Job(Path(name), Path(), hashlib.sha256(data).hexdigest(), head, lines, now, actor)
    collecting = gc.isenabled()
    gc.disable()  # see process_file
    try:
        result, answer = _store_with_retries(engine, job)
    finally:
        if collecting:
            gc.enable()
    if answer is None:
        return Answered(result, None, "", b"")
    return Answered(result, answer.message_id, answer.name, answer.content)


def _read_and_process(
    engine: Engine,
    path: Path,
    out_dir: Path,
    sha: str,
    *,
    now: datetime,
    limits: Limits,
    progress: Progress | None,
    actor: str | None = None,
) -> FileResult:
    head, lines = read_declaration(path, limits, progress)
    check_writable(out_dir)
    job = _Job(path, out_dir, sha, head, lines, now, actor)
    result, answer = _store_with_retries(engine, job)
    if answer is None:
        return result
    target = out_dir / answer.name
    delivery = deliver(engine, answer.message_id, target, answer.content)
    if delivery.via_api:
        return replace(result, answer=None, note=f"{result.note}; {delivery.reason}")
    if not delivery.written:
        return replace(
            result,
            answer=None,
            waiting=f"{delivery.reason}; the 325 waits in the outbox: "
            f"run `zorginkoop messages export --type 325 --out DIR`",
        )
    return replace(result, answer=target)


def _store_with_retries(engine: Engine, job: _Job) -> tuple[FileResult, _Answer | None]:
    """Judge and store ``job`` in one transaction, again when another import raced it."""
    path = job.path
    for attempt in range(RETRIES):
        try:
            result, answer = _process(engine, job)
            break
        except (IntegrityError, OperationalError) as exc:
            # SQLite busy beyond its timeout, or (behind the locks) a unique key that another
            # import took first: judge again against what is stored now. A store that cannot be
            # written at all (read-only, gone) is said at once: trying again changes nothing.
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            if isinstance(exc, OperationalError) and _cannot_write(reason):
                raise DeclarationFileError(
                    f"{path}: the store cannot be written ({reason}); nothing was stored"
                ) from None
            if attempt == RETRIES - 1:
                raise DeclarationFileError(
                    f"{path}: could not be stored after {RETRIES} attempts (another import is busy with it: "
                    f"{str(exc.orig).splitlines()[0] if exc.orig else exc}); run the command again"
                ) from None
    else:  # pragma: no cover - the loop returns or raises
        raise AssertionError("unreachable")
    # the analytics extract follows every import (it never fails the import: see the hook)
    analytics.refresh_after_import(engine)
    return result, answer


def _cannot_write(reason: str) -> bool:
    """An OperationalError that no retry mends: a read-only or vanished database file."""
    text = reason.lower()
    return any(
        words in text
        for words in ("readonly database", "read-only", "unable to open database", "disk i/o error")
    )


def _process(engine: Engine, job: _Job) -> tuple[FileResult, _Answer | None]:
    path, sha, head, lines, now = job.path, job.sha, job.head, job.lines, job.now
    submitted = job.submitted
    started = datetime.now(UTC).replace(tzinfo=None)
    with UnitOfWork(engine, actor=job.actor) as uow:
        store = DeclarationStore(uow.session)
        # before anything is read: hold what this declaration books into (see the module docstring)
        uow.serialise(store.lock_keys(head.provider_agb, head.law, {r.line.period.start.year for r in lines}))
        # every client the file names is processed (judged, refused or answered again): one log
        # entry each, committed with whatever this file's outcome is
        uow.log.record(
            ActivityKind.DECLARATIONS, "declaration.process",
            (r.line.client_bsn for r in lines), law=head.law.value, started=started,
        )  # fmt: skip
        earlier = store.processed_file(sha)
        if earlier is not None:
            return _duplicate(job, earlier, uow)
        provider_known, municipality_known = store.parties_known(head.provider_agb, head.municipality_code)
        if not municipality_known:
            raise DeclarationFileError(
                f"{path}: refused: Ontvanger {head.municipality_code} is not one of our municipalities; "
                "nothing was stored"
            )
        if not provider_known:
            raise DeclarationFileError(
                f"{path}: refused: Afzender {head.provider_agb} is not a known provider (AGB); nothing was stored"
            )
        # OP090x4: a declaration whose header was read is answered, refused on TR135, CS340, TR137
        # or content the reader could not take (zorginkoop.domain.declaration_header)
        if findings_on_head := head.header_findings(system_date(now)):
            header_codes, declaration_codes = refusal_codes(findings_on_head)
            return _refusal(
                job, uow, store, header_codes, declaration_codes, "; ".join(map(str, findings_on_head))
            )
        header_codes = rules.tr056_identification_unique(
            head.identification,
            [head.identification]
            if store.identification_known(head.provider_agb, head.law, head.identification)
            else [],
        )
        if header_codes:
            return _refusal(job, uow, store, header_codes, (), "Identificatie not unique")
        declaration_codes = rules.tr333_declaration_number_unique(
            head.number, [head.number] if store.number_known(head.provider_agb, head.law, head.number) else []
        ) or rules.tr358_total_consistent(head.signed_total, (r.line for r in lines))
        if declaration_codes:
            note = (
                "DeclaratieNummer not unique"
                if declaration_codes == ("9333",)
                else "TotaalIngediendBedrag is not the sum"
            )
            return _refusal(job, uow, store, (), declaration_codes, note)
        findings = rules.message_findings(
            Period(head.period.begindatum, head.period.einddatum),
            head.header.bericht_identificatie.dagtekening,
            [(r.line, r.tariff_given) for r in lines],
        )
        if findings:
            shown = "; ".join(f"{f.rule}: {f.detail}" for f in findings[:3])
            more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
            return _refusal(
                job, uow, store, (), ("0001",), f"the message breaks rules within it: {shown}{more}"
            )

        store.claim_file(sha, path.name, now)
        period = Period(head.period.begindatum, head.period.einddatum)
        domain_lines = [r.line for r in lines]
        facts = store.load_facts(
            provider_agb=head.provider_agb, municipality_code=head.municipality_code, law=head.law,
            declaration_period=period, lines=domain_lines,
        )  # fmt: skip
        judge = rules.Adjudicator(facts)
        # judged once: 0611 for a missing ProductTarief is the domain's too, before anything is booked
        outcomes: list[LineOutcome] = [judge.judge(read.line, read.tariff_given) for read in lines]
        granted = Money.sum(o.granted for o in outcomes)
        codes: Counter[str] = Counter(c for o in outcomes for c in o.return_codes)
        approved = sum(1 for o in outcomes if o.status is LineStatus.APPROVED)
        summary = f"processed: {approved} approved, {len(lines) - approved} rejected, granted {granted}"
        store.save(
            sha256=sha,
            head=HeadRow(
                head.number,
                head.identification,
                head.provider_agb,
                head.municipality_code,
                head.law,
                period,
                head.dated,
                head.signed_total,
            ),
            lines=domain_lines,
            outcomes=outcomes,
            notices=judge.notices,
            now=now,
            outcome=summary,
        )
        ident = _next_identification(uow, head)
        answer = declaratie_antwoord(
            head,
            ((r, o.return_codes) for r, o in zip(lines, outcomes, strict=True) if o.status is LineStatus.REJECTED),
            identificatie=ident, dagtekening=now.date(), toegekend=granted,
        )  # fmt: skip
        name = _answer_name(head, ident)
        message_id = _store_answer(store, job, ident, name, answer, summary)
        uow.commit()
    return FileResult(
        path, "processed", head.provider_agb, head.municipality_code, head.number, len(lines), approved,
        len(lines) - approved, submitted, granted, codes, None, summary,
    ), _Answer(message_id, name, answer)  # fmt: skip


def _next_identification(uow: UnitOfWork, head: DeclarationHead) -> str:
    """A fresh Identificatie for a 325 of the municipality (TR056: unique per type and sender;
    "highest + 1" under the numbering lock, the last lock a declaration takes)."""
    uow.serialise([f"numbering:{head.municipality_code}:{head.law.value}"])
    return identification("325", uow.messages.next_sequence(head.municipality_code, head.law, "325"))


def _store_answer(  # noqa: PLR0917
    store: DeclarationStore, job: _Job, ident: str, name: str, answer: bytes, summary: str
) -> int:
    head = job.head
    return store.add_answer(
        job.sha, direction="out", law=head.law.value, message_type="325", identification=ident,
        sender=head.municipality_code, receiver=head.provider_agb, dated=job.now.date(),
        municipality_code=head.municipality_code, provider_agb=head.provider_agb, status="pending",
        created_at=job.now, exported_at=None, in_reply_to=None, file_name=name, content=answer, summary=summary[:2000],
    )  # fmt: skip


def _duplicate(job: _Job, earlier: ProcessedFile, uow: UnitOfWork) -> tuple[FileResult, _Answer | None]:
    """The same bytes were received before: nothing is granted now, and the answer they got
    then (the 325 with its grants and rejections, or the refusal) is sent again as it was."""
    path, sha, head, lines = job.path, job.sha, job.head, job.lines
    stored = uow.messages.get(earlier.answer_message_id) if earlier.answer_message_id is not None else None
    when = f"already received on {earlier.processed_at:%Y-%m-%d %H:%M} (sha256 {sha[:12]}; {earlier.outcome})"
    if stored is None:
        note = f"{when}: its answer is not in the store (processed before answers were kept); nothing granted now"
        answer = None
    else:
        note = f"{when}: its 325 {stored.identification} is sent again; nothing granted now"
        answer = _Answer(stored.id, stored.file_name, stored.content)
    uow.commit()  # nothing is booked; the processing log entries of the file's clients are kept
    return FileResult(
        path, "duplicate", head.provider_agb, head.municipality_code, head.number, len(lines), 0, 0,
        job.submitted, Money.zero(), Counter(), None, note,
    ), answer  # fmt: skip


def _refusal(  # noqa: PLR0917
    job: _Job,
    uow: UnitOfWork,
    store: DeclarationStore,
    header_codes: Sequence[str],
    declaration_codes: Sequence[str],
    note: str,
) -> tuple[FileResult, _Answer]:
    """The header (9056) or the whole declaration (9333, 0001) is refused; the prestaties are not
    judged and not listed (TR342), TotaalToegekendBedrag is 0. Nothing is paid; the file's hash
    and the refusal (in the outbox, a fresh Identificatie) are kept, so the same bytes again get
    this refusal again."""
    path, head, lines, now = job.path, job.head, job.lines, job.now
    codes = Counter(header_codes or declaration_codes)
    summary = f"refused: {note} ({', '.join(codes)})"
    store.claim_file(job.sha, path.name, now, outcome=summary)
    ident = _next_identification(uow, head)
    answer = declaratie_antwoord(
        head, (), identificatie=ident, dagtekening=now.date(), toegekend=Money.zero(),
        header_codes=header_codes or ("0200",), declaratie_codes=declaration_codes or ("0233",),
        with_antwoord=not header_codes,
    )  # fmt: skip
    name = _answer_name(head, ident)
    message_id = _store_answer(store, job, ident, name, answer, summary)
    uow.commit()
    return FileResult(
        path, "refused", head.provider_agb, head.municipality_code, head.number, len(lines), 0, len(lines),
        job.submitted, Money.zero(), codes, None, summary,
    ), _Answer(message_id, name, answer)  # fmt: skip


def answered(
    uow: UnitOfWork, provider_agb: str | None = None, month: Period | None = None
) -> list[AnsweredDeclaration]:
    """The declarations answered (each 325 with the 323 file it answers), newest first, within
    the unit of work's scope; of one provider, of declarations for ``month``. Parties, numbers and
    sums only: no personal data is read."""
    with uow:
        return DeclarationStore(uow.session).answered(provider_agb, month)
