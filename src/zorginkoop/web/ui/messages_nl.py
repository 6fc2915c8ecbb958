# SPDX-License-Identifier: EUPL-1.2
"""What the back office's and the provider's message screens share: reading an uploaded file
within the size limit, the Dutch words for an outcome, and sending a stored message as an XML
download. The processing itself is the use cases' (:mod:`zorginkoop.services.incoming`,
:mod:`zorginkoop.services.provider_channel`)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile
from fastapi.responses import Response

from zorginkoop.adapters.istandaarden import Limits
from zorginkoop.services.incoming import Received
from zorginkoop.settings import Settings

STATUS_NL = {
    "processed": "Verwerkt",
    "rejected": "Geweigerd als geheel",
    "refused": "Declaratie afgewezen in het antwoord (325)",
    "duplicate": "Eerder ontvangen: de antwoorden van toen zijn opnieuw klaargezet",
    "recorded": "Vastgelegd",
    "pending": "Klaar om te versturen",
    "exported": "Verstuurd",
}
"""A message's or an outcome's status in Dutch."""

TYPE_NL = {
    "301": "Toewijzing",
    "302": "Retour op toewijzing",
    "305": "Start zorg",
    "306": "Retour op start zorg",
    "307": "Stop zorg",
    "308": "Retour op stop zorg",
    "315": "Verzoek om toewijzing",
    "316": "Retour op verzoek om toewijzing",
    "317": "Verzoek om wijziging",
    "318": "Retour op verzoek om wijziging",
    "319": "Antwoord op verzoek",
    "320": "Retour op antwoord",
    "323": "Declaratie",
    "325": "Antwoord op declaratie",
}
"""The message types by their Dutch names in the iStandaarden."""

UNREADABLE_NL = (
    "Dit bestand is niet verwerkt: het is geen leesbaar iWmo- of iJw 3.2-bericht. Er is niets opgeslagen."
)


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file's name and bytes, or why it cannot be taken (Dutch, one line)."""

    name: str
    data: bytes
    error: str | None = None


def limits_of(settings: Settings) -> Limits:
    return Limits(max_bytes=settings.max_message_bytes, max_depth=settings.max_message_depth)


async def read_upload(file: UploadFile | None, limits: Limits) -> Upload:
    """The uploaded file, read up to the message size limit (one byte more tells it is too large)."""
    if file is None or not file.filename:
        return Upload("", b"", "Kies een berichtbestand (XML) om te versturen.")
    data = await file.read(limits.max_bytes + 1)
    name = file.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not data:
        return Upload(name, b"", "Het gekozen bestand is leeg. Er is niets opgeslagen.")
    if len(data) > limits.max_bytes:
        return Upload(
            name,
            b"",
            f"Het bestand is groter dan {limits.max_bytes:,} bytes. Er is niets opgeslagen.".replace(
                ",", "."
            ),
        )
    return Upload(name, data)


def outcome_view(got: Received) -> dict[str, object]:
    """The template's view of an outcome: status in Dutch, the RetourCodes per element."""
    return {
        "message": got.message,
        "status": STATUS_NL.get(got.status, got.status),
        "ok": got.status in ("processed", "recorded", "duplicate"),
        "codes": [(path, ", ".join(codes)) for path, codes in got.codes.items()],
        "answers": got.answers,
        "summary": got.summary,
    }


def xml_download(content: bytes, file_name: str) -> Response:
    """A stored message as a file download (its own file name, or a safe one)."""
    safe = "".join(c for c in file_name if c.isalnum() or c in "._-") or "bericht.xml"
    if not safe.lower().endswith(".xml"):
        safe += ".xml"
    return Response(
        content,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )
