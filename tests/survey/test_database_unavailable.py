"""When the database cannot answer — PostgreSQL stopped or restarting, SQLite locked by another writer beyond its busy
timeout — a recipient and a submitting client are told to try again (503, Retry-After) in their language, and the
JSON endpoint answers JSON a client can act on: nothing was stored, send the same key again.

Real databases, really unavailable: a PostgreSQL address where no server listens (what the app sees while the
server restarts: "connection refused"), and an SQLite file another connection holds the write lock of.
"""

from __future__ import annotations

import sqlite3

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login.utils import _create_identifier
from sqlalchemy import func, select

from survey_app import create_app, database
from survey_app.config import TestConfig
from survey_app.errors import RETRY_AFTER_SECONDS
from survey_app.extensions import db as _db
from survey_app.models import InstrumentVersion, Response
from tests.support.clients import RequestContextClient
from tests.survey.conftest import seeded_app
from tests.survey.helpers import make_site

ANSWERS = {"assistance": "self", "access_easy": "4", "overall_satisfaction": "5", "recommend": "9"}
NOTHING_SAVED = ("Your answers could not be stored just now. Nothing was saved: please send them again, with the "
                 "same submission key, in a minute.")


def _unreachable_postgres_app():
    # Port 1 on loopback: nobody listens, so psycopg's connection is refused, as while PostgreSQL restarts.
    application = create_app(TestConfig("postgresql+psycopg://sapa@127.0.0.1:1/sapa?connect_timeout=2"))
    application.test_client_class = RequestContextClient
    return application


def _translated(application, language: str, message: str) -> str:
    with application.test_request_context(), force_locale(language):
        return _(message)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_submission_while_postgres_is_down_answers_503_in_json_with_the_language(language):
    application = _unreachable_postgres_app()
    sent = application.test_client().post("/s/ABCD2345/responses", json={
        "submission_key": "k-unavailable-1", "language": language, "mode": "kiosk", "answers": ANSWERS})
    assert sent.status_code == 503
    assert sent.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert sent.json["status"] == "unavailable"
    assert sent.json["message"] == _translated(application, language, NOTHING_SAVED)
    assert sent.json["message"] != NOTHING_SAVED  # translated, not the English source


def test_a_survey_page_while_postgres_is_down_is_the_unavailable_page_in_the_language():
    application = _unreachable_postgres_app()
    page = application.test_client().get("/s/ABCD2345", headers={"Accept-Language": "uk"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = page.get_data(as_text=True)
    assert _translated(application, "uk", "The system is briefly unavailable") in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_the_api_and_staff_pages_of_a_signed_in_user_while_postgres_is_down_answer_503():
    application = _unreachable_postgres_app()
    client = _signed_in(application)
    answer = client.get("/api/v1/campaigns", headers={"Accept-Language": "ru"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert answer.json["error"] == {"status": 503, "message": _translated(
        application, "ru", "The system is briefly unavailable. Please try again in a minute.")}
    # A staff page for the same signed-in user: the error page, drawn as for someone not signed in (reading the
    # user needs the database), in the browser's language — the page, not a plain-text message.
    page = client.get("/staff/", headers={"Accept-Language": "kk"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert '<html lang="kk">' in text
    assert _translated(application, "kk", "The system is briefly unavailable") in text
    assert _translated(application, "kk", "Go to the home page") in text


def _signed_in(application):
    client = application.test_client()
    # A signed-in session, as Flask-Login records it: the user it names is read from the database on each request.
    with application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": "1:stamp", "_fresh": True, "_id": identifier})
    return client


def test_a_submission_while_sqlite_is_locked_answers_503_and_the_same_key_stores_once_later(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)  # wait 0.2 s for the lock, not 10 s
    path = tmp_path / "locked.sqlite3"
    application = seeded_app(f"sqlite:///{path}")
    with application.app_context():
        version = _db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))
        participant = make_site(version)
        _db.session.commit()
        link_code = participant.link_code
    body = {"submission_key": "k-locked-0001", "language": "ru", "mode": "web", "answers": ANSWERS}
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        refused = application.test_client().post(f"/s/{link_code}/responses", json=body)
        assert refused.status_code == 503, refused.get_data(as_text=True)[:500]
        assert refused.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert refused.json["message"] == _translated(application, "ru", NOTHING_SAVED)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    again = application.test_client().post(f"/s/{link_code}/responses", json=body)
    assert again.status_code == 201
    with application.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Response)
                                  .where(Response.submission_key == "k-locked-0001")) == 1
        _db.engine.dispose()
