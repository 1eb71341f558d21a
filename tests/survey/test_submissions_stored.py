"""Whole questionnaires as JSON, with real commits on SQLite and PostgreSQL: what is stored (the profile,
every answer, a safeguarding alert), and one response per key when the same key arrives at once.

The store takes database-specific paths (``ON CONFLICT DO NOTHING``, answers inserted from one JSON parameter on
PostgreSQL), so these run on both databases rather than in the rolled-back SQLite of the other tests.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, select

from survey_app.extensions import db as _db
from survey_app.models import (
    Answer,
    CampaignProvider,
    InstrumentVersion,
    Item,
    RecipientCategory,
    Response,
    SafeguardingAlert,
    ServiceStandard,
)
from survey_app.models.base import today, utcnow
from survey_app.responses.store import PreparedResponse, store_responses
from tests.survey.conftest import seeded_app
from tests.survey.helpers import make_site

ANSWERS = {"assistance": "helped", "access_easy": "4", "access_waiting": "na", "overall_satisfaction": "5",
           "recommend": "9", "comment_good": "Хорошо", "comment_improve": "Санитарка кричит на нас и грубит.",
           "age_band": "75_plus", "sex": "female", "recipient_category": "older_people", "self_rated_health": "2"}


@pytest.fixture(scope="module", params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def stored_app(request, tmp_path_factory):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").create_database("sapa_survey_json")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('json') / 'json.sqlite3'}"
    application = seeded_app(url)
    yield application
    with application.app_context():
        _db.engine.dispose()


def _new_participant(app) -> tuple[str, int]:
    with app.app_context():
        version = _db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))
        participant = make_site(version, setting="residential")
        _db.session.commit()
        return participant.link_code, participant.provider_id


def _post(app, link_code: str, key: str, answers: dict = ANSWERS):
    body = {"submission_key": key, "language": "ru", "mode": "kiosk", "answers": answers}
    return app.test_client().post(f"/s/{link_code}/responses", json=body)


def test_a_questionnaire_is_stored_whole(stored_app):
    link_code, provider_id = _new_participant(stored_app)
    sent = _post(stored_app, link_code, "whole-0000-0001")
    assert sent.status_code == 201 and sent.json == {"status": "stored"}
    with stored_app.app_context():
        [response] = _db.session.scalars(select(Response).where(Response.provider_id == provider_id)).all()
        category = _db.session.scalar(select(RecipientCategory.id).where(RecipientCategory.code == "older_people"))
        assert (response.age_band, response.sex, response.assistance, response.self_rated_health) == (
            "75_plus", "female", "helped", 2)
        assert response.recipient_category_id == category
        stored = dict(_db.session.execute(
            select(Item.name, Answer.choice).join(Item, Item.id == Answer.item_id)
            .where(Answer.response_id == response.id).where(Answer.choice.is_not(None))).all())
        assert stored == {"access_easy": "4", "access_waiting": "na", "overall_satisfaction": "5", "recommend": "9"}
        comments = dict(_db.session.execute(
            select(Item.name, Answer.text).join(Item, Item.id == Answer.item_id)
            .where(Answer.response_id == response.id).where(Answer.text.is_not(None))).all())
        assert comments == {"comment_good": "Хорошо", "comment_improve": "Санитарка кричит на нас и грубит."}
        [alert] = _db.session.scalars(select(SafeguardingAlert).where(SafeguardingAlert.response_id == response.id))
        assert alert.provider_id == provider_id


def test_without_a_category_or_a_comment_nothing_is_made_up(stored_app):
    link_code, provider_id = _new_participant(stored_app)
    plain = {"access_easy": "3", "overall_satisfaction": "4"}
    assert _post(stored_app, link_code, "plain-0000-0001", plain).status_code == 201
    with stored_app.app_context():
        [response] = _db.session.scalars(select(Response).where(Response.provider_id == provider_id)).all()
        assert response.recipient_category_id is None and response.age_band is None
        assert _db.session.scalar(select(func.count()).select_from(Answer)
                                  .where(Answer.response_id == response.id)) == 2
        assert _db.session.scalar(select(func.count()).select_from(SafeguardingAlert)
                                  .where(SafeguardingAlert.response_id == response.id)) == 0


def test_the_same_key_at_once_stores_one_response(stored_app, caplog):
    link_code, provider_id = _new_participant(stored_app)
    senders = 6
    barrier = threading.Barrier(senders, timeout=60)

    def send(_number):
        barrier.wait()
        return _post(stored_app, link_code, "twice-0000-0001")

    with ThreadPoolExecutor(senders) as pool:
        answers = list(pool.map(send, range(senders)))
    assert sorted((answer.status_code, answer.json["status"]) for answer in answers) == (
        [(200, "already_stored")] * (senders - 1) + [(201, "stored")])
    with stored_app.app_context():
        [response_id] = _db.session.scalars(select(Response.id).where(Response.provider_id == provider_id)).all()
        assert _db.session.scalar(select(func.count()).select_from(Answer)
                                  .where(Answer.response_id == response_id)) == 6  # the profile is on the response
        assert _db.session.scalar(select(func.count()).select_from(SafeguardingAlert)
                                  .where(SafeguardingAlert.response_id == response_id)) == 1
    assert "Unhandled error" not in caplog.text


def test_a_batch_keeps_each_answer_with_its_response_and_skips_keys_taken(stored_app):
    link_code, provider_id = _new_participant(stored_app)
    assert _post(stored_app, link_code, "batch-0000-0002").status_code == 201
    with stored_app.app_context():
        from survey_app.survey.services import participant_by_link

        participant = participant_by_link(link_code)
        batch = [PreparedResponse(participant=participant, answers={"overall_satisfaction": str(score)},
                                  language="kk", mode="import", submitted_on=today(),
                                  submission_key=f"batch-0000-000{score}") for score in (1, 2, 3)]
        ids = store_responses(batch, skip_stored=True)
        _db.session.commit()
        assert len(ids) == 2  # batch-0000-0002 was stored before
        scores = dict(_db.session.execute(
            select(Response.submission_key, Answer.score).join(Answer, Answer.response_id == Response.id)
            .where(Response.id.in_(ids))).all())
        assert scores == {"batch-0000-0001": 1, "batch-0000-0003": 3}


def test_answers_arrive_exactly_as_given(stored_app):
    """Answers go to PostgreSQL as one JSON parameter: numbers to the last bit, any text character for character."""
    from survey_app.responses.store import _insert_answers

    link_code, provider_id = _new_participant(stored_app)
    assert _post(stored_app, link_code, "exact-0000-0001", {"overall_satisfaction": "4"}).status_code == 201
    texts = ['quotes " and \' and \\ backslash', "line\nbreak\ttab", "{\"json\": [1, 2]}", "эмодзи 🙂 ñ ü 中文",
             "", "null", "x" * 2000]
    numbers = [0.1, 1e-7, 123456789.123, -42.75, 2.5e8, 1 / 3, 7.0]
    with stored_app.app_context():
        response_id = _db.session.scalar(select(Response.id).where(Response.submission_key == "exact-0000-0001"))
        items = _db.session.scalars(select(Item.id).order_by(Item.id)).all()[:len(texts) + len(numbers)]
        rows = ([{"response_id": response_id, "item_id": item, "choice": None, "score": None, "number": None,
                  "text": value} for item, value in zip(items, texts, strict=False)]
                + [{"response_id": response_id, "item_id": item, "choice": "a b", "score": 3, "number": value,
                    "text": None} for item, value in zip(items[len(texts):], numbers, strict=False)])
        _db.session.execute(Answer.__table__.delete().where(Answer.response_id == response_id))
        _insert_answers(_db.session.connection(), rows)
        _db.session.commit()
        stored = {row.item_id: row for row in _db.session.execute(
            select(Answer.item_id, Answer.choice, Answer.score, Answer.number, Answer.text)
            .where(Answer.response_id == response_id))}
        assert len(stored) == len(rows)
        for row in rows:
            got = stored[row["item_id"]]
            assert (got.choice, got.score, got.text) == (row["choice"], row["score"], row["text"])
            assert got.number == row["number"] and str(got.number) == str(row["number"])


# On PostgreSQL the participant behind a link is kept in memory after the first submission and checked by the
# statement that stores (survey_app.survey.participants): each change below must be seen by the next submission.

def _change(app, link_code: str, change) -> None:
    with app.app_context():
        change(_db.session.scalar(select(CampaignProvider).where(CampaignProvider.link_code == link_code)))
        _db.session.commit()


def _stored_keys(app, provider_id: int) -> list[str]:
    with app.app_context():
        return sorted(_db.session.scalars(select(Response.submission_key).where(Response.provider_id == provider_id)))


def test_a_campaign_closed_since_the_last_submission_refuses_the_next(stored_app):
    link_code, provider_id = _new_participant(stored_app)
    assert _post(stored_app, link_code, "closed-0000-0001").status_code == 201
    _change(stored_app, link_code, lambda participant: setattr(participant.campaign, "closed_at", utcnow()))
    refused = _post(stored_app, link_code, "closed-0000-0002")
    assert refused.status_code == 410
    assert refused.json["message"] == "Этот опрос завершён. Спасибо, что хотели принять участие."
    assert _stored_keys(stored_app, provider_id) == ["closed-0000-0001"]


def test_a_provider_re_described_since_the_last_submission_is_checked_as_it_is_now(stored_app):
    link_code, provider_id = _new_participant(stored_app)  # residential: its module is asked
    assert _post(stored_app, link_code, "moved-0000-0001", {"living_food": "4"}).status_code == 201
    _change(stored_app, link_code, lambda participant: setattr(participant.provider, "setting", "home_care"))
    refused = _post(stored_app, link_code, "moved-0000-0002", {"living_food": "4"})
    assert refused.status_code == 422 and [error["question"] for error in refused.json["errors"]] == ["living_food"]
    assert _post(stored_app, link_code, "moved-0000-0003", {"home_visits_punctual": "5"}).status_code == 201
    with stored_app.app_context():
        stored = _db.session.execute(
            select(Response.submission_key, Item.name).join(Answer, Answer.response_id == Response.id)
            .join(Item, Item.id == Answer.item_id).where(Response.provider_id == provider_id)
            .order_by(Response.submission_key)).all()
    assert [tuple(row) for row in stored] == [("moved-0000-0001", "living_food"),
                                             ("moved-0000-0003", "home_visits_punctual")]


def test_a_standard_added_since_the_last_submission_opens_its_module_at_once(stored_app):
    """Kept in memory, the participant without the standard would refuse these answers: a refusal is given only
    against the participant as it is now."""
    link_code, provider_id = _new_participant(stored_app)
    assert _post(stored_app, link_code, "added-0000-0001").status_code == 201

    def add_standard(participant):
        participant.provider.standards = list(_db.session.scalars(
            select(ServiceStandard).where(ServiceStandard.code.in_(["domestic_violence", "home_based"]))))

    _change(stored_app, link_code, add_standard)
    assert _post(stored_app, link_code, "added-0000-0002", {"victim_confidentiality": "5"}).status_code == 201
    assert _stored_keys(stored_app, provider_id) == ["added-0000-0001", "added-0000-0002"]


@pytest.mark.postgres
def test_on_postgresql_a_submission_is_one_statement(postgres):
    """After the first submission through a link: no read of the participant, the response and its answers
    stored by one statement (then the commit)."""
    app = seeded_app(postgres.create_database("sapa_survey_one_statement"))
    link_code, provider_id = _new_participant(app)
    assert _post(app, link_code, "first-0000-0001").status_code == 201
    with app.app_context():
        engine = _db.engine
    statements = []

    def count(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert _post(app, link_code, "again-0000-0002", {"overall_satisfaction": "5"}).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1 and statements[0].startswith("WITH participant AS")
    assert _stored_keys(app, provider_id) == ["again-0000-0002", "first-0000-0001"]
    with app.app_context():
        _db.engine.dispose()
