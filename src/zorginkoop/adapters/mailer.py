# SPDX-License-Identifier: EUPL-1.2
"""The region's mailer: how survey invitations leave the platform.

:class:`Mailer` is the port; :class:`FolderMailer` writes each e-mail as an ``.eml`` file (RFC
5322, openable in any mail program, or handed to the region's own mail system) and each letter
(a client without an e-mail address) as a ``.txt`` file under ``brieven/`` for the print
street. :class:`SmtpMailer` sends e-mails over SMTP and leaves letters to a folder mailer.

The demo and the tests use the folder. An invitation carries a one-time link: whoever can read
the folder can answer in the client's name, so keep it as private as the mail system itself.
"""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

DEFAULT_SENDER = "enquete@regio.example"
"""The From address when the region gives none (the demo's)."""


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    reference: str
    """A name for the file or the log (the invitation's id), never personal data."""


@dataclass(frozen=True, slots=True)
class Letter:
    name: str
    address: tuple[str, ...]
    subject: str
    body: str
    reference: str


class Mailer(Protocol):
    def send_mail(self, mail: Mail) -> None: ...

    def send_letter(self, letter: Letter) -> None: ...


def _safe(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", reference)[:80] or "bericht"


def email_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body, charset="utf-8", cte="8bit")  # the link stays whole and readable
    return message


class FolderMailer:
    """Writes ``DIR/<reference>.eml`` per e-mail and ``DIR/brieven/<reference>.txt`` per letter."""

    def __init__(self, folder: Path, sender: str = DEFAULT_SENDER) -> None:
        self.folder = folder
        self.sender = sender

    def send_mail(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{_safe(mail.reference)}.eml").write_bytes(bytes(email_message(mail, self.sender)))

    def send_letter(self, letter: Letter) -> None:
        folder = self.folder / "brieven"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join((letter.name, *letter.address, "", letter.subject, "", letter.body))
        (folder / f"{_safe(letter.reference)}.txt").write_text(text + "\n", encoding="utf-8")


class SmtpMailer:
    """Sends e-mails through an SMTP server (STARTTLS when ``starttls``); letters go to
    ``letters`` (a folder mailer) since SMTP cannot print them."""

    def __init__(  # noqa: PLR0917 - the parts of one SMTP connection
        self, host: str, port: int, sender: str, letters: FolderMailer,
        username: str | None = None, password: str | None = None, starttls: bool = True,
    ) -> None:  # fmt: skip
        self.host, self.port, self.sender, self.letters = host, port, sender, letters
        self.username, self.password, self.starttls = username, password, starttls

    def send_mail(self, mail: Mail) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email_message(mail, self.sender))

    def send_letter(self, letter: Letter) -> None:
        self.letters.send_letter(letter)
