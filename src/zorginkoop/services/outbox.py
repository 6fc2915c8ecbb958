# SPDX-License-Identifier: EUPL-1.2
"""Delivering what the outbox holds: every outgoing message (301, 306, 308, 316, 318, 319, 325)
is stored, status ``pending``, in the transaction that decided it; its file is written after
the commit (atomically, by rename) and only then is it marked ``exported``. A write that fails
leaves it pending: ``zorginkoop messages export --type N --out DIR`` delivers it later.

A provider on the API channel (``zorginkoop providers channel AGB api``) gets no files: its
messages wait for ``GET /api/v1/messages`` and are delivered by ``POST .../ack``
(:mod:`zorginkoop.services.provider_channel`). Writing and marking take the provider's delivery
lock, as the acknowledgement and a channel switch do, so one message is delivered once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from zorginkoop.adapters.db.uow import UnitOfWork

OUTPUT_TYPES = ("301", "306", "308", "316", "318", "319", "325")
"""The messages a municipality sends: they wait in the outbox until written."""


class OutputError(ValueError):
    """A folder answers cannot be written to; the message is one line for the user."""


def check_writable(folder: Path) -> None:
    """Make sure answers can be written to ``folder`` (created when missing) before anything is
    stored; raises :class:`OutputError` naming the folder and the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zorginkoop-probe-", delete=True) as probe:
            probe.write(b"probe")
            probe.flush()
    except OSError as exc:
        raise OutputError(f"{folder}: answers cannot be written there ({exc.strerror or exc})") from None


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` by rename: a file on disk is always complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def mark_exported(engine: Engine, ids: Sequence[int], now: datetime | None = None) -> None:
    """Mark messages whose files were written as exported (one short transaction)."""
    if not ids:
        return
    at = (now or datetime.now(UTC)).replace(tzinfo=None)
    with UnitOfWork(engine, actor="outbox") as uow:
        uow.messages.mark_exported(list(ids), at)
        uow.commit()


@dataclass(frozen=True, slots=True)
class Delivery:
    """What :func:`deliver` did with one message."""

    written: bool
    reason: str = ""
    """Why it was not written: the file cannot be written (it waits in the outbox for
    ``messages export``), or the provider takes its messages through the API."""
    via_api: bool = False
    """The provider is on the API channel: no file, the message waits for ``GET /api/v1/messages``."""


def deliver(engine: Engine, message_id: int, target: Path, content: bytes) -> Delivery:
    """Write one stored message to ``target`` and mark it exported, under the provider's
    delivery lock (the API's acknowledgement and a channel switch take it too): a message of a
    provider on the API channel is not written (the API delivers it). A message delivered before
    as a file is written again (the answer to the same bytes again), its status unchanged. A
    file that cannot be written leaves the message pending in the outbox."""
    with UnitOfWork(engine, actor="outbox") as uow:
        found = uow.messages.get(message_id)
        if found is None:
            return Delivery(False, f"message {message_id} is not in the outbox")
        uow.serialise([f"delivery:{found.receiver}"])
        if uow.messages.delivery_channel(found.receiver) == "api":
            return Delivery(
                False,
                f"provider {found.receiver} takes its messages through the API: {target.name} waits for "
                "GET /api/v1/messages",
                via_api=True,
            )
        try:
            write_atomically(target, content)
        except OSError as exc:
            return Delivery(False, f"{target}: cannot be written ({exc.strerror or exc})")
        uow.messages.mark_exported([message_id], datetime.now(UTC).replace(tzinfo=None))
        uow.commit()
    return Delivery(True)
