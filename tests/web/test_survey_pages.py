# SPDX-License-Identifier: EUPL-1.2
"""The survey on the web: a round from creation through the invitations (e-mails with links) to
answers on ``/enquete/{token}`` (no account, one time) and the adviser's results page."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.mailer import FolderMailer
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import survey

HOUTEN = "0321"
LINK = re.compile(r"https?://\S+/enquete/([A-Za-z0-9_-]+)")
WMO = survey.standard_questionnaire(Law.WMO)


def _adviser(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, Scope.municipality(HOUTEN), actor="beleidsadviseur")


def _links(folder: Path) -> list[str]:
    """The tokens in the invitations: e-mails read as a mail program reads them, and letters."""
    tokens = []
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        tokens += LINK.findall(message.get_body().get_content())  # type: ignore[union-attr]
    for path in sorted((folder / "brieven").glob("*.txt")):
        tokens += LINK.findall(path.read_text(encoding="utf-8"))
    return tokens


@pytest.fixture(scope="module")
def houten_round(web_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[str]]:
    """A Houten Wmo 2020 round of 15 clients, invited; its round id and the tokens."""
    made = survey.create_round(_adviser(web_engine), 2020, Law.WMO, sample=15, seed=3)
    folder = tmp_path_factory.mktemp("uitnodigingen")
    sent = survey.invite(_adviser(web_engine), made.id, FolderMailer(folder), "https://zorginkoop.example")
    assert made.drawn == 15 and sent.emails + sent.letters == 15 and sent.no_contact == 0
    assert sent.emails > 0 and sent.letters > 0  # three in four demo clients have an e-mail address
    tokens = _links(folder)
    assert len(tokens) == 15 == len(set(tokens))
    return made.id, tokens


def _answers(value: str = "4") -> dict[str, str]:
    return {q.id: value for q in WMO.questions}


def _answered(engine: Engine, round_id: int) -> int:
    with engine.connect() as c:
        return c.scalar(
            select(func.count()).select_from(t.SurveyInvitationRow).where(
                t.SurveyInvitationRow.round_id == round_id, t.SurveyInvitationRow.answered_at.is_not(None)
            )
        ) or 0  # fmt: skip


def test_a_client_answers_without_an_account_once_and_the_results_count_it(
    visitor: TestClient, web_engine: Engine, houten_round: tuple[int, list[str]]
) -> None:
    round_id, tokens = houten_round
    for n, token in enumerate(tokens[:11]):
        page = visitor.get(f"/enquete/{token}")
        assert page.status_code == 200, page.text
        sent = visitor.post(f"/enquete/{token}", data=_answers("5" if n % 2 else "2"))
        assert sent.status_code == 200
        assert soup(sent).h1.get_text(strip=True) == "Bedankt voor uw antwoorden"
    assert _answered(web_engine, round_id) == 11
    found = survey.results(_adviser(web_engine), round_id, survey.GroupBy.MUNICIPALITY)
    (houten,) = found.groups
    assert houten.code == HOUTEN and houten.result.respondents == 11 and houten.result.invited == 15
    assert houten.result.satisfaction == survey_share(5, 11)
    per_provider = survey.results(_adviser(web_engine), round_id, survey.GroupBy.PROVIDER)
    assert sum(g.result.respondents for g in per_provider.groups) == 11


def survey_share(part: int, whole: int) -> object:
    from decimal import ROUND_HALF_UP, Decimal

    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def test_a_token_works_once(visitor: TestClient, houten_round: tuple[int, list[str]]) -> None:
    token = houten_round[1][11]
    assert visitor.post(f"/enquete/{token}", data=_answers()).status_code == 200
    again = visitor.post(f"/enquete/{token}", data=_answers("1"))
    assert again.status_code == 404
    assert visitor.get(f"/enquete/{token}").status_code == 404


def test_used_tampered_and_unknown_tokens_look_the_same(
    visitor: TestClient, houten_round: tuple[int, list[str]]
) -> None:
    # a token this test uses itself: under xdist the test that answered token 0 may have run in
    # another worker, with its own round
    used = houten_round[1][12]
    assert visitor.post(f"/enquete/{used}", data=_answers()).status_code == 200
    live = houten_round[1][14]
    tampered = live[:-1] + ("A" if live[-1] != "A" else "B")
    pages = [visitor.get(f"/enquete/{token}") for token in (used, tampered, "x" * 43, "kort", live + "x")]
    assert {p.status_code for p in pages} == {404}
    assert len({soup(p).main.get_text(" ", strip=True) for p in pages}) == 1
    assert "Deze link werkt niet (meer)" in pages[0].text
    posted = visitor.post(f"/enquete/{tampered}", data=_answers())
    assert posted.status_code == 404
    assert visitor.get(f"/enquete/{live}").status_code == 200  # the real one still works


def test_the_questionnaire_is_accessible_and_an_incomplete_form_stores_nothing(
    visitor: TestClient, web_engine: Engine, houten_round: tuple[int, list[str]]
) -> None:
    round_id, tokens = houten_round
    token = tokens[13]
    page = soup(visitor.get(f"/enquete/{token}"))
    assert page.html["lang"] == "nl" and len(page.find_all("h1")) == 1
    fieldsets = page.find_all("fieldset")
    assert len(fieldsets) == len(WMO.questions)
    for fieldset, question in zip(fieldsets, WMO.questions, strict=True):
        assert question.text in fieldset.legend.get_text()
        radios = fieldset.find_all("input", type="radio")
        assert len(radios) == 6 and {r["name"] for r in radios} == {question.id}
        for radio in radios:
            assert page.find("label", attrs={"for": radio["id"]}) is not None
    assert page.find("input", attrs={"name": "csrf_token"}) is None  # the token is the credential
    before = _answered(web_engine, round_id)
    partial = {q.id: "3" for q in WMO.questions[:4]}
    answer = visitor.post(f"/enquete/{token}", data=partial)
    assert answer.status_code == 400
    again = soup(answer)
    summary = again.find(attrs={"role": "alert"})
    links = [a["href"] for a in summary.find_all("a")]
    assert links == [f"#veld-{q.id}" for q in WMO.questions[4:]]
    for q in WMO.questions[4:]:
        assert again.find(id=f"veld-{q.id}") is not None and again.find(id=f"fout-{q.id}") is not None
    assert again.find("input", attrs={"name": WMO.questions[0].id, "value": "3"}).has_attr("checked")
    assert _answered(web_engine, round_id) == before
    assert visitor.get(f"/enquete/{token}").status_code == 200


def test_the_adviser_sees_rounds_and_results_with_suppression_only_for_houten(
    browser_for: Callable[[str], TestClient], houten_round: tuple[int, list[str]]
) -> None:
    adviser = browser_for("beleidsadviseur")
    listing = soup(adviser.get("/kerncijfers/enquete"))
    rounds = {row["data-round"] for row in listing.select("tr[data-round]")}
    assert {"1", str(houten_round[0])} <= rounds
    by_municipality = adviser.get("/kerncijfers/enquete/1?per=gemeente")
    assert by_municipality.status_code == 200
    assert [row["data-key"] for row in soup(by_municipality).select("tr[data-key]")] == [HOUTEN]
    by_provider = soup(adviser.get("/kerncijfers/enquete/1?per=aanbieder"))
    cells = [row.find_all("td")[1].get_text(strip=True) for row in by_provider.select("tr[data-key]")]
    assert "< 10" in cells  # small providers show no figures
    assert adviser.get("/kerncijfers/enquete/999").status_code == 404
    assert browser_for("consulent").get("/kerncijfers/enquete").status_code == 403


def test_the_adviser_makes_a_round_and_downloads_its_invitations(
    browser_for: Callable[[str], TestClient],
) -> None:
    adviser = browser_for("beleidsadviseur")
    form = adviser.get("/kerncijfers/enquete")
    bad = adviser.post(
        "/kerncijfers/enquete", data={"csrf_token": csrf_of(form), "jaar": "twintig", "wet": "wmo"}
    )
    assert bad.status_code == 400 and "#veld-jaar" in bad.text
    made = adviser.post(
        "/kerncijfers/enquete",
        data={
            "csrf_token": csrf_of(form),
            "jaar": "2020",
            "wet": "jeugd",
            "gemeente": HOUTEN,
            "steekproef": "5",
        },
    )
    assert made.status_code == 200, made.text
    assert "5 cliënten getrokken" in made.text
    round_id = max(int(row["data-round"]) for row in soup(made).select("tr[data-round]"))
    assert "niet voor inkoop" in soup(made).select_one(f'tr[data-round="{round_id}"]').get_text()
    sent = adviser.post(f"/kerncijfers/enquete/{round_id}/uitnodigingen", data={"csrf_token": csrf_of(form)})
    assert sent.status_code == 200 and sent.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(sent.content)).namelist()
    assert len(names) == 5
    assert adviser.post(f"/kerncijfers/enquete/{round_id}/uitnodigingen").status_code == 403  # no CSRF token
