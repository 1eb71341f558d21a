"""The questionnaire's flow: consent, one group per page with progress, back and next, skipping,
"does not apply", and what is stored where: answers, free text, and the profile on the response."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.instruments.runtime import NOT_APPLICABLE, compiled_instrument
from survey_app.models import Answer, Item, RecipientCategory, Response
from tests.survey.helpers import Respondent, fields_of, location, progress_of, text_of
from tests.survey.test_languages import checked

PROFILE = {"assistance": "helped", "age_band": "60_74", "sex": "female", "recipient_category": "older_people",
           "self_rated_health": "4"}


def _response(db, participant) -> Response:
    db.session.expire_all()
    return db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))


def _answers(db, response) -> dict[str, Answer]:
    rows = db.session.execute(
        select(Item.name, Answer).join(Item, Answer.item_id == Item.id).where(Answer.response_id == response.id)
    )
    return {name: answer for name, answer in rows}


def test_consent_page(client, participant):
    page = client.get(f"/s/{participant.link_code}?lang=en")
    text = text_of(page)
    assert "Tell us how well you are served" in text
    assert "Before you start" in text
    for promise in ("anonymous", "we do not record where you answer from", "Nobody at your service can see",
                    "voluntary", "Your services never depend on", "You can skip any question",
                    "It takes about 10 minutes"):
        assert promise in text
    assert '<button type="submit" name="action" value="start">I agree, start</button>' in page.get_data(as_text=True)
    assert not fields_of(page)  # no question before consent


def test_no_question_page_before_consent(client, participant):
    client.get(f"/s/{participant.link_code}")
    assert client.get("/q/1").status_code == 410


@pytest.mark.parametrize(("language", "progress"), [
    ("en", "Page 1 of 11"), ("kk", "1-бет (барлығы 11)"), ("uk", "Сторінка 1 з 11"), ("ru", "1 из 11"),
])
def test_page_n_of_n_in_each_language(respondent, language, progress):
    respondent.start(lang=language)
    assert progress in text_of(respondent.page(1))


def test_page_n_of_n(respondent):
    respondent.start(lang="en")
    first = respondent.page(1)
    assert "Page 1 of 11" in text_of(first)
    assert progress_of(first) == (1, 11)
    assert "Page 11 of 11" in text_of(respondent.page(11))
    assert '<progress max="11" value="11"' in respondent.page(11).get_data(as_text=True)


def test_one_group_per_page(respondent):
    respondent.start(lang="en")
    respondent.walk()
    assert respondent.visited == [
        ["assistance"], ["access_easy", "access_waiting", "access_place_hours"],
        ["respect_treated", "respect_privacy", "respect_complain"], ["competence_staff", "competence_promised"],
        ["information_rights", "information_plan", "information_choice"],
        ["coordination_together", "coordination_repeat"],
        ["outcomes_situation", "outcomes_independent", "outcomes_quality_of_life"],
        ["safety_feel_safe", "safety_whom_to_contact"], ["overall_satisfaction", "recommend"],
        ["comment_good", "comment_improve"], ["age_band", "sex", "recipient_category", "self_rated_health"],
    ]


def test_the_last_page_submits_the_others_go_next(respondent):
    respondent.start(lang="en")
    assert 'value="next">Next</button>' in respondent.page(10).get_data(as_text=True)
    last = respondent.page(11).get_data(as_text=True)
    assert 'value="submit">Submit</button>' in last
    assert 'value="next"' not in last


def test_back_and_next_keep_answers(respondent):
    respondent.start(lang="en")
    assert location(respondent.post(1, {"assistance": "self"})).endswith("/q/2")
    assert location(respondent.post(2, {"access_easy": "5", "access_waiting": "1"})).endswith("/q/3")
    back = respondent.post(3, {"respect_treated": "4"}, action="back")
    assert location(back).endswith("/q/2")
    page_two = respondent.page(2)
    assert checked(page_two, "access_easy") == "5"
    assert checked(page_two, "access_waiting") == "1"
    assert checked(page_two, "access_place_hours") is None
    # What was ticked on the page left with "Back" is kept too.
    respondent.post(2, {"access_easy": "4", "access_waiting": "1"})
    assert checked(respondent.page(3), "respect_treated") == "4"
    assert checked(respondent.page(2), "access_easy") == "4"  # changed on the way


def test_back_from_the_first_page_returns_to_the_start(respondent):
    respondent.start()
    back = respondent.post(1, {"assistance": "proxy"}, action="back")
    assert location(back) == f"/s/{respondent.link_code}"
    start = respondent.client.get(location(back), query_string={"lang": "en"})
    assert "Continue where I stopped" in text_of(start)
    assert location(respondent.client.post(location(back), data={"action": "continue"})).endswith("/q/1")
    assert checked(respondent.page(1), "assistance") == "proxy"


def test_start_again_forgets_the_answers(respondent):
    respondent.start()
    respondent.post(1, {"assistance": "proxy"})
    assert location(respondent.start(action="restart")).endswith("/q/1")
    assert checked(respondent.page(1), "assistance") is None


def test_emptying_a_text_answer_removes_it(respondent):
    respondent.start()
    respondent.post(10, {"comment_good": "Хорошо"})
    assert "Хорошо" in text_of(respondent.page(10))
    respondent.post(10, {"comment_good": ""})
    assert "Хорошо" not in text_of(respondent.page(10))


def test_a_radio_left_alone_keeps_its_answer(respondent):
    """A browser cannot untick a radio button: a page posted without it keeps the earlier answer."""
    respondent.start()
    respondent.post(2, {"access_easy": "5"})
    respondent.post(2, {"access_waiting": "3"})
    page = respondent.page(2)
    assert (checked(page, "access_easy"), checked(page, "access_waiting")) == ("5", "3")


def test_every_question_can_be_skipped(db, respondent, participant):
    respondent.start()
    done = respondent.walk({})
    assert "/q/done" in location(done)
    response = _response(db, participant)
    assert response is not None
    assert _answers(db, response) == {}
    assert (response.age_band, response.sex, response.recipient_category_id, response.self_rated_health,
            response.assistance) == (None,) * 5


@pytest.mark.parametrize(("setting", "standards", "module_question"), [
    ("residential", ("domestic_violence",), "living_food"), ("home_care", (), "home_visits_punctual"),
])
def test_does_not_apply_is_offered_on_every_scored_question(client, site, setting, standards, module_question):
    participant = site(setting=setting, standards=standards)
    respondent = Respondent(client, participant.link_code)
    respondent.start(lang="en")
    instrument = compiled_instrument(participant.campaign.instrument_version)
    number, seen = 1, set()
    while True:
        page = respondent.page(number)
        html = page.get_data(as_text=True)
        for name in fields_of(page):
            question = instrument.questions[name]
            if question.scored:
                seen.add(name)
                assert question.option(NOT_APPLICABLE) is not None, name
                na = re.search(rf'<input[^>]*name="{name}"[^>]*value="na"[^>]*>\s*<span>([^<]*)</span>', html)
                assert na, name
                assert na.group(1).strip() in ("Does not apply / don&#39;t know", "Does not apply",
                                               "Prefer not to say")
        if progress_of(page)[0] == progress_of(page)[1]:
            break
        respondent.post(number, {})
        number += 1
    assert module_question in seen
    assert len(seen) >= 20


def test_not_applicable_is_stored_without_a_score(db, respondent, participant):
    respondent.start()
    respondent.walk({"access_easy": "na", "access_waiting": "2"})
    answers = _answers(db, _response(db, participant))
    assert (answers["access_easy"].choice, answers["access_easy"].score) == ("na", None)
    assert (answers["access_waiting"].choice, answers["access_waiting"].score) == ("2", 2)


def test_open_questions_are_stored_as_text(db, respondent, participant):
    respondent.start()
    comment = "Всё хорошо.\nСпасибо социальному работнику — Айгуль!"
    respondent.walk({"comment_good": f"  {comment}  ", "comment_improve": "Ұзақ күту"})
    answers = _answers(db, _response(db, participant))
    assert answers["comment_good"].text == comment
    assert answers["comment_good"].choice is None and answers["comment_good"].score is None
    assert answers["comment_improve"].text == "Ұзақ күту"


def test_profile_questions_go_to_the_response_not_to_answers(db, respondent, participant):
    respondent.start()
    respondent.walk({**PROFILE, "access_easy": "4", "recommend": "9"})
    response = _response(db, participant)
    category = db.session.scalar(select(RecipientCategory).where(RecipientCategory.code == "older_people"))
    assert response.age_band == "60_74"
    assert response.sex == "female"
    assert response.recipient_category_id == category.id
    assert response.self_rated_health == 4
    assert response.assistance == "helped"
    answers = _answers(db, response)
    assert set(answers) == {"access_easy", "recommend"}
    assert (answers["recommend"].choice, answers["recommend"].score) == ("9", 9)


def test_profile_answered_does_not_apply_is_left_empty(db, respondent, participant):
    respondent.start()
    respondent.walk({"age_band": "na", "sex": "na", "recipient_category": "na", "self_rated_health": "na"})
    response = _response(db, participant)
    assert (response.age_band, response.sex, response.recipient_category_id, response.self_rated_health) == \
        (None, None, None, None)


@pytest.mark.parametrize(("country", "numbers", "absent"), [
    ("KZ", ("111", "150", "102"), ("116 123", "1547")),
    ("UA", ("116 123", "1547", "116 111", "102"), (">111<", ">150<")),
])
def test_thank_you_page_shows_the_countrys_helplines(client, site, country, numbers, absent):
    participant = site(country=country)
    respondent = Respondent(client, participant.link_code)
    respondent.start(lang="en")
    done = respondent.walk()
    thanks = client.get(location(done))
    html = thanks.get_data(as_text=True)
    assert thanks.status_code == 200
    assert "Thank you!" in html
    assert "Дякуємо!" in text_of(client.get(location(done).replace("lang=en", "lang=uk")))
    for number in numbers:
        assert f'<a href="tel:{number.replace(" ", "")}">{number}</a>' in html
    for number in absent:
        assert number not in html
    assert "If you are in danger now, call the police." in html
