"""Ways in: short link, kiosk, assisted interview, one-time code, and the home page's demo link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.auth.services import create_user
from survey_app.extensions import db as _db
from survey_app.models import OneTimeCode, Response, SurveyDraft
from survey_app.models.base import today, utcnow
from survey_app.survey.routes import KIOSK_THANKS_SECONDS
from tests.survey.conftest import seeded_app
from tests.survey.helpers import Respondent, location, one_time_code, text_of

PASSWORD = "correct horse battery"


def _responses(db, participant) -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(select(Response).where(Response.provider_id == participant.provider_id)))


def _draft(db, client) -> SurveyDraft | None:
    db.session.expire_all()
    with client.session_transaction() as session:
        token = session.get("draft")
    return db.session.get(SurveyDraft, token) if token else None


# ------------------------------------------------------------------ short link

def test_short_link_opens_the_consent_page(client, participant):
    page = client.get(f"/s/{participant.link_code}?lang=en")
    assert page.status_code == 200
    assert participant.provider.name in text_of(page)
    assert "I agree, start" in text_of(page)


@pytest.mark.parametrize("typed", [
    lambda code: code.lower(),
    lambda code: f"{code[:3]} {code[3:]}",
    lambda code: f" {code[:2]}-{code[2:].lower()} ",
])
def test_short_link_typed_in_lower_case_or_with_spaces(client, participant, typed):
    page = client.get(f"/s/{typed(participant.link_code)}?lang=en")
    assert page.status_code == 200
    assert participant.provider.name in text_of(page)


def test_unknown_short_link_gets_its_own_page(client, participant):
    page = client.get("/s/ZZZZZZ?lang=en")
    assert page.status_code == 404
    assert "This survey address is not known" in text_of(page)


@pytest.mark.postgres
def test_a_link_or_code_no_slip_could_hold_is_not_known_on_postgresql(postgres):
    """PostgreSQL refuses a NUL in a text parameter (it answered 500 before): such a code is looked up nowhere."""
    application = seeded_app(postgres.create_database("sapa_odd_codes"))
    client = application.test_client()
    for way in ("s", "k"):  # (an assisted interview asks staff to sign in first)
        page = client.get(f"/{way}/AB%00CD", query_string={"lang": "en"})
        assert page.status_code == 404 and "This survey address is not known" in text_of(page)
    sent = client.post("/s/AB%00CD/responses", json={"submission_key": "odd-code-1", "language": "en", "answers": {}})
    assert sent.status_code == 404 and sent.json["message"] == "This survey address is not known."
    typed = client.post("/c", data={"code": "ABCD\x002345"}, query_string={"lang": "en"})
    assert typed.status_code == 422 and CODE_PROBLEMS["unknown"]["en"] in text_of(typed)
    with application.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("language", ["kk", "uk", "en"])
def test_closed_campaign_by_short_link(client, site, language):
    participant = site(starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=1))
    page = client.get(f"/s/{participant.link_code}?lang={language}")
    assert page.status_code == 410
    assert CODE_PROBLEMS["closed"][language] in text_of(page)


def test_a_campaign_closed_early_is_closed(client, db, participant):
    participant.campaign.closed_at = utcnow()
    db.session.flush()
    assert client.get(f"/s/{participant.link_code}").status_code == 410


def test_web_link_stores_mode_web(client, db, participant):
    respondent = Respondent(client, participant.link_code)
    respondent.start()
    respondent.walk({"assistance": "self"})
    [response] = _responses(db, participant)
    assert response.mode == "web"


# ------------------------------------------------------------------ kiosk

def test_kiosk_thanks_page_returns_to_the_start(client, db, participant):
    respondent = Respondent(client, participant.link_code, way_in="k")
    assert location(respondent.start()).endswith("/q/1")
    assert _draft(db, client).mode == "kiosk"
    done = respondent.walk({"access_easy": "5"})
    thanks = client.get(location(done))
    assert thanks.status_code == 200
    html = thanks.get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="{KIOSK_THANKS_SECONDS};url=/k/{participant.link_code}">' in html
    assert f'href="/k/{participant.link_code}"' in html  # "Next person"
    [response] = _responses(db, participant)
    assert response.mode == "kiosk"


def test_kiosk_question_pages_reset_themselves_when_left_idle(client, participant):
    Respondent(client, participant.link_code, way_in="k").start()
    html = client.get("/q/1").get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="900;url=/k/{participant.link_code}/reset">' in html


def test_web_pages_do_not_reset_themselves(respondent):
    respondent.start()
    assert 'http-equiv="refresh"' not in respondent.page(1).get_data(as_text=True)


def test_kiosk_reset_forgets_the_draft_and_the_cookie(client, db, participant):
    respondent = Respondent(client, participant.link_code, way_in="k")
    respondent.start()
    respondent.post(1, {"assistance": "self"})
    token = _draft(db, client).id
    reset = client.get(f"/k/{participant.link_code}/reset")
    assert reset.status_code == 302
    assert location(reset) == f"/k/{participant.link_code}"
    assert db.session.get(SurveyDraft, token) is None
    assert client.get_cookie("sapa") is None
    # The next person starts afresh: nothing to continue.
    start = client.get(f"/k/{participant.link_code}?lang=en")
    assert "Continue where I stopped" not in text_of(start)


# ------------------------------------------------------------------ assisted interview

def _sign_in(client, email: str):
    answer = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 302, text_of(answer)


def test_assisted_needs_a_signed_in_worker(client, participant):
    answer = client.get(f"/a/{participant.link_code}")
    assert answer.status_code == 302
    assert location(answer).startswith("/staff/login")
    assert f"/a/{participant.link_code}" in location(answer).replace("%2F", "/")


def test_assisted_refused_to_a_worker_of_another_provider(client, db, site, participant):
    other = site()
    create_user("worker@other.example", "Other worker", PASSWORD, "social_worker", provider=other.provider)
    _sign_in(client, "worker@other.example")
    assert client.get(f"/a/{participant.link_code}").status_code == 403
    assert client.post(f"/a/{participant.link_code}", data={"action": "start"}).status_code == 403
    assert _responses(db, participant) == []


def test_assisted_interview_by_a_worker_of_the_provider(client, db, participant):
    create_user("worker@own.example", "Own worker", PASSWORD, "social_worker", provider=participant.provider)
    _sign_in(client, "worker@own.example")
    start = client.get(f"/a/{participant.link_code}?lang=en")
    assert start.status_code == 200
    assert "Assisted interview: read each question aloud" in text_of(start)
    respondent = Respondent(client, participant.link_code, way_in="a")
    assert location(respondent.start()).endswith("/q/1")
    assert _draft(db, client).mode == "assisted"
    respondent.walk({"assistance": "helped", "access_easy": "3"})
    [response] = _responses(db, participant)
    assert response.mode == "assisted"
    assert response.assistance == "helped"
    # The worker stays signed in for the next interview, and the thank-you page offers it.
    again = client.get(f"/a/{participant.link_code}?lang=en")
    assert again.status_code == 200
    assert "Assisted interview" in text_of(again)


# ------------------------------------------------------------------ one-time code

def test_one_time_code_accepted_then_used_on_the_day(client, db, participant):
    code = one_time_code(participant)
    typed = f"{code.code[:4].lower()}-{code.code[4:]}"  # as printed, in small letters
    entered = client.post("/c", data={"code": typed})
    assert entered.status_code == 302
    assert location(entered) == f"/s/{participant.link_code}"
    start = client.get(location(entered), query_string={"lang": "en"})
    assert f"Your code {code.code[:4]}-{code.code[4:]} is accepted." in text_of(start)
    respondent = Respondent(client, participant.link_code)
    respondent.start()
    respondent.walk({"assistance": "self", "access_easy": "4"})
    [response] = _responses(db, participant)
    assert response.submitted_on == today()
    used = db.session.get(OneTimeCode, code.id)
    assert used.used_on == today()
    assert type(used.used_on).__name__ == "date"  # a day, never a time of day


def test_a_code_typed_on_a_cyrillic_keyboard_is_accepted(client, db, participant):
    """Someone who did not switch the phone's keyboard to Latin types the letters they see on the slip."""
    code = one_time_code(participant)
    code.code = "KMX7P3AB"  # every letter one a Cyrillic keyboard has a look-alike of
    db.session.flush()
    cyrillic = code.code.translate(str.maketrans("ABCEHKMPTXY", "АВСЕНКМРТХУ")).lower()
    assert cyrillic.isalnum() and not any("a" <= letter <= "z" for letter in cyrillic)
    entered = client.post("/c", data={"code": f"{cyrillic[:4]} {cyrillic[4:]}"})
    assert entered.status_code == 302 and location(entered) == f"/s/{participant.link_code}"


def _enter(client, typed: str, **query):
    return client.post("/c", data={"code": typed}, query_string=query)


CODE_PROBLEMS = {
    "unknown": {"en": "This code is not known. Please check each letter and digit.",
                "kk": "Мұндай код табылмады. Әр әріп пен цифрды тексеріңіз.",
                "uk": "Такого коду не знайдено. Будь ласка, перевірте кожну літеру й цифру."},
    "used": {"en": "This code has already been used. Each code can be used once.",
             "kk": "Бұл код бұрын пайдаланылған. Әр кодты бір рет қана пайдалануға болады.",
             "uk": "Цей код уже використано. Кожен код діє лише один раз."},
    "expired": {"en": "This code has expired. Ask staff for a new slip.",
                "kk": "Бұл кодтың мерзімі өтіп кеткен. Қызметкерлерден жаңа парақша сұраңыз.",
                "uk": "Термін дії цього коду минув. Попросіть у працівників новий листок."},
    "closed": {"en": "This survey is closed. Thank you for wanting to take part.",
               "kk": "Бұл сауалнама аяқталды. Қатысқыңыз келгені үшін рақмет.",
               "uk": "Це опитування завершено. Дякуємо, що хотіли взяти участь."},
}


def _problem_code(db, site, problem: str) -> str:
    if problem == "unknown":
        return "ABCD2345"
    if problem == "closed":
        participant = site(starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=1))
        return one_time_code(participant, expires_on=today() + timedelta(days=30)).code
    code = one_time_code(site())
    if problem == "used":
        code.used_on = today()
    else:
        code.issued_on, code.expires_on = today() - timedelta(days=10), today() - timedelta(days=1)
    db.session.flush()
    return code.code


@pytest.mark.parametrize("language", ["kk", "uk", "en"])
@pytest.mark.parametrize("problem", CODE_PROBLEMS)
def test_each_code_problem_gets_its_own_message_in_the_users_language(client, db, site, problem, language):
    page = _enter(client, _problem_code(db, site, problem), lang=language)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    message = CODE_PROBLEMS[problem][language]
    assert message in text_of(page).split('id="code-error">')[1]  # beside the field ...
    assert message in text_of(page).split('class="error-summary"')[1]  # ... and in the summary
    assert 'aria-invalid="true"' in html
    others = [texts[language] for name, texts in CODE_PROBLEMS.items() if name != problem]
    assert not any(other in text_of(page) for other in others)


def test_code_pages_speak_the_campaigns_language(client, db, site):
    """Someone who has chosen no language reads a used code's page in the campaign's first language."""
    participant = site(country="UA")
    code = one_time_code(participant)
    code.used_on = today()
    db.session.flush()
    page = _enter(client, code.code)
    assert '<html lang="uk">' in page.get_data(as_text=True)
    assert page.status_code == 422
    assert CODE_PROBLEMS["used"]["uk"] in text_of(page)


def test_a_code_is_not_kept_after_its_draft_is_submitted(client, db, participant):
    """Typing the same code again after answering gets "already used", not a second questionnaire."""
    code = one_time_code(participant)
    _enter(client, code.code)
    respondent = Respondent(client, participant.link_code)
    respondent.start()
    respondent.walk()
    again = _enter(client, code.code, lang="en")
    assert again.status_code == 422
    assert "already been used" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.provider_id == participant.provider_id)) == 1


# ------------------------------------------------------------------ home page

def test_home_page_links_to_the_demo_survey(client, db, participant):
    participant.provider.code = "kz-ngo-crisis-001"
    db.session.flush()
    home = client.get("/?lang=en")
    assert f'href="/s/{participant.link_code}"' in home.get_data(as_text=True)


def test_home_page_without_demo_data_has_no_survey_link(client, participant):
    assert "/s/" not in client.get("/?lang=en").get_data(as_text=True)
