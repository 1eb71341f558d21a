"""Whole questionnaires submitted in one request, as JSON — for offline kiosk apps and other
clients that collect answers themselves (like an XLSForm client posting a finished form).

``POST /s/<link_code>/responses`` with ``{"submission_key": "<uuid>", "language": "kk",
"mode": "kiosk", "answers": {"access_easy": "4", …}}``. The same rules as the web survey apply
(options, skip logic, constraints, text limits); the same key twice stores one response.
"""

from __future__ import annotations

import re

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from survey_app.campaigns.codes import normalise_code
from survey_app.extensions import csrf, db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.models import Campaign, CampaignProvider, Provider
from survey_app.models.base import today
from survey_app.responses.store import PreparedResponse, context_values, store_responses
from survey_app.responses.validation import check_answers, read_answers
from survey_app.survey import bp
from survey_app.survey.services import SurveyUnavailable, participant_by_link

MAX_BODY = 64 * 1024
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9:_.-]{8,40}$")
SUBMISSION_MODES = ("web", "kiosk")


def _problem(status: int, message: str, **extra):
    return {"status": "refused", "message": message, **extra}, status


@bp.post("/s/<link_code>/responses")
@csrf.exempt  # no cookies, no session: a cross-site request cannot act for anyone
def submit_json(link_code: str):
    payload = request.get_json(silent=True) if (request.content_length or 0) <= MAX_BODY else None
    language = payload.get("language") if isinstance(payload, dict) else None
    if language not in current_app.config["LANGUAGES"]:
        language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    with force_locale(language):
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
    try:
        _held = _load_participant(link_code)  # kept: the session forgets objects nothing refers to
        participant = participant_by_link(link_code)
    except SurveyUnavailable as problem:
        status = 404 if problem.reason == "unknown_link" else 410
        return _problem(status, _("This survey address is not known.") if status == 404
                        else _("This survey is closed. Thank you for wanting to take part."))
    instrument = compiled_instrument(participant.campaign.instrument_version)
    raw = payload["answers"]
    unknown = sorted(str(name) for name in raw if name not in instrument.questions)
    if unknown:
        return _problem(422, _("These are not questions of this questionnaire: %(names)s.",
                               names=", ".join(unknown[:10])))
    answers, problems = read_answers(instrument, raw, codes=False)
    problems += check_answers(instrument, context_values(participant), answers, language,
                              ignore={problem.question for problem in problems})
    if problems:
        return _problem(422, _("Some answers cannot be stored. Nothing was saved."),
                        errors=[{"question": p.question, "message": p.message} for p in problems])
    stored = store_responses([PreparedResponse(participant=participant, answers=answers, language=language,
                                               mode=mode, submitted_on=today(), submission_key=key)],
                             skip_stored=True)
    if not stored:  # the key was taken: this questionnaire was stored before (a retry)
        return {"status": "already_stored"}, 200
    return {"status": "stored"}, 201


# Built once: building a statement with loader options costs more than running it.
_PARTICIPANT_WITH_CONTEXT = (
    select(CampaignProvider)
    .where(CampaignProvider.link_code == bindparam("link_code"))
    .options(joinedload(CampaignProvider.campaign).joinedload(Campaign.instrument_version),
             joinedload(CampaignProvider.provider).joinedload(Provider.standards))
)


def _load_participant(link_code: str) -> CampaignProvider | None:
    """The participant behind the link with all a submission reads from it (campaign, instrument
    version, provider and its standards) in one query instead of one lazy load each;
    ``participant_by_link`` then applies the survey's rules to it from the session."""
    return db.session.scalars(_PARTICIPANT_WITH_CONTEXT,
                              {"link_code": normalise_code(link_code)[:16]}).unique().one_or_none()
