"""Languages: chosen by link, by the browser, or the campaign's first; switched on any page without losing answers."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import Response
from tests.survey.helpers import Respondent, location, text_of

ACCESS_EASY = {
    "kk": "Маған қажетті қызметтерді алу оңай.",
    "ru": "Мне легко получать нужные услуги.",
    "uk": "Мені легко отримувати потрібні послуги.",
    "en": "It is easy for me to get the services I need.",
}


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)">', response.get_data(as_text=True)).group(1)


def checked(response, name: str) -> str | None:
    """The value of the checked radio button of question ``name``."""
    for tag in re.findall(r"<input[^>]*>", response.get_data(as_text=True)):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_lang_parameter_chooses_the_language(respondent):
    start = respondent.client.get(f"/s/{respondent.link_code}?lang=uk")
    assert html_lang(start) == "uk"
    respondent.start()
    page = respondent.page(2)
    assert html_lang(page) == "uk"
    assert ACCESS_EASY["uk"] in text_of(page)


def test_accept_language_is_the_default(client, participant):
    start = client.get(f"/s/{participant.link_code}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(start) == "en"


def test_the_campaigns_language_without_a_choice(client, site):
    kazakh, ukrainian = site(country="KZ"), site(country="UA")
    assert html_lang(client.get(f"/s/{kazakh.link_code}")) == "kk"
    assert html_lang(client.get(f"/s/{ukrainian.link_code}")) == "uk"


def test_the_campaigns_language_is_offered_first(client, site):
    for participant, first in ((site(country="KZ"), "kk"), (site(country="UA"), "uk")):
        html = client.get(f"/s/{participant.link_code}?lang=en").get_data(as_text=True)
        switch = html.split('class="languages"')[1].split("</ul>")[0]
        offered = re.findall(r' lang="(\w\w)"', switch)
        assert offered[0] == first
        assert sorted(offered) == ["en", "kk", "ru", "uk"]


def test_the_questions_come_in_the_drafts_language(client, participant):
    for language, label in ACCESS_EASY.items():
        respondent = Respondent(client, participant.link_code)
        respondent.start(lang=language)
        assert label in text_of(respondent.page(2)), language


def test_switching_language_keeps_this_pages_and_earlier_answers(respondent):
    respondent.start(lang="kk")
    respondent.post(1, {"assistance": "helped"})
    switched = respondent.post(2, {"access_easy": "2", "access_waiting": "na"}, action=None, switch_lang="uk")
    assert switched.status_code == 302
    assert location(switched) == "/q/2?lang=uk"
    page = respondent.client.get(location(switched))
    assert html_lang(page) == "uk"
    assert ACCESS_EASY["uk"] in text_of(page)
    assert checked(page, "access_easy") == "2"
    assert checked(page, "access_waiting") == "na"
    assert checked(respondent.page(1), "assistance") == "helped"
    # And the language stays for the following pages.
    assert html_lang(respondent.page(3)) == "uk"


def test_the_language_switch_on_a_question_page_is_a_form_button(respondent):
    """A link would lose what was ticked on the page; the switch posts the form instead."""
    respondent.start(lang="kk")
    html = respondent.page(2).get_data(as_text=True)
    for language in ("ru", "uk", "en"):
        assert f'name="switch_lang" value="{language}"' in html
    assert "?lang=" not in html.split("<main")[0]


def test_an_unknown_switch_is_a_plain_next(respondent):
    respondent.start(lang="kk")
    moved = respondent.post(1, {"assistance": "self"}, switch_lang="de")
    assert location(moved).endswith("/q/2")
    assert html_lang(respondent.page(2)) == "kk"


def test_the_response_keeps_the_language_it_was_finished_in(db, respondent, participant):
    respondent.start(lang="kk")
    respondent.post(1, {"assistance": "self"})
    last, data = respondent.walk(stop_before_last=True)
    respondent.post(last, {}, action=None, switch_lang="en")
    assert respondent.post(last, data).status_code == 302
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    assert response.language == "en"


def test_thanks_page_in_the_language_finished_in(respondent):
    respondent.start(lang="uk")
    done = respondent.walk()
    assert location(done).endswith("lang=uk")
    assert html_lang(respondent.client.get(location(done))) == "uk"
