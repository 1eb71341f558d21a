"""Skip logic of Sapa Core: modules follow the provider's setting and standards; a proxy gets proxy wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.instruments.runtime import compiled_instrument
from survey_app.models import Answer, Item, Response
from tests.survey.helpers import Respondent, fields_of, location, text_of

RESIDENTIAL = {"living_food", "living_conditions", "living_leisure"}
HOME_CARE = {"home_visits_punctual", "home_visits_length"}
VICTIMS = {"victim_confidentiality", "victim_legal_help", "victim_safety_plan"}
MODULES = RESIDENTIAL | HOME_CARE | VICTIMS


def _questions_shown(client, participant) -> tuple[set[str], int]:
    respondent = Respondent(client, participant.link_code)
    respondent.start(lang="en")
    respondent.walk({name: "4" for name in MODULES})
    return {name for page in respondent.visited for name in page}, len(respondent.visited)


@pytest.mark.parametrize(("setting", "standards", "modules", "pages"), [
    ("day_care", (), set(), 11),
    ("residential", (), RESIDENTIAL, 12),
    ("home_care", (), HOME_CARE, 12),
    ("temporary_stay", ("domestic_violence",), VICTIMS, 12),
    ("specialised_centre", ("trafficking",), VICTIMS, 12),
    ("residential", ("trafficking", "domestic_violence"), RESIDENTIAL | VICTIMS, 13),
    ("day_care", ("residential", "home_based", "semi_residential"), set(), 11),  # standards of other kinds
])
def test_modules_follow_setting_and_standards(client, site, setting, standards, modules, pages):
    shown, page_count = _questions_shown(client, site(setting=setting, standards=standards))
    assert shown & MODULES == modules
    assert page_count == pages


def test_only_the_shown_modules_are_stored(db, client, site):
    participant = site(setting="home_care")
    _questions_shown(client, participant)
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    stored = set(db.session.scalars(
        select(Item.name).join(Answer, Answer.item_id == Item.id).where(Answer.response_id == response.id)
    ))
    assert stored == HOME_CARE


def test_a_hidden_modules_answers_posted_anyway_are_refused(client, participant):
    """The residential questions are not on a day-care provider's pages: posting them is a forged form."""
    respondent = Respondent(client, participant.link_code)
    respondent.start()
    assert respondent.post(2, {"access_easy": "4", "living_food": "5"}).status_code == 400


PLAIN = "It is easy for me to get the services I need."
PROXY = "It is easy for the person I answer for to get the services they need."


def test_proxy_wording_when_answering_for_someone(respondent):
    respondent.start(lang="en")
    respondent.post(1, {"assistance": "proxy"})
    text = text_of(respondent.page(2))
    assert PROXY in text
    assert PLAIN not in text


@pytest.mark.parametrize("assistance", ["self", "helped", None])
def test_own_wording_otherwise(respondent, assistance):
    respondent.start(lang="en")
    respondent.post(1, {"assistance": assistance} if assistance else {})
    text = text_of(respondent.page(2))
    assert PLAIN in text
    assert PROXY not in text


def test_proxy_wording_in_every_language_and_on_every_page(client, participant):
    instrument = compiled_instrument(participant.campaign.instrument_version)
    for language in ("kk", "ru", "uk", "en"):
        respondent = Respondent(client, participant.link_code)
        respondent.start(lang=language)
        respondent.post(1, {"assistance": "proxy"})
        for number in range(2, 12):
            page = respondent.page(number)
            for name in fields_of(page):
                wording = instrument.texts.get((f"proxy_label:{name}", language))
                if wording:
                    assert wording in text_of(page), (language, name)
                    assert instrument.texts[(f"label:{name}", language)] not in text_of(page), (language, name)


def test_changing_to_proxy_later_changes_the_wording(respondent):
    respondent.start(lang="en")
    respondent.post(1, {"assistance": "self"})
    assert PLAIN in text_of(respondent.page(2))
    back = respondent.post(2, {}, action="back")
    assert location(back).endswith("/q/1")
    respondent.post(1, {"assistance": "proxy"})
    assert PROXY in text_of(respondent.page(2))
