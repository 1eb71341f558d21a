"""Nothing lost, nothing doubled: answers kept on the server for 24 hours, and each questionnaire stored
exactly once whatever the network does: a retried POST, a double click, or two submissions at the same
moment on PostgreSQL and on the embedded SQLite, with real commits from two threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.extensions import db as _db
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import Answer, InstrumentVersion, OneTimeCode, Response, SurveyDraft
from survey_app.models.base import today, utcnow
from survey_app.reference.loader import load_reference
from survey_app.responses import store
from survey_app.survey import services
from tests.survey.helpers import Respondent, location, make_site, one_time_code, text_of
from tests.survey.test_languages import checked

ANSWERS = {"assistance": "self", "access_easy": "4", "respect_treated": "5", "comment_good": "Спасибо",
           "age_band": "35_59"}


def _count(db, participant) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.provider_id == participant.provider_id))


def _cookie(client) -> str:
    return client.get_cookie("sapa").value


def _same_browser(app, cookie: str):
    """Another connection (a new tab, a reconnected phone) sending the same session cookie."""
    other = app.test_client()
    other.set_cookie("sapa", cookie)
    return other


# ------------------------------------------------------------------ kept on the server

def test_another_client_with_the_same_cookie_resumes(app, db, client, respondent, participant):
    respondent.start()
    respondent.post(1, {"assistance": "helped"})
    respondent.post(2, {"access_easy": "2", "access_waiting": "5"})
    resumed = _same_browser(app, _cookie(client))
    assert checked(resumed.get("/q/2"), "access_easy") == "2"
    start = resumed.get(f"/s/{participant.link_code}?lang=en")
    assert "Continue where I stopped" in text_of(start)
    assert location(resumed.post(f"/s/{participant.link_code}", data={"action": "continue"})).endswith("/q/1")
    assert checked(resumed.get("/q/1"), "assistance") == "helped"
    Respondent(resumed, participant.link_code).walk({"respect_treated": "3"})
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    assert response.assistance == "helped"
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == response.id)) == 3


def _later(monkeypatch, delta: timedelta):
    moment = utcnow() + delta
    monkeypatch.setattr(services, "utcnow", lambda: moment)


def test_answers_are_kept_for_almost_a_day(monkeypatch, respondent):
    respondent.start()
    respondent.post(2, {"access_easy": "1"})
    _later(monkeypatch, timedelta(hours=23, minutes=50))
    page = respondent.page(2)
    assert page.status_code == 200
    assert checked(page, "access_easy") == "1"


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Your answers in progress were not found. This happens after 24 hours"),
    ("kk", "Аяқталмаған жауаптарыңыз табылмады. Бұл 24 сағаттан кейін"),
    ("uk", "Ваших незавершених відповідей не знайдено. Так буває через 24 години"),
])
def test_after_a_day_the_draft_is_gone_and_the_page_says_so(monkeypatch, db, client, respondent, site,
                                                            language, message):
    respondent.start(lang=language)
    respondent.post(2, {"access_easy": "1"})
    with client.session_transaction() as session:
        token = session["draft"]
    _later(monkeypatch, timedelta(hours=24, minutes=1))
    for attempt in (respondent.page(2), respondent.post(2, {"access_easy": "3"}), respondent.page(5)):
        assert attempt.status_code == 410
        assert message in text_of(attempt)
    # Nobody can continue it from the start page either.
    assert "Continue where I stopped" not in text_of(client.get(f"/s/{respondent.link_code}?lang=en"))
    # And the row with the answers is deleted as soon as anyone starts a questionnaire.
    Respondent(_fresh_client(client), site().link_code).start()
    db.session.expire_all()
    assert db.session.get(SurveyDraft, token) is None


def _fresh_client(client):
    return client.application.test_client()


# ------------------------------------------------------------------ exactly once

def test_a_retried_final_post_stores_one_response(db, client, respondent, participant):
    respondent.start()
    last, data = respondent.walk(ANSWERS, stop_before_last=True)
    cookie = _cookie(client)
    first = respondent.post(last, data, action=None)
    assert "/q/done" in location(first)
    # The answer never reached the phone: the browser posts again with the cookie it had.
    client.set_cookie("sapa", cookie)
    retry = respondent.post(last, data, action=None)
    assert retry.status_code == 302
    assert "/q/done" in location(retry)
    assert client.get(location(retry)).status_code == 200
    assert _count(db, participant) == 1


def test_a_double_click_stores_one_response(app, db, client, respondent, participant):
    respondent.start()
    last, data = respondent.walk(ANSWERS, stop_before_last=True)
    twin = _same_browser(app, _cookie(client))
    answers = [client.post(f"/q/{last}", data=data), twin.post(f"/q/{last}", data=data)]
    assert [answer.status_code for answer in answers] == [302, 302]
    assert all("/q/done" in location(answer) for answer in answers)
    assert _count(db, participant) == 1


def test_a_failed_submission_keeps_the_answers_and_its_retry_stores_once(monkeypatch, db, client, respondent,
                                                                         participant):
    """A server fault in the middle of storing: nothing half-stored, the retry stores everything once."""
    respondent.start(lang="en")
    last, data = respondent.walk(ANSWERS, stop_before_last=True)
    real_rows = store.answer_rows

    def failing_once(*args):
        monkeypatch.setattr(store, "answer_rows", real_rows)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(store, "answer_rows", failing_once)
    failed = respondent.post(last, data, action=None)
    assert failed.status_code == 500
    assert "Nothing you did caused this" in text_of(failed)
    assert _count(db, participant) == 0
    retry = respondent.post(last, data, action=None)
    assert "/q/done" in location(retry)
    assert _count(db, participant) == 1
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == response.id)) == 3


# ------------------------------------------------------------------ at the same moment, with real commits

def _race_app(database_url: str):
    application = create_app(TestConfig(database_url))
    with application.app_context():
        upgrade()
        load_reference()
        load_standard_instrument()
        _db.session.commit()
    return application


@pytest.fixture(scope="module", params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def race_app(request, tmp_path_factory):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").create_database("sapa_survey_race")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.sqlite3'}"
    application = _race_app(url)
    yield application
    with application.app_context():
        _db.engine.dispose()


def _new_site(app, with_code: bool = False):
    with app.app_context():
        version = _db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))
        participant = make_site(version)
        code = one_time_code(participant).code if with_code else None
        _db.session.commit()
        return participant.link_code, participant.provider_id, code


def _stored(app, provider_id: int) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(Response).where(Response.provider_id == provider_id))


def _at_once(prepared: list[tuple]) -> list[tuple]:
    """Each (client, last page, data) posts its last page in its own thread, released together."""
    barrier = threading.Barrier(len(prepared), timeout=60)

    def finish(entry):
        client, last, data = entry
        barrier.wait()
        answer = client.post(f"/q/{last}", data=data)
        shown = client.get(location(answer)) if answer.status_code == 302 else answer
        return answer, shown

    with ThreadPoolExecutor(len(prepared)) as pool:
        return list(pool.map(finish, prepared))


ROUNDS = 2


def test_two_drafts_with_the_same_code_at_once_store_one_response(race_app, caplog):
    for _ in range(ROUNDS):
        link_code, provider_id, code = _new_site(race_app, with_code=True)
        prepared = []
        for _person in range(2):
            client = race_app.test_client()
            assert client.post("/c", data={"code": code}).status_code == 302
            respondent = Respondent(client, link_code)
            respondent.start(lang="en")
            prepared.append((client, *respondent.walk(ANSWERS, stop_before_last=True)))
        results = _at_once(prepared)
        statuses = sorted(answer.status_code for answer, _shown in results)
        assert statuses == [302, 410], statuses
        for answer, shown in results:
            if answer.status_code == 302:
                assert "Thank you!" in text_of(shown)
            else:
                assert "This code has already been used." in text_of(shown)
        assert _stored(race_app, provider_id) == 1
        with race_app.app_context():
            assert _db.session.scalar(select(OneTimeCode.used_on).where(OneTimeCode.code == code)) == today()
    assert "Unhandled error" not in caplog.text


def test_the_same_draft_submitted_twice_at_once_stores_one_response(race_app, caplog):
    for _ in range(ROUNDS):
        link_code, provider_id, _code = _new_site(race_app)
        client = race_app.test_client()
        respondent = Respondent(client, link_code)
        respondent.start(lang="en")
        last, data = respondent.walk(ANSWERS, stop_before_last=True)
        with client.session_transaction() as session:
            token = session["draft"]
        twin = _same_browser(race_app, _cookie(client))
        results = _at_once([(client, last, data), (twin, last, data)])
        assert [answer.status_code for answer, _shown in results] == [302, 302]
        for _answer, shown in results:
            assert shown.status_code == 200
            assert "Thank you!" in text_of(shown)
        assert _stored(race_app, provider_id) == 1
        with race_app.app_context():
            response = _db.session.scalar(select(Response).where(Response.provider_id == provider_id))
            assert _db.session.scalar(select(func.count()).select_from(Answer)
                                      .where(Answer.response_id == response.id)) == 3
            draft = _db.session.get(SurveyDraft, token)
            assert draft.submitted_at is not None
            assert draft.answers == {}  # the slower twin did not write the answers back
    assert "Unhandled error" not in caplog.text
