# SPDX-License-Identifier: EUPL-1.2
"""The client experience survey in a real browser: the policy adviser makes a round and
downloads its invitations; a client opens a link without an account, sends an incomplete form
(error summary), answers, and finds the link used afterwards. axe-core checks every page."""

from __future__ import annotations

import re
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

from tests.browser.conftest import Journey

LINK = re.compile(r"https?://\S+/enquete/[A-Za-z0-9_-]+")


def _first_link(archive: Path) -> str:
    with zipfile.ZipFile(archive) as z:
        for name in sorted(z.namelist()):
            data = z.read(name)
            if name.endswith(".eml"):
                text = BytesParser(policy=policy.default).parsebytes(data).get_body().get_content()  # type: ignore[union-attr]
            else:
                text = data.decode("utf-8")
            found = LINK.search(text)
            if found:
                return found.group(0)
    raise AssertionError("no invitation with a link in the download")


def test_a_round_from_the_adviser_to_a_client_answering(journey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    adviser: Journey = journey()
    adviser.log_in("beleidsadviseur")
    page = adviser.page
    adviser.goto("/kerncijfers/enquete")
    assert page.get_by_role("heading", level=1).inner_text() == "Cliëntervaringsonderzoek"
    page.get_by_label("Jaar waarin de cliënten zorg hadden").fill("2020")
    page.get_by_label("Steekproef: aantal cliënten per gemeente").fill("3")
    page.get_by_role("button", name="Ronde maken").click()
    page.wait_for_load_state("load")
    adviser.check()
    assert "3 cliënten getrokken" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"Uitnodigingen versturen voor ronde 2")).click()
    archive = tmp_path / "uitnodigingen.zip"
    download.value.save_as(archive)
    link = _first_link(archive)

    client: Journey = journey()  # another browser: no account, no session
    client.page.goto(link)
    client.check()
    form = client.page
    assert form.get_by_role("heading", level=1).inner_text() == "Cliëntervaringsonderzoek Wmo 2020"
    form.get_by_role("group", name=re.compile("Ik vind de kwaliteit")).get_by_label(
        "Mee eens", exact=True
    ).check()
    form.get_by_role("button", name="Antwoorden versturen").click()
    form.wait_for_load_state("load")
    client.check()
    assert form.get_by_role("alert").is_visible()
    for group in form.get_by_role("group").all():
        group.get_by_label("Helemaal mee eens").check()
    form.get_by_role("button", name="Antwoorden versturen").click()
    form.wait_for_load_state("load")
    client.check()
    assert form.get_by_role("heading", level=1).inner_text() == "Bedankt voor uw antwoorden"
    client.page.goto(link)
    client.check()
    assert form.get_by_role("heading", level=1).inner_text() == "Deze link werkt niet (meer)"
