# SPDX-License-Identifier: EUPL-1.2
"""The region's mailers: the folder mailer writes RFC 5322 messages and letters; the SMTP mailer
delivers to a real (local, minimal) SMTP server."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from zorginkoop.adapters.mailer import FolderMailer, Letter, Mail, SmtpMailer

MAIL = Mail(
    "cliënt@example.org", "Wat vindt u ervan?", "Beste cliënt,\n\nhttps://x.example/enquete/abc\n", "r-1"
)


class _Sink(socketserver.StreamRequestHandler):
    """Enough SMTP (RFC 5321) to take one message: EHLO, MAIL, RCPT, DATA, QUIT."""

    received: list[bytes] = []

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 sink")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self._say("250-sink")
                self._say("250 SMTPUTF8")
            elif verb == b"DATA":
                self._say("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.received.append(data)
                self._say("250 ok")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def sink() -> Iterator[tuple[int, list[bytes]]]:
    _Sink.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Sink.received
    server.shutdown()
    server.server_close()


def test_the_folder_mailer_writes_a_message_a_mail_program_reads(tmp_path: Path) -> None:
    mailer = FolderMailer(tmp_path, "enquete@lekstroom.example")
    mailer.send_mail(MAIL)
    mailer.send_letter(
        Letter("M. de Vries", ("Dorpsstraat 1", "3991 AB  Houten"), "Onderwerp", "Tekst", "../r 2")
    )
    message = BytesParser(policy=policy.default).parsebytes((tmp_path / "r-1.eml").read_bytes())
    assert message["To"] == MAIL.to and message["From"] == "enquete@lekstroom.example"
    assert message.get_body().get_content() == MAIL.body  # type: ignore[union-attr]
    assert (
        (tmp_path / "brieven" / ".._r_2.txt")
        .read_text(encoding="utf-8")
        .startswith("M. de Vries\nDorpsstraat 1")
    )


def test_the_smtp_mailer_delivers_to_a_local_server(sink: tuple[int, list[bytes]], tmp_path: Path) -> None:
    port, received = sink
    mailer = SmtpMailer(
        "127.0.0.1", port, "enquete@lekstroom.example", FolderMailer(tmp_path), starttls=False
    )
    mailer.send_mail(Mail("client@example.org", MAIL.subject, MAIL.body, "r-1"))
    (data,) = received
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert message["To"] == "client@example.org"
    assert "https://x.example/enquete/abc" in message.get_body().get_content()  # type: ignore[union-attr]
    mailer.send_letter(Letter("M. de Vries", ("Dorpsstraat 1",), "Onderwerp", "Tekst", "r-2"))
    assert (tmp_path / "brieven" / "r-2.txt").exists()
