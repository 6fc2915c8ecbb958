# SPDX-License-Identifier: EUPL-1.2
"""Use case: process a declaration file (323): read, adjudicate, store and pay, answer with a 325.

One file is one declaration and one transaction: the ``processed_file`` row (by sha256), the
declaration, its lines with their outcomes, one payment per approved line, new ceiling notices
and the 325 itself are committed together or not at all. The 325 file is written after the
commit (atomically, by rename); the 325 is also kept in the message store.

- The same bytes again grant nothing: the file is recognised by its sha256 and answered with a
  325 that rejects every prestatie with 8021 (TR314: the reference was declared before).
- Two imports of one file at the same moment: the second waits on the ``processed_file`` primary
  key (PostgreSQL) or the database lock (SQLite), fails on commit, retries and then finds the file
  processed; lines are never paid twice (unique (provider, law, reference)).
- A file that cannot be read (not XML, a DTD, wrong namespace, too large, an invalid BSN...)
  raises :class:`DeclarationFileError` and changes nothing.
- Message-level refusals (TR056 9056, TR333 9333, TR358 0001, and the rules within one
  message that the streaming reader leaves: TR101, TR137, TR315, TR316, TR416, CD060, CD087,
  CS100, CS337, each 0001) are answered with a 325 that
  refuses the header or the declaration; nothing is stored.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.declaration_store import DeclarationStore, HeadRow
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
from zorginkoop.domain.declarations import LineOutcome, LineStatus
from zorginkoop.domain.exchange import file_name, identification
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

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
    """processed, duplicate (the same bytes before: nothing granted), refused (header or
    declaration refused in the 325: nothing stored)."""
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
    note: str = ""


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
        if size > limits.max_bytes:
            raise DeclarationFileError(
                f"{path}: {size:,} bytes is more than the limit of {limits.max_bytes:,} bytes "
                "(ZORGINKOOP_MAX_MESSAGE_BYTES); split the declaration or raise the limit"
            )
        with path.open("rb") as f:
            reader = FastDeclaratie(f, limits)
            lines: list[ReadLine] = []
            for item in reader:
                lines.append(item)
                if progress is not None and len(lines) % 2000 == 0:
                    progress(len(lines), reader.bytes_read)
            if progress is not None:
                progress(len(lines), reader.bytes_read)
            return reader.head, lines
    except MessageError as exc:
        first = exc.errors[0]
        where = f" (line {first.line})" if first.line else ""
        raise DeclarationFileError(
            f"{path}: refused, not a readable 323 declaration{where}: {first.message} "
            f"[{first.code}{' ' + first.path if first.path and first.path != '/Bericht' else ''}]; "
            "nothing was stored - ask the provider for a corrected file"
        ) from None
    except OSError as exc:
        raise DeclarationFileError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


@dataclass(frozen=True, slots=True)
class _Job:
    """One file read and ready to be judged."""

    path: Path
    out_dir: Path
    sha: str
    head: DeclarationHead
    lines: list[ReadLine]
    now: datetime

    @property
    def submitted(self) -> Money:
        return Money.sum(r.line.signed_amount for r in self.lines)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


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
) -> FileResult:
    """Process one 323 file; see the module docstring. Raises :class:`DeclarationFileError`."""
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
        return _read_and_process(engine, path, out_dir, sha, now=now, limits=limits, progress=progress)
    finally:
        if collecting:
            gc.enable()


def _read_and_process(
    engine: Engine,
    path: Path,
    out_dir: Path,
    sha: str,
    *,
    now: datetime,
    limits: Limits,
    progress: Progress | None,
) -> FileResult:
    head, lines = read_declaration(path, limits, progress)
    job = _Job(path, out_dir, sha, head, lines, now)
    for attempt in range(RETRIES):
        try:
            return _process(engine, job)
        except (IntegrityError, OperationalError) as exc:
            # A concurrent import committed first (same file or same references), or SQLite was
            # locked: judge again against what is stored now.
            if attempt == RETRIES - 1:
                raise DeclarationFileError(
                    f"{path}: could not be stored after {RETRIES} attempts (another import is busy with it: "
                    f"{str(exc.orig).splitlines()[0] if exc.orig else exc}); run the command again"
                ) from None
    raise AssertionError("unreachable")


def _process(engine: Engine, job: _Job) -> FileResult:
    path, out_dir, sha, head, lines, now = job.path, job.out_dir, job.sha, job.head, job.lines, job.now
    submitted = job.submitted
    with UnitOfWork(engine, actor="declarations") as uow:
        store = DeclarationStore(uow.session)
        earlier = store.processed_file(sha)
        if earlier is not None:
            return _duplicate(job, earlier.processed_at)
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
        header_codes = rules.tr056_identification_unique(
            head.identification,
            [head.identification]
            if store.identification_known(head.provider_agb, head.law, head.identification)
            else [],
        )
        if header_codes:
            return _refusal(job, header_codes, (), "Identificatie not unique")
        declaration_codes = rules.tr333_declaration_number_unique(
            head.number, [head.number] if store.number_known(head.provider_agb, head.law, head.number) else []
        ) or rules.tr358_total_consistent(head.signed_total, (r.line for r in lines))
        if declaration_codes:
            note = (
                "DeclaratieNummer not unique"
                if declaration_codes == ("9333",)
                else "TotaalIngediendBedrag is not the sum"
            )
            return _refusal(job, (), declaration_codes, note)
        findings = rules.message_findings(
            Period(head.period.begindatum, head.period.einddatum),
            head.header.bericht_identificatie.dagtekening,
            [(r.line, r.tariff_given) for r in lines],
        )
        if findings:
            shown = "; ".join(f"{f.rule}: {f.detail}" for f in findings[:3])
            more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
            return _refusal(job, (), ("0001",), f"the message breaks rules within it: {shown}{more}")

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
        declaration_id = store.save(
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
        ident = identification("325", declaration_id)
        answer = declaratie_antwoord(
            head,
            ((r, o.return_codes) for r, o in zip(lines, outcomes, strict=True) if o.status is LineStatus.REJECTED),
            identificatie=ident, dagtekening=now.date(), toegekend=granted,
        )  # fmt: skip
        name = _answer_name(head, ident)
        store.add_answer(
            direction="out", law=head.law.value, message_type="325", identification=ident,
            sender=head.municipality_code, receiver=head.provider_agb, dated=now.date(),
            municipality_code=head.municipality_code, provider_agb=head.provider_agb, status="exported",
            created_at=now, exported_at=now, in_reply_to=None, file_name=name, content=answer, summary=summary,
        )  # fmt: skip
        uow.commit()
    target = out_dir / name
    _write_atomically(target, answer)
    return FileResult(
        path, "processed", head.provider_agb, head.municipality_code, head.number, len(lines), approved,
        len(lines) - approved, submitted, granted, codes, target, summary,
    )  # fmt: skip


def _duplicate(job: _Job, processed_at: datetime) -> FileResult:
    """The same bytes were processed before: every prestatie is answered 8021 (TR314), nothing
    is granted, nothing is stored."""
    path, out_dir, sha, head, lines, now = job.path, job.out_dir, job.sha, job.head, job.lines, job.now
    submitted = job.submitted
    ident = f"H{sha[:11]}"
    answer = declaratie_antwoord(
        head,
        ((r, ("8021",)) for r in lines),
        identificatie=ident,
        dagtekening=now.date(),
        toegekend=Money.zero(),
    )
    target = out_dir / _answer_name(head, ident)
    _write_atomically(target, answer)
    note = f"already processed on {processed_at:%Y-%m-%d %H:%M} (sha256 {sha[:12]}): nothing granted"
    return FileResult(
        path, "duplicate", head.provider_agb, head.municipality_code, head.number, len(lines), 0, len(lines),
        submitted, Money.zero(), Counter({"8021": len(lines)}), target, note,
    )  # fmt: skip


def _refusal(
    job: _Job, header_codes: Sequence[str], declaration_codes: Sequence[str], note: str
) -> FileResult:
    """The header (9056) or the whole declaration (9333, 0001) is refused; the prestaties are not
    judged and not listed (TR342), TotaalToegekendBedrag is 0. Nothing is stored."""
    path, out_dir, sha, head, lines, now = job.path, job.out_dir, job.sha, job.head, job.lines, job.now
    submitted = job.submitted
    ident = f"R{sha[:11]}"
    answer = declaratie_antwoord(
        head, (), identificatie=ident, dagtekening=now.date(), toegekend=Money.zero(),
        header_codes=header_codes or ("0200",), declaratie_codes=declaration_codes or ("0233",),
        with_antwoord=not header_codes,
    )  # fmt: skip
    target = out_dir / _answer_name(head, ident)
    _write_atomically(target, answer)
    codes = Counter(header_codes or declaration_codes)
    return FileResult(
        path, "refused", head.provider_agb, head.municipality_code, head.number, len(lines), 0, len(lines),
        submitted, Money.zero(), codes, target, f"refused: {note} ({', '.join(codes)})",
    )  # fmt: skip
