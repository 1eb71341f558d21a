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
from sqlalchemy import bindparam, select

from survey_app.campaigns.codes import normalise_code
from survey_app.extensions import csrf, db
from survey_app.i18n import use_language
from survey_app.instruments.runtime import compiled_version
from survey_app.models import Campaign, CampaignProvider, InstrumentVersion, Provider, ServiceStandard
from survey_app.models.base import today
from survey_app.models.campaigns import campaign_open
from survey_app.models.providers import provider_standard
from survey_app.responses.store import ParticipantContext, PreparedResponse, context_values, store_responses
from survey_app.responses.validation import check_answers, read_answers
from survey_app.survey import bp
from survey_app.survey.services import SurveyUnavailable

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
    try:
        participant = _load_participant(link_code)
    except SurveyUnavailable as problem:
        status = 404 if problem.reason == "unknown_link" else 410
        return _problem(status, _("This survey address is not known.") if status == 404
                        else _("This survey is closed. Thank you for wanting to take part."))
    instrument = participant.instrument
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


_CP, _CAMPAIGN, _VERSION, _PROVIDER, _STANDARD = (
    CampaignProvider.__table__, Campaign.__table__, InstrumentVersion.__table__, Provider.__table__,
    ServiceStandard.__table__)
# Built once, and Core columns rather than ORM objects: a submission needs a dozen values of the participant,
# its campaign, instrument version and provider (one row per standard of the provider), not their objects.
_PARTICIPANT = (
    select(_CP.c.id, _CP.c.campaign_id, _CP.c.provider_id, _CAMPAIGN.c.instrument_version_id, _VERSION.c.status,
           _VERSION.c.published_at, _CAMPAIGN.c.country, _CAMPAIGN.c.starts_on, _CAMPAIGN.c.ends_on,
           _CAMPAIGN.c.closed_at, _PROVIDER.c.setting, _STANDARD.c.code)
    .select_from(
        _CP.join(_CAMPAIGN, _CAMPAIGN.c.id == _CP.c.campaign_id)
        .join(_VERSION, _VERSION.c.id == _CAMPAIGN.c.instrument_version_id)
        .join(_PROVIDER, _PROVIDER.c.id == _CP.c.provider_id)
        .outerjoin(provider_standard, provider_standard.c.provider_id == _PROVIDER.c.id)
        .outerjoin(_STANDARD, _STANDARD.c.id == provider_standard.c.service_standard_id))
    .where(_CP.c.link_code == bindparam("link_code"))
)


def _load_participant(link_code: str) -> ParticipantContext:
    """The participant behind the link with all a submission reads from it, in one query; the survey's
    rules of ``participant_by_link`` (unknown link, closed campaign) applied to it."""
    rows = db.session.connection().execute(_PARTICIPANT, {"link_code": normalise_code(link_code)[:16]}).all()
    if not rows:
        raise SurveyUnavailable("unknown_link")
    first = rows[0]
    if not campaign_open(first.starts_on, first.ends_on, first.closed_at, today()):
        raise SurveyUnavailable("closed")
    return ParticipantContext(
        id=first.id, campaign_id=first.campaign_id, provider_id=first.provider_id,
        instrument_version_id=first.instrument_version_id,
        instrument=compiled_version(first.instrument_version_id, first.status, first.published_at),
        # As context_values makes it from the objects.
        context={"provider_setting": first.setting,
                 "provider_standards": " ".join(sorted(row.code for row in rows if row.code is not None)),
                 "country": first.country},
    )
