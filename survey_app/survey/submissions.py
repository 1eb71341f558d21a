"""Whole questionnaires submitted in one request, as JSON — for offline kiosk apps and other
clients that collect answers themselves (like an XLSForm client posting a finished form).

``POST /s/<link_code>/responses`` with ``{"submission_key": "<uuid>", "language": "kk",
"mode": "kiosk", "answers": {"access_easy": "4", …}}``. The same rules as the web survey apply
(options, skip logic, constraints, text limits); the same key twice stores one response.

Answers: ``201 {"status": "stored"}``; ``200 {"status": "already_stored"}`` for a key stored before;
``4xx {"status": "refused", "message": …}`` (422 with ``errors`` per question) — sending it again will not help;
``503 {"status": "unavailable", …}`` with ``Retry-After`` while the database cannot answer (``survey_app.errors``)
— nothing was stored, send the same body again later.
"""

from __future__ import annotations

import re

from flask import current_app, request
from flask_babel import gettext as _

from survey_app.errors import unavailable_answer
from survey_app.extensions import csrf
from survey_app.i18n import use_language
from survey_app.models.base import today
from survey_app.responses.store import (
    ParticipantChanged,
    ParticipantContext,
    PreparedResponse,
    shown_questions,
    store_submission,
)
from survey_app.responses.validation import check_answers, read_answers
from survey_app.survey import bp
from survey_app.survey.participants import forget, participant_context
from survey_app.survey.services import SurveyUnavailable

MAX_BODY = 64 * 1024
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9:_.-]{8,40}$")
SUBMISSION_MODES = ("web", "kiosk")
CHECKS = 3  # a participant found changed is read again; changed again and again, the client is asked to resend


def _problem(status: int, message: str, **extra):
    return {"status": "refused", "message": message, **extra}, status


@bp.post("/s/<link_code>/responses")
@csrf.exempt  # no cookies, no session: a cross-site request cannot act for anyone
def submit_json(link_code: str):
    payload = request.get_json(silent=True) if (request.content_length or 0) <= MAX_BODY else None
    language = payload.get("language") if isinstance(payload, dict) else None
    if language not in current_app.config["LANGUAGES"]:
        language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    use_language(language)  # errors answered outside this view (the database unavailable) too
    return _submit(link_code, payload, language)


def _submit(link_code: str, payload, language: str):
    if (request.content_length or 0) > MAX_BODY:
        return _problem(413, _("What you sent is too large. Please shorten it and try again."))
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        return _problem(400, _("Send a JSON object with the submission key, the language and the answers."))
    key = payload.get("submission_key")
    if not isinstance(key, str) or not SUBMISSION_KEY.match(key):
        return _problem(400, _("The submission key must be 8 to 40 letters, digits or -_.: characters."))
    mode = payload.get("mode", "web")
    if mode not in SUBMISSION_MODES:
        return _problem(400, _("The mode must be web or kiosk."))
    for _attempt in range(CHECKS):
        try:
            participant, kept = participant_context(link_code)
        except SurveyUnavailable as problem:
            status = 404 if problem.reason == "unknown_link" else 410
            return _problem(status, _("This survey address is not known.") if status == 404
                            else _("This survey is closed. Thank you for wanting to take part."))
        try:
            return _check_and_store(participant, kept, payload["answers"], key, mode, language)
        except ParticipantChanged:  # since it was read: check the answers against it as it is now
            forget(link_code)
    current_app.logger.warning("The participant of %s changed %s times during one submission", link_code, CHECKS)
    return unavailable_answer()  # nothing was stored: the same body may be sent again


def _check_and_store(participant: ParticipantContext, kept: bool, raw: dict, key: str, mode: str, language: str):
    """Check the answers against the participant and store them. A participant ``kept`` in memory may have
    changed since: the store checks that, and a refusal is given only against the participant read now."""
    instrument = participant.instrument
    answers, shown, refusal = _checked(participant, instrument, raw, language)
    if refusal is not None:
        if kept:
            raise ParticipantChanged()
        return refusal
    stored = store_submission(PreparedResponse(participant=participant, answers=answers, language=language,
                                               mode=mode, submitted_on=today(), submission_key=key, shown=shown))
    if stored is None:  # the key was taken: this questionnaire was stored before (a retry)
        return {"status": "already_stored"}, 200
    return {"status": "stored"}, 201


def _checked(participant: ParticipantContext, instrument, raw: dict, language: str):
    """The answers read, the questions they are asked, and the refusal if the instrument's rules refuse them."""
    unknown = sorted(str(name) for name in raw if name not in instrument.questions)
    if unknown:
        return None, None, _problem(422, _("These are not questions of this questionnaire: %(names)s.",
                                           names=", ".join(unknown[:10])))
    answers, problems = read_answers(instrument, raw, codes=False)
    shown = shown_questions(instrument, {**participant.context, **answers})
    problems += check_answers(instrument, participant.context, answers, language,
                              ignore={problem.question for problem in problems}, shown=shown)
    if problems:
        return answers, shown, _problem(422, _("Some answers cannot be stored. Nothing was saved."),
                                        errors=[{"question": p.question, "message": p.message} for p in problems])
    return answers, shown, None
