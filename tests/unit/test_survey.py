# SPDX-License-Identifier: EUPL-1.2
"""The survey's pure rules: the shipped questionnaires, who is drawn and for which provider,
tokens, answers, and results with small-number suppression."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.codes import Law
from zorginkoop.domain.survey import (
    SCALE,
    CareStay,
    Drawn,
    Response,
    SurveyError,
    check_answers,
    clients_in_care,
    draw,
    for_procurement,
    is_open,
    looks_like_token,
    main_provider,
    new_token,
    parse_questionnaire,
    results_by,
    satisfaction,
    token_hash,
    with_own_questions,
)
from zorginkoop.services.survey import standard_questionnaire

WMO = standard_questionnaire(Law.WMO)


def test_the_shipped_questionnaires_have_the_standard_themes_and_core_questions() -> None:
    jeugd = standard_questionnaire(Law.JEUGD)
    assert WMO.law is Law.WMO and jeugd.law is Law.JEUGD
    assert {q.theme for q in WMO.questions} == {"Toegang", "Kwaliteit", "Effect"}
    # the access questions are about the social team, not about the provider's care
    assert all(not q.core for q in WMO.questions if q.theme == "Toegang")
    assert all(q.core for q in WMO.questions if q.theme in {"Kwaliteit", "Effect"})
    assert SCALE[0] == ("5", "Helemaal mee eens")
    assert SCALE[-1] == ("0", "Weet niet / n.v.t.")


def test_jeugdwet_results_are_not_for_procurement() -> None:
    assert for_procurement(Law.WMO) and not for_procurement(Law.JEUGD)


def test_own_questions_follow_the_standard_ones_and_may_not_reuse_an_id() -> None:
    own = parse_questionnaire({"question": [{"id": "vervoer", "text": "Het vervoer was op tijd."}]}, own=True)
    merged = with_own_questions(WMO, own)
    assert merged.questions[-1].id == "vervoer" and merged.questions[-1].own
    assert merged.questions[: len(WMO.questions)] == WMO.questions
    clash = parse_questionnaire({"question": [{"id": "toegang-snel", "text": "Nog eens."}]}, own=True)
    with pytest.raises(SurveyError, match="toegang-snel"):
        with_own_questions(WMO, clash)


@pytest.mark.parametrize(
    "data",
    [
        {"question": []},
        {"question": [{"id": "Hoofdletter", "text": "x"}]},
        {"question": [{"id": "a", "text": ""}]},
        {"question": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]},
        {"law": "zvw", "question": [{"id": "a", "text": "x"}]},
    ],
)
def test_a_malformed_questionnaire_is_refused_with_one_line(data: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(SurveyError):
        parse_questionnaire(data)


def test_the_questionnaire_survives_its_json_form() -> None:
    assert type(WMO).from_json(WMO.to_json()) == WMO


def test_the_main_provider_gave_most_days_and_a_tie_goes_to_the_lowest_agb() -> None:
    assert main_provider({"2": 10, "1": 5}) == "2"
    assert main_provider({"2": 10, "1": 10}) == "1"


def test_clients_in_care_count_only_days_in_the_year() -> None:
    stays = [
        CareStay("1", "0321", "A", date(2019, 1, 1), date(2020, 1, 31)),  # 31 days in 2020
        CareStay("1", "0321", "B", date(2020, 6, 1), date(2020, 6, 20)),  # 20 days
        CareStay("2", "0321", "B", date(2021, 1, 1), None),  # none in 2020
        CareStay("3", "0356", "C", date(2019, 5, 1), None),  # moved: latest allocation's municipality
        CareStay("3", "0321", "C", date(2020, 3, 1), None),
    ]
    assert clients_in_care(stays, 2020) == [Drawn("1", "0321", "A"), Drawn("3", "0321", "C")]


def test_a_sample_is_per_municipality_and_the_same_for_the_same_seed() -> None:
    people = [Drawn(f"{n:09d}", "0321" if n % 3 else "0356", "A") for n in range(100)]
    first = draw(people, 10, seed=7)
    assert draw(people, 10, seed=7) == first
    assert draw(people, 10, seed=8) != first
    assert sum(1 for d in first if d.municipality_code == "0321") == 10
    assert sum(1 for d in first if d.municipality_code == "0356") == 10
    assert draw(people, None, seed=7) == sorted(people, key=lambda d: d.bsn)
    with pytest.raises(SurveyError):
        draw(people, 0, seed=1)


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    token = new_token()
    assert looks_like_token(token) and token != new_token()
    assert token_hash(token) != token and len(token_hash(token)) == 64
    assert not looks_like_token(token[:-1]) and not looks_like_token(token + "x")
    assert not looks_like_token("../" + token[3:])
    assert is_open(date(2021, 1, 31), date(2021, 1, 31)) and not is_open(date(2021, 1, 31), date(2021, 2, 1))


def test_every_question_needs_an_answer_from_the_scale() -> None:
    form = {q.id: "4" for q in WMO.questions}
    answers, missing = check_answers(WMO, form)
    assert missing == [] and answers == form
    form[WMO.questions[0].id] = "9"
    del form[WMO.questions[3].id]
    _, missing = check_answers(WMO, form)
    assert missing == [WMO.questions[0].id, WMO.questions[3].id]


def _response(municipality: str, agb: str, value: str) -> Response:
    return Response(municipality, agb, {q.id: value for q in WMO.questions})


def test_a_group_of_fewer_than_10_respondents_has_no_values() -> None:
    nine = [_response("0321", "A", "5") for _ in range(9)]
    (group,) = results_by(lambda r: r.provider_agb, nine, {"A": 20}, WMO)
    assert group.respondents == 9 and group.suppressed
    assert group.satisfaction is None and group.response_rate is None
    assert all(q.positive_share is None and q.judging is None for q in group.questions)
    (ten,) = results_by(lambda r: r.provider_agb, [*nine, _response("0321", "A", "1")], {"A": 20}, WMO)
    assert (
        not ten.suppressed
        and ten.satisfaction == Decimal("0.9000")
        and ten.response_rate == Decimal("0.5000")
    )


def test_satisfaction_is_the_positive_share_of_judging_core_answers() -> None:
    responses = [_response("0321", "A", "4")] * 5 + [_response("0321", "A", "2")] * 5
    responses += [_response("0321", "A", "0")] * 5  # weet niet / n.v.t.: not counted as judging
    assert satisfaction(responses, WMO.core_ids) == Decimal("0.5000")
    only_unknown = [_response("0321", "A", "0")] * 12
    assert satisfaction(only_unknown, WMO.core_ids) is None


@given(
    st.lists(
        st.tuples(st.sampled_from(["0321", "0356", "0331"]), st.sampled_from(["A", "B", "C", "D"]),
                  st.sampled_from([code for code, _ in SCALE])),
        max_size=80,
    )
)  # fmt: skip
def test_results_per_provider_and_per_municipality_add_up_to_the_respondents(
    drawn: list[tuple[str, str, str]],
) -> None:
    responses = [_response(m, p, v) for m, p, v in drawn]
    per_provider = results_by(lambda r: r.provider_agb, responses, {}, WMO)
    per_municipality = results_by(lambda r: r.municipality_code, responses, {}, WMO)
    assert sum(g.respondents for g in per_provider) == len(responses)
    assert sum(g.respondents for g in per_municipality) == len(responses)
    for g in [*per_provider, *per_municipality]:
        assert g.suppressed == (g.respondents < 10)
        assert (g.satisfaction is None) or (Decimal(0) <= g.satisfaction <= Decimal(1))
        if g.suppressed:
            assert g.satisfaction is None and all(q.positive_share is None for q in g.questions)
