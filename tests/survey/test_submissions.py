"""Whole questionnaires as JSON: the web survey's rules, stored once per key, refusals translated."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_app.models import Answer, Response
from survey_app.models.base import today

ANSWERS = {"assistance": "self", "access_easy": "4", "access_waiting": "na", "overall_satisfaction": "5",
           "recommend": "9", "comment_good": "Хорошо", "age_band": "60_74"}


def _post(client, participant, key="3f1c7f6e-1111-4c1e-9a3b-123456789abc", answers=None, **extra):
    body = {"submission_key": key, "language": "kk", "mode": "kiosk", "answers": answers or ANSWERS, **extra}
    return client.post(f"/s/{participant.link_code}/responses", json=body)


def _responses(db, participant):
    return db.session.scalars(select(Response).where(Response.provider_id == participant.provider_id)).all()


def test_a_whole_questionnaire_is_stored_like_a_web_one(client, db, participant):
    sent = _post(client, participant)
    assert sent.status_code == 201 and sent.json == {"status": "stored"}
    [response] = _responses(db, participant)
    assert (response.mode, response.language) == ("kiosk", "kk")
    assert (response.age_band, response.assistance) == ("60_74", "self")
    assert response.submitted_on == today()
    answers = dict(db.session.execute(select(Answer.choice, Answer.score).where(Answer.response_id == response.id)
                                      .where(Answer.score.is_not(None))).all())
    assert answers == {"4": 4, "5": 5, "9": 9}


def test_the_same_key_twice_stores_one_response(client, db, participant):
    assert _post(client, participant).status_code == 201
    again = _post(client, participant)
    assert again.status_code == 200 and again.json["status"] == "already_stored"
    assert len(_responses(db, participant)) == 1


def test_answers_are_checked_by_the_instrument_and_refused_in_the_language(client, db, participant):
    refused = _post(client, participant, answers={**ANSWERS, "access_easy": "7", "living_food": "4"})
    assert refused.status_code == 422
    problems = {error["question"]: error["message"] for error in refused.json["errors"]}
    assert set(problems) == {"access_easy", "living_food"}  # off the scale; a module this provider does not ask
    assert "«7»" in problems["access_easy"] or "7" in problems["access_easy"]
    assert refused.json["message"] != "Some answers cannot be stored. Nothing was saved."  # Kazakh, not the source
    assert _responses(db, participant) == []


def test_unknown_questions_are_refused(client, db, participant):
    refused = _post(client, participant, answers={**ANSWERS, "favourite_colour": "blue"})
    assert refused.status_code == 422 and "favourite_colour" in refused.json["message"]


def test_bad_requests_are_refused_without_a_server_error(client, db, participant):
    assert _post(client, participant, key="short").status_code == 400
    assert _post(client, participant, mode="assisted").status_code == 400
    assert client.post(f"/s/{participant.link_code}/responses", data="not json",
                       content_type="application/json").status_code == 400
    assert client.post("/s/NOPE99/responses", json={"submission_key": "x" * 10, "answers": {}}).status_code == 404
    huge = {"submission_key": "k" * 12, "answers": {"comment_good": "я" * 70_000}}
    assert client.post(f"/s/{participant.link_code}/responses", json=huge).status_code == 413
    assert _responses(db, participant) == []


def test_a_closed_campaign_refuses(client, db, site):
    closed = site(starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=1))
    assert _post(client, closed).status_code == 410


def test_no_csrf_token_is_needed_because_no_cookie_is_used(app, client, db, participant, monkeypatch):
    # The endpoint reads no session, so a cross-site request cannot act for anyone; forms still need tokens.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert _post(client, participant).status_code == 201
    assert client.post(f"/s/{participant.link_code}", data={"action": "start"}).status_code == 400


def test_a_participant_that_keeps_changing_asks_for_the_answers_again(client, db, participant, monkeypatch):
    """Each store finds the participant changed since it was read (a campaign edited over and over during one
    request): after three checks the client is told nothing was stored and to send the same body again."""
    from survey_app.responses.store import ParticipantChanged
    from survey_app.survey import submissions

    checks = []

    def changed(_prepared):
        checks.append(1)
        raise ParticipantChanged()

    monkeypatch.setattr(submissions, "store_submission", changed)
    answer = _post(client, participant, language="uk")
    assert (answer.status_code, answer.json["status"], answer.headers["Retry-After"]) == (503, "unavailable", "30")
    assert answer.json["message"].startswith("Зараз не вдалося зберегти відповіді.")
    assert len(checks) == submissions.CHECKS and _responses(db, participant) == []
