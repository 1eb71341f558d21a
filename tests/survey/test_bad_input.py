"""Bad input gets a clear message in the respondent's language or a refusal, never a server error."""

from __future__ import annotations

import gc
import re
import warnings

import pytest
from sqlalchemy import select

from survey_app.extensions import db as _db
from survey_app.models import InstrumentVersion, SurveyDraft
from tests.survey.conftest import seeded_app
from tests.survey.helpers import location, make_site, text_of
from tests.survey.test_languages import checked, html_lang

CHOOSE_SHOWN = {
    "kk": "Көрсетілген жауаптардың бірін таңдаңыз.",
    "uk": "Будь ласка, оберіть одну із запропонованих відповідей.",
    "en": "Please choose one of the answers shown.",
}
TOO_LONG = {
    "kk": "Жауабыңызды 2000 таңбаға дейін қысқартыңыз (қазір 2001 таңба).",
    "uk": "Будь ласка, скоротіть відповідь до 2000 знаків (зараз у ній 2001).",
    "en": "Please shorten your answer to 2000 characters (it has 2001).",
}
UNREADABLE = {
    "kk": "Бұл жауаптағы кейбір таңбалар оқылмады. Оны қайта теріп жазыңыз.",
    "uk": "Деякі символи цієї відповіді не вдалося прочитати. Будь ласка, введіть її ще раз.",
    "en": "Some characters of this answer could not be read. Please type it again.",
}
NOT_UNDERSTOOD = {"kk": "Сұрауды түсіну мүмкін болмады", "uk": "Не вдалося зрозуміти запит",
                  "en": "The request could not be understood"}
TOO_MUCH = {"kk": "Деректер тым көп", "uk": "Забагато даних", "en": "Too much data"}
EXPIRED_FORM = {"kk": "Бұл нысанның мерзімі өтті", "uk": "Термін дії форми минув", "en": "This form has expired"}
DRAFT_MISSING = {
    "kk": "Аяқталмаған жауаптарыңыз табылмады.",
    "uk": "Ваших незавершених відповідей не знайдено.",
    "en": "Your answers in progress were not found.",
}
LANGUAGES = ("kk", "uk", "en")


def _started(respondent, language: str):
    respondent.start(lang=language)
    return respondent


def _error_messages(response) -> list[str]:
    return [text.strip() for text in re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', text_of(response))]


# ------------------------------------------------------------------ answers that are not on offer

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", ["7", "0", "-1", "maybe", "4.0", " 4", "na; DROP TABLE answer"])
def test_an_answer_not_on_the_scale_is_refused_with_a_message(respondent, language, value):
    _started(respondent, language)
    refused = respondent.post(2, {"access_easy": value, "access_waiting": "3"})
    assert refused.status_code == 422
    assert html_lang(refused) == language
    assert _error_messages(refused) == [CHOOSE_SHOWN[language]]
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert 'class="error-summary"' in refused.get_data(as_text=True)
    # Nothing was stored for it; the valid answer next to it was kept.
    page = respondent.page(2)
    assert checked(page, "access_easy") is None
    assert checked(page, "access_waiting") == "3"


def test_zero_is_refused_on_the_agreement_scale_but_allowed_on_the_zero_to_ten_scale(respondent):
    _started(respondent, "en")
    assert respondent.post(2, {"access_easy": "0"}).status_code == 422
    assert location(respondent.post(9, {"recommend": "0"})).endswith("/q/10")
    assert respondent.post(9, {"recommend": "11"}).status_code == 422


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_field_is_refused(respondent, language):
    _started(respondent, language)
    refused = respondent.post(2, {"access_easy": "4", "is_admin": "1"})
    assert refused.status_code == 400
    assert NOT_UNDERSTOOD[language] in text_of(refused)
    assert html_lang(refused) == language
    assert checked(respondent.page(2), "access_easy") is None  # the page was not taken in part


def test_a_question_of_another_page_is_refused(respondent):
    _started(respondent, "en")
    assert respondent.post(2, {"access_easy": "4", "respect_treated": "5"}).status_code == 400


# ------------------------------------------------------------------ text

@pytest.mark.parametrize("language", LANGUAGES)
def test_an_oversized_text_gets_a_message_and_is_shown_again(respondent, language):
    _started(respondent, language)
    text = "ы" * 2001
    refused = respondent.post(10, {"comment_good": text})
    assert refused.status_code == 422
    assert _error_messages(refused) == [TOO_LONG[language]]
    assert text in text_of(refused)  # to shorten, not to type again


def test_a_text_of_exactly_the_limit_is_stored(db, respondent, participant):
    _started(respondent, "en")
    assert location(respondent.post(10, {"comment_good": "я" * 2000})).endswith("/q/11")
    assert ("я" * 2000) in text_of(respondent.page(10))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_over_the_size_limit_gets_a_translated_413(app, respondent, language):
    """A URL-encoded form is limited by MAX_CONTENT_LENGTH (Werkzeug's form memory limit is for multipart)."""
    _started(respondent, language)
    body = b"comment_good=" + b"x" * app.config["MAX_CONTENT_LENGTH"] + b"&action=next"
    refused = respondent.client.post("/q/10", data=body, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 413
    assert TOO_MUCH[language] in text_of(refused)
    assert html_lang(refused) == language


def test_a_multipart_body_over_the_form_memory_limit_gets_a_413(app, respondent):
    _started(respondent, "kk")
    limit = app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000
    refused = respondent.client.post("/q/10", data={"comment_good": "x" * (limit + 1), "action": "next"},
                                     content_type="multipart/form-data")
    assert refused.status_code == 413
    assert TOO_MUCH["kk"] in text_of(refused)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("body", [
    b"comment_good=caf\xe9+au+lait&action=next",  # Latin-1, as an old phone might send
    b"comment_good=%FF%FEhello&action=next",  # percent-encoded bytes that are not UTF-8
    b"comment_good=\xd0\xbf\xd1&action=next",  # UTF-8 cut in the middle of a letter
    b"comment_good=tab%00null&action=next",  # a NUL byte
])
def test_wrongly_encoded_text_gets_a_message(respondent, language, body):
    _started(respondent, language)
    refused = respondent.client.post("/q/10", data=body + "&comment_improve=Ұзақ күту".encode(),
                                     content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 422
    assert _error_messages(refused) == [UNREADABLE[language]]
    assert "Ұзақ күту" in text_of(respondent.page(10))  # the readable answer beside it is kept


def test_wrongly_encoded_choice_or_field_name_is_refused(respondent):
    _started(respondent, "en")
    choice = respondent.client.post("/q/2", data=b"access_easy=4\xff&action=next",
                                    content_type="application/x-www-form-urlencoded")
    assert choice.status_code == 422
    name = respondent.client.post("/q/2", data=b"access_\xffeasy=4&action=next",
                                  content_type="application/x-www-form-urlencoded")
    assert name.status_code == 400


@pytest.mark.parametrize("data", [
    {"access_easy": ["1", "5"]},  # two values for one radio group
    {"action": "launch"},
    {"switch_lang": ""},
    {"action": "x" * 5000},
    {"access_easy": ""},
])
def test_odd_posts_never_fail(respondent, data):
    _started(respondent, "en")
    answer = respondent.client.post("/q/2", data=data)
    assert answer.status_code in (302, 400, 422), answer.status_code


def test_json_or_multipart_posts_never_fail(respondent):
    _started(respondent, "en")
    assert respondent.client.post("/q/2", json={"access_easy": "4"}).status_code in (302, 400, 422)
    multipart = respondent.client.post("/q/10", data={"comment_good": "ok", "action": "next"},
                                       content_type="multipart/form-data")
    assert multipart.status_code == 302


ACTION_PART = b'--b\r\nContent-Disposition: form-data; name="action"\r\n\r\nnext\r\n'


@pytest.mark.parametrize("body", [
    ACTION_PART + b'--b\r\nContent-Disposition: attachment; filename="a"\r\n\r\nno name\r\n--b--\r\n',
    ACTION_PART + b'--b\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nthe body ends in a file',
], ids=["part without a name", "file cut short"])
def test_file_parts_the_form_does_not_keep_are_closed(respondent, body):
    """Werkzeug closes only the files it returns; these two were left as open temporary files (a
    ResourceWarning each, found by tests/proof)."""
    _started(respondent, "en")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        answer = respondent.client.post("/q/10", data=body, content_type="multipart/form-data; boundary=b")
        gc.collect()
    assert answer.status_code in (302, 400)
    assert [str(warning.message) for warning in caught if warning.category is ResourceWarning] == []


# ------------------------------------------------------------------ pages and drafts

def test_a_page_number_out_of_range_redirects(respondent):
    _started(respondent, "en")
    assert location(respondent.page(99)).endswith("/q/11")
    assert location(respondent.page(0)).endswith("/q/1")
    assert location(respondent.post(12, {"access_easy": "4"})).endswith("/q/11")
    assert respondent.client.get("/q/-1").status_code == 404
    assert respondent.client.get("/q/x").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_draft_gets_the_lost_draft_page(client, language):
    lost = client.get(f"/q/1?lang={language}")
    assert lost.status_code == 410
    assert DRAFT_MISSING[language] in text_of(lost)
    assert client.post(f"/q/3?lang={language}", data={"access_easy": "4"}).status_code == 410


def test_a_forged_or_stale_draft_token_gets_the_lost_draft_page(client, participant):
    with client.session_transaction() as session:
        session["draft"] = "not-a-draft"
    assert client.get("/q/1").status_code == 410
    client.set_cookie("sapa", "tampered.cookie.value")
    assert client.get("/q/1?lang=en").status_code == 410


# ------------------------------------------------------------------ CSRF

@pytest.fixture(scope="module")
def csrf_app():
    """An app that checks CSRF tokens, as in production."""
    application = seeded_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        version = _db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))
        application.config["TEST_LINK_CODE"] = make_site(version).link_code
        _db.session.commit()
    yield application
    with application.app_context():
        _db.engine.dispose()


def _token(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_or_forged_csrf_token_gets_the_form_has_expired_page(csrf_app, language):
    client = csrf_app.test_client()
    link = csrf_app.config["TEST_LINK_CODE"]
    start = client.get(f"/s/{link}?lang={language}")
    token = _token(start)
    for data in ({"action": "start"}, {"action": "start", "csrf_token": "forged-" + token[7:]}):
        refused = client.post(f"/s/{link}", data=data)
        assert refused.status_code == 400
        assert EXPIRED_FORM[language] in text_of(refused)
        assert html_lang(refused) == language
    started = client.post(f"/s/{link}", data={"action": "start", "csrf_token": token})
    assert location(started).endswith("/q/1")
    page = client.get("/q/1")
    assert client.post("/q/1", data={"assistance": "self", "action": "next"}).status_code == 400
    assert client.post("/q/1", data={"assistance": "self", "action": "next",
                                     "csrf_token": "x" + _token(page)[1:]}).status_code == 400
    # The draft survives the refusal, and the page goes on with a real token.
    with client.session_transaction() as session:
        token_of_draft = session["draft"]
    with csrf_app.app_context():
        assert _db.session.get(SurveyDraft, token_of_draft) is not None
    assert location(client.post("/q/1", data={"assistance": "self", "action": "next",
                                              "csrf_token": _token(page)})).endswith("/q/2")


def test_wrongly_encoded_text_with_csrf_on_still_gets_its_own_message(csrf_app):
    """The garbled byte must not make the CSRF token unreadable too (that would say "form has expired")."""
    client = csrf_app.test_client()
    link = csrf_app.config["TEST_LINK_CODE"]
    token = _token(client.get(f"/s/{link}?lang=uk"))
    client.post(f"/s/{link}", data={"action": "start", "csrf_token": token})
    body = f"csrf_token={token}&assistance=self&action=next".encode()
    assert location(client.post("/q/1", data=body, content_type="application/x-www-form-urlencoded")) \
        .endswith("/q/2")
    page = client.get("/q/10")
    body = f"csrf_token={_token(page)}&comment_good=caf".encode() + b"\xe9&action=next"
    refused = client.post("/q/10", data=body, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 422
    assert _error_messages(refused) == [UNREADABLE["uk"]]


def test_the_code_form_needs_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/c?lang=en", data={"code": "ABCD2345"}).status_code == 400
    token = _token(client.get("/c"))
    assert client.post("/c?lang=en", data={"code": "ABCD2345", "csrf_token": token}).status_code == 422


def test_a_csrf_token_from_another_session_is_refused(csrf_app):
    link = csrf_app.config["TEST_LINK_CODE"]
    someone = csrf_app.test_client()
    token = _token(someone.get(f"/s/{link}"))
    other = csrf_app.test_client()
    other.get(f"/s/{link}")
    assert other.post(f"/s/{link}", data={"action": "start", "csrf_token": token}).status_code == 400

