# SPDX-License-Identifier: EUPL-1.2
"""Documents: the account report as a standalone HTML file (Jinja2) and as PDF (WeasyPrint).

The HTML document carries its print stylesheet (``web/static/report-print.css``: A4, the
provider's name and the period at the top of every page, page numbers) and the charts inline,
so the file opens anywhere without the application. WeasyPrint needs Debian's pango
(``make pdf-libs``); it is imported only when a PDF is made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from zorginkoop.services.account_report import AccountReport

_ENV = Environment(
    loader=PackageLoader("zorginkoop.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class DocumentError(RuntimeError):
    """A document that could not be written (no PDF library, a folder that cannot be written)."""


def print_css() -> str:
    return (resources.files("zorginkoop.web") / "static" / "report-print.css").read_text(encoding="utf-8")


def account_report_html(report: AccountReport) -> str:
    """The report as one standalone HTML document (Dutch, print stylesheet inside)."""
    return _ENV.get_template("report/account_report_document.html").render(report=report, css=print_css())


def html_to_pdf(html: str) -> bytes:
    """``html`` as a PDF (WeasyPrint; nothing is fetched: the document holds all it needs)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: pango missing (make pdf-libs)
        raise DocumentError(
            f"cannot make a PDF: WeasyPrint is not usable here ({exc}); run `make pdf-libs`"
        ) from exc

    def no_fetch(url: str) -> dict[str, object]:
        raise ValueError(f"the report fetches nothing ({url})")

    written = HTML(string=html, url_fetcher=no_fetch).write_pdf()
    assert written is not None
    return bytes(written)


@dataclass(frozen=True, slots=True)
class Written:
    html: Path
    pdf: Path
    pdf_seconds: float


def write_account_report(report: AccountReport, folder: Path) -> Written:
    """Write ``<agb>-<quarter>.html`` and ``.pdf`` into ``folder``; the PDF's render time."""
    html = account_report_html(report)
    started = time.perf_counter()
    pdf = html_to_pdf(html)
    seconds = time.perf_counter() - started
    stem = f"accountrapport-{report.data.provider_agb}-{report.data.quarter.label}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
        html_path.write_text(html, encoding="utf-8")
        pdf_path.write_bytes(pdf)
    except OSError as exc:
        raise DocumentError(f"cannot write the report into {folder} ({exc.strerror})") from exc
    return Written(html_path, pdf_path, seconds)
